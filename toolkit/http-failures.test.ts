import { DOMParser } from 'linkedom';
import { describe, expect, it } from 'vitest';
import type { Tool, ToolContext } from '../src/core/tools/types.ts';
import { isAbortError } from '../src/core/errors.ts';
import { createCustomTool } from './custom-tool.ts';
import { fetchUrl } from './fetch-url.ts';
import { searchBilibili } from './search-bilibili.ts';
import { searchWeb } from './search-web.ts';
import { searchWiki } from './search-wiki.ts';
import { ToolError } from './shared/tool-error.ts';
import { testContext } from './testing/context.ts';
import { corsRefusal, createFakeFetch, never, textResponse, type FakeHandler } from './testing/fake-fetch.ts';

const weather = createCustomTool({
  name: 'weather',
  description: 'Gives the weather for a city (the input).',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  sideEffects: false,
  request: { method: 'GET', url: 'https://api.weather.example/v1/now?city={{city}}' },
  extract: { kind: 'json-path', path: '$.summary' },
});

interface Case {
  tool: Tool;
  args: Record<string, unknown>;
  settings: ToolContext['settings'];
  host: string;
  /** Whether the tool reads JSON (fetch_url reads anything textual). */
  json: boolean;
}

const cases: Case[] = [
  { tool: searchWiki, args: { query: 'Eiffel Tower' }, settings: {}, host: 'en.wikipedia.org', json: true },
  { tool: searchWeb, args: { query: 'rust' }, settings: { searxngUrl: 'http://127.0.0.1:8888' }, host: '127.0.0.1:8888', json: true },
  { tool: searchWeb, args: { query: 'rust' }, settings: { searchProxyUrl: 'https://search.proxy.example/?q={query}' }, host: 'search.proxy.example', json: true },
  { tool: searchBilibili, args: { query: '原神' }, settings: { bilibiliProxyUrl: 'https://bili.proxy.example/search?keyword={query}' }, host: 'bili.proxy.example', json: true },
  { tool: fetchUrl, args: { url: 'https://example.org/page' }, settings: { domParser: DOMParser }, host: 'example.org', json: false },
  { tool: weather, args: { city: 'Paris' }, settings: {}, host: 'api.weather.example', json: true },
];

function run(testCase: Case, handler: FakeHandler, signal?: AbortSignal) {
  const fake = createFakeFetch(handler);
  const context = testContext({ fetch: fake.fetch, settings: testCase.settings, ...(signal ? { signal } : {}) });
  return { fake, result: testCase.tool.run(testCase.args, context) };
}

async function failure(testCase: Case, handler: FakeHandler): Promise<ToolError> {
  const { result } = run(testCase, handler);
  const error = await result.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ToolError);
  return error as ToolError;
}

describe.each(cases)('$tool.name through $host: failures become clear errors', (testCase) => {
  const name = testCase.tool.name;

  it('HTTP 429 says the service is limiting requests, with Retry-After', async () => {
    const error = await failure(testCase, () => textResponse('Too many requests', 'text/plain', { status: 429, headers: { 'retry-after': '30' } }));
    expect(error.message).toBe(`${name} failed: HTTP 429 from ${testCase.host}: Too many requests`);
    expect(error.transient).toBe(true);
    expect(error.retryAfterMs).toBe(30_000);
    expect(error.hint).toContain('wait 30 s');
  });

  it('HTTP 500 names the status and host and counts as transient', async () => {
    const error = await failure(testCase, () => textResponse('<html><body><h1>Internal Server Error</h1></body></html>', 'text/html', { status: 500 }));
    expect(error.message).toBe(`${name} failed: HTTP 500 from ${testCase.host}`);
    expect(error.status).toBe(500);
    expect(error.transient).toBe(true);
  });

  it('a CORS refusal (TypeError: Failed to fetch) says a proxy is needed', async () => {
    const error = await failure(testCase, corsRefusal);
    expect(error.message).toContain(`${name} failed: could not reach ${testCase.host} (Failed to fetch)`);
    expect(error.message).toContain('refused this page\'s origin (CORS)');
    expect(error.message).toContain('a proxy is needed');
    expect(error.hint).toBeTruthy();
  });

  it('an abort ends the request at once and is rethrown as an abort, not a tool failure', async () => {
    const controller = new AbortController();
    const { fake, result } = run(testCase, () => never(), controller.signal);
    setTimeout(() => controller.abort(), 10);
    const error = await result.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isAbortError(error)).toBe(true);
    expect(error).not.toBeInstanceOf(ToolError);
    expect(fake.requests[0]?.signal).toBe(controller.signal);
  });
});

describe.each(cases.filter((testCase) => testCase.json))('$tool.name through $host: malformed JSON', (testCase) => {
  it('says the answer is not JSON', async () => {
    const error = await failure(testCase, () => textResponse('{"query": {"search": [', 'application/json'));
    expect(error.message).toMatch(new RegExp(`^${testCase.tool.name} failed: ${testCase.host.replaceAll('.', '\\.')} sent a response that is not valid JSON: `));
  });
});
