// Every message, hint and note a tool can show names the places and labels a person sees in the
// app (`Settings → Tool settings → SearXNG URL`), never a setting's internal key (`searxngUrl`),
// and counts read in the right number ("1 byte", "2,001 characters").
import { DOMParser } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMcpFixtureServer, type McpFixtureServer } from '../e2e/fixtures/mcp-server.ts';
import type { ChatEngine } from '../src/core/llm/types.ts';
import { StepwiseError } from '../src/core/errors.ts';
import type { Tool, ToolContext } from '../src/core/tools/types.ts';
import { calculator } from './calculator.ts';
import { createCustomTool } from './custom-tool.ts';
import { fetchUrl } from './fetch-url.ts';
import { llm } from './llm.ts';
import { contentToText, createMcpConnection, type McpServerConfig } from './mcp.ts';
import { saveFile } from './save-file.ts';
import { searchBilibili } from './search-bilibili.ts';
import { searchWeb } from './search-web.ts';
import { searchWiki } from './search-wiki.ts';
import { customToolLabels, mcpServerLabels, places, plannerLabels, settingPlace, toolSettingDescriptions } from './shared/places.ts';
import { countOf } from './shared/text.ts';
import { testContext } from './testing/context.ts';
import { corsRefusal, createFakeFetch, jsonResponse, textResponse, type FakeHandler } from './testing/fake-fetch.ts';

/** Keys of settings: the string ones of the settings form, and those the app passes without an input. */
const internalKeys = [...toolSettingDescriptions.map((setting) => setting.key), 'saveFile', 'domParser'];

/** Every place a message may name, from the deepest: a place followed by another " → " is not one. */
const knownPlaces = [
  ...toolSettingDescriptions.map((setting) => `${places.toolSettings} → ${setting.label}`),
  ...Object.values(places),
].sort((a, b) => b.length - a.length);

/** What is wrong with the way a text names places and settings; empty when nothing is. */
function problemsOf(text: string): string[] {
  const problems: string[] = [];
  for (const key of internalKeys) {
    if (new RegExp(`\\b${key}\\b`).test(text)) problems.push(`names the internal key ${key}`);
  }
  for (const match of text.matchAll(/\b(Settings|Tools) →/g)) {
    const rest = text.slice(match.index);
    const place = knownPlaces.find((candidate) => rest.startsWith(candidate));
    if (!place) problems.push(`names a place the app does not have: "${rest.slice(0, 50)}"`);
    else if (rest.slice(place.length).startsWith(' →')) problems.push(`names a label the app does not have: "${rest.slice(0, 70)}"`);
  }
  if (/\b1 [a-z]+s\b/.test(text.replace(/\b1 (of|plus|is|was|has)\b/g, ''))) problems.push('counts 1 with a plural noun');
  return problems;
}

interface Outcome {
  /** The error's message and hint, or the tool's output. */
  text: string;
  error?: StepwiseError;
}

async function outcome(run: Promise<string>): Promise<Outcome> {
  try {
    return { text: await run };
  } catch (error) {
    if (!(error instanceof StepwiseError)) throw error;
    return { text: `${error.message}\n${error.hint ?? ''}`, error };
  }
}

function runTool(tool: Tool, args: Record<string, unknown>, settings: ToolContext['settings'], handler?: FakeHandler): Promise<Outcome> {
  const fetch = handler ? createFakeFetch(handler).fetch : undefined;
  return outcome(tool.run(args, testContext({ settings: { domParser: DOMParser, ...settings }, ...(fetch ? { fetch } : {}) })));
}

const notFound = () => textResponse('Not Found', 'text/plain', { status: 404 });
const unauthorized = () => jsonResponse({ error: 'invalid key' }, { status: 401 });

const emptyEngine: ChatEngine = {
  id: 'fake',
  label: 'Fake model',
  async chat() {
    return { text: '', reasoning: '', finishReason: 'length', timing: { totalMs: 1 } };
  },
};
const cutEngine: ChatEngine = { ...emptyEngine, chat: async () => ({ text: 'Because', reasoning: '', finishReason: 'length', timing: { totalMs: 1 } }) };

const weather = createCustomTool({
  name: 'weather',
  description: 'Gives the weather for a city (the input).',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  sideEffects: false,
  request: { method: 'GET', url: 'https://api.weather.example/v1/now?city={{city}}', headers: { 'x-api-key': 'k' } },
  extract: { kind: 'json-path', path: '$.summary' },
});

