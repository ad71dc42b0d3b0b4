/**
 * A reference reader for the GBNF subset that `json-schema-to-gbnf` writes (llama.cpp dialect:
 * literals, character classes, rule names, groups, `* + ?` and `{m}`, `{m,}`, `{m,n}`).
 * Tests use it to draw random sentences from a grammar and to check that texts are accepted,
 * which is how the converter is checked without a model.
 */

type Atom =
  | { type: 'literal'; codes: number[] }
  | { type: 'class'; ranges: [number, number][]; negated: boolean }
  | { type: 'ref'; name: string }
  | { type: 'group'; alternatives: Sequence[] };
interface Item {
  atom: Atom;
  min: number;
  max: number | undefined;
}
type Sequence = Item[];

/** A parsed grammar: rule name → alternatives. */
export type ParsedGbnf = Map<string, Sequence[]>;

/** Parses GBNF text; throws with the line on a syntax error or an undefined rule. */
export function parseGbnf(text: string): ParsedGbnf {
  const rules: ParsedGbnf = new Map();
  const characters = Array.from(text);
  let index = 0;
  const peek = () => characters[index];
  const fail = (message: string): never => {
    const line = characters.slice(0, index).join('').split('\n').length;
    throw new Error(`GBNF line ${line}: ${message}`);
  };
  const skipSpace = (newlines: boolean) => {
    for (;;) {
      const character = peek();
      if (character === '#') while (peek() !== undefined && peek() !== '\n') index++;
      else if (character === ' ' || character === '\t' || (newlines && (character === '\n' || character === '\r'))) index++;
      else return;
    }
  };
  const parseName = (): string => {
    const start = index;
    while (/[a-zA-Z0-9-]/.test(peek() ?? '')) index++;
    if (index === start) fail(`expected a rule name at "${peek()}"`);
    return characters.slice(start, index).join('');
  };
  const parseEscapedCode = (): number => {
    const character = characters[index++];
    if (character !== '\\') return character?.codePointAt(0) ?? fail('unexpected end');
    const escape = characters[index++];
    const hexDigits = (count: number) => {
      const digits = characters.slice(index, index + count).join('');
      if (!new RegExp(`^[0-9a-fA-F]{${count}}$`).test(digits)) fail(`bad escape \\${escape}${digits}`);
      index += count;
      return parseInt(digits, 16);
    };
    switch (escape) {
      case 'x':
        return hexDigits(2);
      case 'u':
        return hexDigits(4);
      case 'U':
        return hexDigits(8);
      case 'n':
        return 0x0a;
      case 'r':
        return 0x0d;
      case 't':
        return 0x09;
      case '\\':
      case '"':
      case '[':
      case ']':
        return escape.codePointAt(0) ?? 0;
      default:
        return fail(`unknown escape \\${escape}`);
    }
  };
  const parseAlternatives = (nested: boolean): Sequence[] => {
    const alternatives: Sequence[] = [parseSequence(nested)];
    while (peek() === '|') {
      index++;
      alternatives.push(parseSequence(nested));
    }
    return alternatives;
  };
  const parseSequence = (nested: boolean): Sequence => {
    const items: Sequence = [];
    for (;;) {
      skipSpace(nested);
      const character = peek();
      if (character === undefined || character === '|' || character === ')' || character === '\n' || character === '\r') return items;
      let atom: Atom;
      if (character === '"') {
        index++;
        const codes: number[] = [];
        while (peek() !== '"') {
          if (peek() === undefined) fail('unclosed literal');
          codes.push(parseEscapedCode());
        }
        index++;
        atom = { type: 'literal', codes };
      } else if (character === '[') {
        index++;
        const negated = peek() === '^';
        if (negated) index++;
        const ranges: [number, number][] = [];
        while (peek() !== ']') {
          if (peek() === undefined) fail('unclosed character class');
          const from = parseEscapedCode();
          if (peek() === '-' && characters[index + 1] !== ']') {
            index++;
            ranges.push([from, parseEscapedCode()]);
          } else ranges.push([from, from]);
        }
        index++;
        atom = { type: 'class', ranges, negated };
      } else if (character === '(') {
        index++;
        const alternatives = parseAlternatives(true);
        skipSpace(true);
        if (peek() !== ')') fail('unclosed group');
        index++;
        atom = { type: 'group', alternatives };
      } else atom = { type: 'ref', name: parseName() };

      let min = 1;
      let max: number | undefined = 1;
      const quantifier = peek();
      if (quantifier === '*') [min, max, index] = [0, undefined, index + 1];
      else if (quantifier === '+') [min, max, index] = [1, undefined, index + 1];
      else if (quantifier === '?') [min, max, index] = [0, 1, index + 1];
      else if (quantifier === '{') {
        const match = /^\{(\d+)(,(\d*))?\}/.exec(characters.slice(index, index + 24).join(''));
        if (!match) fail('bad repeat');
        else {
          min = Number(match[1]);
          max = match[2] === undefined ? min : match[3] ? Number(match[3]) : undefined;
          index += match[0].length;
        }
      }
      items.push({ atom, min, max });
    }
  };

  for (;;) {
    skipSpace(true);
    if (peek() === undefined) break;
    const name = parseName();
    skipSpace(false);
    if (characters.slice(index, index + 3).join('') !== '::=') fail('expected ::=');
    index += 3;
    if (rules.has(name)) fail(`rule ${name} defined twice`);
    rules.set(name, parseAlternatives(false));
  }
  const check = (alternatives: Sequence[]) => {
    for (const sequence of alternatives) {
      for (const item of sequence) {
        if (item.atom.type === 'ref' && !rules.has(item.atom.name)) throw new Error(`GBNF: undefined rule ${item.atom.name}`);
        if (item.atom.type === 'group') check(item.atom.alternatives);
      }
    }
  };
  for (const alternatives of rules.values()) check(alternatives);
  if (!rules.has('root')) throw new Error('GBNF: no root rule');
  return rules;
}

