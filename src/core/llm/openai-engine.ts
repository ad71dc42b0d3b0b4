import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { z } from 'zod';
import { EndpointError, errorMessage, isAbortError } from '../errors.ts';
import { fetchFailure, httpError, pageLocation, redact, serverMessageFromBody, serverMessageFromObject, type FailureContext } from './endpoint-errors.ts';
import { localNetworkInit } from './address-space.ts';
import { jsonBlob } from './json-body.ts';
import { ReasoningSplitter, type SplitResult } from './reasoning.ts';
import type { ChatChunk, ChatEngine, ChatRequest, ChatResult, ChatTiming, ChatUsage, FinishReason, WireRequest } from './types.ts';

/** How an endpoint is reached; shared by the engine, `listModels` and `probeEndpoint`. */
export interface EndpointConfig {
  /** Base URL of the OpenAI-compatible API, usually ending in `/v1`. */
  baseUrl: string;
  /** Sent only as `Authorization: Bearer …` to `baseUrl`. */
  apiKey?: string;
  /** Replaces the global fetch (tests, proxies). */
  fetch?: typeof fetch;
  /** Give up when no byte arrives for this long (default 60 000 ms). */
  idleTimeoutMs?: number;
}

/** Settings of one OpenAI-compatible chat endpoint. */
export interface OpenAIEngineConfig extends EndpointConfig {
  model: string;
  /**
   * How `ChatRequest.jsonSchema` reaches the server: `json_schema` (vLLM, llama.cpp server,
   * OpenAI, recent Ollama), `json_object` (JSON without a schema), or `none`.
   * Default `json_schema`.
   */
  structuredOutput?: 'json_schema' | 'json_object' | 'none';
  /** Engine id recorded in traces (default `endpoint`). */
  id?: string;
  /** Name for a person (default: the model and the host). */
  label?: string;
  /** Extra fields merged into every request body (`chat_template_kwargs`, `top_p`, …). */
  extraBody?: Record<string, unknown>;
}

const defaultIdleTimeoutMs = 60_000;

