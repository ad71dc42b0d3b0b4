import type {
  AppConfig,
  ChatCompletionMessageParam,
  ChatCompletionRequestStreaming,
  ChatOptions,
  InitProgressReport,
  WebWorkerMLCEngine,
} from '@mlc-ai/web-llm';
import { z } from 'zod';
import { isAbortError } from '../../core/errors.ts';
import { ReasoningSplitter, type SplitResult } from '../../core/llm/reasoning.ts';
import type { ChatChunk, ChatMessage, ChatRequest, ChatResult, ChatUsage, FinishReason } from '../../core/llm/types.ts';
import { abortable, abortError } from '../abort.ts';
import { findCatalogModel, isThinkingModel } from '../model-catalog.ts';
import { classifyModelError, type ModelErrorKind } from '../model-errors.ts';
import type { InBrowserChatEngine, ModelLoadProgressCallback } from '../types.ts';

/** Options of the WebGPU engine. */
export interface WebLLMEngineOptions {
  /** A web-llm model id, e.g. `Qwen3-1.7B-q4f16_1-MLC`. */
  modelId: string;
  /** Model list to look the id up in; web-llm's prebuilt list when absent. */
  appConfig?: AppConfig;
  /** web-llm chat options (context window size and the like). */
  chatOptions?: ChatOptions;
  onProgress?: ModelLoadProgressCallback;
  /** Recorded in traces; default `webllm:<model id>`. */
  id?: string;
  label?: string;
  /** Let Qwen3 models think on unconstrained calls. Default false; constrained calls never think. */
  thinking?: boolean;
  /** Makes the worker; the default is the bundled `webllm-worker.ts`. */
  createWorker?: () => Worker;
}

// web-llm's stream chunks, read at the boundary (they cross the worker as plain objects).
const chunkSchema = z.object({
  choices: z
    .array(z.object({ delta: z.object({ content: z.string().nullish() }).nullish(), finish_reason: z.string().nullish() }))
    .nullish(),
  usage: z
    .object({
      prompt_tokens: z.number(),
      completion_tokens: z.number(),
      extra: z
        .object({
          prefill_tokens_per_s: z.number().optional(),
          decode_tokens_per_s: z.number().optional(),
          time_to_first_token_s: z.number().optional(),
        })
        .nullish(),
    })
    .nullish(),
});

// After these the engine is unusable; the next call loads it again.
const fatalKinds: readonly ModelErrorKind[] = ['device-lost', 'out-of-memory', 'crashed', 'webgpu-unavailable'];

/** web-llm wants one system message, first. */
function toWebLLMMessages(messages: readonly ChatMessage[]): ChatCompletionMessageParam[] {
  const system = messages.filter((message) => message.role === 'system').map((message) => message.content);
  const rest = messages.filter((message) => message.role !== 'system');
  const converted: ChatCompletionMessageParam[] = rest.map((message) =>
    message.role === 'user' ? { role: 'user', content: message.content } : { role: 'assistant', content: message.content },
  );
  return system.length > 0 ? [{ role: 'system', content: system.join('\n\n') }, ...converted] : converted;
}

function mapFinishReason(reason: string | undefined): FinishReason {
  if (reason === 'stop' || reason === 'length') return reason;
  return 'other';
}

function defaultWorker(): Worker {
  // Written out in full so that Vite sees the worker and bundles it as its own chunk.
  return new Worker(new URL('./webllm-worker.ts', import.meta.url), { type: 'module' });
}

/**
 * A ChatEngine on web-llm (WebGPU) in a dedicated worker. web-llm is loaded with `import()`
 * on first use; the model downloads (or comes from the browser cache) on the first `chat` or
 * `load()`. A `jsonSchema` becomes web-llm's JSON mode with that schema (XGrammar), Qwen3's
 * thinking is switched off for such calls, and calls run one at a time so that aborting one
 * (`interruptGenerate`) never cuts another.
 */
