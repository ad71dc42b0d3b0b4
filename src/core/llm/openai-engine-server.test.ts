// The engine over a real socket against the fixture server, for every profile and fault.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPlannerServer, type PlannerProfile, type PlannerServer } from '../../../e2e/fixtures/planner-server.ts';
import { EndpointError, isAbortError } from '../errors.ts';
import { createOpenAIEngine, probeEndpoint, type OpenAIEngineConfig } from './openai-engine.ts';
import type { ChatChunk, ChatRequest } from './types.ts';

const request: ChatRequest = {
  messages: [
    { role: 'system', content: 'You are a planner.' },
    { role: 'user', content: 'What is 6 times 7?' },
  ],
};
const reply = 'Plan: Multiply.\n#E1 = calculator[6 * 7] – Zürich 🚀';
const reasoning = 'Six times seven needs the calculator. <not a tag>';

let server: PlannerServer;

beforeAll(async () => {
  server = await startPlannerServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.reset();
});

const engine = (config: Partial<OpenAIEngineConfig> = {}) => createOpenAIEngine({ baseUrl: server.url, model: 'stepwise-planner', ...config });

async function rejection(promise: Promise<unknown>): Promise<EndpointError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EndpointError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('profiles', () => {
  const profiles: PlannerProfile[] = ['vllm', 'llamacpp', 'ollama', 'openrouter', 'tgi', 'lmstudio'];
  for (const profile of profiles) {
    it(`${profile}: streams reasoning apart from the answer, with usage`, async () => {
      server.setScript({ profile, rules: [{ reply, reasoning }] });
      const chunks: ChatChunk[] = [];
      const result = await engine().chat(request, (chunk) => chunks.push(chunk));
      expect(result.text).toBe(reply);
      expect(result.reasoning).toBe(reasoning);
      expect(result.finishReason).toBe('stop');
      expect(result.usage?.completionTokens).toBeGreaterThan(0);
      expect(result.usage?.promptTokens).toBeGreaterThan(0);
      expect(chunks[0]?.type).toBe('reasoning');
      expect(chunks.filter((chunk) => chunk.type === 'text').length).toBeGreaterThan(1);
    });
  }

  it('llama.cpp with inline <think> tags split across chunks', async () => {
    server.setScript({ profile: 'llamacpp', reasoningFormat: 'inline', rules: [{ reply, reasoning }] });
    const chunks: ChatChunk[] = [];
    const result = await engine().chat(request, (chunk) => chunks.push(chunk));
    expect(result).toMatchObject({ text: reply, reasoning });
    expect(chunks.map((chunk) => chunk.text).join('')).not.toContain('<think>');
  });

  it('a server that ignores stream: true and answers JSON', async () => {
    server.setScript([{ reply, reasoning, fault: 'json' }]);
    expect(await engine().chat(request)).toMatchObject({ text: reply, reasoning, finishReason: 'stop' });
  });
});

describe('request on the wire', () => {
  it('sends json_schema, stream options and the API key only in the header', async () => {
    const schema = { type: 'object', properties: { query: { type: 'string' } }, required: ['query'], additionalProperties: false };
    server.setScript({ apiKey: 'sk-fixture-key', rules: [{ reply: '{"query":"x"}' }] });
    await engine({ apiKey: 'sk-fixture-key' }).chat({ ...request, jsonSchema: schema, schemaName: 'search_wiki', maxTokens: 128 });
    const recorded = server.requests.find((entry) => entry.path === '/v1/chat/completions');
    expect(recorded?.headers.authorization).toBe('Bearer sk-fixture-key');
    expect(recorded?.body).toMatchObject({
      model: 'stepwise-planner',
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 128,
      response_format: { type: 'json_schema', json_schema: { name: 'search_wiki', strict: true, schema } },
    });
    expect(JSON.stringify(recorded?.body)).not.toContain('sk-fixture-key');
    expect(recorded?.path).not.toContain('sk-fixture-key');
  });

  it('a wrong API key is an auth error that does not repeat the key', async () => {
    server.setScript({ apiKey: 'right-key' });
    const error = await rejection(engine({ apiKey: 'wrong-key-123' }).chat(request));
    expect(error.kind).toBe('auth');
    expect(`${error.message} ${error.hint}`).not.toContain('wrong-key-123');
  });

  it('max_tokens cuts the answer with finish reason length, returned not thrown', async () => {
    server.setScript([{ reply }]);
    const result = await engine().chat({ ...request, maxTokens: 3 });
    expect(result.finishReason).toBe('length');
    expect(result.text.length).toBeLessThan(reply.length);
  });
});

