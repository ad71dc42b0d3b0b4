import { StepwiseError, errorMessage, isAbortError } from '../errors.ts';
import type { ChatChunk, ChatEngine, ChatRequest, ChatResult, ChatUsage, FinishReason } from './types.ts';

/** One streamed piece of a recorded answer. */
export interface RecordedChunk {
  /** Milliseconds from the start of the answer. */
  at: number;
  text: string;
  /** Default `text`. */
  type?: ChatChunk['type'];
}

/** A model answer recorded earlier (from a trace, or written by hand for a demo or a test). */
export interface RecordedAnswer {
  /** The answer, reasoning removed. */
  text: string;
  reasoning?: string;
  usage?: ChatUsage;
  /** Default `stop`. */
  finishReason?: FinishReason;
  /**
   * The stream as it arrived. Without it the engine streams `reasoning` and then `text` in small
   * pieces, `chunkDelayMs` apart.
   */
  chunks?: readonly RecordedChunk[];
  /** Answer only a request whose messages contain this text. */
  match?: string;
  /** With `match`: look only in messages of this role. */
  role?: ChatRequest['messages'][number]['role'];
}

/** Options of `createReplayEngine`. */
export interface ReplayEngineOptions {
  /** Default `replay`. */
  id?: string;
  /** Default `Replay`. */
  label?: string;
  /** Pause between generated pieces of an answer without `chunks` (default 0). */
  chunkDelayMs?: number;
  /** Playback speed of recorded `chunks` timing: 2 plays twice as fast, `Infinity` without pauses (default 1). */
  speed?: number;
}

/** A replay engine, with what it has been asked so far. */
export interface ReplayEngine extends ChatEngine {
  /** Requests received, in order (without their signals). */
  readonly requests: readonly Omit<ChatRequest, 'signal'>[];
  /** How many recorded answers are still unused. */
  readonly remaining: number;
}

/** The replay engine was asked more than it has answers for. */
export class ReplayExhaustedError extends StepwiseError {
  // Spelled out: minifiers rename classes, and the name reaches traces and the UI.
  override readonly name = 'ReplayExhaustedError';
  constructor(requestNumber: number, excerpt: string) {
    super(`The replay has no recorded answer left for request ${requestNumber}${excerpt ? ` ("${excerpt}")` : ''}.`, {
      hint: 'The run asked the model more than the recording holds: record the run again, or add an answer.',
    });
  }
}

function matches(answer: RecordedAnswer, request: ChatRequest): boolean {
  if (answer.match === undefined) return true;
  const needle = answer.match;
  return request.messages.some((message) => (answer.role === undefined || message.role === answer.role) && message.content.includes(needle));
}

/** Splits text into word-sized pieces that join back to exactly the text. */
function pieces(text: string): string[] {
  return text.match(/\s*\S{1,8}|\s+/g) ?? [];
}

function abortReason(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  if (isAbortError(reason)) return reason;
  return new DOMException(reason === undefined ? 'The request was aborted.' : errorMessage(reason), 'AbortError');
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A `ChatEngine` that plays recorded answers back, for demos, traces and tests. Each request
 * takes the first unused answer that matches it (an answer without `match` matches anything),
 * so plain lists answer in order. Chunks stream with their recorded timing divided by `speed`;
 * the request's AbortSignal stops playback.
 */
export function createReplayEngine(recorded: readonly RecordedAnswer[], options: ReplayEngineOptions = {}): ReplayEngine {
  const unused = [...recorded];
  const requests: Omit<ChatRequest, 'signal'>[] = [];
  const speed = options.speed ?? 1;
  const chunkDelayMs = options.chunkDelayMs ?? 0;
  const scale = (ms: number) => (speed === Infinity || speed <= 0 ? 0 : ms / speed);

  async function chat(request: ChatRequest, onChunk?: (chunk: ChatChunk) => void): Promise<ChatResult> {
    const { signal, ...rest } = request;
    requests.push(rest);
    if (signal?.aborted) throw abortReason(signal);
    const index = unused.findIndex((answer) => matches(answer, request));
    if (index < 0) {
      const lastUser = [...request.messages].reverse().find((message) => message.role === 'user');
      const excerpt = (lastUser?.content ?? '').replace(/\s+/g, ' ').trim().slice(0, 80);
      throw new ReplayExhaustedError(requests.length, excerpt);
    }
    const [answer] = unused.splice(index, 1) as [RecordedAnswer];
    const started = performance.now();
    let firstTokenMs: number | undefined;
    const deliver = (chunk: ChatChunk) => {
      if (!chunk.text) return;
      firstTokenMs ??= Math.round(performance.now() - started);
      onChunk?.(chunk);
    };

    if (answer.chunks) {
      for (const chunk of answer.chunks) {
        await sleep(scale(chunk.at) - (performance.now() - started), signal);
        deliver({ type: chunk.type ?? 'text', text: chunk.text });
      }
    } else {
      const stream: ChatChunk[] = [
        ...pieces(answer.reasoning ?? '').map((text): ChatChunk => ({ type: 'reasoning', text })),
        ...pieces(answer.text).map((text): ChatChunk => ({ type: 'text', text })),
      ];
      for (const [position, chunk] of stream.entries()) {
        if (position > 0) await sleep(chunkDelayMs, signal);
        else if (signal?.aborted) throw abortReason(signal);
        deliver(chunk);
      }
    }
    if (signal?.aborted) throw abortReason(signal);

    const result: ChatResult = {
      text: answer.text,
      reasoning: answer.reasoning ?? '',
      finishReason: answer.finishReason ?? 'stop',
      timing: { totalMs: Math.round(performance.now() - started) },
    };
    if (firstTokenMs !== undefined) result.timing.firstTokenMs = firstTokenMs;
    if (answer.usage) result.usage = { ...answer.usage };
    return result;
  }

  return {
    id: options.id ?? 'replay',
    label: options.label ?? 'Replay',
    chat,
    get requests() {
      return requests;
    },
    get remaining() {
      return unused.length;
    },
  };
}
