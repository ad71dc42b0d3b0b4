import { assertNever } from '../errors.ts';
import type { ChatTiming, ChatUsage, FinishReason } from '../llm/types.ts';
import type { PlanProblem, PlanStep } from '../plan/types.ts';
import type { ToolCall } from '../tools/types.ts';
import { stepDependencies } from './evidence.ts';
import type { PromptPreset } from '../prompts/templates.ts';
import type { DispatchRecord, ErrorInfo, EvidenceSource, ModelInfo, ModelRole, PauseReason, RecordedRequest, RetryPhase, RunEvent, RunParent, RunStatus, Substitution } from './events.ts';

/** Where one step stands. `stale`: its result is out of date (an upstream step re-runs) and it will run again. */
export type StepStatus =
  | 'pending'
  | 'ready'
  | 'paused'
  | 'running'
  | 'waiting-for-approval'
  | 'done'
  | 'failed'
  | 'skipped'
  | 'stale'
  /** Shown only: the page closed while the step was under way (see `interruptedRun`). */
  | 'interrupted';

/** The retry a step is waiting for. */
export interface StepRetryState {
  phase: RetryPhase;
  /** The try that failed (1-based). */
  attempt: number;
  delayMs: number;
  error: ErrorInfo;
}

/** One step as the UI shows it; the scheduler keeps its steps in this shape too, folded by `reduceStep`. */
export interface StepState {
  id: string;
  tool: string;
  /** The raw input (after edits), `#E` references unsubstituted. */
  input: string;
  deps: readonly string[];
  thought?: string;
  args?: Readonly<Record<string, unknown>>;
  line?: number;
  /** Blocking problems the plan parser found in this step. */
  planErrors: readonly PlanProblem[];
  status: StepStatus;
  pauseReason?: PauseReason;
  /** A call the person wrote; used instead of dispatching. */
  editedCall?: ToolCall;
  /** The input with evidence put in, from the latest start. */
  substitutedInput?: string;
  substitutions?: readonly Substitution[];
  dispatch?: DispatchRecord;
  /** The call that runs (after approval edits). */
  call?: ToolCall;
  evidence?: string;
  /** Length of the tool's output before truncation. */
  evidenceLength?: number;
  truncated?: boolean;
  error?: ErrorInfo;
  skipReason?: string;
  /** The step whose re-run made this one stale. */
  staleBecause?: string;
  /** Tool runs in the latest start (1 on a first-try success). */
  attempts: number;
  retry?: StepRetryState;
  /** `at` of the latest `call-start`. */
  startedAt?: number;
  /** `at` of the event that finished the step. */
  endedAt?: number;
  /** From `call-end`. */
  durationMs?: number;
  /** The evidence did not come from a tool run here: reused from the parent run, or set by hand. */
  evidenceSource?: EvidenceSource;
  /** While it waits for approval: an earlier run's result of the same call, which it may reuse. */
  reusableFrom?: string;
}

/** Where the run as a whole is; `interrupted`: the page closed while it ran (never from events alone). */
export type RunPhase = 'idle' | 'planning' | 'running' | 'solving' | RunStatus | 'interrupted';

/** Whether a run in `phase` is under way: planning, running its steps or writing its answer. */
export const isRunUnderWay = (phase: RunPhase | undefined): boolean => phase === 'planning' || phase === 'running' || phase === 'solving';

/** Whether a run in `phase` has not ended: under way, or not started yet. */
export const isRunUnfinished = (phase: RunPhase | undefined): boolean => phase === 'idle' || isRunUnderWay(phase);

/** The planner's output as it streamed, and what the parser said about it. */
export interface PlanState {
  text: string;
  reasoning: string;
  ended: boolean;
  errors: readonly PlanProblem[];
  warnings: readonly PlanProblem[];
  error?: ErrorInfo;
  durationMs?: number;
}

/** The solver's answer as it streams. */
export interface AnswerState {
  status: 'idle' | 'streaming' | 'done' | 'failed';
  text: string;
  reasoning: string;
  error?: ErrorInfo;
  durationMs?: number;
  /** The answer was the parent run's: no evidence it reads changed. */
  reusedFrom?: string;
}