const searxng = { searxngUrl: 'http://127.0.0.1:8888' };
const searchProxy = { searchProxyUrl: 'https://search.proxy.example/{query}/json' };
const bilibiliProxy = { bilibiliProxyUrl: 'https://bili.proxy.example/search?keyword={query}' };
const fetchProxy = { fetchProxyUrl: 'https://fetch.proxy.example/?url={url}' };

interface Scenario {
  name: string;
  outcome: () => Promise<Outcome>;
  /** Whether the tool must fail (true) or answer (false). */
  fails: boolean;
  /** Places and labels the text must name. */
  names: readonly string[];
}

const scenarios: Scenario[] = [
  // search_web
  { name: 'search_web without a provider', fails: true, outcome: () => runTool(searchWeb, { query: 'x' }, {}), names: [places.toolSettings, 'SearXNG URL', 'Search proxy URL'] },
  { name: 'search_web with a SearXNG URL that does not parse', fails: true, outcome: () => runTool(searchWeb, { query: 'x' }, { searxngUrl: 'not a url' }), names: [settingPlace('searxngUrl')] },
  { name: 'search_web with a SearXNG URL that is not http', fails: true, outcome: () => runTool(searchWeb, { query: 'x' }, { searxngUrl: 'ftp://searx.example' }), names: [settingPlace('searxngUrl')] },
  { name: 'search_web: SearXNG refused by CORS', fails: true, outcome: () => runTool(searchWeb, { query: 'x' }, searxng, corsRefusal), names: [settingPlace('searxngUrl'), 'Search proxy URL'] },
  { name: 'search_web: SearXNG answers 404', fails: true, outcome: () => runTool(searchWeb, { query: 'x' }, searxng, notFound), names: [settingPlace('searxngUrl')] },
  { name: 'search_web: SearXNG answers 401', fails: true, outcome: () => runTool(searchWeb, { query: 'x' }, searxng, unauthorized), names: [settingPlace('searxngUrl')] },
  { name: 'search_web: proxy template without {query}', fails: true, outcome: () => runTool(searchWeb, { query: 'x' }, { searchProxyUrl: 'https://p.example/search' }), names: [settingPlace('searchProxyUrl')] },
  { name: 'search_web: proxy template that is not a URL', fails: true, outcome: () => runTool(searchWeb, { query: 'x' }, { searchProxyUrl: 'p.example/?q={query}' }), names: [settingPlace('searchProxyUrl')] },
  { name: 'search_web: a query that climbs up the proxy path', fails: true, outcome: () => runTool(searchWeb, { query: '..' }, searchProxy), names: ['Search proxy URL'] },
  { name: 'search_web: proxy refused by CORS', fails: true, outcome: () => runTool(searchWeb, { query: 'x' }, searchProxy, corsRefusal), names: [settingPlace('searchProxyUrl')] },
  { name: 'search_web: proxy answers 404', fails: true, outcome: () => runTool(searchWeb, { query: 'x' }, searchProxy, notFound), names: [settingPlace('searchProxyUrl')] },
  { name: 'search_web: proxy answers 401', fails: true, outcome: () => runTool(searchWeb, { query: 'x' }, searchProxy, unauthorized), names: [settingPlace('searchProxyUrl')] },
  // search_wiki
  { name: 'search_wiki with a language that is not a code', fails: true, outcome: () => runTool(searchWiki, { query: 'x' }, { wikiLanguage: 'english!' }), names: [settingPlace('wikiLanguage')] },
  { name: 'search_wiki unreachable', fails: true, outcome: () => runTool(searchWiki, { query: 'x' }, {}, corsRefusal), names: [settingPlace('wikiLanguage')] },
  { name: 'search_wiki: HTTP 429', fails: true, outcome: () => runTool(searchWiki, { query: 'x' }, {}, () => textResponse('', 'text/plain', { status: 429 })), names: [] },
  // search_bilibili
  { name: 'search_bilibili without a proxy', fails: false, outcome: () => runTool(searchBilibili, { query: 'x' }, {}), names: [settingPlace('bilibiliProxyUrl')] },
  { name: 'search_bilibili: proxy template without {query}', fails: true, outcome: () => runTool(searchBilibili, { query: 'x' }, { bilibiliProxyUrl: 'https://b.example/' }), names: [settingPlace('bilibiliProxyUrl')] },
  { name: 'search_bilibili: proxy refused by CORS', fails: true, outcome: () => runTool(searchBilibili, { query: 'x' }, bilibiliProxy, corsRefusal), names: [settingPlace('bilibiliProxyUrl')] },
  { name: 'search_bilibili: proxy answers 404', fails: true, outcome: () => runTool(searchBilibili, { query: 'x' }, bilibiliProxy, notFound), names: [settingPlace('bilibiliProxyUrl')] },
  { name: 'search_bilibili: proxy answers 401', fails: true, outcome: () => runTool(searchBilibili, { query: 'x' }, bilibiliProxy, unauthorized), names: [settingPlace('bilibiliProxyUrl')] },
  {
    name: 'search_bilibili: bilibili answers with an error code',
    fails: true,
    outcome: () => runTool(searchBilibili, { query: 'x' }, bilibiliProxy, () => jsonResponse({ code: -400, message: 'bad request' })),
    names: [settingPlace('bilibiliProxyUrl')],
  },
  // fetch_url
  { name: 'fetch_url: site refused by CORS, no proxy', fails: true, outcome: () => runTool(fetchUrl, { url: 'https://example.org/' }, {}, corsRefusal), names: [settingPlace('fetchProxyUrl')] },
  { name: 'fetch_url: proxy template without {url}', fails: true, outcome: () => runTool(fetchUrl, { url: 'https://example.org/' }, { fetchProxyUrl: 'https://f.example/' }), names: [settingPlace('fetchProxyUrl')] },
  { name: 'fetch_url: proxy refused by CORS', fails: true, outcome: () => runTool(fetchUrl, { url: 'https://example.org/' }, fetchProxy, corsRefusal), names: [settingPlace('fetchProxyUrl')] },
  { name: 'fetch_url: proxy answers 404', fails: true, outcome: () => runTool(fetchUrl, { url: 'https://example.org/' }, fetchProxy, notFound), names: [settingPlace('fetchProxyUrl')] },
  { name: 'fetch_url: site answers 404, no proxy', fails: true, outcome: () => runTool(fetchUrl, { url: 'https://example.org/' }, {}, notFound), names: [] },
  {
    name: 'fetch_url: a page longer than the Page text limit',
    fails: false,
    outcome: () => runTool(fetchUrl, { url: 'https://example.org/' }, { maxFetchChars: '500' }, () => textResponse('word '.repeat(1_000))),
    names: [settingPlace('maxFetchChars')],
  },
  { name: 'fetch_url: a binary file', fails: true, outcome: () => runTool(fetchUrl, { url: 'https://example.org/a.pdf' }, {}, () => textResponse('%PDF', 'application/pdf')), names: [] },
  // llm
  { name: 'llm without a model', fails: true, outcome: () => runTool(llm, { prompt: 'Hi' }, {}), names: [places.solverRole, places.plannerEndpoint, plannerLabels.url, plannerLabels.model, places.inBrowserModels] },
  { name: 'llm: an empty answer out of tokens', fails: true, outcome: () => runTool(llm, { prompt: 'Hi' }, { llm: emptyEngine }), names: [settingPlace('llmMaxTokens')] },
  { name: 'llm: an answer cut at the token limit', fails: false, outcome: () => runTool(llm, { prompt: 'Hi' }, { llm: cutEngine }), names: [settingPlace('llmMaxTokens')] },
  // save_file (Node: no save dialog, no downloads)
  { name: 'save_file with no way to save', fails: true, outcome: () => runTool(saveFile, { filename: 'a.txt', content: 'x' }, {}), names: [places.toolkit] },
  { name: 'save_file: a file name that is not one', fails: true, outcome: () => runTool(saveFile, { filename: '/', content: 'x' }, {}), names: [] },
  // calculator
  { name: 'calculator: an expression that is too long', fails: true, outcome: () => runTool(calculator, { expression: '1+'.repeat(1_000) + '1' }, {}), names: ['2,001 characters', '2,000 characters'] },
  // custom tools
  { name: 'custom tool refused by CORS', fails: true, outcome: () => runTool(weather, { city: 'Paris' }, {}, corsRefusal), names: [places.customTool, customToolLabels.urlTemplate] },
  { name: 'custom tool: HTTP 401', fails: true, outcome: () => runTool(weather, { city: 'Paris' }, {}, unauthorized), names: [places.customTool, customToolLabels.headers] },
  { name: 'custom tool: HTTP 404', fails: true, outcome: () => runTool(weather, { city: 'Paris' }, {}, notFound), names: [places.customTool, customToolLabels.urlTemplate] },
  {
    name: 'custom tool: the JSON path matches nothing',
    fails: true,
    outcome: () => runTool(weather, { city: 'Paris' }, {}, () => jsonResponse({ other: 1 })),
    names: [places.customTool, customToolLabels.jsonPath, customToolLabels.tryIt, customToolLabels.extractText],
  },
];

