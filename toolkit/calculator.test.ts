import { describe, expect, it } from 'vitest';
import { calculator } from './calculator.ts';
import { testContext } from './testing/context.ts';

const calculate = (expression: string) => calculator.run({ expression }, testContext());

describe('calculator', () => {
  it('evaluates arithmetic, functions, units and complex numbers', async () => {
    expect(await calculate('(1889 - 1886) * 12')).toBe('36');
    expect(await calculate('0.1 + 0.2')).toBe('0.3');
    expect(await calculate('sqrt(2) ^ 2')).toBe('2');
    expect(await calculate('5 km to mile')).toBe('3.1068559611867 mile');
    expect(await calculate('sqrt(-4)')).toBe('2i');
    expect(await calculate('det([1, 2; 3, 4])')).toBe('-2');
  });

  it('reads the symbols planners copy from prose', async () => {
    expect(await calculate('12 × 3 ÷ 4 − 1')).toBe('8');
    expect(await calculate('2 ** 10')).toBe('1024');
  });

  it('shows every result of several expressions, with a fresh scope per call', async () => {
    // As in MATLAB, ";" hides a result and a new line keeps it.
    expect(await calculate('1 + 1\n2 * 3')).toBe('2; 6');
    expect(await calculate('a = 3; a * 2')).toBe('6');
    await expect(calculate('a * 2')).rejects.toThrow('Undefined symbol a');
  });

  it('refuses the functions that could re-enter the parser or change mathjs', async () => {
    for (const expression of ['import({x: 1})', 'evaluate("1 + 1")', 'parse("1")', 'createUnit("foo")', 'simplify("x + x")', 'derivative("x^2", "x")', 'compile("1")']) {
      await expect(calculate(expression), expression).rejects.toThrow(/is disabled in the calculator/);
    }
  });

  it('explains what to write when the input is a question in words', async () => {
    const error = (await calculate('what is two plus two').catch((caught: unknown) => caught)) as Error & { hint?: string };
    expect(error.message).toBe('calculator failed: could not evaluate "what is two plus two": Undefined symbol what.');
    expect(error.hint).toContain('plain math expression');
  });

  it('rejects function definitions and empty input', async () => {
    await expect(calculate('f(x) = x^2')).rejects.toThrow('calculator failed: the expression defines a function instead of computing a value.');
    await expect(calculate('   ')).rejects.toThrow('calculator failed: the expression is empty.');
  });
});
