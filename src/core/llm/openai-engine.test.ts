import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EndpointError, isAbortError, RunAbortedError } from '../errors.ts';
import { assertNotTruncated, createOpenAIEngine, listModels, mapFinishReason, probeEndpoint } from './openai-engine.ts';
import type { ChatChunk, ChatRequest, ChatResult } from './types.ts';

// Raw streams recorded from the fixture server (npx tsx e2e/fixtures/record-sse.ts).
const sseDirectory = join(import.meta.dirname, '../../../e2e/fixtures/__fixtures__/sse');

type Expected =
  | { text: string; reasoning: string; finishReason: 'stop' | 'length'; usage?: { promptTokens: number; completionTokens: number } }
  | { errorKind: string };
interface ManifestEntry {
  name: string;
  file: string;
  contentType: string;
  expected: Expected;
}
const manifest = JSON.parse(readFileSync(join(sseDirectory, 'index.json'), 'utf8')) as ManifestEntry[];

const baseUrl = 'http://127.0.0.1:9/v1';
const request: ChatRequest = { messages: [{ role: 'user', content: 'What is 6 times 7?' }] };
const encoder = new TextEncoder();

/** Deterministic pseudo-random numbers, so that failures reproduce. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** Cuts bytes into pieces of the given sizes, cycling through them. */
function cut(bytes: Uint8Array, sizes: () => number): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const size = Math.max(1, sizes());
    pieces.push(bytes.slice(offset, offset + size));
    offset += size;
  }
  return pieces;
}

const splitStrategies: Record<string, (bytes: Uint8Array) => Uint8Array[]> = {
  whole: (bytes) => [bytes],
  'one byte': (bytes) => cut(bytes, () => 1),
  'seven bytes': (bytes) => cut(bytes, () => 7),
  random: (bytes) => {
    const next = random(42);
    return cut(bytes, () => Math.floor(next() * 40) + 1);
  },
};

interface FakeCall {
  url: string;
  init: RequestInit | undefined;
}

/**
 * A fetch that answers with a body streamed piece by piece. The body errors when the request's
 * signal aborts, like a real fetch. `hold` keeps the stream open after the last piece.
 */
function fakeFetch(
  pieces: Uint8Array[],
  options: { status?: number; headers?: Record<string, string>; hold?: boolean } = {},
): typeof fetch & { calls: FakeCall[] } {
  const calls: FakeCall[] = [];
  const implementation = async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init });
    const signal = init?.signal ?? undefined;
    let index = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        signal?.addEventListener('abort', () => controller.error(signal.reason), { once: true });
      },
      pull(controller) {
        const piece = pieces[index++];
        if (piece) controller.enqueue(piece);
        else if (!options.hold) controller.close();
        else return new Promise<void>(() => undefined);
      },
    });
    return new Response(body, { status: options.status ?? 200, headers: { 'Content-Type': 'text/event-stream', ...options.headers } });
  };
  return Object.assign(implementation as typeof fetch, { calls });
}

function sse(...events: unknown[]): Uint8Array[] {
  return events.map((event) => encoder.encode(typeof event === 'string' ? event : `data: ${JSON.stringify(event)}\n\n`));
}

const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  id: 'x',
  object: 'chat.completion.chunk',
  choices: [{ index: 0, delta, finish_reason: finish }],
});

