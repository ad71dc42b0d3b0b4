import type { PlanProblem, PlanStep } from '../plan/types.ts';
import type { ChatTiming, ChatUsage, FinishReason } from '../llm/types.ts';
import type { ToolCall } from '../tools/types.ts';
import type { RunChange } from './versions.ts';
import type { PromptPreset } from '../prompts/templates.ts';

/** Where one `#E` value was put into a step's input: `[start, end)` in the substituted text. */
export interface Substitution {
  variable: string;
  start: number;
  end: number;
}

/**
 * How the distributor produced a tool call; `edited` is a call the person wrote (`editStep`),
 * `reused` the call the parent run made for the same tool and input (a version).
 */
export type DispatchPath = 'fast-path' | 'engine' | 'fallback' | 'edited' | 'reused';

/** The record of one tool-call decision (see src/core/dispatch). */
export interface DispatchRecord {
  call: ToolCall;
  path: DispatchPath;
  /** The engine that wrote the call; absent on the fast path. */
  engineId?: string;
  /** Model calls made, including repairs (0 on the fast path). */
  attempts: number;
  usage?: ChatUsage;
  durationMs: number;
}

export interface ErrorInfo {
  /** Error class name, e.g. `EndpointError`. */
  name: string;
  message: string;
  hint?: string;
}

/** A version's parent run and the change that made the version. */
export interface RunParent {
  runId: string;
  change: RunChange;
}

/**
 * Where evidence came from when no tool ran for it: `reused` from the parent run (the same
 * call), or `by-hand` (the person set it).
 */
export type EvidenceSource = { kind: 'reused'; runId: string } | { kind: 'by-hand' };

export type PauseReason = 'breakpoint-step' | 'breakpoint-tool' | 'single-step' | 'pause-before-each' | 'user';

export type RunStatus = 'done' | 'failed' | 'aborted';

/** Who asked a model: the planner, the tool caller (or its fallback), the solver, or the `llm` tool. */
export type ModelRole = 'planner' | 'tool-caller' | 'fallback' | 'solver' | 'llm-tool';

/** Which model answered: the engine, and for an HTTP endpoint the URL posted to and the model. */
export interface ModelInfo {
  id: string;
  label: string;
  url?: string;
  model?: string;
}

/** A recorded text: inline, or the key of the `blob` event that holds it (long texts, stored once). */
export type TextRef = { text: string } | { blob: string };

/** A model request as it was made; never a header. */
export interface RecordedRequest {
  messages: (TextRef & { role: 'system' | 'user' | 'assistant' })[];
  /** The constraint, as JSON: the answer had to match this JSON Schema. */
  schema?: TextRef;
  maxTokens?: number;
  temperature?: number;
  stop?: string[];
  /** For an HTTP endpoint: the JSON body sent, without `messages`. */
  body?: TextRef;
}

/** What a retry repeats: asking the distributor for the call, or running the tool. */
export type RetryPhase = 'dispatch' | 'tool';

/**
 * Everything that happens in a run. `at` is milliseconds since the run started, so a trace
 * replays with its original timing. The store folds these into state (see `reduceRun`).
 */
export type RunEvent =
  /** `prompts`: the preset (name and full text) the run's prompts came from. */
  | { type: 'run-start'; at: number; runId: string; task: string; startedAt: string; parent?: RunParent; prompts?: PromptPreset }
  /** The planner is asked (again): the plan so far is dropped. Restored steps follow as step-added + evidence. */
  | { type: 'plan-start'; at: number }
  | { type: 'plan-delta'; at: number; text: string }
  | { type: 'plan-reasoning-delta'; at: number; text: string }
  | { type: 'step-added'; at: number; step: PlanStep; errors: PlanProblem[] }
  | { type: 'plan-end'; at: number; errors: PlanProblem[]; warnings: PlanProblem[]; usage?: ChatUsage; durationMs?: number }
  | { type: 'plan-failed'; at: number; error: ErrorInfo }
  | { type: 'step-ready'; at: number; id: string }
  | { type: 'step-paused'; at: number; id: string; reason: PauseReason }
  | { type: 'run-paused'; at: number }
  | { type: 'run-resumed'; at: number }
  /**
   * `tool` and `input` are the step's values after the edit; `call` is the call to use instead
   * of dispatching; `deps` the recomputed dependencies (absent in older traces).
   */
  | { type: 'step-edited'; at: number; id: string; tool?: string; input?: string; call?: ToolCall; deps?: string[] }
  | { type: 'call-start'; at: number; id: string; input: string; substitutions: Substitution[] }
  | { type: 'call-resolved'; at: number; id: string; dispatch: DispatchRecord }
  | { type: 'approval-required'; at: number; id: string; call: ToolCall; reusableFrom?: string }
  | { type: 'approval-given'; at: number; id: string; call: ToolCall; edited: boolean; reused?: boolean }
  | { type: 'tool-start'; at: number; id: string; attempt: number }
  /** `attempt` is the try that failed (1-based); `phase` is absent in older traces (tool). */
  | { type: 'step-retry'; at: number; id: string; attempt: number; delayMs: number; error: ErrorInfo; phase?: RetryPhase }
  | { type: 'call-end'; at: number; id: string; durationMs: number }
  | { type: 'evidence'; at: number; id: string; text: string; originalLength: number; truncated: boolean; source?: EvidenceSource }
  | { type: 'step-failed'; at: number; id: string; error: ErrorInfo }
  | { type: 'step-skipped'; at: number; id: string; reason: string }
  /** `because` is the step whose re-run made this one out of date (the step itself when re-run). */
  | { type: 'step-stale'; at: number; id: string; because: string }
  | { type: 'solve-start'; at: number }
  | { type: 'solve-delta'; at: number; text: string }
  | { type: 'solve-reasoning-delta'; at: number; text: string }
  | { type: 'solve-end'; at: number; usage?: ChatUsage; durationMs: number; reusedFrom?: string }
  | { type: 'solve-failed'; at: number; error: ErrorInfo }
  | { type: 'run-end'; at: number; status: RunStatus; error?: ErrorInfo }
  /** A long text that model requests refer to by `key` (stored once per run). */
  | { type: 'blob'; at: number; key: string; text: string }
  /** A model request; `step` is the plan step it serves (tool caller, `llm` tool). */
  | { type: 'model-call-start'; at: number; callId: string; role: ModelRole; step?: string; model: ModelInfo; request: RecordedRequest }
  /** `backend`: what ran the model, where the engine tells (GGUF on WebGPU or the CPU). */
  | { type: 'model-call-end'; at: number; callId: string; text: string; reasoning: string; finishReason: FinishReason; usage?: ChatUsage; timing: ChatTiming; backend?: string }
  /** The request failed or was stopped; `text` and `reasoning` are what streamed before. */
  | { type: 'model-call-failed'; at: number; callId: string; error: ErrorInfo; text: string; reasoning: string; durationMs: number };

export type RunEventType = RunEvent['type'];

/** Distributes over the union so each member loses `at` on its own. */
type WithoutAt<T> = T extends unknown ? Omit<T, 'at'> : never;
/** An event before the clock stamps it. */
export type RunEventInput = WithoutAt<RunEvent>;