/** One model request of the run, as the Calls panel shows it. */
export interface ModelCallState {
  callId: string;
  role: ModelRole;
  /** The plan step it served (tool caller, `llm` tool). */
  step?: string;
  model: ModelInfo;
  request: RecordedRequest;
  status: 'running' | 'done' | 'failed';
  /** `at` of `model-call-start`. */
  startedAt: number;
  endedAt?: number;
  /** The answer, reasoning apart; what had streamed when it failed. */
  text: string;
  reasoning: string;
  finishReason?: FinishReason;
  usage?: ChatUsage;
  timing?: ChatTiming;
  /** What ran the model (GGUF on WebGPU or the CPU), where the engine told. */
  backend?: string;
  error?: ErrorInfo;
}

/** Tokens used, by role and in total. */
export interface UsageTotals {
  planner: ChatUsage;
  toolCaller: ChatUsage;
  solver: ChatUsage;
  total: ChatUsage;
}

/** Everything the UI shows about one run, folded from its events by `reduceRun`. */
export interface RunState {
  runId?: string;
  task: string;
  /** A version's parent run and the change that made it. */
  parent?: RunParent;
  /** The prompt preset the run used (absent in traces from before prompts could be edited). */
  prompts?: PromptPreset;
  /** ISO time from `run-start`. */
  startedAt?: string;
  status: RunPhase;
  /** True while the scheduler holds new steps back (pause, breakpoint, single step). */
  paused: boolean;
  plan: PlanState;
  /** In plan order. Look one up with `findStep`. */
  steps: readonly StepState[];
  answer: AnswerState;
  /** Every model request, in the order they were made. */
  calls: readonly ModelCallState[];
  /** Long request texts by key (see `readText`). */
  blobs: ReadonlyMap<string, string>;
  usage: UsageTotals;
  error?: ErrorInfo;
  /** `at` of `run-end`. */
  endedAt?: number;
  eventCount: number;
  /** `at` of the latest event. */
  lastEventAt: number;
}

const noUsage: ChatUsage = Object.freeze({ promptTokens: 0, completionTokens: 0 });

/** The state before any event. */
export function createRunState(): RunState {
  return {
    task: '',
    status: 'idle',
    paused: false,
    plan: { text: '', reasoning: '', ended: false, errors: [], warnings: [] },
    steps: [],
    answer: { status: 'idle', text: '', reasoning: '' },
    calls: [],
    blobs: new Map(),
    usage: { planner: noUsage, toolCaller: noUsage, solver: noUsage, total: noUsage },
    eventCount: 0,
    lastEventAt: 0,
  };
}

/**
 * Position of step `id` in `steps`, or -1. Plans name steps `#E1, #E2, …` in order, so the
 * number is tried as a position first; the scan covers everything else.
 */
export function findStepIndex(steps: readonly StepState[], id: string): number {
  const number = /^#E(\d+)$/.exec(id)?.[1];
  if (number !== undefined) {
    const guess = Number(number) - 1;
    if (steps[guess]?.id === id) return guess;
    if (steps[guess + 1]?.id === id) return guess + 1;
  }
  for (let index = 0; index < steps.length; index++) if (steps[index]?.id === id) return index;
  return -1;
}

/** Step `id` of a run, if it has one. */
export function findStep(state: RunState, id: string): StepState | undefined {
  const index = findStepIndex(state.steps, id);
  return index < 0 ? undefined : state.steps[index];
}

function addUsage(total: ChatUsage, usage: ChatUsage | undefined): ChatUsage {
  if (!usage) return total;
  return { promptTokens: total.promptTokens + usage.promptTokens, completionTokens: total.completionTokens + usage.completionTokens };
}

function withUsage(state: RunState, role: 'planner' | 'toolCaller' | 'solver', usage: ChatUsage | undefined): RunState['usage'] {
  if (!usage) return state.usage;
  return { ...state.usage, [role]: addUsage(state.usage[role], usage), total: addUsage(state.usage.total, usage) };
}

