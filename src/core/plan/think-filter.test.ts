import { describe, expect, it } from 'vitest';
import { ThinkFilter } from './think-filter.ts';

function filterInChunks(text: string, sizes: number[]): { text: string; resetAt?: number } {
  const filter = new ThinkFilter();
  let output = '';
  let resetAt: number | undefined;
  let index = 0;
  for (let chunk = 0; index < text.length; chunk++) {
    const size = sizes[chunk % sizes.length] ?? 1;
    const part = filter.push(text.slice(index, index + size));
    if (part.resetAt !== undefined) resetAt = output.length + part.resetAt;
    output += part.text;
    index += size;
  }
  const last = filter.finish();
  if (last.resetAt !== undefined) resetAt = output.length + last.resetAt;
  output += last.text;
  return resetAt === undefined ? { text: output } : { text: output, resetAt };
}

describe('ThinkFilter', () => {
  it('blanks reasoning but keeps its line breaks', () => {
    expect(filterInChunks('a<think>b\nc</think>d', [100])).toEqual({ text: 'a        \n         d' });
    expect(filterInChunks('<thinking>x</thinking>y', [100]).text).toBe(`${' '.repeat(22)}y`);
  });

  it('turns CRLF and lone CR into LF', () => {
    expect(filterInChunks('a\r\nb\rc', [100]).text).toBe('a\nb\nc');
  });

  it('gives the same text however the chunks are split', () => {
    const text = 'x <thin <think>a\r\n</thi</think>\r\r\n<th <b>\n</think> tail <think>open';
    const whole = filterInChunks(text, [text.length]);
    for (const sizes of [[1], [2], [3], [1, 5], [7, 2, 1]]) expect(filterInChunks(text, sizes)).toEqual(whole);
    expect(whole.text.endsWith(` tail ${' '.repeat('<think>open'.length)}`)).toBe(true);
    expect(whole.resetAt).toBeDefined();
  });

  it('marks where a </think> closed reasoning that was never opened', () => {
    expect(filterInChunks('draft\n</think>\nplan', [3])).toEqual({ text: 'draft\n        \nplan', resetAt: 14 });
  });

  it('reports an unclosed block at the end', () => {
    const filter = new ThinkFilter();
    filter.push('<think>still thinking');
    filter.finish();
    expect(filter.endsInsideThink).toBe(true);
    expect(filter.sawThink).toBe(true);
  });
});
