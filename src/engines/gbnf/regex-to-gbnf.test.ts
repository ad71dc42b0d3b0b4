import { describe, expect, it } from 'vitest';
import { GbnfSampler, gbnfAccepts, parseGbnf } from './gbnf-sampler.ts';
import { regexToGbnf, UnsupportedPatternError } from './regex-to-gbnf.ts';

function createRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function grammarFor(pattern: string, limit?: number, ascii = false) {
  return parseGbnf(`root ::= "\\"" ${regexToGbnf(pattern, { unboundedLimit: limit, ascii })} "\\""\n`);
}

describe('regexToGbnf', () => {
  const samplers = new Map<string, GbnfSampler>();
  const patterns = [
    '^caf\\u00e9 \\u{1F600}$',
    '^[A-Z]{2}-\\d{3,4}$',
    '^(foo|bar)+baz?$',
    '[a-z]+@example\\.com',
    '^["\\\\/]{1,3}$',
    '^[^a-z]{2}$',
    '^a.c$',
    '^\\w+(\\s\\w+)*$',
    '^(?:\\+\\d{1,3} )?\\(?\\d{3}\\)?[-. ]?\\d{4}$',
    '^(?<year>\\d{4})-(?<month>0[1-9]|1[0-2])$',
    '^[\\S]{3}\\D\\W$',
    '^a*?b+?c??$',
    '^x{2,}$',
    '^$',
    'abc|^def$',
  ];
  for (const pattern of patterns) {
    it(`writes strings that match ${pattern}`, () => {
      const regex = new RegExp(pattern, 'u');
      for (let index = 0; index < 400; index++) {
        const ascii = index % 2 === 1;
        const sampler = samplers.get(`${pattern}${ascii}`) ?? new GbnfSampler(grammarFor(pattern, 8, ascii), createRandom(pattern.length));
        samplers.set(`${pattern}${ascii}`, sampler);
        const text = sampler.sample();
        if (ascii) expect(text, text).toMatch(/^[\x20-\x7e]*$/);
        const value: unknown = JSON.parse(text);
        expect(typeof value).toBe('string');
        expect(regex.test(value as string), `${text} against ${pattern}`).toBe(true);
      }
    });
  }

  it('accepts the JSON form of matching strings', () => {
    const grammar = grammarFor('^[A-Z]{2}-\\d{3,4}$');
    expect(gbnfAccepts(grammar, '"AB-123"')).toBe(true);
    expect(gbnfAccepts(grammar, '"AB-12"')).toBe(false);
    const quotes = grammarFor('^a"b\\\\c$');
    expect(gbnfAccepts(quotes, '"a\\"b\\\\c"')).toBe(true);
    expect(gbnfAccepts(quotes, '"a"b\\c"')).toBe(false);
  });

  it('refuses a class of only non-ASCII characters in ASCII mode, and allows it otherwise', () => {
    expect(() => regexToGbnf('^[\\u4e00-\\u9fff]{1,4}$', { ascii: true })).toThrow(UnsupportedPatternError);
    const sampler = new GbnfSampler(grammarFor('^[\\u4e00-\\u9fff]{1,4}$'), createRandom(3));
    for (let index = 0; index < 100; index++) expect(JSON.parse(sampler.sample())).toMatch(/^[\u4e00-\u9fff]{1,4}$/u);
  });

  it('refuses lookarounds, back-references and word boundaries', () => {
    for (const pattern of ['^(?=a)a$', '(a)\\1', '\\bword\\b', '^(?!x).$', 'a^b', '[z-a]']) {
      expect(() => regexToGbnf(pattern), pattern).toThrow(UnsupportedPatternError);
    }
  });
});
