import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatChunk } from '../core/llm/types.ts';
import { ModelLoadError } from './model-errors.ts';

// A stand-in for @wllama/wllama: records what the engine asks for and streams canned chunks.
interface FakeCall {
  kind: 'chat' | 'completion';
  options: Record<string, unknown>;
}
const fake = vi.hoisted(() => ({
  instances: [] as { exited: boolean; loadUrl?: string; loadParams?: Record<string, unknown> }[],
  calls: [] as FakeCall[],
  chatTemplate: null as string | null,
  nVocab: 355,
  loadError: undefined as unknown,
  nextError: undefined as unknown,
  chunks: [] as unknown[],
  /** A line llama.cpp logs while loading (GGUF on WebGPU: how many layers went to the GPU). */
  loadLog: undefined as string | undefined,
}));

vi.mock('@wllama/wllama/esm/wasm/wllama.wasm?url', () => ({ default: '/assets/wllama.wasm' }));
vi.mock('@wllama/wllama', () => {
  class Wllama {
    private readonly record: { exited: boolean; loadUrl?: string; loadParams?: Record<string, unknown> } = { exited: false };
    constructor(
      public paths: unknown,
      private readonly config: { logger?: { debug: (...args: unknown[]) => void } } = {},
    ) {
      fake.instances.push(this.record);
    }
    async loadModelFromUrl(url: string, params: Record<string, unknown> & { progressCallback?: (p: { loaded: number; total: number }) => void }) {
      this.record.loadUrl = url;
      this.record.loadParams = params;
      params.progressCallback?.({ loaded: 50, total: 100 });
      if (fake.loadError !== undefined) throw fake.loadError;
      if (fake.loadLog !== undefined) this.config.logger?.debug(fake.loadLog);
      params.progressCallback?.({ loaded: 100, total: 100 });
    }
    getLoadedContextInfo() {
      return { n_vocab: fake.nVocab };
    }
    getChatTemplate() {
      return fake.chatTemplate;
    }
    async exit() {
      this.record.exited = true;
    }
    private async run(kind: FakeCall['kind'], options: Record<string, unknown> & { onData: (chunk: unknown) => void; abortSignal?: AbortSignal }) {
      fake.calls.push({ kind, options });
      if (fake.nextError !== undefined) {
        const error = fake.nextError;
        fake.nextError = undefined;
        throw error;
      }
      for (const chunk of fake.chunks) {
        await Promise.resolve();
        if (options.abortSignal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
        options.onData(chunk);
      }
    }
    createChatCompletion(options: Record<string, unknown> & { onData: (chunk: unknown) => void }) {
      return this.run('chat', options);
    }
    createCompletion(options: Record<string, unknown> & { onData: (chunk: unknown) => void }) {
      return this.run('completion', options);
    }
  }
  return { Wllama };
});

const { createWllamaEngine, fallbackPrompt } = await import('./wllama-engine.ts');

function textChunks(pieces: string[], final: Record<string, unknown> = {}): unknown[] {
  return [
    ...pieces.map((text) => ({ choices: [{ text, finish_reason: null }] })),
    { choices: [{ text: '', finish_reason: 'stop' }], timings: { cache_n: 0, prompt_n: 30, prompt_per_second: 1200, predicted_n: 9, predicted_per_second: 300 }, ...final },
  ];
}

const schema = { type: 'object', properties: { name: { const: 'calculator' } }, required: ['name'], additionalProperties: false };

beforeEach(() => {
  fake.instances.length = 0;
  fake.calls.length = 0;
  fake.chatTemplate = null;
  fake.nVocab = 355;
  fake.loadError = undefined;
  fake.nextError = undefined;
  fake.loadLog = undefined;
  fake.chunks = textChunks(['{"name":', '"calculator"}']);
  vi.unstubAllGlobals();
});

/** A WebGPU adapter with (or without) shader-f16, as navigator.gpu gives it. */
function stubAdapter(features: string[]): void {
  vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({ features: new Set(features) }) } });
}