// Characters a negated class may produce: ASCII, escapes' victims and some wide ones.
const negatedClassPool = [
  ...Array.from({ length: 0x7f - 0x20 }, (_, offset) => 0x20 + offset),
  0x09, 0x0a, 0x0d, 0x00, 0x1f, 0x7f, 0xe9, 0xdf, 0xa0, 0x2028, 0x4e2d, 0x1f600,
];

/** Draws random sentences from a grammar, steering to the shortest ones past a budget. */
export class GbnfSampler {
  private readonly minimumLength = new Map<string, number>();

  constructor(
    private readonly rules: ParsedGbnf,
    private readonly random: () => number,
    private readonly budget = 400,
  ) {
    for (const name of rules.keys()) this.minimumLength.set(name, Infinity);
    // Fixpoint of the shortest sentence length of every rule.
    for (let changed = true; changed; ) {
      changed = false;
      for (const [name, alternatives] of rules) {
        const length = this.alternativesLength(alternatives);
        if (length < (this.minimumLength.get(name) ?? Infinity)) {
          this.minimumLength.set(name, length);
          changed = true;
        }
      }
    }
    if (this.minimumLength.get('root') === Infinity) throw new Error('GBNF: root produces no finite sentence');
  }

  /** One random sentence from `root`. */
  sample(): string {
    const output: number[] = [];
    this.sampleAlternatives(this.rules.get('root') ?? [], output, 0);
    return String.fromCodePoint(...output);
  }

  private alternativesLength(alternatives: Sequence[]): number {
    return Math.min(...alternatives.map((sequence) => this.sequenceLength(sequence)));
  }

  private sequenceLength(sequence: Sequence): number {
    let total = 0;
    for (const item of sequence) total += item.min === 0 ? 0 : item.min * this.atomLength(item.atom);
    return total;
  }

  private atomLength(atom: Atom): number {
    switch (atom.type) {
      case 'literal':
        return atom.codes.length;
      case 'class':
        return 1;
      case 'ref':
        return this.minimumLength.get(atom.name) ?? Infinity;
      case 'group':
        return this.alternativesLength(atom.alternatives);
    }
  }