async function chatCollect(engine: ReturnType<typeof createOpenAIEngine>, chatRequest: ChatRequest = request) {
  const chunks: ChatChunk[] = [];
  const result = await engine.chat(chatRequest, (piece) => chunks.push(piece));
  return { result, chunks };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('recorded streams, split at awkward offsets', () => {
  for (const entry of manifest) {
    const bytes = new Uint8Array(readFileSync(join(sseDirectory, entry.file)));
    for (const [strategy, split] of Object.entries(splitStrategies)) {
      it(`${entry.name} (${strategy})`, async () => {
        const engine = createOpenAIEngine({ baseUrl, model: 'stepwise-planner', fetch: fakeFetch(split(bytes), { headers: { 'Content-Type': entry.contentType } }) });
        const expected = entry.expected;
        if ('errorKind' in expected) {
          const error = await rejection(engine.chat(request));
          expect(error).toBeInstanceOf(EndpointError);
          expect((error as EndpointError).kind).toBe(expected.errorKind);
          expect((error as EndpointError).hint).toBeTruthy();
          return;
        }
        const { result, chunks } = await chatCollect(engine);
        expect(result.text).toBe(expected.text);
        expect(result.reasoning).toBe(expected.reasoning);
        expect(result.finishReason).toBe(expected.finishReason);
        expect(result.usage).toEqual(expected.usage);
        // What streamed adds up to the result, reasoning first.
        expect(chunks.filter((piece) => piece.type === 'text').map((piece) => piece.text).join('')).toBe(expected.text);
        expect(chunks.filter((piece) => piece.type === 'reasoning').map((piece) => piece.text).join('')).toBe(expected.reasoning);
        if (expected.reasoning) expect(chunks[0]?.type).toBe('reasoning');
        expect(result.timing.totalMs).toBeGreaterThanOrEqual(0);
        expect(result.timing.firstTokenMs).toBeGreaterThanOrEqual(0);
      });
    }
  }

  it('reads llama.cpp speed reports into the timing', async () => {
    const bytes = new Uint8Array(readFileSync(join(sseDirectory, 'llamacpp.txt')));
    const engine = createOpenAIEngine({ baseUrl, model: 'm', fetch: fakeFetch([bytes]) });
    const result = await engine.chat(request);
    expect(result.timing.decodeTokensPerSecond).toBe(42.5);
    expect(result.timing.prefillTokensPerSecond).toBe(812.5);
  });
});

/** The request body as text (the engine sends a Blob: see createOpenAIEngine). */
async function bodyText(init: RequestInit | undefined): Promise<string> {
  return init?.body instanceof Blob ? init.body.text() : String(init?.body);
}

describe('request', () => {
  it('posts a streaming chat completion with usage, limits and stop words', async () => {
    const fetch = fakeFetch(sse(chunk({ content: 'ok' }, 'stop'), 'data: [DONE]\n\n'));
    const engine = createOpenAIEngine({ baseUrl: 'http://127.0.0.1:9/v1/', model: 'llama-70b', fetch, extraBody: { top_p: 0.9 } });
    await engine.chat({ ...request, maxTokens: 256, temperature: 0.2, stop: ['Observation:'] });
    const call = fetch.calls[0];
    expect(call?.url).toBe('http://127.0.0.1:9/v1/chat/completions');
    expect(call?.init?.method).toBe('POST');
    expect(JSON.parse(await bodyText(call?.init))).toEqual({
      model: 'llama-70b',
      messages: [{ role: 'user', content: 'What is 6 times 7?' }],
      max_tokens: 256,
      temperature: 0.2,
      stop: ['Observation:'],
      top_p: 0.9,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(new Headers(call?.init?.headers).get('authorization')).toBeNull();
  });

  it('asks for json_schema structured output with a valid name', async () => {
    const schema = { type: 'object', properties: { name: { const: 'calculator' } }, required: ['name'] };
    const fetch = fakeFetch(sse(chunk({ content: '{}' }, 'stop'), 'data: [DONE]\n\n'));
    await createOpenAIEngine({ baseUrl, model: 'm', fetch }).chat({ ...request, jsonSchema: schema, schemaName: 'tool call #1' });
    expect(JSON.parse(await bodyText(fetch.calls[0]?.init)).response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'tool_call__1', strict: true, schema },
    });
  });

  it('asks for json_object or nothing when structured output is limited', async () => {
    const schema = { type: 'object' };
    for (const [mode, expected] of [
      ['json_object', { type: 'json_object' }],
      ['none', undefined],
    ] as const) {
      const fetch = fakeFetch(sse(chunk({ content: '{}' }, 'stop'), 'data: [DONE]\n\n'));
      await createOpenAIEngine({ baseUrl, model: 'm', fetch, structuredOutput: mode }).chat({ ...request, jsonSchema: schema });
      expect(JSON.parse(await bodyText(fetch.calls[0]?.init)).response_format).toEqual(expected);
    }
  });

  it('sends the API key only in the Authorization header', async () => {
    const fetch = fakeFetch(sse(chunk({ content: 'ok' }, 'stop'), 'data: [DONE]\n\n'));
    await createOpenAIEngine({ baseUrl, model: 'm', apiKey: 'sk-secret-42', fetch }).chat(request);
    const call = fetch.calls[0];
    expect(new Headers(call?.init?.headers).get('authorization')).toBe('Bearer sk-secret-42');
    expect(call?.url).not.toContain('sk-secret-42');
    expect(await bodyText(call?.init)).not.toContain('sk-secret-42');
  });

  it('rejects a base URL that is not http(s) before any request', async () => {
    const fetch = fakeFetch([]);
    const error = await rejection(createOpenAIEngine({ baseUrl: 'localhost:8000/v1', model: 'm', fetch }).chat(request));
    expect(error).toMatchObject({ kind: 'bad-request' });
    expect(fetch.calls).toHaveLength(0);
  });
});

describe('stream handling', () => {
  it('ignores comments and accepts a finished stream without [DONE]', async () => {
    const fetch = fakeFetch(sse(': ping\n\n', ': OPENROUTER PROCESSING\n\n', chunk({ content: 'Hi' }), chunk({}, 'stop')));
    const { result } = await chatCollect(createOpenAIEngine({ baseUrl, model: 'm', fetch }));
    expect(result).toMatchObject({ text: 'Hi', finishReason: 'stop' });
  });

  it('accepts a last event without its blank line', async () => {
    const fetch = fakeFetch([encoder.encode(`data: ${JSON.stringify(chunk({ content: 'Hi' }, 'stop'))}\n\ndata: [DONE]`)]);
    const { result } = await chatCollect(createOpenAIEngine({ baseUrl, model: 'm', fetch }));
    expect(result.text).toBe('Hi');
  });

  it('moves text before a lone </think> into the reasoning (template opened the block)', async () => {
    const fetch = fakeFetch(sse(chunk({ content: 'I should add' }), chunk({ content: '.</th' }), chunk({ content: 'ink>\n\n42' }, 'stop'), 'data: [DONE]\n\n'));
    const { result } = await chatCollect(createOpenAIEngine({ baseUrl, model: 'm', fetch }));
    expect(result.reasoning).toBe('I should add.');
    expect(result.text).toBe('42');
  });

  it('reports an old llama.cpp "error:" field and an "event: error" as stream errors', async () => {
    for (const line of ['error: {"code":500,"message":"slot unavailable"}\n\n', 'event: error\ndata: {"message":"slot unavailable"}\n\n']) {
      const fetch = fakeFetch(sse(chunk({ content: 'a' }), line));
      const error = await rejection(createOpenAIEngine({ baseUrl, model: 'm', fetch }).chat(request));
      expect(error).toMatchObject({ kind: 'stream-error' });
      expect((error as Error).message).toContain('slot unavailable');
    }
  });

  it('reports a chunk of the wrong shape as a bad response', async () => {
    const fetch = fakeFetch(sse({ choices: 'none' }));
    expect(await rejection(createOpenAIEngine({ baseUrl, model: 'm', fetch }).chat(request))).toMatchObject({ kind: 'bad-response' });
  });

  it('reports an error object in a 200 JSON answer', async () => {
    const fetch = fakeFetch([encoder.encode('{"error":{"message":"model is loading"}}')], { headers: { 'Content-Type': 'application/json' } });
    const error = await rejection(createOpenAIEngine({ baseUrl, model: 'm', fetch }).chat(request));
    expect(error).toMatchObject({ kind: 'stream-error' });
    expect((error as Error).message).toContain('model is loading');
  });

  it('reports a stream that errors before the end as cut', async () => {
    const implementation = (async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(sse(chunk({ content: 'a' }))[0] as Uint8Array);
            controller.error(new TypeError('terminated'));
          },
        }),
        { headers: { 'Content-Type': 'text/event-stream' } },
      )) as typeof fetch;
    expect(await rejection(createOpenAIEngine({ baseUrl, model: 'm', fetch: implementation }).chat(request))).toMatchObject({ kind: 'stream-cut' });
  });
});

