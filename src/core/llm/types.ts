import type { JsonSchema } from '../tools/types.ts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  /** Constrain the output to JSON matching this schema. */
  jsonSchema?: JsonSchema;
  /** Name given to the schema where the API wants one. */
  schemaName?: string;
  maxTokens?: number;
  temperature?: number;
  stop?: string[];
  signal?: AbortSignal;
  /** The plan step this request serves; recorded with the call, engines ignore it. */
  step?: string;
}

export type ChatChunk = { type: 'text'; text: string } | { type: 'reasoning'; text: string };

export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface ChatTiming {
  /** Milliseconds from the request to the first streamed token. */
  firstTokenMs?: number;
  /** Milliseconds from the request to the end of the answer. */
  totalMs: number;
  /** Engine-reported speeds where the engine has them (web-llm). */
  prefillTokensPerSecond?: number;
  decodeTokensPerSecond?: number;
}

export type FinishReason = 'stop' | 'length' | 'other';

export interface ChatResult {
  /** The answer, reasoning removed. */
  text: string;
  /** Reasoning text (`reasoning`, `reasoning_content` or `<think>` blocks), kept apart. */
  reasoning: string;
  finishReason: FinishReason;
  usage?: ChatUsage;
  timing: ChatTiming;
  /** What ran the model, where the engine knows (GGUF on WebGPU: "WebGPU (25 of 25 layers offloaded)", or "CPU"). */
  backend?: string;
}

/** Every model (remote endpoint, in-browser, replay) answers through this interface. */
export interface ChatEngine {
  /** Stable id recorded in traces, e.g. `endpoint`, `webllm:Qwen3-0.6B-q4f32_1-MLC`. */
  readonly id: string;
  /** Name for a person. */
  readonly label: string;
  /** Streams the answer through `onChunk` and resolves with the whole of it. */
  chat(request: ChatRequest, onChunk?: (chunk: ChatChunk) => void): Promise<ChatResult>;
  /** For an HTTP endpoint: where `request` is posted and the JSON body, never a header. */
  describe?(request: ChatRequest): WireRequest;
}

/** An HTTP engine's request as sent: the URL (no credentials), the model and the JSON body. */
export interface WireRequest {
  url: string;
  model: string;
  body: Record<string, unknown>;
}
