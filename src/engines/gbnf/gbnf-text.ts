/** A closed range of Unicode code points. */
export interface CodePointRange {
  from: number;
  to: number;
}

export const maxCodePoint = 0x10ffff;

/**
 * A GBNF string literal for `text`. llama.cpp's parser knows `\\`, `\"`, `\n`, `\r`, `\t` and
 * `\xHH`; everything else printable goes in raw (UTF-8).
 */
export function gbnfLiteral(text: string): string {
  let body = '';
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    if (character === '\\') body += '\\\\';
    else if (character === '"') body += '\\"';
    else if (character === '\n') body += '\\n';
    else if (character === '\r') body += '\\r';
    else if (character === '\t') body += '\\t';
    else if (code < 0x20 || code === 0x7f) body += `\\x${hex(code, 2)}`;
    else body += character;
  }
  return `"${body}"`;
}

/**
 * The GBNF literal for a JSON value written the canonical (JSON.stringify) way; with `ascii`,
 * characters beyond ASCII are written as `\u` escapes.
 */
export function gbnfJsonLiteral(value: unknown, ascii = false): string {
  const json = JSON.stringify(value);
  return gbnfLiteral(ascii ? json.replace(/[\u007f-\uffff]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`) : json);
}

/** A GBNF character class for the given ranges (`negated` writes `[^…]`). */
export function gbnfCharClass(ranges: readonly CodePointRange[], negated = false): string {
  const parts = ranges.map((range) =>
    range.from === range.to ? classCharacter(range.from) : `${classCharacter(range.from)}-${classCharacter(range.to)}`,
  );
  return `[${negated ? '^' : ''}${parts.join('')}]`;
}

// Inside a class llama.cpp does not know `\-` or `\^`, so every character that could mean
// something there is written as a numeric escape.
function classCharacter(code: number): string {
  const isAlphanumeric = (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
  if (isAlphanumeric) return String.fromCodePoint(code);
  if (code <= 0xff) return `\\x${hex(code, 2)}`;
  if (code <= 0xffff) return `\\u${hex(code, 4)}`;
  return `\\U${hex(code, 8)}`;
}

function hex(value: number, width: number): string {
  return value.toString(16).toUpperCase().padStart(width, '0');
}

/** Sorted, merged copy of `ranges`. */
export function normalizeRanges(ranges: readonly CodePointRange[]): CodePointRange[] {
  const sorted = [...ranges].filter((range) => range.from <= range.to).sort((a, b) => a.from - b.from);
  const merged: CodePointRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.from <= last.to + 1) last.to = Math.max(last.to, range.to);
    else merged.push({ ...range });
  }
  return merged;
}

/** Every code point not in `ranges`. */
export function complementRanges(ranges: readonly CodePointRange[]): CodePointRange[] {
  const result: CodePointRange[] = [];
  let next = 0;
  for (const range of normalizeRanges(ranges)) {
    if (range.from > next) result.push({ from: next, to: range.from - 1 });
    next = range.to + 1;
  }
  if (next <= maxCodePoint) result.push({ from: next, to: maxCodePoint });
  return result;
}

/** `ranges` without the code points in `removed`. */
export function subtractRanges(ranges: readonly CodePointRange[], removed: readonly CodePointRange[]): CodePointRange[] {
  const keep = complementRanges(removed);
  const result: CodePointRange[] = [];
  for (const range of normalizeRanges(ranges)) {
    for (const allowed of keep) {
      const from = Math.max(range.from, allowed.from);
      const to = Math.min(range.to, allowed.to);
      if (from <= to) result.push({ from, to });
    }
  }
  return normalizeRanges(result);
}

/** Whether `code` lies in one of `ranges`. */
export function rangesContain(ranges: readonly CodePointRange[], code: number): boolean {
  return ranges.some((range) => code >= range.from && code <= range.to);
}

/**
 * Code points that may stand raw inside a JSON string: not `"`, not `\`, no control characters,
 * no DEL (llama.cpp leaves it out too) and no lone surrogates, which have no UTF-8 form.
 */
export const jsonRawCharacterExclusions: readonly CodePointRange[] = [
  { from: 0x00, to: 0x1f },
  { from: 0x22, to: 0x22 },
  { from: 0x5c, to: 0x5c },
  { from: 0x7f, to: 0x7f },
  { from: 0xd800, to: 0xdfff },
];

/**
 * The raw JSON string characters as explicit ranges. A class written this way (not as `[^…]`)
 * keeps llama.cpp from accepting byte soup: its UTF-8 decoder turns invalid lead bytes such as
 * 0xFB into values above U+10FFFF, which a negated class would let through. `ascii` keeps to
 * printable ASCII, so byte-level tokens cannot assemble invalid or overlong UTF-8 at all.
 */
export function jsonRawCharacterRanges(ascii = false): CodePointRange[] {
  return subtractRanges([{ from: 0x20, to: ascii ? 0x7e : maxCodePoint }], jsonRawCharacterExclusions);
}

/**
 * `expression` as one atom that a repeat or sequence can take: wrapped in parentheses unless it
 * already is a single literal, character class, rule name or parenthesised group.
 */
export function gbnfAtom(expression: string): string {
  return isSingleAtom(expression) ? expression : `(${expression})`;
}

function isSingleAtom(expression: string): boolean {
  if (/^[a-zA-Z0-9-]+$/.test(expression)) return true;
  const end = atomEnd(expression, 0);
  return end === expression.length;
}

// Index just past the atom starting at `start`, or -1 when the text there is not one atom.
function atomEnd(text: string, start: number): number {
  const opening = text[start];
  if (opening === '"') {
    for (let index = start + 1; index < text.length; index++) {
      if (text[index] === '\\') index++;
      else if (text[index] === '"') return index + 1;
    }
    return -1;
  }
  if (opening === '[') {
    for (let index = start + 1; index < text.length; index++) {
      if (text[index] === '\\') index++;
      else if (text[index] === ']') return index + 1;
    }
    return -1;
  }
  if (opening === '(') {
    let depth = 0;
    for (let index = start; index < text.length; index++) {
      const character = text[index];
      if (character === '"' || character === '[') {
        const end = atomEnd(text, index);
        if (end < 0) return -1;
        index = end - 1;
      } else if (character === '(') depth++;
      else if (character === ')' && --depth === 0) return index + 1;
    }
    return -1;
  }
  return -1;
}

/** `expression` ready to stand in a sequence: parenthesised only when it has a top-level `|`. */
export function gbnfSequencePart(expression: string): string {
  let depth = 0;
  for (let index = 0; index < expression.length; index++) {
    const character = expression[index];
    if (character === '"' || character === '[') {
      const end = atomEnd(expression, index);
      if (end < 0) return `(${expression})`;
      index = end - 1;
    } else if (character === '(') depth++;
    else if (character === ')') depth--;
    else if (character === '|' && depth === 0) return `(${expression})`;
  }
  return expression;
}
