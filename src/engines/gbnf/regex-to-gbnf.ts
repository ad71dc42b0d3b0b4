import {
  complementRanges,
  gbnfAtom,
  gbnfCharClass,
  gbnfLiteral,
  jsonRawCharacterRanges,
  normalizeRanges,
  rangesContain,
  subtractRanges,
  type CodePointRange,
} from './gbnf-text.ts';

type RegexNode =
  | { type: 'alternation'; alternatives: RegexNode[] }
  | { type: 'sequence'; items: RegexNode[] }
  | { type: 'repeat'; item: RegexNode; min: number; max?: number }
  | { type: 'characters'; ranges: CodePointRange[] };

/** A JSON Schema `pattern` that this translator cannot express. */
export class UnsupportedPatternError extends Error {}

const digit: CodePointRange[] = [{ from: 0x30, to: 0x39 }];
const word: CodePointRange[] = normalizeRanges([
  { from: 0x30, to: 0x39 },
  { from: 0x41, to: 0x5a },
  { from: 0x5f, to: 0x5f },
  { from: 0x61, to: 0x7a },
]);
const space: CodePointRange[] = normalizeRanges(
  [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]
    .map((code) => ({ from: code, to: code }))
    .concat([{ from: 0x2000, to: 0x200a }]),
);
const lineTerminators: CodePointRange[] = [
  { from: 0x0a, to: 0x0a },
  { from: 0x0d, to: 0x0d },
  { from: 0x2028, to: 0x2029 },
];

/**
 * Translates a JSON Schema `pattern` (ECMAScript regex, `u` mode) into a GBNF expression for
 * the *inside* of a JSON string: each character comes out JSON-escaped where JSON needs it.
 * The result describes strings that match the whole pattern, which also satisfy JSON Schema's
 * "match anywhere" rule. Unbounded repeats get `unboundedLimit` when it is set; `ascii` keeps
 * raw characters to printable ASCII (a lone non-ASCII character is written as a `\u` escape).
 * Throws `UnsupportedPatternError` for lookarounds, back-references and word boundaries.
 */
export function regexToGbnf(pattern: string, options: { unboundedLimit?: number; ascii?: boolean } = {}): string {
  const parser = new RegexParser(pattern);
  const node = parser.parse();
  return emit(node, options.unboundedLimit, jsonRawCharacterRanges(options.ascii ?? false));
}

class RegexParser {
  private index = 0;
  private readonly characters: string[];

  constructor(pattern: string) {
    this.characters = Array.from(pattern);
  }

  parse(): RegexNode {
    const node = this.parseAlternation(true);
    if (this.index < this.characters.length) throw new UnsupportedPatternError(`Unexpected "${this.peek()}" in pattern.`);
    return node;
  }

  private peek(offset = 0): string | undefined {
    return this.characters[this.index + offset];
  }

  private next(): string {
    const character = this.characters[this.index++];
    if (character === undefined) throw new UnsupportedPatternError('The pattern ends too early.');
    return character;
  }

  private parseAlternation(topLevel: boolean): RegexNode {
    const alternatives: RegexNode[] = [this.parseSequence(topLevel)];
    while (this.peek() === '|') {
      this.index++;
      alternatives.push(this.parseSequence(topLevel));
    }
    return alternatives.length === 1 ? (alternatives[0] as RegexNode) : { type: 'alternation', alternatives };
  }

  private parseSequence(topLevel: boolean): RegexNode {
    const items: RegexNode[] = [];
    const start = this.index;
    while (this.index < this.characters.length && this.peek() !== '|' && this.peek() !== ')') {
      const character = this.peek();
      // Anchors are fine at the edges of a top-level alternative: a whole match is wanted anyway.
      if (character === '^') {
        if (!topLevel || this.index !== start) throw new UnsupportedPatternError('"^" inside the pattern is not supported.');
        this.index++;
        continue;
      }
      if (character === '$') {
        this.index++;
        const atEnd = this.index >= this.characters.length || this.peek() === '|';
        if (!topLevel || !atEnd) throw new UnsupportedPatternError('"$" inside the pattern is not supported.');
        continue;
      }
      const atom = this.parseAtom();
      items.push(this.parseQuantifier(atom));
    }
    return items.length === 1 ? (items[0] as RegexNode) : { type: 'sequence', items };
  }

