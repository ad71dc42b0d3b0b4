import { validateToolArguments } from '../dispatch/validate.ts';
import {
  InvalidToolInputError,
  isTransientError,
  PlanParseError,
  RunAbortedError,
  StepwiseError,
  ToolMismatchError,
  UnknownToolError,
} from '../errors.ts';
import type { PlanProblem, PlanStep } from '../plan/types.ts';
import type { Tool, ToolCall } from '../tools/types.ts';
import { toErrorInfo } from './error-info.ts';
import { stepDependencies, substituteEvidence, substituteInValue, truncateEvidence, type TruncatedEvidence } from './evidence.ts';
import type { DispatchRecord, EvidenceSource, PauseReason, RunEvent, RunEventInput } from './events.ts';
import { createStepState, reduceStep, type StepEvent, type StepState, type StepStatus } from './run-state.ts';
import { retryDelay, sleep } from './retry.ts';
import { runToolAttempt } from './worker.ts';
import type { ReusedEvidence, StepCache } from './versions.ts';

/** What the scheduler asks the distributor for one step. */
export interface SchedulerDispatchRequest {
  step: PlanStep;
  /** The step's input with evidence substituted. */
  input: string;
  tool: Tool;
  evidence: ReadonlyMap<string, string>;
  signal: AbortSignal;
}

/** How transient failures (network errors, 429, 5xx) of a dispatch or a tool are retried. */
export interface SchedulerRetryOptions {
  /** Total tries, the first included (default 3). */
  attempts?: number;
  /** Delay before the first retry; doubles each time (default 500 ms). */
  baseDelayMs?: number;
  /** Cap on the doubling delay (default 8000 ms); a server's Retry-After is honoured as sent. */
  maxDelayMs?: number;
}

/** What a `Scheduler` runs with; only `tools`, `dispatch` and `onEvent` are required. */
export interface SchedulerOptions {
  tools: readonly Tool[];
  /** Makes the tool call for a step (fast path or a model); may throw. */
  dispatch: (request: SchedulerDispatchRequest) => Promise<DispatchRecord>;
  /** Receives every change of state, synchronously and in order. */
  onEvent: (event: RunEvent) => void;
  /** Steps running at once (default 4). */
  concurrency?: number;
  /** Evidence longer than this many characters is cut with a visible marker (default 8000). */
  evidenceLimit?: number;
  /** Per-attempt tool timeout (default 30000 ms); a tool's own `timeoutMs` wins. */
  defaultTimeoutMs?: number;
  retry?: SchedulerRetryOptions;
  /** Hold every step before it starts, as if each had a breakpoint. */
  pauseBeforeEachStep?: boolean;
  breakpoints?: { steps?: readonly string[]; tools?: readonly string[] };
  /** Which tools wait for the person's approval (default: those with `sideEffects`). */
  requiresApproval?: (tool: Tool) => boolean;
  toolSettings?: Readonly<Record<string, unknown>>;
  fetch?: typeof fetch;
  /** Milliseconds since the run started, stamped on events as `at`. */
  clock?: () => number;
  /** Aborting it stops the run like `abort()`. */
  signal?: AbortSignal;
  /** Waits between retries; tests replace it. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /**
   * A version's cache of its parent's work: a step whose tool and substituted input match the
   * parent's takes the parent's call (no tool-caller model), and a step whose call matches takes
   * the parent's evidence (no tool run). Never for a tool with side effects.
   */
  cache?: StepCache;
}

/** How the scheduler ended: `aborted` after `abort()`, else `finished` (steps may have failed). */
export interface SchedulerOutcome {
  status: 'finished' | 'aborted';
  done: number;
  failed: number;
  skipped: number;
}

/** The scheduler's view of the run; `steps` equal what `reduceRun` folds from its events. */
export interface SchedulerSnapshot {
  planEnded: boolean;
  paused: boolean;
  aborted: boolean;
  /** In plan order. */
  steps: StepState[];
}

/** Where a breakpoint sits: on one step, or on every step that uses a tool. */
export type BreakpointTarget = { step: string } | { tool: string };

/** A change to a step that has not run yet (or that will be re-run). */
export interface StepEdit {
  tool?: string;
  input?: string;
  /** A complete call to run instead of asking the distributor; validated first. */
  call?: ToolCall;
}

/** A debugger action does not fit the step's state (re-running a step that is running, …). */
export class StepStateError extends StepwiseError {
  // Spelled out: minifiers rename classes, and the name reaches traces and the UI.
  override readonly name = 'StepStateError';
  readonly stepId: string;
  constructor(stepId: string, message: string, hint?: string) {
    super(message, hint === undefined ? {} : { hint });
    this.stepId = stepId;
  }
}

/** One start of a step; a later start, a skip or an abort makes it obsolete. */
interface Execution {
  readonly controller: AbortController;
  approve?: (decision: { call: ToolCall; reuse: boolean }) => void;
  /** A side-effect step's earlier result, offered in its approval ("reuse the earlier result"). */
  reusable?: ReusedEvidence;
}

