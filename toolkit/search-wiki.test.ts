import { describe, expect, it } from 'vitest';
import search from './__fixtures__/wiki-search.json' with { type: 'json' };
import extracts from './__fixtures__/wiki-extracts.json' with { type: 'json' };
import empty from './__fixtures__/wiki-search-empty.json' with { type: 'json' };
import mediaWikiError from './__fixtures__/wiki-error.json' with { type: 'json' };
import { articleUrl, searchWiki } from './search-wiki.ts';
import { ToolError } from './shared/tool-error.ts';
import { testContext } from './testing/context.ts';
import { createFakeFetch, jsonResponse, type RecordedRequest } from './testing/fake-fetch.ts';

function wikipedia(answers: { search?: unknown; extracts?: unknown } = {}) {
  return createFakeFetch((request: RecordedRequest) => {
    const parameters = request.url.searchParams;
    expect(request.url.pathname).toBe('/w/api.php');
    expect(parameters.get('origin')).toBe('*');
    expect(parameters.get('format')).toBe('json');
    expect(parameters.get('action')).toBe('query');
    if (parameters.get('list') === 'search') return jsonResponse(answers.search ?? search);
    if (parameters.get('prop') === 'extracts') return jsonResponse(answers.extracts ?? extracts);
    throw new Error(`Unexpected request ${request.url.href}`);
  });
}

describe('search_wiki', () => {
  it('searches, then reads the introductions of the top results in search order', async () => {
    const fake = wikipedia();
    const output = await searchWiki.run({ query: 'Eiffel Tower' }, testContext({ fetch: fake.fetch }));

    expect(fake.requests).toHaveLength(2);
    const [searchRequest, extractRequest] = fake.requests;
    expect(searchRequest?.url.host).toBe('en.wikipedia.org');
    expect(searchRequest?.url.searchParams.get('srsearch')).toBe('Eiffel Tower');
    expect(searchRequest?.url.searchParams.get('srlimit')).toBe('3');
    expect(extractRequest?.url.searchParams.get('titles')).toBe('Eiffel Tower|Gustave Eiffel|Eiffel Tower replicas and derivatives');
    expect(extractRequest?.url.searchParams.has('exintro')).toBe(true);
    expect(extractRequest?.url.searchParams.has('explaintext')).toBe(true);
    expect(fake.requests.every((request) => request.signal !== undefined)).toBe(true);

    expect(output).toContain('Wikipedia (en) results for "Eiffel Tower"');
    expect(output).toContain('1. Eiffel Tower\n   https://en.wikipedia.org/wiki/Eiffel_Tower\n   The Eiffel Tower ( EYE-fəl;');
    expect(output).toContain('2. Gustave Eiffel');
    expect(output).toContain('15 December 1832');
    // No extract: the search snippet stands in, without its highlight markup.
    expect(output).toContain('3. Eiffel Tower replicas and derivatives');
    expect(output).toContain('the Eiffel Tower has been the inspiration');
    expect(output).not.toContain('<span');
  });

  it('uses the language from settings and the requested limit', async () => {
    const fake = wikipedia();
    const output = await searchWiki.run({ query: '埃菲尔铁塔', limit: 5 }, testContext({ fetch: fake.fetch, settings: { wikiLanguage: 'zh' } }));
    expect(fake.requests[0]?.url.host).toBe('zh.wikipedia.org');
    expect(fake.requests[0]?.url.searchParams.get('srsearch')).toBe('埃菲尔铁塔');
    expect(fake.requests[0]?.url.searchParams.get('srlimit')).toBe('5');
    expect(output).toContain('https://zh.wikipedia.org/wiki/Eiffel_Tower');
  });

  it('says when nothing matches, with Wikipedia\'s suggestion, without a second request', async () => {
    const fake = wikipedia({ search: empty });
    const output = await searchWiki.run({ query: 'eifel towr' }, testContext({ fetch: fake.fetch }));
    expect(output).toBe('No Wikipedia (en) article matches "eifel towr". Wikipedia suggests searching for "eiffel tower" instead.');
    expect(fake.requests).toHaveLength(1);
  });

  it('turns a MediaWiki error answer into a clear error', async () => {
    const fake = wikipedia({ search: mediaWikiError });
    await expect(searchWiki.run({ query: 'x' }, testContext({ fetch: fake.fetch }))).rejects.toThrow(
      'search_wiki failed: en.wikipedia.org answered with a MediaWiki error: The "srsearch" parameter must be set.',
    );
  });

  it('rejects a language setting that is not a language code', async () => {
    const error = await searchWiki.run({ query: 'x' }, testContext({ settings: { wikiLanguage: 'evil.com/x?' } })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).message).toBe('search_wiki failed: "evil.com/x?" is not a Wikipedia language code.');
  });

  it('reports an answer of the wrong shape', async () => {
    const fake = wikipedia({ search: { query: { search: 'nope' } } });
    await expect(searchWiki.run({ query: 'x' }, testContext({ fetch: fake.fetch }))).rejects.toThrow(
      /search_wiki failed: en\.wikipedia\.org answered with JSON of an unexpected shape \(query\.search: /,
    );
  });

  it('builds readable article URLs', () => {
    expect(articleUrl('en', 'AC/DC')).toBe('https://en.wikipedia.org/wiki/AC/DC');
    expect(articleUrl('en', 'Talk:Hello world?')).toBe('https://en.wikipedia.org/wiki/Talk:Hello_world%3F');
  });

  it('reads a huge or malformed search snippet in one pass when an article has no introduction', async () => {
    const snippet = `The <span class="searchmatch">Big</span> one ${'<'.repeat(1_500_000)}`;
    const fake = wikipedia({ search: { query: { search: [{ ns: 0, title: 'Big', pageid: 1, snippet }] } }, extracts: { query: { pages: [{ pageid: 1, ns: 0, title: 'Big' }] } } });
    const output = await searchWiki.run({ query: 'big' }, testContext({ fetch: fake.fetch }));
    expect(output).toMatch(/^Wikipedia \(en\) results for "big":\n\n1\. Big\n {3}https:\/\/en\.wikipedia\.org\/wiki\/Big\n {3}The Big one <<<+…$/);
    expect(output.length).toBeLessThan(2_000);
  });
});
