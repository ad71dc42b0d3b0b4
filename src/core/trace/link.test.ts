import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compressTrace, decompressTrace, fetchTraceText, linkedTrace, maximumLinkBytes } from './link.ts';

const demo = readFileSync(new URL('../../../public/demos/tokyo-and-paris.json', import.meta.url), 'utf8');

describe('trace links', () => {
  it('compress a trace into a URL-safe fragment value and read it back exactly', async () => {
    const { value, bytes } = await compressTrace(demo);
    expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(bytes).toBeLessThan(demo.length / 3);
    expect(bytes).toBeLessThanOrEqual(maximumLinkBytes);
    expect(await decompressTrace(value)).toBe(demo);
    const unicode = '{"task": "Évidence 🙂 東京"}';
    expect(await decompressTrace((await compressTrace(unicode)).value)).toBe(unicode);
  });

  it('say so when a link was cut or changed', async () => {
    const { value } = await compressTrace(demo);
    await expect(decompressTrace(value.slice(0, value.length / 2))).rejects.toMatchObject({ name: 'TraceLinkError', message: expect.stringContaining('was cut or changed') });
    await expect(decompressTrace('not base64 at all!')).rejects.toMatchObject({ name: 'TraceLinkError' });
  });

  it('read what a page address asks to open', () => {
    expect(linkedTrace({ href: 'https://stepwise.example/' })).toBeUndefined();
    expect(linkedTrace({ href: 'https://stepwise.example/#trace=abc-_1' })).toEqual({ kind: 'fragment', value: 'abc-_1' });
    expect(linkedTrace({ href: 'https://stepwise.example/app/?trace=demos/run.json' })).toEqual({ kind: 'url', url: new URL('https://stepwise.example/app/demos/run.json') });
    expect(linkedTrace({ href: 'https://stepwise.example/?trace=https%3A%2F%2Ffiles.example%2Frun.json' })).toEqual({ kind: 'url', url: new URL('https://files.example/run.json') });
    expect(() => linkedTrace({ href: 'https://stepwise.example/?trace=javascript:alert(1)' })).toThrow(/not the address of a trace file/);
  });

  it('explain a trace file that cannot be fetched: CORS, no answer, an HTTP error', async () => {
    const url = new URL('https://files.example/run.json');
    const corsRefused: typeof fetch = async (_input, init) => {
      if (init?.mode === 'no-cors') return new Response(null, { status: 200 });
      throw new TypeError('Failed to fetch');
    };
    const location = globalThis.location;
    Object.defineProperty(globalThis, 'location', { value: { origin: 'https://stepwise.example', href: 'https://stepwise.example/' }, configurable: true });
    try {
      await expect(fetchTraceText(url, corsRefused)).rejects.toMatchObject({ message: expect.stringContaining('(CORS)'), hint: expect.stringContaining('Access-Control-Allow-Origin: https://stepwise.example') });
      const down: typeof fetch = async () => {
        throw new TypeError('Failed to fetch');
      };
      await expect(fetchTraceText(url, down)).rejects.toMatchObject({ message: expect.stringContaining('did not answer') });
      await expect(fetchTraceText(url, async () => new Response('nope', { status: 404 }))).rejects.toMatchObject({ message: expect.stringContaining('HTTP 404') });
      expect(await fetchTraceText(url, async () => new Response(demo))).toBe(demo);
    } finally {
      Object.defineProperty(globalThis, 'location', { value: location, configurable: true });
    }
  });
});
