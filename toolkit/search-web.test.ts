import { describe, expect, it } from 'vitest';
import brave from './__fixtures__/brave-search.json' with { type: 'json' };
import searxng from './__fixtures__/searxng.json' with { type: 'json' };
import { normaliseWebResults, searchWeb } from './search-web.ts';
import { ToolError } from './shared/tool-error.ts';
import { testContext } from './testing/context.ts';
import { createFakeFetch, jsonResponse, textResponse } from './testing/fake-fetch.ts';

describe('search_web', () => {
  it('asks the SearXNG instance for JSON and lists title, link and snippet', async () => {
    const fake = createFakeFetch((request) => {
      expect(request.url.origin + request.url.pathname).toBe('http://127.0.0.1:8888/search');
      expect(request.url.searchParams.get('q')).toBe('rust 1.80 release date');
      expect(request.url.searchParams.get('format')).toBe('json');
      return jsonResponse(searxng);
    });
    const output = await searchWeb.run(
      { query: 'rust 1.80 release date' },
      testContext({ fetch: fake.fetch, settings: { searxngUrl: 'http://127.0.0.1:8888/' } }),
    );
    expect(output).toBe(
      [
        'Web results for "rust 1.80 release date" (via SearXNG at 127.0.0.1:8888):',
        '',
        '1. Announcing Rust 1.80.0 | Rust Blog',
        '   https://blog.rust-lang.org/2024/07/25/Rust-1.80.0.html',
        '   The Rust team is happy to announce a new version of Rust, 1.80.0. Rust is a programming language empowering everyone to build reliable and efficient software.',
        '',
        '2. 1.80.0 | Rust Changelogs',
        '   https://releases.rs/docs/1.80.0/',
        '   Released on: 25 July, 2024. Branched from master on: 7 June, 2024.',
      ].join('\n'),
    );
    expect(fake.requests[0]?.signal).toBeDefined();
  });

  it('honours the limit', async () => {
    const fake = createFakeFetch(() => jsonResponse(searxng));
    const output = await searchWeb.run({ query: 'rust', limit: 1 }, testContext({ fetch: fake.fetch, settings: { searxngUrl: 'http://127.0.0.1:8888' } }));
    expect(output).toContain('1. Announcing Rust 1.80.0');
    expect(output).not.toContain('2. ');
  });

  it('explains the SearXNG setting when the instance refuses JSON output (403)', async () => {
    const fake = createFakeFetch(() => textResponse('Forbidden', 'text/plain', { status: 403 }));
    const error = (await searchWeb
      .run({ query: 'x' }, testContext({ fetch: fake.fetch, settings: { searxngUrl: 'http://127.0.0.1:8888' } }))
      .catch((caught: unknown) => caught)) as ToolError;
    expect(error.message).toBe('search_web failed: the SearXNG instance refused JSON output (HTTP 403 from 127.0.0.1:8888).');
    expect(error.hint).toContain('search.formats');
  });

  it('fills the proxy template and normalises a key-based API\'s JSON (Brave shape)', async () => {
    const fake = createFakeFetch((request) => {
      expect(request.url.href).toBe('https://search.proxy.example/brave?q=rust%201.80%20%26%20cargo');
      return jsonResponse(brave);
    });
    const output = await searchWeb.run(
      { query: 'rust 1.80 & cargo' },
      testContext({ fetch: fake.fetch, settings: { searchProxyUrl: 'https://search.proxy.example/brave?q={query}' } }),
    );
    expect(output).toContain('Web results for "rust 1.80 & cargo" (via search.proxy.example):');
    expect(output).toContain('1. Announcing Rust 1.80.0 | Rust Blog\n   https://blog.rust-lang.org/2024/07/25/Rust-1.80.0.html\n   The Rust team is happy');
    expect(output).not.toContain('<strong>');
  });

  it('returns a proxy\'s plain text answer as it is', async () => {
    const fake = createFakeFetch(() => textResponse('1. Rust 1.80 was released on 25 July 2024.'));
    const output = await searchWeb.run({ query: 'rust' }, testContext({ fetch: fake.fetch, settings: { searchProxyUrl: 'https://p.example/?q={query}' } }));
    expect(output).toBe('Web search for "rust" (via p.example):\n\n1. Rust 1.80 was released on 25 July 2024.');
  });

  it('without a provider, throws an error that says how to configure one', async () => {
    const error = (await searchWeb.run({ query: 'x' }, testContext()).catch((caught: unknown) => caught)) as ToolError;
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toBe(
      'search_web failed: no web search provider is configured: neither SearXNG URL nor Search proxy URL is set in Settings → Tool settings.',
    );
    expect(error.hint).toContain('In Settings → Tool settings, set SearXNG URL to a SearXNG instance');
    expect(error.hint).toContain('or Search proxy URL to a proxy URL with a {query} placeholder');
  });

  it('rejects a proxy template without {query}', async () => {
    await expect(searchWeb.run({ query: 'x' }, testContext({ settings: { searchProxyUrl: 'https://p.example/search' } }))).rejects.toThrow(
      'search_web failed: the Search proxy URL setting has no {query} placeholder.',
    );
  });

  it('normalises the result shapes of common search APIs', () => {
    expect(normaliseWebResults({ items: [{ title: 'A', link: 'https://a.example', snippet: 'a' }] })).toEqual([
      { title: 'A', url: 'https://a.example', snippet: 'a' },
    ]);
    expect(normaliseWebResults({ organic_results: [{ title: 'B', link: 'https://b.example', snippet: 'b' }] })?.[0]?.url).toBe('https://b.example');
    expect(normaliseWebResults({ webPages: { value: [{ name: 'C', url: 'https://c.example', snippet: 'c' }] } })?.[0]?.title).toBe('C');
    expect(normaliseWebResults([{ title: 'D', href: 'https://d.example', body: 'd' }])?.[0]?.snippet).toBe('d');
    expect(normaliseWebResults({ answer: 'no list' })).toBeUndefined();
  });

  // 1.5 MB of "<", the answer that froze the page for 24 s: a tag regex rescans the rest from each "<".
  it('reads huge or malformed HTML in results and pages in one pass, keeping what it shows', async () => {
    const junk = '<'.repeat(1_500_000);
    const [result] = normaliseWebResults({ results: [{ title: `<b>Big</b> ${junk}`, url: 'https://big.example', content: `<em>Huge</em> ${'<a'.repeat(750_000)}` }] }) ?? [];
    expect(result?.title).toMatch(/^Big <<<+$/);
    expect(result?.snippet).toMatch(/^Huge (<a)+$/);
    expect((result?.title.length ?? 0) + (result?.snippet.length ?? 0)).toBeLessThanOrEqual(8_000);

    const fake = createFakeFetch(() => textResponse(`<p>Rust 1.80</p>${junk}`, 'text/html'));
    const output = await searchWeb.run({ query: 'rust' }, testContext({ fetch: fake.fetch, settings: { searchProxyUrl: 'https://p.example/?q={query}' } }));
    expect(output).toMatch(/^Web search for "rust" \(via p\.example\):\n\nRust 1\.80<<<+/);
    expect(output.length).toBeLessThan(21_000);
  });
});
