import { describe, expect, it } from 'vitest';
import { gbnfAccepts, parseGbnf } from './gbnf-sampler.ts';
import { integerRangeExpression, naturalRangeExpression } from './number-range.ts';

function accepts(expression: string) {
  const grammar = parseGbnf(`root ::= ${expression}\n`);
  return (text: string) => gbnfAccepts(grammar, text);
}

describe('integer ranges', () => {
  it('matches exactly the naturals of [low, high] for many ranges', () => {
    const ranges: [number, number][] = [[0, 0], [0, 9], [3, 7], [1, 20], [7, 1234], [99, 100], [10, 99], [0, 255], [101, 999], [45, 3021]];
    for (const [low, high] of ranges) {
      const matches = accepts(naturalRangeExpression(low, high));
      for (let value = 0; value <= 3100; value++) expect(matches(String(value)), `${value} in [${low}, ${high}]`).toBe(value >= low && value <= high);
      expect(matches(`0${low}`)).toBe(false);
    }
  });

  it('matches integers with negative and open bounds, without -0 or leading zeros', () => {
    const cases: [number | undefined, number | undefined][] = [[-5, 5], [-1000, -10], [undefined, -3], [100, undefined], [-12, undefined], [undefined, 7], [undefined, undefined]];
    for (const [minimum, maximum] of cases) {
      const matches = accepts(integerRangeExpression(minimum, maximum));
      for (let value = -1200; value <= 1200; value++) {
        const expected = (minimum === undefined || value >= minimum) && (maximum === undefined || value <= maximum);
        expect(matches(String(value)), `${value} in [${minimum}, ${maximum}]`).toBe(expected);
      }
      expect(matches('-0')).toBe(false);
      expect(matches('007')).toBe(false);
    }
  });

  it('keeps free integers to 15 digits', () => {
    const matches = accepts(integerRangeExpression());
    expect(matches('123456789012345')).toBe(true);
    expect(matches('1234567890123456')).toBe(false);
  });
});