/** A step as `step-added` brings it: pending, nothing run yet. */
export function createStepState(step: PlanStep, errors: readonly PlanProblem[]): StepState {
  const state: StepState = {
    id: step.id,
    tool: step.tool,
    input: step.input,
    deps: stepDependencies(step),
    planErrors: errors,
    status: 'pending',
    attempts: 0,
  };
  if (step.thought !== undefined) state.thought = step.thought;
  if (step.args !== undefined) state.args = step.args;
  if (step.line !== undefined) state.line = step.line;
  return state;
}

/**
 * The step without what its latest start produced: the plan's fields and the person's edits.
 * Built field by field: object rest with many excluded keys is several times slower in V8.
 */
function withoutRunResults(step: StepState): StepState {
  const next: StepState = { id: step.id, tool: step.tool, input: step.input, deps: step.deps, planErrors: step.planErrors, status: step.status, attempts: 0 };
  if (step.thought !== undefined) next.thought = step.thought;
  if (step.args !== undefined) next.args = step.args;
  if (step.line !== undefined) next.line = step.line;
  if (step.editedCall !== undefined) next.editedCall = step.editedCall;
  return next;
}

/** What a finished step no longer has: a pending retry, a pause. */
function withoutEndingKeys(step: StepState): StepState {
  const { retry: _retry, pauseReason: _pauseReason, reusableFrom: _reusableFrom, ...rest } = step;
  return rest;
}

/** The events about one step (all but `step-added`, which `createStepState` handles). */
export type StepEvent = Extract<RunEvent, { id: string }>;

/**
 * Folds one event into one step's state, immutably. The only place that decides what an event
 * does to a step: `reduceRun` uses it for the UI and the scheduler for its own bookkeeping.
 */
export function reduceStep(step: StepState, event: StepEvent): StepState {
  switch (event.type) {
    case 'step-ready': {
      const { pauseReason: _pauseReason, ...rest } = step;
      return { ...rest, status: 'ready' };
    }
    case 'step-paused':
      return { ...step, status: 'paused', pauseReason: event.reason };
    case 'step-edited': {
      const input = event.input ?? step.input;
      const { pauseReason: _pauseReason, editedCall: _editedCall, args, ...rest } = step;
      const next: StepState = { ...rest, tool: event.tool ?? step.tool, input, planErrors: [] };
      // Structured arguments describe the old input; an edited input replaces them.
      if (args !== undefined && input === step.input) next.args = args;
      if (event.call !== undefined) next.editedCall = event.call;
      next.deps = event.deps ?? stepDependencies({ input, args: next.args }, event.call);
      if (step.status === 'ready' || step.status === 'paused') next.status = 'pending';
      return next;
    }
    case 'call-start': {
      const next = withoutRunResults(step);
      next.status = 'running';
      next.substitutedInput = event.input;
      next.substitutions = event.substitutions;
      next.startedAt = event.at;
      return next;
    }
    case 'call-resolved': {
      const { retry: _retry, ...rest } = step;
      return { ...rest, dispatch: event.dispatch, call: event.dispatch.call };
    }
    case 'approval-required':
      return { ...step, status: 'waiting-for-approval', call: event.call, ...(event.reusableFrom ? { reusableFrom: event.reusableFrom } : {}) };
    case 'approval-given': {
      const { reusableFrom: _reusableFrom, ...rest } = step;
      return { ...rest, status: 'running', call: event.call };
    }
    case 'tool-start': {
      const { retry: _retry, ...rest } = step;
      return { ...rest, attempts: event.attempt };
    }
    case 'step-retry':
      return { ...step, retry: { phase: event.phase ?? 'tool', attempt: event.attempt, delayMs: event.delayMs, error: event.error } };
    case 'call-end':
      return { ...step, durationMs: event.durationMs };
    case 'evidence':
      return {
        ...withoutEndingKeys(step),
        status: 'done',
        evidence: event.text,
        evidenceLength: event.originalLength,
        truncated: event.truncated,
        endedAt: event.at,
        ...(event.source ? { evidenceSource: event.source } : {}),
      };
    case 'step-failed':
      return { ...withoutEndingKeys(step), status: 'failed', error: event.error, endedAt: event.at };
    case 'step-skipped':
      return { ...withoutEndingKeys(step), status: 'skipped', skipReason: event.reason, endedAt: event.at };
    case 'step-stale': {
      const next = withoutRunResults(step);
      next.status = 'stale';
      next.staleBecause = event.because;
      return next;
    }
    default:
      return assertNever(event);
  }
}