  private parseQuantifier(atom: RegexNode): RegexNode {
    const character = this.peek();
    let min: number;
    let max: number | undefined;
    if (character === '*') [min, max] = [0, undefined];
    else if (character === '+') [min, max] = [1, undefined];
    else if (character === '?') [min, max] = [0, 1];
    else if (character === '{') {
      const rest = this.characters.slice(this.index).join('');
      const match = /^\{(\d+)(,(\d*))?\}/.exec(rest);
      if (!match) throw new UnsupportedPatternError('A "{" that is not a repeat count.');
      min = Number(match[1]);
      max = match[2] === undefined ? min : match[3] ? Number(match[3]) : undefined;
      this.index += Array.from(match[0]).length - 1;
    } else return atom;
    this.index++;
    if (this.peek() === '?') this.index++; // lazy or greedy: the same strings
    return { type: 'repeat', item: atom, min, max };
  }

  private parseAtom(): RegexNode {
    const character = this.next();
    if (character === '(') {
      if (this.peek() === '?') {
        if (this.peek(1) === ':') this.index += 2;
        else if (this.peek(1) === '<' && this.peek(2) !== '=' && this.peek(2) !== '!') {
          const close = this.characters.indexOf('>', this.index);
          if (close < 0) throw new UnsupportedPatternError('Unclosed group name.');
          this.index = close + 1;
        } else throw new UnsupportedPatternError('Lookaround groups are not supported.');
      }
      const inner = this.parseAlternation(false);
      if (this.next() !== ')') throw new UnsupportedPatternError('Unclosed group.');
      return inner;
    }
    if (character === '[') return { type: 'characters', ranges: this.parseClass() };
    if (character === '.') return { type: 'characters', ranges: complementRanges(lineTerminators) };
    if (character === '\\') return { type: 'characters', ranges: this.parseEscape(false) };
    if (character === ')' || character === '*' || character === '+' || character === '?') {
      throw new UnsupportedPatternError(`Unexpected "${character}" in pattern.`);
    }
    const code = character.codePointAt(0) ?? 0;
    return { type: 'characters', ranges: [{ from: code, to: code }] };
  }

  private parseClass(): CodePointRange[] {
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.index++;
    }
    const ranges: CodePointRange[] = [];
    while (this.peek() !== ']') {
      if (this.peek() === undefined) throw new UnsupportedPatternError('Unclosed character class.');
      const low = this.parseClassAtom();
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== undefined && low.length === 1 && low[0]?.from === low[0]?.to) {
        this.index++;
        const high = this.parseClassAtom();
        const from = low[0]?.from ?? 0;
        const to = high.length === 1 && high[0]?.from === high[0]?.to ? (high[0]?.from ?? 0) : -1;
        if (to < from) throw new UnsupportedPatternError('Bad range in character class.');
        ranges.push({ from, to });
      } else ranges.push(...low);
    }
    this.index++;
    const normalized = normalizeRanges(ranges);
    return negated ? complementRanges(normalized) : normalized;
  }

  private parseClassAtom(): CodePointRange[] {
    const character = this.next();
    if (character === '\\') return this.parseEscape(true);
    const code = character.codePointAt(0) ?? 0;
    return [{ from: code, to: code }];
  }

  private parseEscape(inClass: boolean): CodePointRange[] {
    const character = this.next();
    const single = (code: number) => [{ from: code, to: code }];
    switch (character) {
      case 'd':
        return digit;
      case 'D':
        return complementRanges(digit);
      case 'w':
        return word;
      case 'W':
        return complementRanges(word);
      case 's':
        return space;
      case 'S':
        return complementRanges(space);
      case 'n':
        return single(0x0a);
      case 'r':
        return single(0x0d);
      case 't':
        return single(0x09);
      case 'f':
        return single(0x0c);
      case 'v':
        return single(0x0b);
      case '0':
        return single(0);
      case 'b':
        if (inClass) return single(0x08);
        throw new UnsupportedPatternError('Word boundaries are not supported.');
      case 'x': {
        const digits = this.next() + this.next();
        if (!/^[0-9a-fA-F]{2}$/.test(digits)) throw new UnsupportedPatternError('Bad \\x escape.');
        return single(parseInt(digits, 16));
      }
      case 'u': {
        if (this.peek() === '{') {
          const close = this.characters.indexOf('}', this.index);
          const digits = this.characters.slice(this.index + 1, close).join('');
          if (close < 0 || !/^[0-9a-fA-F]{1,6}$/.test(digits)) throw new UnsupportedPatternError('Bad \\u{…} escape.');
          this.index = close + 1;
          return single(parseInt(digits, 16));
        }
        const digits = this.next() + this.next() + this.next() + this.next();
        if (!/^[0-9a-fA-F]{4}$/.test(digits)) throw new UnsupportedPatternError('Bad \\u escape.');
        return single(parseInt(digits, 16));
      }
      default:
        if (/^[1-9kpPcB]$/.test(character)) throw new UnsupportedPatternError(`"\\${character}" is not supported.`);
        return single(character.codePointAt(0) ?? 0);
    }
  }
}