describe('createWllamaEngine', () => {
  it('loads lazily on the CPU, reports progress, and answers under a grammar', async () => {
    const progress: number[] = [];
    const engine = createWllamaEngine({ modelUrl: '/models/tiny-random-llama.gguf', onProgress: (report) => progress.push(report.progress) });
    expect(engine.id).toBe('wllama:tiny-random-llama.gguf');
    expect(fake.instances).toHaveLength(0);
    const chunks: ChatChunk[] = [];
    const result = await engine.chat(
      { messages: [{ role: 'system', content: 'Call a tool.' }, { role: 'user', content: 'Add 1 and 2' }], jsonSchema: schema, maxTokens: 64 },
      (chunk) => chunks.push(chunk),
    );
    expect(fake.instances[0]?.loadParams).toMatchObject({ n_gpu_layers: 0, n_ctx: 4096 });
    expect(progress).toEqual([0, 0.5, 1, 1]);
    const call = fake.calls[0];
    expect(call?.kind).toBe('completion');
    expect(call?.options.prompt).toBe('### System:\nCall a tool.\n\n### User:\nAdd 1 and 2\n\n### Assistant:\n');
    expect(call?.options.grammar).toContain('root-name-kv ::= "\\"name\\"" ws ":" ws "\\"calculator\\""');
    expect(call?.options).toMatchObject({ temperature: 0, top_k: 1, max_tokens: 64 });
    expect(result).toMatchObject({ text: '{"name":"calculator"}', reasoning: '', finishReason: 'stop', usage: { promptTokens: 30, completionTokens: 9 } });
    expect(result.timing).toMatchObject({ prefillTokensPerSecond: 1200, decodeTokensPerSecond: 300 });
    expect(chunks.map((chunk) => chunk.text).join('')).toBe('{"name":"calculator"}');
    expect(engine.loaded).toBe(true);
  });

  it('uses the model\'s chat template when it has one, with thinking off for constrained calls', async () => {
    fake.chatTemplate = '{% for message in messages %}…{% endfor %}';
    fake.chunks = [
      { choices: [{ delta: { reasoning_content: 'hmm' } }] },
      { choices: [{ delta: { content: '<think>more</think>\n{"name":"calculator"}' }, finish_reason: 'stop' }], usage: { prompt_tokens: 12, completion_tokens: 7 } },
    ];
    const engine = createWllamaEngine({ modelUrl: 'https://example.com/qwen.gguf' });
    const result = await engine.chat({ messages: [{ role: 'user', content: 'x' }], jsonSchema: schema });
    expect(fake.calls[0]?.kind).toBe('chat');
    expect(fake.calls[0]?.options).toMatchObject({ messages: [{ role: 'user', content: 'x' }], chat_template_kwargs: { enable_thinking: false } });
    expect(result).toMatchObject({ text: '{"name":"calculator"}', reasoning: 'hmmmore', usage: { promptTokens: 12, completionTokens: 7 } });
  });

  it('passes metadata overrides, closed the way llama.cpp expects', async () => {
    const engine = createWllamaEngine({ modelUrl: '/m.gguf', metadataOverrides: { 'llama.context_length': 'int:4096' } });
    await engine.load();
    expect(fake.instances[0]?.loadParams?.kv_overrides).toEqual({ 'llama.context_length': 'int:4096', '': 'int:0' });
    expect(Object.keys(fake.instances[0]?.loadParams?.kv_overrides ?? {}).pop()).toBe('');
  });

  it('passes the grammar limits on', async () => {
    const engine = createWllamaEngine({ modelUrl: '/m.gguf', grammarOptions: { maxStringLength: 5, characters: 'ascii' } });
    await engine.chat({ messages: [{ role: 'user', content: 'x' }], jsonSchema: { type: 'string' } });
    expect(fake.calls[0]?.options.grammar).toContain('char{0,5}');
    expect(fake.calls[0]?.options.grammar).toContain('[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]');
  });

  it('turns load failures into ModelLoadError and tries again on the next call', async () => {
    fake.loadError = new Error('Failed to fetch http://127.0.0.1/models/x.gguf: HTTP 404');
    const engine = createWllamaEngine({ modelUrl: '/models/x.gguf' });
    await expect(engine.load()).rejects.toMatchObject({ name: 'ModelLoadError', kind: 'not-found' });
    expect(fake.instances[0]?.exited).toBe(true);
    fake.loadError = undefined;
    await engine.load();
    expect(fake.instances).toHaveLength(2);
  });

  it('refuses a file that llama.cpp could not load (wllama resolves anyway)', async () => {
    fake.nVocab = 0;
    const engine = createWllamaEngine({ modelUrl: '/index.html.gguf' });
    await expect(engine.load()).rejects.toMatchObject({ kind: 'unsupported-model' });
  });

  it('starts a fresh instance after a crash', async () => {
    const engine = createWllamaEngine({ modelUrl: '/m.gguf' });
    await engine.load();
    fake.nextError = Object.assign(new Error('unreachable'), { name: 'RuntimeError' });
    const failure = await engine.chat({ messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ModelLoadError);
    expect(failure).toMatchObject({ kind: 'crashed', hint: expect.stringMatching(/restarts/) });
    expect(fake.instances[0]?.exited).toBe(true);
    expect(engine.loaded).toBe(false);
    const result = await engine.chat({ messages: [{ role: 'user', content: 'x' }], jsonSchema: schema });
    expect(result.text).toBe('{"name":"calculator"}');
    expect(fake.instances).toHaveLength(2);
  });

  it('free text that is not valid UTF-8 (it kills the worker) gives a clear error and a new instance at once', async () => {
    const engine = createWllamaEngine({ modelUrl: '/m.gguf' });
    await engine.load();
    // As wllama reports it: llama.cpp's encoder refused the bytes, then the worker read a garbage length.
    fake.nextError = Object.assign(new Error('Invalid typed array length: 1163217991'), { name: 'RuntimeError' });
    const failure = (await engine.chat({ messages: [{ role: 'user', content: 'Write freely.' }] }).catch((error: unknown) => error)) as ModelLoadError;
    expect(failure).toBeInstanceOf(ModelLoadError);
    expect(failure.kind).toBe('invalid-text');
    expect(failure.message).toBe('The CPU engine failed while generating: the model wrote bytes that are not valid UTF-8 text (Invalid typed array length: 1163217991).');
    expect(failure.hint).toMatch(/^The engine was restarted\./);
    expect(failure.transient).toBe(false);
    expect(fake.instances[0]?.exited).toBe(true);
    // The replacement loads at once, before any call asks for it; the next call uses it.
    await vi.waitFor(() => expect(engine.loaded).toBe(true));
    expect(fake.instances).toHaveLength(2);
    const result = await engine.chat({ messages: [{ role: 'user', content: 'x' }], jsonSchema: schema });
    expect(result.text).toBe('{"name":"calculator"}');
    expect(fake.instances).toHaveLength(2);
    expect(engine.loaded).toBe(true);
  });

  it('GGUF on WebGPU: an adapter with shader-f16 gets every layer, and each answer says what ran it (from llama.cpp\'s log)', async () => {
    stubAdapter(['shader-f16']);
    fake.loadLog = 'load_tensors: offloaded 3/3 layers to GPU';
    const engine = createWllamaEngine({ modelUrl: '/m.gguf', gpuLayers: 999 });
    const result = await engine.chat({ messages: [{ role: 'user', content: 'x' }], jsonSchema: schema });
    expect(fake.instances[0]?.loadParams).toMatchObject({ n_gpu_layers: 999 });
    expect(result.backend).toBe('WebGPU (3 of 3 layers offloaded)');
    expect(engine.backend).toBe('WebGPU (3 of 3 layers offloaded)');
  });

  it('GGUF on WebGPU: without shader-f16 the model stays on the CPU, and the answer says why', async () => {
    stubAdapter([]);
    const engine = createWllamaEngine({ modelUrl: '/m.gguf', gpuLayers: 999 });
    const result = await engine.chat({ messages: [{ role: 'user', content: 'x' }], jsonSchema: schema });
    expect(fake.instances[0]?.loadParams).toMatchObject({ n_gpu_layers: 0 });
    expect(result.backend).toBe('CPU (GGUF on WebGPU was asked, but the adapter has no shader-f16, which every llama.cpp WebGPU shader needs)');
    vi.stubGlobal('navigator', {});
    const noGpu = createWllamaEngine({ modelUrl: '/n.gguf', gpuLayers: 999 });
    expect((await noGpu.chat({ messages: [{ role: 'user', content: 'x' }], jsonSchema: schema })).backend).toBe(
      'CPU (GGUF on WebGPU was asked, but this browser has no WebGPU (navigator.gpu is missing; it also needs a secure context such as https or localhost))',
    );
    // The CPU engine as it always was says so plainly.
    const cpu = createWllamaEngine({ modelUrl: '/c.gguf' });
    expect((await cpu.chat({ messages: [{ role: 'user', content: 'x' }], jsonSchema: schema })).backend).toBe('CPU');
  });

  it('stops on abort with an AbortError and keeps the instance', async () => {
    const engine = createWllamaEngine({ modelUrl: '/m.gguf' });
    await engine.load();
    const controller = new AbortController();
    fake.chunks = textChunks(['{"na', 'me":', '"calc', 'ulator"}']);
    const pending = engine.chat({ messages: [{ role: 'user', content: 'x' }], signal: controller.signal }, () => controller.abort());
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(engine.loaded).toBe(true);
    const aborted = new AbortController();
    aborted.abort();
    await expect(engine.chat({ messages: [{ role: 'user', content: 'x' }], signal: aborted.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('unloads on dispose and loads again when used', async () => {
    const engine = createWllamaEngine({ modelUrl: '/m.gguf' });
    await engine.load();
    await engine.dispose();
    expect(fake.instances[0]?.exited).toBe(true);
    expect(engine.loaded).toBe(false);
    await engine.load();
    expect(fake.instances).toHaveLength(2);
  });

  it('writes a plain prompt for models without a template, stop sequence included', async () => {
    expect(fallbackPrompt([{ role: 'user', content: ' hi ' }, { role: 'assistant', content: 'hello' }, { role: 'user', content: 'more' }])).toBe(
      '### User:\nhi\n\n### Assistant:\nhello\n\n### User:\nmore\n\n### Assistant:\n',
    );
    const engine = createWllamaEngine({ modelUrl: '/m.gguf' });
    await engine.chat({ messages: [{ role: 'user', content: 'x' }], stop: ['END'] });
    expect(fake.calls[0]?.options.stop).toEqual(['END', '\n### ']);
    expect(fake.calls[0]?.options.grammar).toBeUndefined();
  });
});