describe('idle timeout and abort', () => {
  it('gives up on a stream that goes silent', async () => {
    const fetch = fakeFetch(sse(chunk({ content: 'a' })), { hold: true });
    const error = await rejection(createOpenAIEngine({ baseUrl, model: 'm', fetch, idleTimeoutMs: 30 }).chat(request));
    expect(error).toMatchObject({ kind: 'stalled', transient: true });
    expect(fetch.calls[0]?.init?.signal?.aborted).toBe(true);
  });

  it('gives up on a server that never answers, even with a fetch that ignores the signal', async () => {
    const implementation = (() => new Promise<Response>(() => undefined)) as typeof fetch;
    expect(await rejection(createOpenAIEngine({ baseUrl, model: 'm', fetch: implementation, idleTimeoutMs: 30 }).chat(request))).toMatchObject({ kind: 'stalled' });
  });

  it('keeps a finished answer when the server leaves the connection open', async () => {
    const fetch = fakeFetch(sse(chunk({ content: 'done' }, 'stop')), { hold: true });
    const result = await createOpenAIEngine({ baseUrl, model: 'm', fetch, idleTimeoutMs: 30 }).chat(request);
    expect(result).toMatchObject({ text: 'done', finishReason: 'stop' });
  });

  it('rejects at once with an AbortError when the signal is already aborted', async () => {
    const fetch = fakeFetch([]);
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(createOpenAIEngine({ baseUrl, model: 'm', fetch }).chat({ ...request, signal: controller.signal }));
    expect(isAbortError(error)).toBe(true);
    expect(fetch.calls).toHaveLength(0);
  });

  it('aborts mid-stream with the caller\'s reason', async () => {
    const fetch = fakeFetch(sse(chunk({ content: 'a' })), { hold: true });
    const controller = new AbortController();
    const reason = new RunAbortedError();
    const promise = createOpenAIEngine({ baseUrl, model: 'm', fetch }).chat({ ...request, signal: controller.signal }, () => controller.abort(reason));
    expect(await rejection(promise)).toBe(reason);
    expect(fetch.calls[0]?.init?.signal?.aborted).toBe(true);
  });

  it('turns a non-abort reason into an AbortError', async () => {
    const fetch = fakeFetch(sse(chunk({ content: 'a' })), { hold: true });
    const controller = new AbortController();
    const promise = createOpenAIEngine({ baseUrl, model: 'm', fetch }).chat({ ...request, signal: controller.signal }, () => controller.abort('user left'));
    const error = await rejection(promise);
    expect(isAbortError(error)).toBe(true);
    expect((error as Error).message).toContain('user left');
  });
});