function updateStep(state: RunState, event: StepEvent): RunState['steps'] {
  const index = findStepIndex(state.steps, event.id);
  const step = state.steps[index];
  // Events for a step the state does not know (a damaged trace) change nothing.
  if (step === undefined) return state.steps;
  // One shallow copy of the pointer array per event: about a microsecond for 1,000 steps,
  // where copying a record keyed by id costs a hundred times more in V8.
  const steps = state.steps.slice();
  steps[index] = reduceStep(step, event);
  return steps;
}

/**
 * Folds one event into the run state, immutably: the result is a new object, unchanged parts
 * (other steps, the plan, the answer) are shared with the previous state. Pure; `state`
 * undefined starts from `createRunState()`. Cost per event is O(1) plus one array copy of
 * the step pointers.
 */
export function reduceRun(state: RunState | undefined, event: RunEvent): RunState {
  const current = state ?? createRunState();
  const eventCount = current.eventCount + 1;
  const lastEventAt = event.at;
  switch (event.type) {
    case 'run-start':
      return {
        ...createRunState(),
        runId: event.runId,
        task: event.task,
        startedAt: event.startedAt,
        status: 'planning',
        eventCount: 1,
        lastEventAt,
        ...(event.parent ? { parent: event.parent } : {}),
        ...(event.prompts ? { prompts: event.prompts } : {}),
      };
    case 'plan-start':
      return { ...current, eventCount, lastEventAt, status: 'planning', plan: createRunState().plan, steps: [] };
    case 'plan-delta':
      return { ...current, eventCount, lastEventAt, plan: { ...current.plan, text: current.plan.text + event.text } };
    case 'plan-reasoning-delta':
      return { ...current, eventCount, lastEventAt, plan: { ...current.plan, reasoning: current.plan.reasoning + event.text } };
    case 'step-added':
      if (findStepIndex(current.steps, event.step.id) >= 0) return { ...current, eventCount, lastEventAt };
      return { ...current, eventCount, lastEventAt, steps: [...current.steps, createStepState(event.step, event.errors)] };
    case 'plan-end': {
      const plan: PlanState = { ...current.plan, ended: true, errors: event.errors, warnings: event.warnings };
      if (event.durationMs !== undefined) plan.durationMs = event.durationMs;
      const status = current.status === 'planning' ? 'running' : current.status;
      return { ...current, eventCount, lastEventAt, plan, status, usage: withUsage(current, 'planner', event.usage) };
    }
    case 'plan-failed': {
      const status = current.status === 'planning' ? 'running' : current.status;
      return { ...current, eventCount, lastEventAt, plan: { ...current.plan, ended: true, error: event.error }, status };
    }
    case 'run-paused':
      return { ...current, eventCount, lastEventAt, paused: true };
    case 'run-resumed':
      return { ...current, eventCount, lastEventAt, paused: false };
    case 'step-paused':
      return { ...current, eventCount, lastEventAt, paused: true, steps: updateStep(current, event) };
    case 'call-resolved':
      return { ...current, eventCount, lastEventAt, steps: updateStep(current, event), usage: withUsage(current, 'toolCaller', event.dispatch.usage) };
    case 'step-ready':
    case 'step-edited':
    case 'call-start':
    case 'approval-required':
    case 'approval-given':
    case 'tool-start':
    case 'step-retry':
    case 'call-end':
    case 'evidence':
    case 'step-failed':
    case 'step-skipped':
    case 'step-stale':
      return { ...current, eventCount, lastEventAt, steps: updateStep(current, event) };
    case 'solve-start':
      return { ...current, eventCount, lastEventAt, status: 'solving', answer: { status: 'streaming', text: '', reasoning: '' } };
    case 'solve-delta':
      return { ...current, eventCount, lastEventAt, answer: { ...current.answer, text: current.answer.text + event.text } };
    case 'solve-reasoning-delta':
      return { ...current, eventCount, lastEventAt, answer: { ...current.answer, reasoning: current.answer.reasoning + event.text } };
    case 'solve-end':
      return {
        ...current,
        eventCount,
        lastEventAt,
        answer: { ...current.answer, status: 'done', durationMs: event.durationMs, ...(event.reusedFrom ? { reusedFrom: event.reusedFrom } : {}) },
        usage: withUsage(current, 'solver', event.usage),
      };
    case 'solve-failed':
      return { ...current, eventCount, lastEventAt, answer: { ...current.answer, status: 'failed', error: event.error } };
    case 'run-end': {
      const next: RunState = { ...current, eventCount, lastEventAt, status: event.status, paused: false, endedAt: event.at };
      if (event.error !== undefined) next.error = event.error;
      return next;
    }
    case 'blob':
      return { ...current, eventCount, lastEventAt, blobs: new Map(current.blobs).set(event.key, event.text) };
    case 'model-call-start': {
      const call: ModelCallState = { callId: event.callId, role: event.role, model: event.model, request: event.request, status: 'running', startedAt: event.at, text: '', reasoning: '' };
      if (event.step !== undefined) call.step = event.step;
      return { ...current, eventCount, lastEventAt, calls: [...current.calls, call] };
    }
    case 'model-call-end':
      return {
        ...current,
        eventCount,
        lastEventAt,
        calls: updateCall(current.calls, event.callId, (call) => ({
          ...call,
          status: 'done',
          endedAt: event.at,
          text: event.text,
          reasoning: event.reasoning,
          finishReason: event.finishReason,
          timing: event.timing,
          ...(event.usage ? { usage: event.usage } : {}),
          ...(event.backend ? { backend: event.backend } : {}),
        })),
      };
    case 'model-call-failed':
      return {
        ...current,
        eventCount,
        lastEventAt,
        calls: updateCall(current.calls, event.callId, (call) => ({ ...call, status: 'failed', endedAt: event.at, text: event.text, reasoning: event.reasoning, error: event.error })),
      };
    default:
      return assertNever(event);
  }
}

