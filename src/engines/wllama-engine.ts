import type { Wllama } from '@wllama/wllama';
import { z } from 'zod';
import { isAbortError } from '../core/errors.ts';
import { ReasoningSplitter, type SplitResult } from '../core/llm/reasoning.ts';
import type { ChatChunk, ChatMessage, ChatRequest, ChatResult, ChatUsage, FinishReason } from '../core/llm/types.ts';
import { abortable, abortError } from './abort.ts';
import { detectWebGpu } from './capabilities.ts';
import { jsonSchemaToGbnf, type GbnfOptions } from './gbnf/json-schema-to-gbnf.ts';
import { classifyModelError, modelErrorKind } from './model-errors.ts';
import type { InBrowserChatEngine, ModelLoadProgressCallback } from './types.ts';

/** Options of the CPU engine. */
export interface WllamaEngineOptions {
  /** GGUF file URL (absolute, or relative to the page). */
  modelUrl: string;
  /** Recorded in traces; default `wllama:<file name>`. */
  id?: string;
  label?: string;
  /** Worker threads; more than 1 needs a cross-origin isolated page. Default: half the cores. */
  nThreads?: number;
  /** Context window in tokens. Default 4096. */
  nCtx?: number;
  onProgress?: ModelLoadProgressCallback;
  /** Limits for grammars built from `jsonSchema` (a random-weight model needs short strings). */
  grammarOptions?: GbnfOptions;
  /**
   * Layers on WebGPU (GGUF on WebGPU: llama.cpp's WebGPU backend); default 0, the CPU. Asked only
   * of adapters with `shader-f16` (every llama.cpp WebGPU shader needs it); elsewhere the model
   * runs on the CPU and the engine says why.
   */
  gpuLayers?: number;
  /** Keep the downloaded file in the browser's cache (OPFS). Default true. */
  useCache?: boolean;
  /** Where `wllama.wasm` is served; default the file shipped in @wllama/wllama (Vite `?url`). */
  wasmUrl?: string;
  /**
   * GGUF metadata to override at load, as llama.cpp's `TYPE:value` strings, e.g.
   * `{ 'llama.context_length': 'int:4096' }` to widen a model trained on a short context.
   */
  metadataOverrides?: Record<string, string>;
  /** Pass llama.cpp's own log lines to the console. Default false. */
  verbose?: boolean;
}

