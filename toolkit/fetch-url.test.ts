import { readFileSync } from 'node:fs';
import { DOMParser } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { fetchUrl } from './fetch-url.ts';
import { htmlToText } from './shared/html.ts';
import { ToolError } from './shared/tool-error.ts';
import { testContext } from './testing/context.ts';
import { createFakeFetch, jsonResponse, textResponse, type FakeHandler } from './testing/fake-fetch.ts';

const article = readFileSync(new URL('./__fixtures__/article.html', import.meta.url), 'utf8');
const listing = readFileSync(new URL('./__fixtures__/listing.html', import.meta.url), 'utf8');
const html = 'text/html; charset=utf-8';

function fetchWith(handler: FakeHandler, settings: Record<string, unknown> = {}, args: Record<string, unknown> = { url: 'https://history.example/eiffel' }) {
  const fake = createFakeFetch(handler);
  return { fake, result: fetchUrl.run(args, testContext({ fetch: fake.fetch, settings: { domParser: DOMParser, ...settings } })) };
}

describe('fetch_url', () => {
  it('returns the main article of an HTML page as readable text, without menus, footer or scripts', async () => {
    const { fake, result } = fetchWith(() => textResponse(article, html));
    const output = await result;
    expect(fake.requests[0]?.url.href).toBe('https://history.example/eiffel');
    expect(fake.requests[0]?.headers.get('accept')).toContain('text/html');
    expect(fake.requests[0]?.signal).toBeDefined();
    expect(output).toMatch(/^Title: How the Eiffel Tower was built/);
    expect(output).toContain('URL: https://history.example/eiffel');
    expect(output).toContain('The Eiffel Tower was built between 1887 and 1889');
    expect(output).toContain('## Construction');
    expect(output).toContain('- First platform reached: April 1888\n- Second platform reached: August 1888');
    expect(output).not.toContain('About us');
    expect(output).not.toContain('newsletter');
    expect(output).not.toContain('tracking');
    expect(output).not.toContain('font-family');
  });

  it('falls back to the body text of a page that is not an article', async () => {
    const output = await fetchWith(() => textResponse(listing, html)).result;
    expect(output).toBe('Title: Opening hours\nURL: https://history.example/eiffel\n\n# Opening hours\n\nMon–Fri 9:00–18:00\n\nSat 10:00–14:00');
  });

  it('returns plain text and JSON as they are', async () => {
    expect(await fetchWith(() => textResponse('User-agent: *\nDisallow: /private')).result).toBe(
      'URL: https://history.example/eiffel\nType: text/plain\n\nUser-agent: *\nDisallow: /private',
    );
    expect(await fetchWith(() => jsonResponse({ height: 330 })).result).toBe('URL: https://history.example/eiffel\nType: application/json\n\n{"height":330}');
  });

  it('refuses binary files and non-web URLs', async () => {
    await expect(fetchWith(() => new Response(new Uint8Array([37, 80, 68, 70]), { headers: { 'content-type': 'application/pdf' } })).result).rejects.toThrow(
      'fetch_url failed: https://history.example/eiffel is a file of type application/pdf, not a page; fetch_url reads only HTML, text and JSON.',
    );
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'ftp://example.org/x']) {
      const error = await fetchWith(() => textResponse('x'), {}, { url }).result.catch((caught: unknown) => caught);
      expect(error, url).toBeInstanceOf(ToolError);
      expect((error as Error).message).toMatch(/must be an http or https URL/);
    }
  });

  it('adds https:// to a bare address', async () => {
    const { fake, result } = fetchWith(() => textResponse('ok'), {}, { url: 'example.org/about' });
    await result;
    expect(fake.requests[0]?.url.href).toBe('https://example.org/about');
  });

  it('goes through the fetch proxy when one is set, reporting the original URL', async () => {
    const { fake, result } = fetchWith(() => textResponse(article, html), { fetchProxyUrl: 'https://proxy.example/fetch?url={url}' });
    const output = await result;
    expect(fake.requests[0]?.url.origin).toBe('https://proxy.example');
    expect(fake.requests[0]?.url.searchParams.get('url')).toBe('https://history.example/eiffel');
    expect(output).toContain('URL: https://history.example/eiffel');
  });

  it('cuts long pages at the Page text limit setting with a note that names it', async () => {
    const output = await fetchWith(() => textResponse(article, html), { maxFetchChars: '600' }).result;
    expect(output).toMatch(/\[… truncated: [\d,]+ of [\d,]+ characters cut\]\n\[Raise Settings → Tool settings → Page text limit to read more of the page\.\]$/);
    expect(output.indexOf('[… truncated')).toBe(600 + 1);
  });

  it('cuts at the maxChars of the call instead when one is given, and says to ask for more', async () => {
    const output = await fetchWith(() => textResponse(article, html), { maxFetchChars: '100000' }, { url: 'https://history.example/eiffel', maxChars: 500 }).result;
    expect(output.indexOf('[… truncated')).toBe(500 + 1);
    expect(output).toMatch(/\n\[Call fetch_url again with a larger maxChars \(at most 200000\) to read more of the page\.\]$/);
    const text = await fetchWith(() => textResponse('x'.repeat(2_000)), {}, { url: 'https://history.example/notes.txt', maxChars: 500 }).result;
    expect(text).toMatch(/characters cut\]\n\[Call fetch_url again with a larger maxChars/);
  });

  it('reads pages without a DOMParser (a worker) by stripping tags', async () => {
    const text = await htmlToText(listing, undefined);
    expect(text).toEqual({ title: 'Opening hours', text: 'Opening hours\nMon–Fri 9:00–18:00\nSat 10:00–14:00', source: 'markup' });
  });

  // Without a DOMParser (a worker) the page's markup is scanned; 1.5 MB of unclosed "<", "<title>"
  // or "<script>" took the regexes of that path minutes, rescanning the rest from each.
  it('reads pathological pages without a DOMParser in one pass', async () => {
    for (const junk of ['<'.repeat(1_500_000), '<title>'.repeat(200_000), '<script>'.repeat(200_000), '<body'.repeat(300_000)]) {
      const fake = createFakeFetch(() => textResponse(`<!doctype html>${junk}`, html));
      const output = await fetchUrl.run({ url: 'https://junk.example/' }, testContext({ fetch: fake.fetch }));
      expect(output.startsWith('URL: https://junk.example/\n\n'), junk.slice(0, 8)).toBe(true);
      expect(output.length).toBeLessThan(20_200);
    }
  });
});
