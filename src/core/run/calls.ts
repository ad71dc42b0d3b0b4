import type { ChatChunk, ChatEngine, ChatRequest, ChatResult } from '../llm/types.ts';
import { toErrorInfo } from './error-info.ts';
import type { ModelRole, RecordedRequest, RunEvent, RunEventInput, TextRef } from './events.ts';
import type { ModelCallState } from './run-state.ts';
import { largeTextChars, yieldToPage } from './slices.ts';

/**
 * The record of every model request of a run: the `model-call-*` events. Each engine the run
 * uses is wrapped once per role; the wrapper records the request exactly as made (messages,
 * constraint, parameters, the HTTP body without headers), the answer (content and reasoning
 * apart), finish reason, usage, timing, and failures with what had streamed. Texts longer than
 * `blobThreshold` are stored once per run in a `blob` event and referred to by key, so the tool
 * list and the tool caller's instructions, repeated in every request, weigh once in a trace.
 */

/** Texts longer than this many characters are stored once, as a `blob` event. */
export const blobThreshold = 256;

/** cyrb53, a fast 53-bit string hash: the key of a blob names its text. */
export function textKey(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${(h2 >>> 0).toString(16).padStart(8, '0')}${(h1 >>> 0).toString(16).padStart(8, '0')}`;
}

/** Wraps a run's engines so that each request they answer becomes `model-call-*` events. */
export class CallRecorder {
  private readonly emit: (event: RunEventInput) => void;
  private readonly blobs = new Set<string>();
  private next = 1;

  /** `previous`: the events of the run so far (a resumed run), so keys and ids go on from them. */
  constructor(emit: (event: RunEventInput) => void, previous: readonly RunEvent[] = []) {
    this.emit = emit;
    for (const event of previous) {
      if (event.type === 'blob') this.blobs.add(event.key);
      if (event.type === 'model-call-start') this.next = Math.max(this.next, Number(/^c(\d+)$/.exec(event.callId)?.[1] ?? 0) + 1);
    }
  }

  /** The engine, recording every request it answers as one made for `role`. */
  wrap(engine: ChatEngine, role: ModelRole): ChatEngine {
    const wrapped: ChatEngine = { id: engine.id, label: engine.label, chat: (request, onChunk) => this.record(engine, role, request, onChunk) };
    if (engine.describe) wrapped.describe = engine.describe.bind(engine);
    return wrapped;
  }

  private async record(engine: ChatEngine, role: ModelRole, request: ChatRequest, onChunk?: (chunk: ChatChunk) => void): Promise<ChatResult> {
    const callId = `c${this.next++}`;
    const wire = engine.describe?.(request);
    // A request of megabytes (a solver prompt with large evidence): each message is hashed in a
    // task of its own, so none is a long task. (The recorded HTTP body leaves the messages out.)
    const large = request.messages.reduce((total, message) => total + message.content.length, 0) > largeTextChars;
    const messages: RecordedRequest['messages'] = [];
    for (const message of request.messages) {
      messages.push({ role: message.role, ...this.ref(message.content) });
      if (large) await yieldToPage();
    }
    const recorded: RecordedRequest = { messages };
    if (request.jsonSchema !== undefined) recorded.schema = this.ref(JSON.stringify(request.jsonSchema));
    if (request.maxTokens !== undefined) recorded.maxTokens = request.maxTokens;
    if (request.temperature !== undefined) recorded.temperature = request.temperature;
    if (request.stop !== undefined) recorded.stop = [...request.stop];
    if (wire) recorded.body = this.ref(JSON.stringify(wire.body));
    this.emit({
      type: 'model-call-start',
      callId,
      role,
      ...(request.step === undefined ? {} : { step: request.step }),
      model: { id: engine.id, label: engine.label, ...(wire ? { url: wire.url, model: wire.model } : {}) },
      request: recorded,
    });
    // Encoding and sending it is as long again: in a task of its own.
    if (large) await yieldToPage();
    const started = performance.now();
    let text = '';
    let reasoning = '';
    try {
      const result = await engine.chat(request, (chunk) => {
        if (chunk.type === 'text') text += chunk.text;
        else reasoning += chunk.text;
        onChunk?.(chunk);
      });
      this.emit({
        type: 'model-call-end',
        callId,
        text: result.text,
        reasoning: result.reasoning,
        finishReason: result.finishReason,
        ...(result.usage ? { usage: result.usage } : {}),
        timing: result.timing,
        ...(result.backend ? { backend: result.backend } : {}),
      });
      return result;
    } catch (error) {
      this.emit({ type: 'model-call-failed', callId, error: toErrorInfo(error), text, reasoning, durationMs: performance.now() - started });
      throw error;
    }
  }

  /** A text as recorded: inline when short, else a blob stored once per run. */
  private ref(text: string): TextRef {
    if (text.length <= blobThreshold) return { text };
    const key = textKey(text);
    if (!this.blobs.has(key)) {
      this.blobs.add(key);
      this.emit({ type: 'blob', key, text });
    }
    return { blob: key };
  }
}

/** A recorded text, read back; a blob the run does not hold reads as a note saying so. */
export function readText(ref: TextRef, blobs: ReadonlyMap<string, string>): string {
  if ('text' in ref) return ref.text;
  return blobs.get(ref.blob) ?? `[text ${ref.blob} is missing from this run]`;
}


function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The messages of a recorded request with every blob read back. */
export function requestMessages(call: Pick<ModelCallState, 'request'>, blobs: ReadonlyMap<string, string>): { role: string; content: string }[] {
  return call.request.messages.map((message) => ({ role: message.role, content: readText(message, blobs) }));
}

/** A call as one JSON document: the request in full and the answer (never a key: none is recorded). */
export function callAsJson(call: ModelCallState, blobs: ReadonlyMap<string, string>): string {
  const { request } = call;
  const document = {
    id: call.callId,
    role: call.role,
    ...(call.step === undefined ? {} : { step: call.step }),
    model: call.model,
    request: {
      messages: requestMessages(call, blobs),
      ...(request.schema ? { jsonSchema: parseJson(readText(request.schema, blobs)) } : {}),
      ...(request.maxTokens === undefined ? {} : { maxTokens: request.maxTokens }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.stop ? { stop: request.stop } : {}),
      ...(request.body ? { httpBody: parseJson(readText(request.body, blobs)) } : {}),
    },
    response: {
      status: call.status,
      text: call.text,
      reasoning: call.reasoning,
      ...(call.finishReason ? { finishReason: call.finishReason } : {}),
      ...(call.usage ? { usage: call.usage } : {}),
      ...(call.timing ? { timing: call.timing } : {}),
      ...(call.error ? { error: call.error } : {}),
    },
  };
  return JSON.stringify(document, null, 2);
}

/** `text` as one single-quoted shell word. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The environment variable a copied curl command reads the API key from. */
export const curlKeyVariable = 'STEPWISE_API_KEY';

/**
 * The request of an HTTP call as a curl command that sends the same body; the key is read from
 * `$STEPWISE_API_KEY`, never written out. Undefined for an in-browser model (no HTTP request).
 */
export function callAsCurl(call: ModelCallState, blobs: ReadonlyMap<string, string>): string | undefined {
  const { url } = call.model;
  if (url === undefined || call.request.body === undefined) return undefined;
  const wire = parseJson(readText(call.request.body, blobs));
  const rest = typeof wire === 'object' && wire !== null && !Array.isArray(wire) ? (wire as Record<string, unknown>) : {};
  const { model, ...others } = rest;
  const body = { ...(model === undefined ? {} : { model }), messages: requestMessages(call, blobs), ...others };
  return [
    `curl -N ${shellQuote(url)}`,
    `  -H 'Content-Type: application/json'`,
    `  -H "Authorization: Bearer $${curlKeyVariable}"`,
    `  -d ${shellQuote(JSON.stringify(body))}`,
  ].join(' \\\n');
}