function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 100) / 10} s`;
}

const optionalText = z.string().nullish();

const usageSchema = z.looseObject({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
});

/** llama.cpp server's own speed report. */
const timingsSchema = z.looseObject({
  prompt_per_second: z.number().nullish(),
  predicted_per_second: z.number().nullish(),
});

const messageSchema = z.looseObject({ content: optionalText, reasoning: optionalText, reasoning_content: optionalText });

const streamChunkSchema = z.looseObject({
  object: z.string().nullish(),
  error: z.unknown().optional(),
  choices: z
    .array(
      z.looseObject({
        delta: messageSchema.nullish(),
        /** Legacy completions-style chunks. */
        text: optionalText,
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: usageSchema.nullish(),
  timings: timingsSchema.nullish(),
});

const completionSchema = z.looseObject({
  object: z.string().nullish(),
  error: z.unknown().optional(),
  choices: z
    .array(z.looseObject({ message: messageSchema.nullish(), text: optionalText, finish_reason: z.string().nullish() }))
    .nullish(),
  usage: usageSchema.nullish(),
  timings: timingsSchema.nullish(),
});

const modelListSchema = z.looseObject({
  data: z.array(z.looseObject({ id: z.string() })).nullish(),
  models: z.array(z.looseObject({ id: z.string().nullish(), name: z.string().nullish(), model: z.string().nullish() })).nullish(),
});

/**
 * Maps an API `finish_reason` to ours. Undefined when the chunk has none (still streaming).
 * TGI's `eos_token` and `stop_sequence` mean a normal stop.
 */
export function mapFinishReason(reason: string | null | undefined): FinishReason | undefined {
  if (reason === null || reason === undefined || reason === '') return undefined;
  if (reason === 'stop' || reason === 'eos_token' || reason === 'eos' || reason === 'stop_sequence') return 'stop';
  if (reason === 'length' || reason === 'max_tokens') return 'length';
  return 'other';
}

/**
 * The error to raise when a caller cannot use a cut-off answer (`finishReason: 'length'`).
 * The engine itself returns such answers; whether half an answer is useful is the caller's call.
 */
export function truncationError(maxTokens?: number): EndpointError {
  return new EndpointError('length', `The answer was cut off at the token limit${maxTokens ? ` (${maxTokens} ${maxTokens === 1 ? 'token' : 'tokens'})` : ''}.`, {
    hint: 'Raise max tokens in Settings, or ask for a shorter answer.',
  });
}

/** Throws `truncationError` when the answer stopped at the token limit. */
export function assertNotTruncated(result: ChatResult, maxTokens?: number): void {
  if (result.finishReason === 'length') throw truncationError(maxTokens);
}

/** `${baseUrl}${path}` as a URL; an `EndpointError` when the base URL is not an http(s) URL. */
function endpointUrl(baseUrl: string, path: string): URL {
  const base = baseUrl.trim().replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(`${base}${path}`);
  } catch (error) {
    throw new EndpointError('bad-request', `"${base}" is not a URL.`, {
      cause: error,
      hint: 'Enter the base URL of the OpenAI-compatible API, for example http://127.0.0.1:8000/v1.',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EndpointError('bad-request', `"${base}" is not an http or https URL.`, {
      hint: 'Enter the base URL of the OpenAI-compatible API, for example http://127.0.0.1:8000/v1.',
    });
  }
  return url;
}

function requestHeaders(apiKey: string | undefined, accept: string): Record<string, string> {
  const headers: Record<string, string> = { Accept: accept };
  const key = apiKey?.trim();
  if (key) headers.Authorization = `Bearer ${key}`;
  return headers;
}

/** OpenAI wants `^[a-zA-Z0-9_-]{1,64}$`. */
function schemaName(name: string | undefined): string {
  const cleaned = (name ?? 'answer').replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
  return cleaned || 'answer';
}

function requestBody(config: OpenAIEngineConfig, request: ChatRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: config.model,
    messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
  };
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.stop && request.stop.length > 0) body.stop = request.stop;
  const mode = config.structuredOutput ?? 'json_schema';
  if (request.jsonSchema && mode === 'json_schema') {
    body.response_format = { type: 'json_schema', json_schema: { name: schemaName(request.schemaName), strict: true, schema: request.jsonSchema } };
  } else if (request.jsonSchema && mode === 'json_object') {
    body.response_format = { type: 'json_object' };
  }
  return { ...body, ...config.extraBody, stream: true, stream_options: { include_usage: true } };
}

/** The reason to reject with when the caller aborted: always something `isAbortError` accepts. */
function abortReason(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  if (isAbortError(reason)) return reason;
  return new DOMException(reason === undefined ? 'The request was aborted.' : errorMessage(reason), 'AbortError');
}

/**
 * One request's cancellation: the caller's signal and the idle timer both abort the fetch.
 * `race` also rejects promises that a fetch implementation forgot to tie to the signal.
 */
class RequestWatch {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  stalled = false;

  constructor(
    private readonly outer: AbortSignal | undefined,
    private readonly idleTimeoutMs: number,
  ) {
    outer?.addEventListener('abort', this.onOuterAbort, { once: true });
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Something arrived: restart the idle timer. */
  touch(): void {
    clearTimeout(this.timer);
    if (this.idleTimeoutMs > 0 && Number.isFinite(this.idleTimeoutMs)) this.timer = setTimeout(this.onIdle, this.idleTimeoutMs);
  }

  race<T>(promise: Promise<T>): Promise<T> {
    const signal = this.controller.signal;
    if (signal.aborted) {
      promise.catch(() => undefined);
      return Promise.reject(signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.onOuterAbort);
  }

  private readonly onIdle = () => {
    this.stalled = true;
    this.controller.abort(new DOMException('No data arrived within the idle timeout.', 'TimeoutError'));
  };

  private readonly onOuterAbort = () => {
    this.controller.abort(this.outer?.reason);
  };
}

/** Collects the answer, keeps reasoning apart and forwards chunks to the caller. */
class AnswerAccumulator {
  private text: string[] = [];
  private reasoning: string[] = [];
  /** All of it in stream order: a closing tag without an opening one makes it reasoning. */
  private streamed: string[] = [];
  private readonly splitter = new ReasoningSplitter();
  /**
   * Reasoning came first: the answer's leading blank lines belong to the gap between them. The
   * splitter already drops them after a closing tag; this covers the `reasoning` fields.
   */
  private trimLeadingText = false;
  firstTokenMs: number | undefined;
  finishReason: FinishReason | undefined;
  usage: ChatUsage | undefined;
  prefillTokensPerSecond: number | undefined;
  decodeTokensPerSecond: number | undefined;

  constructor(
    private readonly started: number,
    private readonly onChunk: ((chunk: ChatChunk) => void) | undefined,
  ) {}

  addReasoning(text: string | null | undefined): void {
    if (text) this.emit({ type: 'reasoning', text });
  }

  addContent(text: string | null | undefined): void {
    if (text) this.emitSplit(this.splitter.push(text));
  }

  readUsage(usage: z.infer<typeof usageSchema> | null | undefined, timings: z.infer<typeof timingsSchema> | null | undefined): void {
    if (usage && (typeof usage.prompt_tokens === 'number' || typeof usage.completion_tokens === 'number')) {
      this.usage = { promptTokens: usage.prompt_tokens ?? 0, completionTokens: usage.completion_tokens ?? 0 };
    }
    if (timings) {
      this.prefillTokensPerSecond = timings.prompt_per_second ?? this.prefillTokensPerSecond;
      this.decodeTokensPerSecond = timings.predicted_per_second ?? this.decodeTokensPerSecond;
    }
  }

  result(finishReason: FinishReason): ChatResult {
    this.emitSplit(this.splitter.finish());
    const timing: ChatTiming = { totalMs: Math.round(performance.now() - this.started) };
    if (this.firstTokenMs !== undefined) timing.firstTokenMs = this.firstTokenMs;
    if (this.prefillTokensPerSecond !== undefined) timing.prefillTokensPerSecond = this.prefillTokensPerSecond;
    if (this.decodeTokensPerSecond !== undefined) timing.decodeTokensPerSecond = this.decodeTokensPerSecond;
    const result: ChatResult = { text: this.text.join(''), reasoning: this.reasoning.join(''), finishReason, timing };
    if (this.usage) result.usage = this.usage;
    return result;
  }

  private emitSplit(split: SplitResult): void {
    if (split.closedUnopened) {
      // The chat template opened <think> in the prompt: all that streamed so far was reasoning.
      this.reasoning = [...this.streamed];
      this.text = [];
    }
    for (const chunk of split.chunks) this.emit(chunk);
  }

  private emit(chunk: ChatChunk): void {
    let { text } = chunk;
    if (chunk.type === 'reasoning') {
      this.reasoning.push(text);
      if (this.text.length === 0) this.trimLeadingText = true;
    } else {
      if (this.trimLeadingText) {
        text = text.replace(/^\s+/, '');
        if (!text) return;
        this.trimLeadingText = false;
      }
      this.text.push(text);
    }
    this.streamed.push(text);
    this.firstTokenMs ??= Math.round(performance.now() - this.started);
    this.onChunk?.({ type: chunk.type, text });
  }
}

function badResponse(message: string, hint = 'The server does not speak the OpenAI chat completions format: check the Planner URL (it should end in /v1).'): EndpointError {
  return new EndpointError('bad-response', message, { hint });
}

function streamError(message: string | undefined, origin: string, apiKey: string | undefined): EndpointError {
  return new EndpointError('stream-error', `${origin} reported an error while answering: ${redact(message ?? 'no details given', apiKey)}`, {
    hint: 'The server failed mid-answer; its log says why. Try again, or lower max tokens if the prompt is long.',
  });
}

function preview(text: string): string {
  const single = text.replace(/\s+/g, ' ').trim();
  return single.length > 120 ? `${single.slice(0, 119)}…` : single;
}

type StreamState = { done: boolean };

/** Handles one SSE event; marks the state done at `[DONE]`. */
function handleEvent(event: EventSourceMessage, answer: AnswerAccumulator, state: StreamState, context: FailureContext): void {
  const data = event.data.trim();
  if (event.event === 'error') throw streamError(serverMessageFromBody(data), context.url.origin, context.apiKey);
  if (data === '') return;
  if (data === '[DONE]') {
    state.done = true;
    return;
  }
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw badResponse(`${context.url.origin} sent a stream line that is not JSON: "${preview(redact(data, context.apiKey))}"`);
  }
  const parsed = streamChunkSchema.safeParse(json);
  if (!parsed.success) throw badResponse(`${context.url.origin} sent a chunk of an unexpected shape: ${preview(redact(data, context.apiKey))}`);
  const chunk = parsed.data;
  if ((chunk.error !== undefined && chunk.error !== null) || chunk.object === 'error') {
    throw streamError(serverMessageFromObject(chunk.error ?? json), context.url.origin, context.apiKey);
  }
  answer.readUsage(chunk.usage, chunk.timings);
  const choice = chunk.choices?.[0];
  if (!choice) return;
  answer.addReasoning(choice.delta?.reasoning ?? choice.delta?.reasoning_content);
  answer.addContent(choice.delta?.content ?? choice.text);
  if (choice.finish_reason === 'error') throw streamError(undefined, context.url.origin, context.apiKey);
  answer.finishReason = mapFinishReason(choice.finish_reason) ?? answer.finishReason;
}

/** A whole (non-streamed) completion: servers that ignore `stream: true` answer this way. */
function handleCompletion(text: string, answer: AnswerAccumulator, context: FailureContext): FinishReason {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badResponse(`${context.url.origin} answered with something that is neither a stream nor JSON: "${preview(redact(text, context.apiKey))}"`);
  }
  const parsed = completionSchema.safeParse(json);
  if (!parsed.success) throw badResponse(`${context.url.origin} answered with JSON of an unexpected shape: ${preview(redact(text, context.apiKey))}`);
  const completion = parsed.data;
  if ((completion.error !== undefined && completion.error !== null) || completion.object === 'error') {
    throw streamError(serverMessageFromObject(completion.error ?? json), context.url.origin, context.apiKey);
  }
  const choice = completion.choices?.[0];
  if (!choice) throw badResponse(`${context.url.origin} answered without any choices.`);
  answer.readUsage(completion.usage, completion.timings);
  answer.addReasoning(choice.message?.reasoning ?? choice.message?.reasoning_content);
  answer.addContent(choice.message?.content ?? choice.text);
  return mapFinishReason(choice.finish_reason) ?? 'stop';
}

async function readAnswer(response: Response, watch: RequestWatch, answer: AnswerAccumulator, context: FailureContext): Promise<ChatResult> {
  const contentType = response.headers.get('content-type') ?? '';
  let mode: 'undecided' | 'sse' | 'json' = /json/i.test(contentType) && !/event-stream/i.test(contentType) ? 'json' : 'undecided';
  let jsonText = '';
  const state: StreamState = { done: false };
  const events: EventSourceMessage[] = [];
  const parser = createParser({
    onEvent: (event) => events.push(event),
    onError: (error) => {
      // Older llama.cpp servers report failures as an `error:` SSE field.
      if (error.type === 'unknown-field' && error.field === 'error') events.push({ event: 'error', data: error.value ?? '' });
    },
  });

  const feed = (text: string) => {
    if (mode === 'undecided') {
      const start = text.search(/\S/);
      if (start < 0) {
        jsonText += text;
        return;
      }
      // An event stream never starts with `{`: this server ignored `stream: true`.
      mode = text[start] === '{' ? 'json' : 'sse';
      if (mode === 'sse') {
        text = jsonText + text;
        jsonText = '';
      }
    }
    if (mode === 'json') {
      jsonText += text;
      return;
    }
    parser.feed(text);
    for (const event of events.splice(0)) {
      handleEvent(event, answer, state, context);
      if (state.done) return;
    }
  };

  if (!response.body) {
    feed(await watch.race(response.text()));
  } else {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let ended = false;
    try {
      while (!state.done) {
        let read: ReadableStreamReadResult<Uint8Array>;
        try {
          read = await watch.race(reader.read());
        } catch (error) {
          if (watch.signal.aborted) throw error;
          if (answer.finishReason) break;
          throw new EndpointError('stream-cut', `${context.url.origin} closed the connection in the middle of the answer (${redact(errorMessage(error), context.apiKey)}).`, {
            cause: error,
            hint: 'The server or a proxy dropped the stream: try again. If it keeps happening, check the server log (out of memory, restart).',
          });
        }
        if (read.done) {
          ended = true;
          break;
        }
        watch.touch();
        feed(decoder.decode(read.value, { stream: true }));
      }
    } finally {
      // Stop the download at [DONE] or on an error; a pending read is rejected by the cancel.
      if (!ended) reader.cancel().catch(() => undefined);
    }
    if (!state.done) feed(decoder.decode());
  }

  if (mode === 'json') return answer.result(handleCompletion(jsonText, answer, context));
  // A stream whose last event lacks its blank line still counts.
  if (!state.done) feed('\n\n');
  if (state.done) return answer.result(answer.finishReason ?? 'stop');
  if (answer.finishReason) return answer.result(answer.finishReason);
  throw new EndpointError('stream-cut', `The stream from ${context.url.origin} ended before the answer was complete.`, {
    hint: 'The server or a proxy closed the connection early: try again. If it keeps happening, check the server log (out of memory, restart, proxy timeout).',
  });
}

/**
 * A `ChatEngine` over an OpenAI-compatible `/chat/completions` endpoint (vLLM, llama.cpp server,
 * Ollama, LM Studio, TGI, OpenRouter, …). Streams with SSE, keeps reasoning (`reasoning`,
 * `reasoning_content`, `<think>` blocks) apart from the answer, and turns every failure into an
 * `EndpointError` whose hint says what to change. An answer cut at the token limit is returned
 * with `finishReason: 'length'`, not thrown (see `assertNotTruncated`).
 */
export function createOpenAIEngine(config: OpenAIEngineConfig): ChatEngine {
  const fetchImplementation: typeof fetch = config.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const idleTimeoutMs = config.idleTimeoutMs ?? defaultIdleTimeoutMs;
  let host = config.baseUrl;
  try {
    host = new URL(config.baseUrl).host;
  } catch {
    // Reported as an EndpointError by the first request.
  }

  async function chat(request: ChatRequest, onChunk?: (chunk: ChatChunk) => void): Promise<ChatResult> {
    const started = performance.now();
    if (request.signal?.aborted) throw abortReason(request.signal);
    const url = endpointUrl(config.baseUrl, '/chat/completions');
    const context: FailureContext = { url, model: config.model, apiKey: config.apiKey, structured: Boolean(request.jsonSchema) && config.structuredOutput !== 'none' };
    const watch = new RequestWatch(request.signal, idleTimeoutMs);
    const answer = new AnswerAccumulator(started, onChunk);
    try {
      // A Blob built in slices, not a string: a solver prompt of megabytes is escaped in tasks of
      // its own, and a page with DevTools open does not copy it into the Network panel.
      const body = await jsonBlob(requestBody(config, request));
      let response: Response;
      try {
        response = await watch.race(
          fetchImplementation(url.href, {
            method: 'POST',
            headers: { ...requestHeaders(config.apiKey, 'text/event-stream, application/json'), 'Content-Type': 'application/json' },
            body,
            signal: watch.signal,
            // A public page asks before it reaches this computer or the local network (Local Network Access).
            ...localNetworkInit(pageLocation()?.origin, url),
          }),
        );
      } catch (error) {
        if (watch.signal.aborted) throw error;
        throw await fetchFailure(error, context, fetchImplementation);
      }
      watch.touch();
      if (!response.ok) throw httpError(response, await watch.race(response.text()).catch(() => ''), context);
      return await readAnswer(response, watch, answer, context);
    } catch (error) {
      if (request.signal?.aborted) throw abortReason(request.signal);
      if (watch.stalled) {
        // Some servers keep the connection open after the last chunk: the answer is complete.
        if (answer.finishReason) return answer.result(answer.finishReason);
        throw new EndpointError('stalled', `${url.origin} stopped sending data for ${duration(idleTimeoutMs)}.`, {
          hint: 'The server may be overloaded or stuck on a long prompt: try again, or raise the idle timeout in Settings.',
        });
      }
      throw error;
    } finally {
      watch.dispose();
    }
  }

  /** The request as `chat` sends it, for the run's record: no headers, no credentials in the URL. */
  function describe(request: ChatRequest): WireRequest {
    let url = `${config.baseUrl.trim().replace(/\/+$/, '')}/chat/completions`;
    try {
      const parsed = endpointUrl(config.baseUrl, '/chat/completions');
      parsed.username = '';
      parsed.password = '';
      url = parsed.href;
    } catch {
      // A base URL that is not a URL is recorded as typed; the request itself fails and says why.
    }
    const { messages: _messages, ...body } = requestBody(config, request);
    return { url, model: config.model, body: JSON.parse(redact(JSON.stringify(body), config.apiKey)) as Record<string, unknown> };
  }

  return {
    id: config.id ?? 'endpoint',
    label: config.label ?? `${config.model} (${host})`,
    chat,
    describe,
  };
}

/** The model ids the endpoint lists at `GET ${baseUrl}/models`. */
export async function listModels(config: EndpointConfig, signal?: AbortSignal): Promise<string[]> {
  if (signal?.aborted) throw abortReason(signal);
  const fetchImplementation: typeof fetch = config.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const url = endpointUrl(config.baseUrl, '/models');
  const context: FailureContext = { url, apiKey: config.apiKey };
  const watch = new RequestWatch(signal, config.idleTimeoutMs ?? defaultIdleTimeoutMs);
  try {
    let response: Response;
    try {
      response = await watch.race(fetchImplementation(url.href, { method: 'GET', headers: requestHeaders(config.apiKey, 'application/json'), signal: watch.signal, ...localNetworkInit(pageLocation()?.origin, url) }));
    } catch (error) {
      if (watch.signal.aborted) throw error;
      throw await fetchFailure(error, context, fetchImplementation);
    }
    watch.touch();
    const text = await watch.race(response.text());
    if (!response.ok) throw httpError(response, text, context);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw badResponse(`${url.origin} answered ${url.pathname} with something that is not JSON.`);
    }
    const parsed = modelListSchema.safeParse(json);
    const list = parsed.success ? parsed.data : undefined;
    if (list?.data) return list.data.map((model) => model.id);
    if (list?.models) return list.models.map((model) => model.id ?? model.model ?? model.name ?? '').filter(Boolean);
    throw badResponse(`${url.origin} answered ${url.pathname} without a model list.`);
  } catch (error) {
    if (signal?.aborted) throw abortReason(signal);
    if (watch.stalled) {
      throw new EndpointError('stalled', `${url.origin} did not answer within ${duration(config.idleTimeoutMs ?? defaultIdleTimeoutMs)}.`, {
        hint: 'The server may be busy loading a model: try again in a moment.',
      });
    }
    throw error;
  } finally {
    watch.dispose();
  }
}

/** What "Test connection" found. */
export type ProbeResult = { ok: true; models: string[]; modelFound: boolean } | { ok: false; error: EndpointError };

/**
 * Checks an endpoint the way the settings' "Test connection" button does: lists the models
 * (this also surfaces CORS, auth and wrong-URL problems) and says whether the configured model
 * is among them. Never throws except when `signal` aborts.
 */
export async function probeEndpoint(config: EndpointConfig & { model?: string }, signal?: AbortSignal): Promise<ProbeResult> {
  try {
    const models = await listModels(config, signal);
    const model = config.model?.trim() ?? '';
    // Ollama resolves a bare name to its `:latest` tag.
    const modelFound = model !== '' && (models.includes(model) || models.includes(`${model}:latest`));
    return { ok: true, models, modelFound };
  } catch (error) {
    if (signal?.aborted) throw error;
    if (error instanceof EndpointError) return { ok: false, error };
    return { ok: false, error: new EndpointError('bad-response', errorMessage(error), { cause: error }) };
  }
}