// How a character that JSON must escape is written inside a JSON string.
const jsonEscapes = new Map<number, string>([
  [0x22, '\\"'],
  [0x5c, '\\\\'],
  [0x0a, '\\n'],
  [0x0d, '\\r'],
  [0x09, '\\t'],
  [0x08, '\\b'],
  [0x0c, '\\f'],
]);

function emitCharacters(ranges: readonly CodePointRange[], allowedRaw: readonly CodePointRange[]): string {
  const raw = intersectRanges(ranges, allowedRaw);
  const alternatives: string[] = [];
  if (raw.length === 1 && raw[0]?.from === raw[0]?.to) alternatives.push(gbnfLiteral(String.fromCodePoint(raw[0]?.from ?? 0)));
  else if (raw.length > 0) alternatives.push(gbnfCharClass(raw));
  for (const [code, escape] of jsonEscapes) if (rangesContain(ranges, code)) alternatives.push(gbnfLiteral(escape));
  // A single character that may not stand raw (ASCII mode) can still be written escaped.
  const only = ranges.length === 1 && ranges[0]?.from === ranges[0]?.to ? ranges[0]?.from : undefined;
  if (alternatives.length === 0 && only !== undefined) alternatives.push(gbnfLiteral(unicodeEscape(only)));
  if (alternatives.length === 0) throw new UnsupportedPatternError('A character class that JSON text cannot hold.');
  return alternatives.length === 1 ? (alternatives[0] ?? '') : `(${alternatives.join(' | ')})`;
}

function intersectRanges(ranges: readonly CodePointRange[], allowed: readonly CodePointRange[]): CodePointRange[] {
  return subtractRanges(ranges, complementRanges(allowed));
}

function unicodeEscape(code: number): string {
  const units = code > 0xffff ? [0xd800 + ((code - 0x10000) >> 10), 0xdc00 + ((code - 0x10000) & 0x3ff)] : [code];
  return units.map((unit) => `\\u${unit.toString(16).padStart(4, '0')}`).join('');
}

function emit(node: RegexNode, unboundedLimit: number | undefined, allowedRaw: readonly CodePointRange[]): string {
  switch (node.type) {
    case 'characters':
      return emitCharacters(node.ranges, allowedRaw);
    case 'sequence':
      return node.items.length === 0 ? '""' : node.items.map((item) => emit(item, unboundedLimit, allowedRaw)).join(' ');
    case 'alternation':
      return `(${node.alternatives.map((alternative) => emit(alternative, unboundedLimit, allowedRaw)).join(' | ')})`;
    case 'repeat': {
      const inner = emit(node.item, unboundedLimit, allowedRaw);
      const item = gbnfAtom(inner);
      const max = node.max ?? (unboundedLimit === undefined ? undefined : Math.max(node.min, unboundedLimit));
      if (max === undefined) return node.min === 0 ? `${item}*` : node.min === 1 ? `${item}+` : `${item}{${node.min},}`;
      if (node.min === 0 && max === 1) return `${item}?`;
      if (node.min === max) return `${item}{${max}}`;
      return `${item}{${node.min},${max}}`;
    }
  }
}