describe('tool messages name what a person sees', () => {
  it.each(scenarios.map((scenario) => [scenario.name, scenario] as const))('%s', async (_name, scenario) => {
    const result = await scenario.outcome();
    expect(result.error !== undefined, result.text).toBe(scenario.fails);
    expect(problemsOf(result.text), result.text).toEqual([]);
    for (const name of scenario.names) expect(result.text).toContain(name);
  });

  it('the check itself catches internal keys, places the app does not have and "1 results"', () => {
    expect(problemsOf('Set searxngUrl in Settings → Tools.')).toEqual([
      'names the internal key searxngUrl',
      'names a place the app does not have: "Settings → Tools."',
    ]);
    expect(problemsOf('Raise Settings → Tool settings → Max fetch chars.')).toEqual([
      'names a label the app does not have: "Settings → Tool settings → Max fetch chars."',
    ]);
    expect(problemsOf('Found 1 results; 1 of 3 pages; 1 result; 11 results.')).toEqual(['counts 1 with a plural noun']);
    expect(problemsOf(`Set ${settingPlace('searxngUrl')} or ${places.toolkit}.`)).toEqual([]);
  });
});

describe('MCP messages name the Tools dialog', () => {
  let server: McpFixtureServer;
  const token = 'fixture-token';
  beforeAll(async () => {
    server = await startMcpFixtureServer({ token });
  });
  afterAll(async () => {
    await server.close();
  });

  async function connectFailure(config: McpServerConfig): Promise<string> {
    const error = await createMcpConnection(config).connect().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StepwiseError);
    return `${(error as StepwiseError).message}\n${(error as StepwiseError).hint ?? ''}`;
  }

  it('a refused or missing token, a wrong address and an unreachable server', async () => {
    const texts = {
      wrongToken: await connectFailure({ name: 'docs', url: server.url, token: 'wrong' }),
      noToken: await connectFailure({ name: 'docs', url: server.url }),
      notFound: await connectFailure({ name: 'docs', url: server.url.replace(/\/mcp$/, '/nope'), token }),
      offline: await connectFailure({ name: 'gone', url: 'http://127.0.0.1:9/mcp' }),
    };
    for (const text of Object.values(texts)) {
      expect(problemsOf(text), text).toEqual([]);
      expect(text).toContain(places.mcpServers);
      expect(text).toContain(mcpServerLabels.url);
    }
    expect(texts.wrongToken).toContain(`enter ${mcpServerLabels.name} "docs" again with its ${mcpServerLabels.url} and the right ${mcpServerLabels.token} and press ${mcpServerLabels.connect}`);
    expect(texts.noToken).toContain(`The server wants a ${mcpServerLabels.token}`);
  });

  it('a tool of a server that is no longer connected, and one that does not answer in time', async () => {
    const connection = createMcpConnection({ name: 'docs', url: server.url, token, timeoutMs: 200 });
    const tools = await connection.connect();
    const weatherTool = tools.find((tool) => tool.name === 'mcp_docs_get_weather');
    if (!weatherTool) throw new Error('no weather tool');

    const slow = await outcome(weatherTool.run({ city: 'Slow' }, testContext()));
    expect(slow.text).toContain('did not answer within 0.2 s');
    expect(problemsOf(slow.text), slow.text).toEqual([]);

    await connection.disconnect();
    const closed = await outcome(weatherTool.run({ city: 'Paris' }, testContext()));
    expect(closed.text).toContain(`press "${mcpServerLabels.connect} docs" in ${places.mcpServers}`);
    expect(problemsOf(closed.text), closed.text).toEqual([]);
  });

  it('sizes of non-text content in the right number', () => {
    expect(contentToText({ content: [{ type: 'image', mimeType: 'image/png', data: 'A' }] })).toBe('[image: image/png, about 1 byte]');
    expect(contentToText({ content: [{ type: 'audio', mimeType: 'audio/wav', data: 'AAAAAAAA' }] })).toBe('[audio: audio/wav, about 6 bytes]');
  });
});

describe('counts', () => {
  it('agree with their number', async () => {
    expect(countOf(1, 'result')).toBe('1 result');
    expect(countOf(0, 'result')).toBe('0 results');
    expect(countOf(2_001, 'character')).toBe('2,001 characters');
    expect(countOf(2, 'match', 'matches')).toBe('2 matches');
    const bilibili = await runTool(searchBilibili, { query: 'x' }, bilibiliProxy, () =>
      jsonResponse({ code: 0, data: { result: [{ type: 'video', title: 'One', bvid: 'BV1', play: 1 }, { type: 'video', title: 'Two', bvid: 'BV2', play: 2 }] } }),
    );
    expect(bilibili.text).toContain('1 play\n');
    expect(bilibili.text).toContain('2 plays');
  });
});