/** The calls with `callId` changed; recent calls are the ones that change, so search from the end. */
function updateCall(calls: readonly ModelCallState[], callId: string, change: (call: ModelCallState) => ModelCallState): readonly ModelCallState[] {
  for (let index = calls.length - 1; index >= 0; index--) {
    const call = calls[index] as ModelCallState;
    if (call.callId !== callId) continue;
    const next = calls.slice();
    next[index] = change(call);
    return next;
  }
  return calls;
}

const underWay = new Set<StepStatus>(['running', 'waiting-for-approval', 'paused', 'ready', 'pending', 'stale']);

/**
 * A run cut short, as it is shown: its page closed while it ran (after a reload: "interrupted";
 * Resume goes on from the events, not from this), or its replay was stopped before the end
 * ("stopped"). Every step that was under way or waiting reads "interrupted".
 */
export function interruptedRun(state: RunState, cause: 'page-closed' | 'replay-stopped' = 'page-closed'): RunState {
  if (!isRunUnderWay(state.status)) return state;
  const message = cause === 'page-closed' ? 'The page closed while the answer was being written.' : 'The replay was stopped before the answer was written.';
  return {
    ...state,
    status: cause === 'page-closed' ? 'interrupted' : 'aborted',
    paused: false,
    steps: state.steps.map((step) => (underWay.has(step.status) ? { ...step, status: 'interrupted' } : step)),
    answer: state.answer.status === 'streaming' ? { ...state.answer, status: 'failed', error: { name: 'RunInterrupted', message } } : state.answer,
  };
}

/** The state a list of events leads to, e.g. an imported trace: no models, no network. */
export function replayEvents(events: readonly RunEvent[]): RunState {
  let state = createRunState();
  for (const event of events) state = reduceRun(state, event);
  return state;
}
