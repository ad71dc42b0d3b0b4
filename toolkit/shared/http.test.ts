import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testContext } from '../testing/context.ts';
import { createFakeFetch, jsonResponse, textResponse } from '../testing/fake-fetch.ts';
import { fetchJson, fetchText } from './http.ts';
import { ToolError } from './tool-error.ts';

const request = { toolName: 'demo_tool', url: 'https://api.example/items' };

describe('fetchText and fetchJson', () => {
  it('send the method, headers, body and signal, and read the answer', async () => {
    const fake = createFakeFetch(() => textResponse('ok', 'text/plain; charset=utf-8'));
    const context = testContext({ fetch: fake.fetch });
    const response = await fetchText({ ...request, method: 'POST', headers: { 'x-a': '1' }, body: 'data' }, context);
    expect(response).toMatchObject({ text: 'ok', mediaType: 'text/plain', status: 200, host: 'api.example', cut: false });
    expect(fake.requests[0]).toMatchObject({ method: 'POST', body: 'data', signal: context.signal });
    expect(fake.requests[0]?.headers.get('x-a')).toBe('1');
  });

  it('cut a body larger than the limit while reading', async () => {
    const fake = createFakeFetch(() => textResponse('x'.repeat(10_000)));
    const response = await fetchText({ ...request, maxBytes: 100 }, testContext({ fetch: fake.fetch }));
    expect(response.text).toHaveLength(100);
    expect(response.cut).toBe(true);
  });

  it('decode the charset the server names', async () => {
    const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9]);
    const fake = createFakeFetch(() => new Response(latin1, { headers: { 'content-type': 'text/plain; charset=iso-8859-1' } }));
    expect((await fetchText(request, testContext({ fetch: fake.fetch }))).text).toBe('café');
  });

  it('quote the reason from a JSON error body', async () => {
    const fake = createFakeFetch(() => jsonResponse({ error: { message: 'Invalid API key' } }, { status: 401 }));
    const error = (await fetchText(request, testContext({ fetch: fake.fetch })).catch((caught: unknown) => caught)) as ToolError;
    expect(error.message).toBe('demo_tool failed: HTTP 401 from api.example: Invalid API key');
    expect(error.transient).toBe(false);
    expect(error.hint).toContain('API key');
  });

  it('read an HTTP-date Retry-After', async () => {
    const later = new Date(Date.now() + 120_000).toUTCString();
    const fake = createFakeFetch(() => textResponse('', 'text/plain', { status: 503, headers: { 'retry-after': later } }));
    const error = (await fetchText(request, testContext({ fetch: fake.fetch })).catch((caught: unknown) => caught)) as ToolError;
    expect(error.message).toBe('demo_tool failed: HTTP 503 from api.example');
    expect(error.retryAfterMs).toBeGreaterThan(100_000);
  });

  it('check the JSON shape with zod and say where it differs', async () => {
    const fake = createFakeFetch(() => jsonResponse({ items: [{ id: 'one' }] }));
    const schema = z.object({ items: z.array(z.object({ id: z.number() })) });
    await expect(fetchJson(request, testContext({ fetch: fake.fetch }), schema)).rejects.toThrow(
      'demo_tool failed: api.example answered with JSON of an unexpected shape (items.0.id: Invalid input: expected number, received string).',
    );
  });

  it('report a network failure other than CORS in the same words (the browser cannot tell them apart)', async () => {
    const fake = createFakeFetch(() => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    });
    await expect(fetchText(request, testContext({ fetch: fake.fetch }))).rejects.toThrow(
      /^demo_tool failed: could not reach api\.example \(fetch failed ECONNREFUSED\): the site refused this page's origin \(CORS\) or is offline/,
    );
  });
});