/**
 * The scheduler's bookkeeping for one step. What the step *is* (status, call, evidence, …) lives
 * in `state` alone, and only `reduceStep` changes it, from the events the scheduler emits: the
 * snapshot and the UI's fold cannot disagree.
 */
interface StepEntry {
  state: StepState;
  /** Plan order: ready steps start lowest first. */
  readonly order: number;
  /** Deps without evidence; ready at zero. */
  missing: number;
  /** In the ready heap (entries leave it lazily, when they reach the top). */
  queued: boolean;
  /** Allowed to start without stopping at a pause, breakpoint or pause-before-each. */
  released: boolean;
  execution?: Execution;
  /** The skip reason this step hands on to its dependents. */
  downstreamReason?: string;
}

/** The plan step a step's state describes, as the distributor is given it. */
function planStepOf(state: StepState): PlanStep {
  const step: PlanStep = { id: state.id, tool: state.tool, input: state.input, deps: [...state.deps] };
  if (state.thought !== undefined) step.thought = state.thought;
  if (state.args !== undefined) step.args = { ...state.args };
  if (state.line !== undefined) step.line = state.line;
  return step;
}

function isFinished(status: StepStatus): boolean {
  return status === 'done' || status === 'failed' || status === 'skipped';
}

function isWaitingToStart(status: StepStatus): boolean {
  return status === 'ready' || status === 'paused';
}


/** Tools promise a string; anything else is written out so that it can still serve as evidence. */
function toEvidenceText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') {
    try {
      const text = JSON.stringify(value);
      if (typeof text === 'string') return text;
    } catch {
      // Cycles and BigInts fall through to String().
    }
  }
  return String(value);
}

function sameCall(a: ToolCall, b: ToolCall): boolean {
  return a.name === b.name && JSON.stringify(a.arguments) === JSON.stringify(b.arguments);
}

/**
 * Runs a plan as a DAG keyed by evidence variable, while the plan is still streaming in:
 * a step is ready when every variable it mentions has evidence, and ready steps start in plan
 * order, in parallel up to `concurrency`. It is also the debugger: pause, single step,
 * breakpoints, approval of side-effect tools, edits, re-runs and abort.
 *
 * Events for one step come in this order: `step-added` → `step-ready` → (`step-paused`) →
 * `call-start` → (`step-retry`…) → `call-resolved` → (`approval-required` → `approval-given`) →
 * `tool-start` → (`step-retry` → `tool-start`…) → `call-end` → `evidence` | `step-failed` |
 * `step-skipped`. Every `call-start` gets exactly one `call-end`. A step that fails before it
 * starts (plan errors, unknown tool, missing variable) goes straight to `step-failed`.
 * Events are delivered synchronously, after the state they describe is in place; a listener
 * may call back into the scheduler, and the events that causes follow the current one.
 */
export class Scheduler {
  private readonly options: SchedulerOptions;
  private readonly toolsByName: Map<string, Tool>;
  private readonly concurrency: number;
  private readonly evidenceLimit: number;
  private readonly defaultTimeoutMs: number;
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly clock: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly requiresApproval: (tool: Tool) => boolean;
  private readonly toolFetch: typeof fetch;
  private readonly settings: Readonly<Record<string, unknown>>;

  private readonly entries: StepEntry[] = [];
  private readonly byId = new Map<string, StepEntry>();
  /** Variable → steps that mention it, declared or not. */
  private readonly dependents = new Map<string, Set<StepEntry>>();
  private readonly evidenceByVariable = new Map<string, string>();
  /** Min-heap on `order` of steps that were ready when pushed. */
  private readonly heap: StepEntry[] = [];
  private readonly releasedQueue: StepEntry[] = [];
  private readonly held = new Set<StepEntry>();
  private readonly breakpointSteps: Set<string>;
  private readonly breakpointTools: Set<string>;
  private pauseBeforeEachStep: boolean;

  private active = 0;
  private unfinished = 0;
  private paused = false;
  private pauseReason: PauseReason = 'user';
  private stepToken = false;
  private planEnded = false;
  private aborted = false;

  private depth = 0;
  private readonly queue: RunEvent[] = [];
  private flushing = false;
  private waiters: ((outcome: SchedulerOutcome) => void)[] = [];