describe('faults', () => {
  it.each([
    [401, 'auth'],
    [403, 'auth'],
    [404, 'not-found'],
    [500, 'server'],
    [503, 'server'],
  ] as const)('HTTP %i is %s', async (status, kind) => {
    server.setScript([{ fault: status }]);
    const error = await rejection(engine().chat(request));
    expect(error).toMatchObject({ kind, status });
    expect(error.hint).toBeTruthy();
  });

  it('429 with Retry-After in seconds and as a date', async () => {
    server.setScript([{ fault: { type: 'status', status: 429, retryAfter: '3' } }]);
    expect(await rejection(engine().chat(request))).toMatchObject({ kind: 'rate-limit', retryAfterMs: 3000 });
    server.setScript([{ fault: { type: 'status', status: 429, retryAfter: new Date(Date.now() + 120_000).toUTCString() } }]);
    const dated = await rejection(engine().chat(request));
    expect(dated.retryAfterMs).toBeGreaterThan(100_000);
  });

  it('an error inside a 200 stream (vLLM and OpenRouter shapes)', async () => {
    for (const profile of ['vllm', 'openrouter'] as const) {
      server.setScript({ profile, rules: [{ reply, fault: { type: 'error-in-stream', message: 'CUDA out of memory' } }] });
      const error = await rejection(engine().chat(request));
      expect(error.kind).toBe('stream-error');
      if (profile === 'vllm') expect(error.message).toContain('CUDA out of memory');
    }
  });

  it('a connection cut mid-stream', async () => {
    server.setScript([{ reply, fault: { type: 'cut', afterTokens: 3 } }]);
    expect(await rejection(engine().chat(request))).toMatchObject({ kind: 'stream-cut', transient: true });
  });

  it('a stream that stalls', async () => {
    server.setScript([{ reply, fault: { type: 'stall', afterTokens: 2 } }]);
    const chunks: ChatChunk[] = [];
    const error = await rejection(engine({ idleTimeoutMs: 200 }).chat(request, (chunk) => chunks.push(chunk)));
    expect(error.kind).toBe('stalled');
    expect(chunks.length).toBeGreaterThan(0);
  });

  it('finish_reason length', async () => {
    server.setScript([{ reply, fault: 'length' }]);
    expect((await engine().chat(request)).finishReason).toBe('length');
  });

  it('a data line that is not JSON', async () => {
    server.setScript([{ reply, fault: 'malformed' }]);
    expect(await rejection(engine().chat(request))).toMatchObject({ kind: 'bad-response' });
  });

  it('no CORS headers: Node ignores CORS, so the answer still arrives', async () => {
    server.setScript([{ reply, fault: 'no-cors' }]);
    expect((await engine().chat(request)).text).toBe(reply);
  });

  it('Ollama answers 503 while its queue is full', async () => {
    server.setScript({ profile: 'ollama', queueLimit: 1, rules: [{ match: 'first', reply, fault: 'stall' }] });
    const controller = new AbortController();
    let started!: () => void;
    const firstChunk = new Promise<void>((resolve) => (started = resolve));
    const first = engine().chat({ messages: [{ role: 'user', content: 'first' }], signal: controller.signal }, () => started());
    await firstChunk;
    const error = await rejection(engine().chat(request));
    expect(error).toMatchObject({ kind: 'server', status: 503 });
    expect(error.hint).toContain('Ollama');
    controller.abort();
    await first.catch(() => undefined);
  });
});

describe('abort', () => {
  it('stops a slow stream mid-answer with an AbortError', async () => {
    server.setScript([{ reply, tokensPerSecond: 20 }]);
    const controller = new AbortController();
    const chunks: ChatChunk[] = [];
    const promise = engine().chat({ ...request, signal: controller.signal }, (chunk) => {
      chunks.push(chunk);
      if (chunks.length === 2) controller.abort();
    });
    let caught: unknown;
    try {
      await promise;
    } catch (error) {
      caught = error;
    }
    expect(isAbortError(caught)).toBe(true);
    expect(chunks.length).toBe(2);
  });
});

describe('probeEndpoint', () => {
  it('lists the models and finds the configured one', async () => {
    expect(await probeEndpoint({ baseUrl: server.url, model: 'stepwise-planner' })).toEqual({ ok: true, models: ['stepwise-planner'], modelFound: true });
  });

  it('answers ok with modelFound false for a model the server lacks', async () => {
    expect(await probeEndpoint({ baseUrl: server.url, model: 'llama-3-70b' })).toEqual({ ok: true, models: ['stepwise-planner'], modelFound: false });
  });

  it('reports a base URL without /v1 as not found', async () => {
    const result = await probeEndpoint({ baseUrl: server.url.replace(/\/v1$/, ''), model: 'stepwise-planner' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.kind).toBe('not-found');
      expect(result.error.hint).toContain('/v1');
    }
  });

  it('reports a closed port as a network error', async () => {
    const closed = await startPlannerServer();
    const url = closed.url;
    await closed.close();
    const result = await probeEndpoint({ baseUrl: url, model: 'stepwise-planner' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.kind).toBe('network');
      expect(result.error.message).toContain('ECONNREFUSED');
    }
  });

  it('reports a wrong API key', async () => {
    server.setScript({ apiKey: 'right' });
    const result = await probeEndpoint({ baseUrl: server.url, apiKey: 'wrong', model: 'stepwise-planner' });
    expect(result.ok ? undefined : result.error.kind).toBe('auth');
  });
});
