import { describe, expect, it } from 'vitest';
import { largeTextChars } from '../run/slices.ts';
import { jsonBlob } from './json-body.ts';

describe('jsonBlob', () => {
  it('writes exactly what JSON.stringify writes, small values and long strings alike', async () => {
    const long = `start "quoted"\n\ttabbed \\ back\u0001 ${'évidence 🙂 '.repeat(largeTextChars / 5)} end`;
    const values = [
      { model: 'm', messages: [{ role: 'user', content: 'short' }], stream: true },
      { model: 'm', messages: [{ role: 'system', content: 'rules' }, { role: 'user', content: long }], stop: ['x'] },
      { twice: [long, long.slice(3)], marker: '\u0000not-a-marker:0' },
    ];
    for (const value of values) expect(await (await jsonBlob(value)).text()).toBe(JSON.stringify(value));
  });

  it('keeps a surrogate pair whole where a slice ends', async () => {
    // 🙂 is two UTF-16 units; put one across every slice boundary a 256 Ki slicer could pick.
    const text = `${'a'.repeat(256 * 1024 - 1)}🙂${'b'.repeat(largeTextChars)}`;
    const blob = await jsonBlob({ content: text });
    expect(blob.type).toBe('application/json');
    expect(JSON.parse(await blob.text())).toEqual({ content: text });
    expect(await blob.text()).toBe(JSON.stringify({ content: text }));
  });
});