describe('HTTP errors', () => {
  const answer = (status: number, body: string, headers: Record<string, string> = {}) =>
    createOpenAIEngine({ baseUrl, model: 'llama-70b', apiKey: 'sk-secret-42', fetch: fakeFetch([encoder.encode(body)], { status, headers: { 'Content-Type': 'application/json', ...headers } }) });

  it('maps statuses to kinds with the server\'s message and no API key', async () => {
    const cases: [number, string, string][] = [
      [401, '{"error":{"message":"Incorrect API key provided: sk-secret-42"}}', 'auth'],
      [403, '', 'auth'],
      [404, '{"object":"error","message":"The model `llama-70b` does not exist.","code":404}', 'not-found'],
      [400, '{"error":{"message":"Unknown response_format type"}}', 'bad-request'],
      [500, '{"error":{"message":"boom"}}', 'server'],
      [503, '{"error":{"message":"server busy, please try again.  maximum pending requests exceeded"}}', 'server'],
    ];
    for (const [status, body, kind] of cases) {
      const error = (await rejection(answer(status, body).chat({ ...request, jsonSchema: { type: 'object' } }))) as EndpointError;
      expect(error).toBeInstanceOf(EndpointError);
      expect(error.kind).toBe(kind);
      expect(error.status).toBe(status);
      expect(error.hint).toBeTruthy();
      expect(`${error.message} ${error.hint}`).not.toContain('sk-secret-42');
    }
    const notFound = (await rejection(answer(404, cases[2]?.[1] ?? '').chat(request))) as EndpointError;
    expect(notFound.message).toContain('does not exist');
    const badSchema = (await rejection(answer(400, '{"error":{"message":"Unknown response_format type"}}').chat({ ...request, jsonSchema: { type: 'object' } }))) as EndpointError;
    expect(badSchema.hint).toContain('Structured output');
  });

  it('reads Retry-After on 429 as seconds or as a date', async () => {
    const seconds = (await rejection(answer(429, '{}', { 'Retry-After': '12' }).chat(request))) as EndpointError;
    expect(seconds).toMatchObject({ kind: 'rate-limit', retryAfterMs: 12_000 });
    const date = new Date(Date.now() + 60_000).toUTCString();
    const dated = (await rejection(answer(429, '{}', { 'Retry-After': date }).chat(request))) as EndpointError;
    expect(dated.retryAfterMs).toBeGreaterThan(50_000);
    expect(dated.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('reports a refused connection as a network error', async () => {
    const implementation = (() => Promise.reject(new TypeError('fetch failed'))) as typeof fetch;
    const error = (await rejection(createOpenAIEngine({ baseUrl, model: 'm', fetch: implementation }).chat(request))) as EndpointError;
    expect(error.kind).toBe('network');
  });

  it('reports a CORS refusal in a page, with the server flags', async () => {
    vi.stubGlobal('location', { protocol: 'http:', origin: 'http://127.0.0.1:5173' });
    const implementation = ((_input: RequestInfo | URL, init?: RequestInit) =>
      init?.mode === 'no-cors' ? Promise.resolve(new Response(null)) : Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;
    const error = (await rejection(createOpenAIEngine({ baseUrl, model: 'm', fetch: implementation }).chat(request))) as EndpointError;
    expect(error.kind).toBe('cors');
    expect(error.hint).toContain('OLLAMA_ORIGINS');
  });
});

describe('models and probe', () => {
  const models = (body: string, status = 200) => fakeFetch([encoder.encode(body)], { status, headers: { 'Content-Type': 'application/json' } });

  it('lists models in the OpenAI shape and in llama.cpp\'s "models" shape', async () => {
    expect(await listModels({ baseUrl, fetch: models('{"object":"list","data":[{"id":"a"},{"id":"b"}]}') })).toEqual(['a', 'b']);
    expect(await listModels({ baseUrl, fetch: models('{"models":[{"name":"qwen3:8b","model":"qwen3:8b"}]}') })).toEqual(['qwen3:8b']);
  });

  it('reports an HTML page as a bad response', async () => {
    expect(await rejection(listModels({ baseUrl, fetch: models('<!doctype html><title>App</title>') }))).toMatchObject({ kind: 'bad-response' });
  });

  it('says whether the model is there, accepting Ollama\'s :latest', async () => {
    expect(await probeEndpoint({ baseUrl, model: 'llama3', fetch: models('{"data":[{"id":"llama3:latest"}]}') })).toEqual({ ok: true, models: ['llama3:latest'], modelFound: true });
    expect(await probeEndpoint({ baseUrl, model: 'other', fetch: models('{"data":[{"id":"a"}]}') })).toEqual({ ok: true, models: ['a'], modelFound: false });
    const failed = await probeEndpoint({ baseUrl, model: 'a', fetch: models('{"detail":"Not Found"}', 404) });
    expect(failed.ok).toBe(false);
    if (!failed.ok) expect(failed.error.kind).toBe('not-found');
  });
});

describe('finish reasons', () => {
  it('maps API finish reasons', () => {
    expect(mapFinishReason('stop')).toBe('stop');
    expect(mapFinishReason('eos_token')).toBe('stop');
    expect(mapFinishReason('length')).toBe('length');
    expect(mapFinishReason('tool_calls')).toBe('other');
    expect(mapFinishReason(null)).toBeUndefined();
  });

  it('throws a length error only when asked to', () => {
    const result: ChatResult = { text: 'half', reasoning: '', finishReason: 'length', timing: { totalMs: 1 } };
    expect(() => assertNotTruncated(result, 64)).toThrow(/64 tokens/);
    expect(() => assertNotTruncated({ ...result, finishReason: 'stop' })).not.toThrow();
  });
});
