import { gbnfSequencePart } from './gbnf-text.ts';

/** The most digits a free integer may have: JavaScript integers stay exact up to 15–16 digits. */
export const maxIntegerDigits = 15;

const freeNaturalNumber = `("0" | [1-9] [0-9]{0,${maxIntegerDigits - 1}})`;

/**
 * A GBNF expression for the integers in [minimum, maximum] written in canonical JSON form (no
 * leading zeros, no `-0`). Either bound may be missing; free magnitudes get at most
 * `maxIntegerDigits` digits so that a sampler without judgement still stops.
 */
export function integerRangeExpression(minimum?: number, maximum?: number): string {
  const low = minimum === undefined ? undefined : Math.ceil(minimum);
  const high = maximum === undefined ? undefined : Math.floor(maximum);
  if (low === undefined && high === undefined) return `"0" | "-"? [1-9] [0-9]{0,${maxIntegerDigits - 1}}`;
  if (low !== undefined && high !== undefined && low > high) throw new RangeError(`No integer lies in [${minimum}, ${maximum}].`);

  const alternatives: string[] = [];
  // Negative part: "-" followed by a magnitude in [max(1, -high), -low].
  if (low === undefined || low < 0) {
    const magnitudeLow = high === undefined || high >= 0 ? 1 : -high;
    const magnitudeHigh = low === undefined ? undefined : -low;
    alternatives.push(`"-" ${wrap(naturalRangeExpression(magnitudeLow, magnitudeHigh))}`);
  }
  // Non-negative part: [max(0, low), high].
  if (high === undefined || high >= 0) {
    alternatives.push(naturalRangeExpression(Math.max(0, low ?? 0), high));
  }
  return alternatives.length === 1 ? (alternatives[0] ?? '') : alternatives.map(wrap).join(' | ');
}

/** Natural numbers in [low, high] (high may be missing: no upper bound). */
export function naturalRangeExpression(low: number, high?: number): string {
  if (high === undefined) {
    if (low === 0) return freeNaturalNumber;
    const digits = String(low).length;
    const sameLength = digitPatterns(String(low), '9'.repeat(digits));
    const alternatives = [...sameLength];
    if (digits < maxIntegerDigits) alternatives.push(`[1-9] [0-9]{${digits},${maxIntegerDigits - 1}}`);
    return alternatives.join(' | ');
  }
  const alternatives: string[] = [];
  const lowDigits = String(low).length;
  const highDigits = String(high).length;
  for (let length = lowDigits; length <= highDigits; length++) {
    const from = Math.max(low, length === 1 ? 0 : 10 ** (length - 1));
    const to = Math.min(high, 10 ** length - 1);
    if (from <= to) alternatives.push(...digitPatterns(String(from), String(to)));
  }
  return alternatives.join(' | ');
}

/**
 * Sequences of digit classes covering every number between `low` and `high`, two digit strings
 * of the same length (the classic range-to-pattern split).
 */
function digitPatterns(low: string, high: string): string[] {
  if (low === high) return [`"${low}"`];
  if (low.length === 1) return [digitClass(low, high)];
  const lowFirst = low.charAt(0);
  const highFirst = high.charAt(0);
  const lowRest = low.slice(1);
  const highRest = high.slice(1);
  if (lowFirst === highFirst) return digitPatterns(lowRest, highRest).map((pattern) => prefixDigit(lowFirst, pattern));

  const restLength = lowRest.length;
  const anyRest = restLength === 1 ? '[0-9]' : `[0-9]{${restLength}}`;
  const lowRestIsZeros = /^0+$/.test(lowRest);
  const highRestIsNines = /^9+$/.test(highRest);
  const patterns: string[] = [];
  let middleFrom = Number(lowFirst) + 1;
  let middleTo = Number(highFirst) - 1;
  if (lowRestIsZeros) middleFrom--;
  else patterns.push(...digitPatterns(lowRest, '9'.repeat(restLength)).map((pattern) => prefixDigit(lowFirst, pattern)));
  if (highRestIsNines) middleTo++;
  if (middleFrom <= middleTo) patterns.push(`${digitClass(String(middleFrom), String(middleTo))} ${anyRest}`);
  if (!highRestIsNines) patterns.push(...digitPatterns('0'.repeat(restLength), highRest).map((pattern) => prefixDigit(highFirst, pattern)));
  return patterns;
}

function prefixDigit(digit: string, pattern: string): string {
  // "2" "0" reads better as "20".
  return /^"\d+"/.test(pattern) ? `"${digit}${pattern.slice(1)}` : `"${digit}" ${wrap(pattern)}`;
}

function digitClass(low: string, high: string): string {
  return low === high ? `"${low}"` : `[${low}-${high}]`;
}

function wrap(expression: string): string {
  return gbnfSequencePart(expression);
}