export function createWebLLMEngine(options: WebLLMEngineOptions): InBrowserChatEngine {
  const { modelId } = options;
  const catalogEntry = findCatalogModel(modelId);
  const id = options.id ?? `webllm:${modelId}`;
  const label = options.label ?? `WebGPU: ${catalogEntry?.label ?? modelId}`;
  let engine: WebWorkerMLCEngine | undefined;
  let worker: Worker | undefined;
  let loading: Promise<WebWorkerMLCEngine> | undefined;
  let loadTimeMs: number | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  async function createEngine(): Promise<WebWorkerMLCEngine> {
    const started = performance.now();
    options.onProgress?.({ progress: 0, text: `Loading ${modelId}` });
    const { CreateWebWorkerMLCEngine } = await import('@mlc-ai/web-llm');
    const created = (options.createWorker ?? defaultWorker)();
    worker = created;
    // A worker whose script fails never answers; its error event is the only sign.
    const workerFailed = new Promise<never>((_, reject) => {
      created.addEventListener('error', (event) => reject(`The web-llm worker failed: ${event.message || 'its script did not load'}`), { once: true });
    });
    try {
      const loaded = await Promise.race([
        CreateWebWorkerMLCEngine(
          created,
          modelId,
          {
            ...(options.appConfig ? { appConfig: options.appConfig } : {}),
            initProgressCallback: (report: InitProgressReport) => options.onProgress?.({ progress: report.progress, text: report.text }),
          },
          options.chatOptions,
        ),
        workerFailed,
      ]);
      loadTimeMs = performance.now() - started;
      options.onProgress?.({ progress: 1, text: 'Ready' });
      return loaded;
    } catch (error) {
      created.terminate();
      if (worker === created) worker = undefined;
      throw error;
    }
  }

  function ensureLoaded(): Promise<WebWorkerMLCEngine> {
    if (engine) return Promise.resolve(engine);
    loading ??= createEngine().then(
      (created) => {
        engine = created;
        return created;
      },
      (error: unknown) => {
        loading = undefined;
        throw classifyModelError(error, { engine: 'webllm', modelId, phase: 'load' });
      },
    );
    return loading;
  }

  async function unload(): Promise<void> {
    const current = engine ?? (await loading?.catch(() => undefined));
    const currentWorker = worker;
    engine = undefined;
    loading = undefined;
    worker = undefined;
    // unload() may never answer from a broken worker; terminating is what frees the GPU memory.
    await Promise.race([current?.unload().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 2000))]);
    currentWorker?.terminate();
  }

  async function generate(loaded: WebWorkerMLCEngine, request: ChatRequest, onChunk: ((chunk: ChatChunk) => void) | undefined, started: number): Promise<ChatResult> {
    const signal = request.signal;
    if (signal?.aborted) throw abortError(signal);
    const thinking = isThinkingModel(modelId) && options.thinking === true && !request.jsonSchema;
    const body: ChatCompletionRequestStreaming = {
      stream: true,
      stream_options: { include_usage: true },
      messages: toWebLLMMessages(request.messages),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
      ...(request.stop ? { stop: request.stop } : {}),
      // web-llm wants the schema as a string.
      ...(request.jsonSchema ? { response_format: { type: 'json_object' as const, schema: JSON.stringify(request.jsonSchema) } } : {}),
      ...(isThinkingModel(modelId) ? { extra_body: { enable_thinking: thinking } } : {}),
    };

    const splitter = new ReasoningSplitter();
    let text = '';
    let reasoning = '';
    // All of it in stream order: a closing tag without an opening one makes it reasoning.
    let streamed = '';
    let firstTokenMs: number | undefined;
    let finishReason: string | undefined;
    let usage: ChatUsage | undefined;
    let prefillTokensPerSecond: number | undefined;
    let decodeTokensPerSecond: number | undefined;
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

    const interrupt = () => loaded.interruptGenerate();
    signal?.addEventListener('abort', interrupt, { once: true });
    try {
      const stream = await loaded.chat.completions.create(body);
      for await (const raw of stream) {
        const parsed = chunkSchema.safeParse(raw);
        if (!parsed.success) continue;
        const choice = parsed.data.choices?.[0];
        const content = choice?.delta?.content ?? '';
        if (content) {
          if (firstTokenMs === undefined) firstTokenMs = performance.now() - started;
          deliverSplit(splitter.push(content));
        }
        if (choice?.finish_reason) finishReason = choice.finish_reason;
        const chunkUsage = parsed.data.usage;
        if (chunkUsage) {
          usage = { promptTokens: chunkUsage.prompt_tokens, completionTokens: chunkUsage.completion_tokens };
          prefillTokensPerSecond = chunkUsage.extra?.prefill_tokens_per_s;
          decodeTokensPerSecond = chunkUsage.extra?.decode_tokens_per_s;
        }
      }
    } finally {
      signal?.removeEventListener('abort', interrupt);
    }
    if (signal?.aborted || finishReason === 'abort') throw abortError(signal);
    deliverSplit(splitter.finish());

    const result: ChatResult = {
      text,
      reasoning,
      finishReason: mapFinishReason(finishReason),
      timing: {
        totalMs: performance.now() - started,
        ...(firstTokenMs === undefined ? {} : { firstTokenMs }),
        ...(prefillTokensPerSecond === undefined ? {} : { prefillTokensPerSecond }),
        ...(decodeTokensPerSecond === undefined ? {} : { decodeTokensPerSecond }),
      },
    };
    if (usage) result.usage = usage;
    return result;
  }

  async function chat(request: ChatRequest, onChunk?: (chunk: ChatChunk) => void): Promise<ChatResult> {
    const started = performance.now();
    const signal = request.signal;
    if (signal?.aborted) throw abortError(signal);
    const loaded = await abortable(ensureLoaded(), signal);
    // One call at a time: interruptGenerate() stops whatever runs, so only the running call may use it.
    const run = queue.then(() => generate(loaded, request, onChunk, started));
    queue = run.catch(() => undefined);
    try {
      return await abortable(run, signal);
    } catch (error) {
      if (signal?.aborted || isAbortError(error)) throw abortError(signal);
      const classified = classifyModelError(error, { engine: 'webllm', modelId, phase: 'generate' });
      if (fatalKinds.includes(classified.kind) && engine === loaded) await unload();
      throw classified;
    }
  }

  return {
    kind: 'webllm',
    id,
    label,
    modelId,
    get loaded() {
      return engine !== undefined;
    },
    get loadTimeMs() {
      return loadTimeMs;
    },
    async load() {
      await ensureLoaded();
    },
    chat,
    dispose: unload,
  };
}