  private sampleAlternatives(alternatives: Sequence[], output: number[], depth: number): void {
    const finite = alternatives.filter((sequence) => this.sequenceLength(sequence) < Infinity);
    let chosen: Sequence | undefined;
    if (output.length > this.budget || depth > 60) {
      chosen = finite.reduce((best, sequence) => (this.sequenceLength(sequence) < this.sequenceLength(best) ? sequence : best));
    } else chosen = finite[Math.floor(this.random() * finite.length)];
    for (const item of chosen ?? []) {
      const overBudget = output.length > this.budget || depth > 60;
      const extra = item.max === undefined ? Math.floor(this.random() * 4) : Math.floor(this.random() * (item.max - item.min + 1));
      const count = overBudget ? item.min : item.min + extra;
      for (let repetition = 0; repetition < count; repetition++) this.sampleAtom(item.atom, output, depth + 1);
    }
  }

  private sampleAtom(atom: Atom, output: number[], depth: number): void {
    switch (atom.type) {
      case 'literal':
        output.push(...atom.codes);
        return;
      case 'class': {
        const inClass = (code: number) => atom.ranges.some(([from, to]) => code >= from && code <= to);
        if (atom.negated) {
          const pool = negatedClassPool.filter((code) => !inClass(code));
          output.push(pool[Math.floor(this.random() * pool.length)] ?? 0x61);
        } else {
          const [from, to] = atom.ranges[Math.floor(this.random() * atom.ranges.length)] ?? [0x61, 0x61];
          let code = from + Math.floor(this.random() * (to - from + 1));
          if (code >= 0xd800 && code <= 0xdfff) code = from;
          output.push(code);
        }
        return;
      }
      case 'ref':
        this.sampleAlternatives(this.rules.get(atom.name) ?? [], output, depth);
        return;
      case 'group':
        this.sampleAlternatives(atom.alternatives, output, depth);
        return;
    }
  }
}

/** Whether the grammar's `root` derives exactly `text` (memoised backtracking; short texts). */
export function gbnfAccepts(rules: ParsedGbnf, text: string): boolean {
  const codes = Array.from(text, (character) => character.codePointAt(0) ?? 0);
  const memo = new Map<string, Set<number>>();

  const ruleEnds = (name: string, start: number): Set<number> => {
    const key = `${name}@${start}`;
    const known = memo.get(key);
    if (known) return known;
    const result = new Set<number>();
    memo.set(key, result); // no left recursion in our grammars; guards against loops anyway
    for (const end of alternativesEnds(rules.get(name) ?? [], start)) result.add(end);
    return result;
  };
  const alternativesEnds = (alternatives: Sequence[], start: number): Set<number> => {
    const ends = new Set<number>();
    for (const sequence of alternatives) for (const end of sequenceEnds(sequence, 0, start)) ends.add(end);
    return ends;
  };
  const sequenceEnds = (sequence: Sequence, itemIndex: number, start: number): Set<number> => {
    const item = sequence[itemIndex];
    if (!item) return new Set([start]);
    const ends = new Set<number>();
    for (const afterItem of itemEnds(item, start)) for (const end of sequenceEnds(sequence, itemIndex + 1, afterItem)) ends.add(end);
    return ends;
  };
  const itemEnds = (item: Item, start: number): Set<number> => {
    let frontier = new Set([start]);
    const ends = new Set<number>();
    if (item.min === 0) ends.add(start);
    for (let count = 1; item.max === undefined || count <= item.max; count++) {
      const next = new Set<number>();
      for (const position of frontier) for (const end of atomEnds(item.atom, position)) if (end > position || item.max !== undefined) next.add(end);
      if (next.size === 0) break;
      if (count >= item.min) for (const end of next) ends.add(end);
      frontier = next;
      if (item.max === undefined && count > codes.length + 1) break;
    }
    return ends;
  };
  const atomEnds = (atom: Atom, start: number): Set<number> => {
    switch (atom.type) {
      case 'literal': {
        for (let offset = 0; offset < atom.codes.length; offset++) if (codes[start + offset] !== atom.codes[offset]) return new Set();
        return new Set([start + atom.codes.length]);
      }
      case 'class': {
        const code = codes[start];
        if (code === undefined) return new Set();
        const inClass = atom.ranges.some(([from, to]) => code >= from && code <= to);
        return inClass !== atom.negated ? new Set([start + 1]) : new Set();
      }
      case 'ref':
        return ruleEnds(atom.name, start);
      case 'group':
        return alternativesEnds(atom.alternatives, start);
    }
  };
  return ruleEnds('root', 0).has(codes.length);
}