  constructor(options: SchedulerOptions) {
    this.options = options;
    this.toolsByName = new Map(options.tools.map((tool) => [tool.name, tool]));
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
    this.evidenceLimit = options.evidenceLimit ?? 8000;
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;
    this.attempts = Math.max(1, Math.floor(options.retry?.attempts ?? 3));
    this.baseDelayMs = options.retry?.baseDelayMs ?? 500;
    this.maxDelayMs = options.retry?.maxDelayMs ?? 8000;
    if (options.clock) {
      this.clock = options.clock;
    } else {
      const origin = performance.now();
      this.clock = () => performance.now() - origin;
    }
    this.sleep = options.sleep ?? sleep;
    this.requiresApproval = options.requiresApproval ?? ((tool) => tool.sideEffects);
    const baseFetch = options.fetch ?? globalThis.fetch;
    // Called as `context.fetch(…)`, the browser's fetch throws "Illegal invocation"; call it bare.
    this.toolFetch = ((input: RequestInfo | URL, init?: RequestInit) => baseFetch(input, init)) as typeof fetch;
    this.settings = options.toolSettings ?? {};
    this.breakpointSteps = new Set(options.breakpoints?.steps ?? []);
    this.breakpointTools = new Set(options.breakpoints?.tools ?? []);
    this.pauseBeforeEachStep = options.pauseBeforeEachStep ?? false;
    const signal = options.signal;
    if (signal) {
      const onAbort = () => this.abort(signal.reason instanceof RunAbortedError ? signal.reason.message : undefined);
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
  }

  // ── Plan input ────────────────────────────────────────────────────────────────────────

  /**
   * Adds a step as the plan streams in; it starts as soon as its variables have evidence.
   * A step with `errors` fails at once and its dependents are skipped. A second step with an
   * id already present is ignored (the parser reports the duplicate in the plan's errors).
   */
  addStep(step: PlanStep, errors: readonly PlanProblem[] = [], options: { skipReason?: string } = {}): void {
    this.transact(() => {
      if (this.byId.has(step.id)) return;
      const entry = this.addEntry(step, errors);
      const deps = entry.state.deps;

      if (this.aborted) return this.skipEntry(entry, 'run stopped');
      if (options.skipReason !== undefined) return this.skipEntry(entry, options.skipReason, this.clock(), undefined, `needs ${step.id}, which was skipped`);
      if (errors.length > 0) return this.failEntry(entry, new PlanParseError(errors));
      if (!this.toolsByName.has(step.tool)) return this.failEntry(entry, new UnknownToolError(step.tool));
      const cycle = this.findCycle(step.id, deps);
      if (cycle) {
        const message = `${step.id} depends on itself${cycle.length > 0 ? ` through ${cycle.join(', ')}` : ''}.`;
        return this.failEntry(entry, new PlanParseError([{ message, ...(step.line === undefined ? {} : { line: step.line }) }]));
      }
      this.settleBlocked(entry);
    });
  }

  /**
   * Adds a step that finished in an earlier session (resuming after a reload): its evidence is
   * restored and nothing runs again. Steps waiting for it go as if it had just finished.
   */
  restoreStep(step: PlanStep, evidence: TruncatedEvidence, source?: EvidenceSource): void {
    this.transact(() => {
      if (this.byId.has(step.id)) return;
      const entry = this.addEntry(step, []);
      this.publishEvidence(entry, evidence, this.clock(), source);
    });
  }

  /** No more steps will come: steps that mention a variable no step defines fail now. */
  endPlan(): void {
    this.transact(() => {
      if (this.planEnded) return;
      this.planEnded = true;
      for (const [variable, waiting] of this.dependents) {
        if (this.byId.has(variable)) continue;
        for (const entry of [...waiting].sort((a, b) => a.order - b.order)) {
          if (entry.state.status === 'pending' || entry.state.status === 'stale') this.failUndeclared(entry, variable);
        }
      }
    });
  }

  // ── Debugger controls ─────────────────────────────────────────────────────────────────

  /** No new step starts; running ones finish. */
  pause(): void {
    this.transact(() => {
      if (this.aborted || this.paused) return;
      this.paused = true;
      this.pauseReason = 'user';
      this.emit({ type: 'run-paused' });
    });
  }

  /** Lets steps start again; steps held at a breakpoint run without stopping there again. */
  resume(): void {
    this.transact(() => {
      if (this.aborted) return;
      for (const entry of [...this.held].sort((a, b) => a.order - b.order)) this.release(entry);
      this.stepToken = false;
      if (this.paused) {
        this.paused = false;
        this.emit({ type: 'run-resumed' });
      }
    });
  }

  /**
   * Starts exactly one step (the first ready one in plan order, or the next to become ready)
   * and stays paused. Pauses first when running.
   */
  stepOnce(): void {
    this.transact(() => {
      if (this.aborted) return;
      if (!this.paused) {
        this.paused = true;
        this.emit({ type: 'run-paused' });
      }
      this.pauseReason = 'single-step';
      const head = this.peekReady();
      if (head && !head.released) this.release(head);
      else this.stepToken = true;
    });
  }

  /** Stops everything: running tools and dispatches are aborted, the rest is skipped. */
  abort(reason?: string): void {
    this.transact(() => {
      if (this.aborted) return;
      this.aborted = true;
      this.stepToken = false;
      this.releasedQueue.length = 0;
      const at = this.clock();
      const error = new RunAbortedError(reason);
      for (const entry of this.entries) if (!isFinished(entry.state.status)) this.skipEntry(entry, 'run stopped', at, error);
    });
  }

  /** Turns a breakpoint on or off; it takes effect for steps that have not started. */
  setBreakpoint(target: BreakpointTarget, enabled: boolean): void {
    const set = 'step' in target ? this.breakpointSteps : this.breakpointTools;
    const key = 'step' in target ? target.step : target.tool;
    if (enabled) set.add(key);
    else set.delete(key);
  }

  /** Holds every step before it starts (single-stepping the whole plan). */
  setPauseBeforeEachStep(enabled: boolean): void {
    this.pauseBeforeEachStep = enabled;
  }

  /**
   * Lets a step that waits for approval run, with the call it showed or with `call` (an edit,
   * validated first: an invalid one throws `InvalidToolInputError` and the step keeps waiting).
   * With `reuse`, the step takes the earlier run's result for the same call instead of running
   * (only when its approval offered one).
   */
  approve(id: string, call?: ToolCall, options: { reuse?: boolean } = {}): void {
    this.transact(() => {
      const entry = this.entry(id);
      const execution = entry.execution;
      if (entry.state.status !== 'waiting-for-approval' || !execution?.approve || !entry.state.call) {
        throw new StepStateError(id, `${id} is not waiting for approval.`);
      }
      const reuse = options.reuse === true;
      if (reuse && (!execution.reusable || call !== undefined)) throw new StepStateError(id, `${id} has no earlier result of this call to reuse.`);
      if (call !== undefined) this.validateCall(call);
      const shown = entry.state.call;
      const approved = call ?? shown;
      const approve = execution.approve;
      execution.approve = undefined;
      this.emit({ type: 'approval-given', id, call: approved, edited: !sameCall(approved, shown), ...(reuse ? { reused: true } : {}) });
      approve({ call: approved, reuse });
    });
  }

  /** Skips a step that has not finished (running ones are aborted); its dependents are skipped too. */
  skip(id: string, reason?: string): void {
    this.transact(() => {
      const entry = this.entry(id);
      if (isFinished(entry.state.status)) return;
      const own = reason ?? 'skipped by you';
      this.skipEntry(entry, own, this.clock(), undefined, `needs ${id}, which was skipped${reason === undefined ? '' : ` (${reason})`}`);
      this.skipDependents(entry);
    });
  }

  /**
   * Changes a step that has not started: its tool, its input (dependencies are recomputed) or
   * a complete call to run instead of dispatching (validated first; `UnknownToolError` or
   * `InvalidToolInputError` is thrown and nothing changes). A finished step keeps its result
   * until `rerun`. Running steps and steps waiting for approval cannot be edited.
   */
  editStep(id: string, edit: StepEdit): void {
    this.transact(() => {
      const entry = this.entry(id);
      const { status } = entry.state;
      if (this.aborted) throw new StepStateError(id, 'The run was stopped.');
      if (status === 'running' || status === 'waiting-for-approval') {
        throw new StepStateError(
          id,
          `${id} is ${status === 'running' ? 'running' : 'waiting for approval'} and cannot be edited now.`,
          status === 'running' ? 'Skip it or wait for it to finish, then edit and re-run it.' : 'Approve it with an edited call instead.',
        );
      }
      if (edit.call !== undefined && edit.tool !== undefined && edit.call.name !== edit.tool) {
        throw new StepStateError(id, `The call names ${edit.call.name} but the tool is ${edit.tool}.`);
      }
      const tool = edit.call?.name ?? edit.tool ?? entry.state.tool;
      if (!this.toolsByName.has(tool)) throw new UnknownToolError(tool);
      if (edit.call !== undefined) this.validateCall(edit.call);

      const input = edit.input ?? entry.state.input;
      // Structured arguments describe the old input; an edited input replaces them.
      const args = input === entry.state.input ? entry.state.args : undefined;
      const deps = stepDependencies({ input, args }, edit.call);
      const cycle = this.findCycle(id, deps);
      if (cycle) throw new StepStateError(id, `${id} would depend on itself${cycle.length > 0 ? ` through ${cycle.join(', ')}` : ''}.`);

      // A step held at a breakpoint stays held after the edit (when it can still start), so
      // that Continue runs the edited step instead of stopping at it again.
      const heldReason = status === 'paused' ? entry.state.pauseReason : undefined;
      if (isWaitingToStart(status)) this.held.delete(entry);
      this.unlink(entry);
      this.emit({ type: 'step-edited', id, tool, input, ...(edit.call === undefined ? {} : { call: edit.call }), deps: [...deps] });
      this.link(entry);
      if (entry.state.status === 'pending' || entry.state.status === 'stale') this.settleBlocked(entry);
      if (heldReason !== undefined && entry.state.status === 'ready') this.hold(entry, heldReason);
    });
  }

  /**
   * Runs a finished, failed or skipped step again. Every step that depends on it, directly or
   * not, becomes stale and runs again after it. Throws `StepStateError` when the step is
   * running, or needs a variable that has no evidence and will get none (re-run that first).
   */
  rerun(id: string): void {
    this.transact(() => {
      const entry = this.entry(id);
      if (this.aborted) throw new StepStateError(id, 'The run was stopped.');
      if (entry.state.status === 'running' || entry.state.status === 'waiting-for-approval') {
        throw new StepStateError(id, `${id} is running; skip it first or wait for it.`);
      }
      if (!isFinished(entry.state.status)) return;
      if (entry.state.planErrors.length > 0) throw new StepStateError(id, `${id} has errors in the plan.`, 'Edit the step, then re-run it.');
      if (!this.toolsByName.has(entry.state.tool)) throw new UnknownToolError(entry.state.tool);
      for (const variable of entry.state.deps) {
        const dependency = this.byId.get(variable);
        if (!dependency || dependency.state.status === 'failed' || dependency.state.status === 'skipped') {
          throw new StepStateError(id, `${id} needs ${variable}, which has no evidence.`, `Re-run ${variable} first.`);
        }
      }

      const affected = [entry];
      const seen = new Set(affected);
      for (let index = 0; index < affected.length; index++) {
        const current = affected[index] as StepEntry;
        for (const dependent of this.dependents.get(current.state.id) ?? []) {
          if (seen.has(dependent)) continue;
          seen.add(dependent);
          affected.push(dependent);
        }
      }
      affected.sort((a, b) => a.order - b.order);
      const at = this.clock();
      for (const current of affected) if (current.state.status !== 'pending') this.makeStale(current, id, at);
      for (const current of affected) if (current.state.status === 'pending' || current.state.status === 'stale') this.settleBlocked(current);
    });
  }

  // ── Results ───────────────────────────────────────────────────────────────────────────

  /**
   * Resolves once the plan has ended and no step can make progress (every step done, failed or
   * skipped), or at once after `abort()`. Not while a step waits for approval or a pause.
   * After a `rerun`, call it again for the new outcome.
   */
  settled(): Promise<SchedulerOutcome> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.checkSettled();
    });
  }

  /** Evidence by variable (a copy), truncated as the solver and later steps see it. */
  evidence(): ReadonlyMap<string, string> {
    return new Map(this.evidenceByVariable);
  }

  /** Every step's state, in plan order. */
  snapshot(): SchedulerSnapshot {
    return { planEnded: this.planEnded, paused: this.paused, aborted: this.aborted, steps: this.entries.map((entry) => entry.state) };
  }

  // ── Internals: bookkeeping ────────────────────────────────────────────────────────────

  /**
   * Every public entry point and every async continuation runs inside one. Events queue up
   * while the work changes state and are delivered when it is done, so a listener that calls
   * back into the scheduler never sees half-made state; they are delivered before new steps
   * start, so a listener that pauses on an event stops the next step.
   */
  private transact<T>(work: () => T): T {
    this.depth++;
    try {
      const result = work();
      if (this.depth === 1) {
        this.flush();
        this.pump();
      }
      return result;
    } finally {
      this.depth--;
      if (this.depth === 0) {
        this.flush();
        this.checkSettled();
      }
    }
  }

  /**
   * Queues an event for the listener and folds it into its step at once: a step changes only
   * here, through `reduceStep`, the same fold the UI applies to the same events.
   */
  private emit(event: RunEventInput, at = this.clock()): void {
    const full = { ...event, at } as RunEvent;
    if ('id' in full) this.applyToStep(full);
    this.queue.push(full);
  }

  private applyToStep(event: StepEvent): void {
    const entry = this.byId.get(event.id);
    if (!entry) return;
    const wasFinished = isFinished(entry.state.status);
    entry.state = reduceStep(entry.state, event);
    const nowFinished = isFinished(entry.state.status);
    if (wasFinished && !nowFinished) this.unfinished++;
    else if (!wasFinished && nowFinished) this.unfinished--;
  }

  /** A new step, pending, announced with `step-added` and linked to the variables it needs. */
  private addEntry(step: PlanStep, errors: readonly PlanProblem[]): StepEntry {
    const entry: StepEntry = { state: createStepState(step, errors), order: this.entries.length, missing: 0, queued: false, released: false };
    this.entries.push(entry);
    this.byId.set(step.id, entry);
    this.unfinished++;
    this.link(entry);
    this.emit({ type: 'step-added', step, errors: [...errors] });
    return entry;
  }

  private flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (let index = 0; index < this.queue.length; index++) {
        const event = this.queue[index] as RunEvent;
        try {
          this.options.onEvent(event);
        } catch (error) {
          // A broken listener must not leave the scheduler half-updated; report it out of band.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    } finally {
      this.queue.length = 0;
      this.flushing = false;
    }
  }

  private checkSettled(): void {
    if (this.waiters.length === 0) return;
    if (!this.aborted && !(this.planEnded && this.unfinished === 0 && this.active === 0)) return;
    const outcome: SchedulerOutcome = { status: this.aborted ? 'aborted' : 'finished', done: 0, failed: 0, skipped: 0 };
    for (const entry of this.entries) {
      if (entry.state.status === 'done') outcome.done++;
      else if (entry.state.status === 'failed') outcome.failed++;
      else if (entry.state.status === 'skipped') outcome.skipped++;
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve(outcome);
  }

  private entry(id: string): StepEntry {
    const entry = this.byId.get(id);
    if (!entry) throw new StepStateError(id, `There is no step ${id}.`);
    return entry;
  }

  private link(entry: StepEntry): void {
    entry.missing = 0;
    for (const variable of entry.state.deps) {
      let waiting = this.dependents.get(variable);
      if (!waiting) this.dependents.set(variable, (waiting = new Set()));
      waiting.add(entry);
      if (!this.evidenceByVariable.has(variable)) entry.missing++;
    }
  }

  private unlink(entry: StepEntry): void {
    for (const variable of entry.state.deps) this.dependents.get(variable)?.delete(entry);
  }

  /** The path from `id`'s deps back to `id`, when adding those deps would close a cycle. */
  private findCycle(id: string, deps: readonly string[]): string[] | undefined {
    if (deps.includes(id)) return [];
    // Only a step that others mentioned before it was declared can close a cycle.
    if (!this.dependents.get(id)?.size) return undefined;
    const visited = new Set<string>();
    const search = (variable: string, path: string[]): string[] | undefined => {
      if (variable === id) return path;
      if (visited.has(variable)) return undefined;
      visited.add(variable);
      for (const next of this.byId.get(variable)?.state.deps ?? []) {
        const found = search(next, [...path, variable]);
        if (found) return found;
      }
      return undefined;
    };
    for (const variable of deps) {
      const found = search(variable, []);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * For a pending or stale step: skips or fails it when a dependency can no longer get
   * evidence, makes it ready when all have evidence, else leaves it waiting.
   */
  private settleBlocked(entry: StepEntry): void {
    for (const variable of entry.state.deps) {
      const dependency = this.byId.get(variable);
      if (!dependency) {
        if (this.planEnded) return this.failUndeclared(entry, variable);
        continue;
      }
      if (dependency.state.status === 'failed' || dependency.state.status === 'skipped') {
        this.skipEntry(entry, this.reasonFrom(dependency));
        this.skipDependents(entry);
        return;
      }
    }
    if (entry.missing === 0) this.makeReady(entry);
  }

  private reasonFrom(dependency: StepEntry): string {
    if (dependency.state.status === 'failed') return `needs ${dependency.state.id}, which failed`;
    return dependency.downstreamReason ?? `needs ${dependency.state.id}, which was skipped`;
  }

  private failUndeclared(entry: StepEntry, variable: string): void {
    const line = entry.state.line;
    this.failEntry(entry, new PlanParseError([{ message: `${entry.state.id} refers to ${variable}, which no step defines.`, ...(line === undefined ? {} : { line }) }]));
  }

  // ── Internals: moving steps ───────────────────────────────────────────────────────────

  private makeReady(entry: StepEntry): void {
    this.emit({ type: 'step-ready', id: entry.state.id });
    if (!entry.queued) this.heapPush(entry);
  }

  private release(entry: StepEntry): void {
    entry.released = true;
    this.releasedQueue.push(entry);
  }

  private hold(entry: StepEntry, reason: PauseReason): void {
    this.paused = true;
    if (entry.state.status === 'paused') return;
    this.held.add(entry);
    this.emit({ type: 'step-paused', id: entry.state.id, reason });
  }

  private holdReason(entry: StepEntry): PauseReason | undefined {
    if (this.paused) return entry.state.pauseReason ?? this.pauseReason;
    if (this.breakpointSteps.has(entry.state.id)) return 'breakpoint-step';
    if (this.breakpointTools.has(entry.state.tool)) return 'breakpoint-tool';
    if (this.pauseBeforeEachStep) return 'pause-before-each';
    return undefined;
  }

  /** Starts what may start: released steps first, then ready ones in plan order. */
  private pump(): void {
    if (this.aborted) return;
    while (this.active < this.concurrency) {
      let next: StepEntry | undefined;
      while (this.releasedQueue.length > 0 && next === undefined) {
        const candidate = this.releasedQueue.shift() as StepEntry;
        if (candidate.released && isWaitingToStart(candidate.state.status)) next = candidate;
      }
      if (next === undefined) {
        const head = this.peekReady();
        if (!head) return;
        if (this.stepToken) {
          this.stepToken = false;
        } else {
          const reason = this.holdReason(head);
          if (reason !== undefined) {
            if (reason !== 'user' && reason !== 'single-step') this.pauseReason = 'user';
            this.hold(head, reason);
            return;
          }
        }
        next = head;
      }
      this.start(next);
    }
  }

  private start(entry: StepEntry): void {
    const execution: Execution = { controller: new AbortController() };
    this.held.delete(entry);
    entry.released = false;
    entry.execution = execution;
    this.active++;
    const { text, substitutions } = substituteEvidence(entry.state.input, this.evidenceByVariable);
    this.emit({ type: 'call-start', id: entry.state.id, input: text, substitutions });
    void this.execute(entry, execution, text);
  }

  /** Ends the current execution, if any: aborts it and closes its `call-start` with `call-end`. */
  private stopExecution(entry: StepEntry, at: number, reason: unknown): void {
    const execution = entry.execution;
    if (!execution) return;
    if (!execution.controller.signal.aborted) execution.controller.abort(reason);
    this.endExecution(entry, at);
  }

  private endExecution(entry: StepEntry, at: number): void {
    entry.execution = undefined;
    this.active--;
    this.emit({ type: 'call-end', id: entry.state.id, durationMs: at - (entry.state.startedAt ?? at) }, at);
  }

  /** Ends a step's execution with a tool's output, or with evidence reused from the parent run. */
  private completeEntry(entry: StepEntry, output: unknown, source?: EvidenceSource & { kind: 'reused' }): void {
    const at = this.clock();
    const evidence = source ? (output as TruncatedEvidence) : truncateEvidence(toEvidenceText(output), this.evidenceLimit);
    this.endExecution(entry, at);
    this.publishEvidence(entry, evidence, at, source);
  }

  /** Marks a step done with its evidence and lets the steps waiting for it go. */
  private publishEvidence(entry: StepEntry, evidence: TruncatedEvidence, at: number, source?: EvidenceSource): void {
    this.evidenceByVariable.set(entry.state.id, evidence.text);
    this.emit(
      { type: 'evidence', id: entry.state.id, text: evidence.text, originalLength: evidence.originalLength, truncated: evidence.truncated, ...(source ? { source } : {}) },
      at,
    );
    for (const dependent of this.dependents.get(entry.state.id) ?? []) {
      dependent.missing--;
      if (dependent.missing === 0 && (dependent.state.status === 'pending' || dependent.state.status === 'stale')) this.settleBlocked(dependent);
    }
  }

  private failEntry(entry: StepEntry, error: unknown): void {
    const at = this.clock();
    this.stopExecution(entry, at, new RunAbortedError('The step failed.'));
    this.held.delete(entry);
    entry.downstreamReason = `needs ${entry.state.id}, which failed`;
    this.emit({ type: 'step-failed', id: entry.state.id, error: toErrorInfo(error) }, at);
    this.skipDependents(entry);
  }

  /** Skips one step (no cascade); `downstream` is what its dependents will be told. */
  private skipEntry(entry: StepEntry, reason: string, at = this.clock(), abortReason?: unknown, downstream = reason): void {
    this.stopExecution(entry, at, abortReason ?? new RunAbortedError(`Skipped: ${reason}.`));
    this.held.delete(entry);
    entry.downstreamReason = downstream;
    this.emit({ type: 'step-skipped', id: entry.state.id, reason }, at);
  }

  /** Skips every unfinished step that depends on `root`, directly or not, naming `root`'s reason. */
  private skipDependents(root: StepEntry): void {
    const reason = this.reasonFrom(root);
    const queue = [root];
    for (let index = 0; index < queue.length; index++) {
      const current = queue[index] as StepEntry;
      for (const dependent of this.dependents.get(current.state.id) ?? []) {
        if (isFinished(dependent.state.status)) continue;
        this.skipEntry(dependent, reason);
        queue.push(dependent);
      }
    }
  }

  private makeStale(entry: StepEntry, because: string, at: number): void {
    this.stopExecution(entry, at, new RunAbortedError(`${because} is re-running.`));
    this.held.delete(entry);
    entry.released = false;
    if (this.evidenceByVariable.delete(entry.state.id)) {
      for (const dependent of this.dependents.get(entry.state.id) ?? []) dependent.missing++;
    }
    delete entry.downstreamReason;
    this.emit({ type: 'step-stale', id: entry.state.id, because }, at);
  }

  // ── Internals: running one step ───────────────────────────────────────────────────────

  private async execute(entry: StepEntry, execution: Execution, input: string): Promise<void> {
    const current = () => entry.execution === execution;
    try {
      const record = await this.resolveCall(entry, execution, input);
      if (!current()) return;
      let call = this.transact(() => this.acceptCall(entry, record));
      let tool = this.toolFor(call);
      // Approval follows the planned tool and the tool actually called: either with side
      // effects stops the step.
      const planned = this.toolsByName.get(entry.state.tool);
      const needsApproval = this.requiresApproval(tool) || (planned !== undefined && this.requiresApproval(planned));
      // A tool with side effects is never reused silently: it asks and runs again.
      const sideEffects = tool.sideEffects || planned?.sideEffects === true;
      const reused = sideEffects ? undefined : this.options.cache?.evidenceFor(entry.state.id, call);
      if (reused) {
        this.transact(() => this.completeEntry(entry, reused, { kind: 'reused', runId: reused.fromRunId }));
        return;
      }
      if (needsApproval) {
        // Never reused silently: the earlier result is one of the choices of the approval.
        const reusable = sideEffects ? this.options.cache?.evidenceFor(entry.state.id, call) : undefined;
        const decision = await new Promise<{ call: ToolCall; reuse: boolean }>((resolve) => {
          this.transact(() => {
            execution.approve = resolve;
            if (reusable) execution.reusable = reusable;
            this.emit({ type: 'approval-required', id: entry.state.id, call, ...(reusable ? { reusableFrom: reusable.fromRunId } : {}) });
          });
        });
        if (!current()) return;
        if (decision.reuse && reusable) {
          this.transact(() => this.completeEntry(entry, reusable, { kind: 'reused', runId: reusable.fromRunId }));
          return;
        }
        call = decision.call;
        tool = this.toolFor(call);
      }
      const output = await this.runTool(entry, execution, tool, call.arguments);
      if (!current()) return;
      this.transact(() => this.completeEntry(entry, output));
    } catch (error) {
      if (!current()) return;
      this.transact(() => this.failEntry(entry, error));
    }
  }

  /** The distributor's call, retried on transient failures; or the call the person wrote. */
  private async resolveCall(entry: StepEntry, execution: Execution, input: string): Promise<DispatchRecord> {
    if (entry.state.editedCall !== undefined) {
      const call = { name: entry.state.editedCall.name, arguments: substituteInValue(entry.state.editedCall.arguments, this.evidenceByVariable) };
      return { call, path: 'edited', attempts: 0, durationMs: 0 };
    }
    const tool = this.toolsByName.get(entry.state.tool);
    if (!tool) throw new UnknownToolError(entry.state.tool);
    const earlier = this.options.cache?.callFor(entry.state.id, tool.name, input);
    if (earlier) return { call: earlier, path: 'reused', attempts: 0, durationMs: 0 };
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.options.dispatch({ step: planStepOf(entry.state), input, tool, evidence: this.evidenceByVariable, signal: execution.controller.signal });
      } catch (error) {
        await this.backOff(entry, execution, 'dispatch', attempt, error);
      }
    }
  }

  /** Records the call; returns it, or throws when it names no tool or does not validate. */
  private acceptCall(entry: StepEntry, record: DispatchRecord): ToolCall {
    this.emit({ type: 'call-resolved', id: entry.state.id, dispatch: record });
    this.toolFor(record.call);
    // Only the person's own edit may call another tool than the plan names.
    if (record.path !== 'edited' && record.call.name !== entry.state.tool) throw new ToolMismatchError(entry.state.tool, record.call.name);
    this.validateCall(record.call);
    return record.call;
  }

  private toolFor(call: ToolCall): Tool {
    const tool = this.toolsByName.get(call.name);
    if (!tool) throw new UnknownToolError(call.name);
    return tool;
  }

  private validateCall(call: ToolCall): void {
    const tool = this.toolFor(call);
    const problems = validateToolArguments(tool, call.arguments);
    if (problems.length > 0) throw new InvalidToolInputError(tool.name, problems);
  }

  private async runTool(entry: StepEntry, execution: Execution, tool: Tool, args: Record<string, unknown>): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      this.transact(() => {
        this.emit({ type: 'tool-start', id: entry.state.id, attempt });
      });
      try {
        return await runToolAttempt(tool, args, { signal: execution.controller.signal, defaultTimeoutMs: this.defaultTimeoutMs, fetch: this.toolFetch, settings: this.settings, step: entry.state.id });
      } catch (error) {
        await this.backOff(entry, execution, 'tool', attempt, error);
      }
    }
  }

  /** Rethrows unless `error` is worth another try; else announces the retry and waits. */
  private async backOff(entry: StepEntry, execution: Execution, phase: 'dispatch' | 'tool', attempt: number, error: unknown): Promise<void> {
    if (entry.execution !== execution || attempt >= this.attempts || !isTransientError(error)) throw error;
    const delayMs = retryDelay(error, attempt, { baseDelayMs: this.baseDelayMs, maxDelayMs: this.maxDelayMs });
    this.transact(() => {
      const info = toErrorInfo(error);
      this.emit({ type: 'step-retry', id: entry.state.id, attempt, delayMs, error: info, phase });
    });
    await this.sleep(delayMs, execution.controller.signal);
    if (entry.execution !== execution) throw new RunAbortedError();
  }

  // ── Internals: the ready heap ─────────────────────────────────────────────────────────

  /** The lowest-order step that may start, dropping entries that left the ready state. */
  private peekReady(): StepEntry | undefined {
    while (this.heap.length > 0) {
      const head = this.heap[0] as StepEntry;
      if (isWaitingToStart(head.state.status)) return head;
      this.heapPop();
    }
    return undefined;
  }

  private heapPush(entry: StepEntry): void {
    entry.queued = true;
    const heap = this.heap;
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const above = heap[parent] as StepEntry;
      if (above.order <= entry.order) break;
      heap[index] = above;
      index = parent;
    }
    heap[index] = entry;
  }

  private heapPop(): void {
    const heap = this.heap;
    const top = heap[0] as StepEntry;
    top.queued = false;
    const last = heap.pop() as StepEntry;
    if (heap.length === 0) return;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && (heap[right] as StepEntry).order < (heap[left] as StepEntry).order ? right : left;
      if ((heap[child] as StepEntry).order >= last.order) break;
      heap[index] = heap[child] as StepEntry;
      index = child;
    }
    heap[index] = last;
  }
}