// The stream chunks, read at the boundary: chat chunks carry `delta`, raw completions `text`.
const usageSchema = z.object({ prompt_tokens: z.number(), completion_tokens: z.number() });
const timingsSchema = z.object({
  cache_n: z.number().optional(),
  prompt_n: z.number().optional(),
  prompt_per_second: z.number().optional(),
  predicted_n: z.number().optional(),
  predicted_per_second: z.number().optional(),
});
const streamChunkSchema = z.object({
  choices: z
    .array(
      z.object({
        text: z.string().nullish(),
        delta: z.object({ content: z.string().nullish(), reasoning_content: z.string().nullish() }).nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: usageSchema.nullish(),
  timings: timingsSchema.nullish(),
});

function fileName(url: string): string {
  return url.split(/[?#]/)[0]?.split('/').pop() ?? url;
}

function absoluteUrl(url: string): string {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  return base ? new URL(url, base).href : url;
}

/** The prompt for models without a chat template (such as the tiny test model). */
export function fallbackPrompt(messages: readonly ChatMessage[]): string {
  const headings: Record<ChatMessage['role'], string> = { system: '### System:', user: '### User:', assistant: '### Assistant:' };
  const turns = messages.map((message) => `${headings[message.role]}\n${message.content.trim()}\n\n`);
  return `${turns.join('')}### Assistant:\n`;
}

function mapFinishReason(reason: string | undefined): FinishReason {
  if (reason === 'stop' || reason === 'length') return reason;
  return 'other';
}

function isCrash(error: unknown): boolean {
  // WllamaRuntimeError is named "RuntimeError", like WebAssembly's own.
  return (error instanceof Error && /RuntimeError$/.test(error.name)) || modelErrorKind(error) === 'crashed';
}

const quietLogger = {
  debug: () => {},
  log: () => {},
  warn: (...args: unknown[]) => console.warn('[wllama]', ...args),
  error: (...args: unknown[]) => console.error('[wllama]', ...args),
};

/** llama.cpp's load log: `load_tensors: offloaded 25/25 layers to GPU`. */
const offloadPattern = /offloaded (\d+)\/(\d+) layers to GPU/;

/** A logger that notes the offload line (and passes everything on to `inner`). */
function offloadWatcher(inner: typeof quietLogger, onOffload: (layers: number, total: number) => void): typeof quietLogger {
  const watch =
    (forward: (...args: unknown[]) => void) =>
    (...args: unknown[]) => {
      const match = offloadPattern.exec(args.map(String).join(' '));
      if (match) onOffload(Number(match[1]), Number(match[2]));
      forward(...args);
    };
  return { debug: watch(inner.debug), log: watch(inner.log), warn: watch(inner.warn), error: watch(inner.error) };
}

/** Whether this page's WebGPU adapter can run llama.cpp's WebGPU shaders; the reason when not. */
async function webGpuForGguf(): Promise<{ ok: true } | { ok: false; reason: string }> {
  const webgpu = await detectWebGpu(globalThis.navigator, 5000);
  if (!webgpu.available) return { ok: false, reason: (webgpu.reason ?? 'there is no WebGPU adapter').replace(/^\w/, (letter) => letter.toLowerCase()).replace(/\.$/, '') };
  if (!webgpu.shaderF16) return { ok: false, reason: 'the adapter has no shader-f16, which every llama.cpp WebGPU shader needs' };
  return { ok: true };
}

/**
 * A ChatEngine on @wllama/wllama: llama.cpp compiled to WebAssembly, on the CPU. The model
 * loads on the first `chat` (or `load()`); a `jsonSchema` becomes a GBNF grammar so the
 * answer always parses. After a crash of the WebAssembly instance the next call starts a
 * fresh one. wllama and its 10 MB wasm are loaded with `import()` only.
 */
export function createWllamaEngine(options: WllamaEngineOptions): InBrowserChatEngine {
  const modelId = options.modelUrl;
  const id = options.id ?? `wllama:${fileName(options.modelUrl)}`;
  const label = options.label ?? `CPU: ${fileName(options.modelUrl)}`;
  let instance: Wllama | undefined;
  let loading: Promise<Wllama> | undefined;
  let loadTimeMs: number | undefined;
  /** What the loaded instance runs on, from llama.cpp's load log: recorded with each call. */
  let backend: string | undefined;

  async function createInstance(): Promise<Wllama> {
    const started = performance.now();
    const wantedLayers = options.gpuLayers ?? 0;
    const [{ Wllama: WllamaClass }, wasmUrl, gpuCheck] = await Promise.all([
      import('@wllama/wllama'),
      options.wasmUrl ?? import('@wllama/wllama/esm/wasm/wllama.wasm?url').then((module) => module.default),
      wantedLayers > 0 ? webGpuForGguf() : Promise.resolve(undefined),
    ]);
    const gpuLayers = gpuCheck?.ok ? wantedLayers : 0;
    let offloaded: { layers: number; total: number } | undefined;
    // llama.cpp's own log says how many layers went to the GPU: kept when the model is on WebGPU.
    const logger = offloadWatcher(options.verbose ? console : quietLogger, (layers, total) => (offloaded = { layers, total }));
    const wllama = new WllamaClass({ default: absoluteUrl(wasmUrl) }, { logger, suppressNativeLog: !options.verbose && gpuLayers === 0, allowOffline: true });
    options.onProgress?.({ progress: 0, text: `Loading ${fileName(options.modelUrl)}` });
    try {
      await wllama.loadModelFromUrl(absoluteUrl(options.modelUrl), {
        n_ctx: options.nCtx ?? 4096,
        n_threads: options.nThreads,
        n_gpu_layers: gpuLayers,
        useCache: options.useCache ?? true,
        // llama.cpp wants the list closed by an entry with an empty key; wllama 3.13 does not add it.
        ...(options.metadataOverrides ? { kv_overrides: { ...options.metadataOverrides, '': 'int:0' } } : {}),
        progressCallback: ({ loaded, total }) => {
          const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
          options.onProgress?.({
            progress: total > 0 ? Math.min(1, loaded / total) : 0,
            loadedBytes: loaded,
            totalBytes: total,
            text: `Downloading ${megabytes(loaded)} of ${megabytes(total)} MB`,
          });
        },
      });
      // wllama resolves even when llama.cpp rejected the file (an HTML page, say); its context is then empty.
      if (!(wllama.getLoadedContextInfo().n_vocab > 0)) {
        throw new Error(`${fileName(options.modelUrl)} is not a GGUF model that llama.cpp could load (invalid magic or unsupported architecture).`);
      }
    } catch (error) {
      await wllama.exit().catch(() => {});
      throw error;
    }
    loadTimeMs = performance.now() - started;
    if (gpuCheck && !gpuCheck.ok) backend = `CPU (GGUF on WebGPU was asked, but ${gpuCheck.reason})`;
    else if (gpuLayers === 0) backend = 'CPU';
    else if (offloaded) backend = offloaded.layers > 0 ? `WebGPU (${offloaded.layers} of ${offloaded.total} layers offloaded)` : 'CPU (no layer was offloaded to WebGPU)';
    else backend = 'WebGPU (layers offloaded not reported)';
    options.onProgress?.({ progress: 1, text: 'Ready' });
    return wllama;
  }

  function ensureLoaded(): Promise<Wllama> {
    if (instance) return Promise.resolve(instance);
    loading ??= createInstance().then(
      (created) => {
        instance = created;
        return created;
      },
      (error: unknown) => {
        loading = undefined;
        throw classifyModelError(error, { engine: 'wllama', modelId, phase: 'load' });
      },
    );
    return loading;
  }

  /** Drops a crashed instance so the next call builds a new one. */
  function discard(crashed: Wllama): void {
    if (instance !== crashed) return;
    instance = undefined;
    loading = undefined;
    void crashed.exit().catch(() => {});
  }

  async function generate(request: ChatRequest, onChunk?: (chunk: ChatChunk) => void): Promise<ChatResult> {
    const started = performance.now();
    const signal = request.signal;
    if (signal?.aborted) throw abortError(signal);
    // Build the grammar first: a schema it cannot handle should fail before any loading.
    const grammar = request.jsonSchema ? jsonSchemaToGbnf(request.jsonSchema, options.grammarOptions) : undefined;
    const wllama = await abortable(ensureLoaded(), signal);

    const splitter = new ReasoningSplitter();
    let text = '';
    let reasoning = '';
    // All of it in stream order: a closing tag without an opening one makes it reasoning.
    let streamed = '';
    let firstTokenMs: number | undefined;
    let finishReason: string | undefined;
    let usage: ChatUsage | undefined;
    let timings: z.infer<typeof timingsSchema> | undefined;
    const deliver = (chunks: ChatChunk[]) => {
      for (const chunk of chunks) {
        if (chunk.type === 'text') text += chunk.text;
        else reasoning += chunk.text;
        streamed += chunk.text;
        onChunk?.(chunk);
      }
    };
    const deliverSplit = (split: SplitResult) => {
      if (split.closedUnopened) {
        // The chat template opened <think> in the prompt: all that streamed so far was reasoning.
        reasoning = streamed;
        text = '';
      }
      deliver(split.chunks);
    };
    const onData = (raw: unknown) => {
      const parsed = streamChunkSchema.safeParse(raw);
      if (!parsed.success) return;
      const { choices, usage: chunkUsage, timings: chunkTimings } = parsed.data;
      const choice = choices?.[0];
      const content = choice?.delta?.content ?? choice?.text ?? '';
      const reasoningContent = choice?.delta?.reasoning_content ?? '';
      if ((content || reasoningContent) && firstTokenMs === undefined) firstTokenMs = performance.now() - started;
      if (reasoningContent) deliver([{ type: 'reasoning', text: reasoningContent }]);
      if (content) deliverSplit(splitter.push(content));
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (chunkUsage) usage = { promptTokens: chunkUsage.prompt_tokens, completionTokens: chunkUsage.completion_tokens };
      if (chunkTimings) timings = chunkTimings;
    };

    const temperature = request.temperature ?? (request.jsonSchema ? 0 : undefined);
    const sampling = {
      max_tokens: request.maxTokens,
      temperature,
      // temperature 0 means greedy; top_k 1 makes that explicit for every llama.cpp sampler chain.
      ...(temperature === 0 ? { top_k: 1 } : {}),
      ...(grammar ? { grammar } : {}),
      abortSignal: signal,
    };
    try {
      if (wllama.getChatTemplate()) {
        await wllama.createChatCompletion({
          ...sampling,
          messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
          // llama.cpp takes `stop` on chat requests too; wllama's typings only list it for raw completions.
          ...((request.stop ? { stop: request.stop } : {}) as object),
          // Qwen3 and similar templates think unless told not to; a constrained answer has no room for it.
          ...(request.jsonSchema ? { chat_template_kwargs: { enable_thinking: false } } : {}),
          stream: true,
          onData,
        });
      } else {
        await wllama.createCompletion({
          ...sampling,
          prompt: fallbackPrompt(request.messages),
          stop: grammar ? request.stop : [...(request.stop ?? []), '\n### '],
          stream: true,
          onData,
        });
      }
    } catch (error) {
      if (signal?.aborted || isAbortError(error)) throw abortError(signal);
      if (modelErrorKind(error) === 'invalid-text') {
        // The instance is dead after this: a new one starts now, so the next call finds it ready.
        discard(wllama);
        void ensureLoaded().catch(() => undefined);
        throw classifyModelError(error, { engine: 'wllama', modelId, phase: 'generate', kind: 'invalid-text' });
      }
      if (isCrash(error)) {
        discard(wllama);
        throw classifyModelError(error, { engine: 'wllama', modelId, phase: 'generate', kind: 'crashed' });
      }
      throw classifyModelError(error, { engine: 'wllama', modelId, phase: 'generate' });
    }
    if (signal?.aborted) throw abortError(signal);
    deliverSplit(splitter.finish());

    if (!usage && timings?.prompt_n !== undefined && timings.predicted_n !== undefined) {
      usage = { promptTokens: (timings.cache_n ?? 0) + timings.prompt_n, completionTokens: timings.predicted_n };
    }
    const result: ChatResult = {
      text,
      reasoning,
      finishReason: mapFinishReason(finishReason),
      timing: {
        totalMs: performance.now() - started,
        ...(firstTokenMs === undefined ? {} : { firstTokenMs }),
        ...(timings?.prompt_per_second === undefined ? {} : { prefillTokensPerSecond: timings.prompt_per_second }),
        ...(timings?.predicted_per_second === undefined ? {} : { decodeTokensPerSecond: timings.predicted_per_second }),
      },
    };
    if (usage) result.usage = usage;
    if (backend) result.backend = backend;
    return result;
  }

  // One generation at a time: llama.cpp has one context (one KV cache), and steps that run in
  // parallel would fill it together ("Context size has been exceeded").
  let queue: Promise<unknown> = Promise.resolve();
  function chat(request: ChatRequest, onChunk?: (chunk: ChatChunk) => void): Promise<ChatResult> {
    const run = queue.then(() => generate(request, onChunk));
    queue = run.catch(() => undefined);
    return abortable(run, request.signal);
  }

  return {
    kind: 'wllama',
    id,
    label,
    modelId,
    get loaded() {
      return instance !== undefined;
    },
    get loadTimeMs() {
      return loadTimeMs;
    },
    get backend() {
      return backend;
    },
    async load() {
      await ensureLoaded();
    },
    chat,
    async dispose() {
      const pending = loading;
      instance = undefined;
      loading = undefined;
      const current = await pending?.catch(() => undefined);
      await current?.exit().catch(() => {});
    },
  };
}
