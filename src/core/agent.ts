import { createDistributor } from './dispatch/distributor.ts';
import { isAbortError, isTransientError, PlanTooLongError, RunAbortedError } from './errors.ts';
import { toErrorInfo } from './run/error-info.ts';
import type { ChatEngine } from './llm/types.ts';
import { PlanStreamParser } from './plan/plan-stream.ts';
import { buildPlanSchema, parseJsonPlanSteps } from './plan/json-plan.ts';
import { buildPlannerMessages } from './plan/planner-prompt.ts';
import { defaultMaxPlanSteps, type PlanProblem, type StreamedStep } from './plan/types.ts';
import { replayEvents } from './run/run-state.ts';
import { retryDelay, sleep } from './run/retry.ts';
import type { ErrorInfo, RunEvent, RunEventInput, RunStatus } from './run/events.ts';
import { CallRecorder } from './run/calls.ts';
import { defaultPresetName, defaultTemplates, type PromptPreset } from './prompts/templates.ts';
import { Scheduler, type SchedulerOptions } from './run/scheduler.ts';
import { solve, type SolverStep } from './solve/solver.ts';
import type { Tool } from './tools/types.ts';
import { rerunSteps, reusesAnswer, reusesCalls, sameEvidence, StepCache, type RunChange, type VersionParent } from './run/versions.ts';

/** Which engine plays which role. */
export interface AgentEngines {
  planner: ChatEngine;
  /** Writes tool calls the planner's own call cannot serve (see src/core/dispatch). */
  toolCaller?: ChatEngine;
  /** Tried when the tool caller fails. */
  fallback?: ChatEngine;
  solver: ChatEngine;
  /** The model the `llm` tool asks; tools receive it as the `llm` setting. */
  llmTool?: ChatEngine;
}

export interface AgentOptions
  extends Pick<
    SchedulerOptions,
    'concurrency' | 'evidenceLimit' | 'defaultTimeoutMs' | 'retry' | 'pauseBeforeEachStep' | 'breakpoints' | 'requiresApproval' | 'toolSettings' | 'fetch' | 'sleep'
  > {
  task: string;
  tools: readonly Tool[];
  engines: AgentEngines;
  onEvent: (event: RunEvent) => void;
  /** `text`: ReWOO text, streamed step by step. `json`: a JSON plan under a schema constraint. */
  planFormat?: 'text' | 'json';
  runId?: string;
  /** Retries of the planner request on transient failures before any text arrived. */
  plannerRetries?: number;
  /**
   * The events of an interrupted run (the page was closed). The run goes on from them: steps
   * that finished keep their evidence and do not run again; the plan is reused when it was
   * complete, else the planner is asked again and matching finished steps are restored.
   */
  resume?: readonly RunEvent[];
  /**
   * A plan the person chose (written by hand, or taken from an imported trace): parsed with
   * this page's tools and run as it is; the planner is not asked. Unknown tools and other
   * problems show as plan errors on their steps.
   */
  planText?: string;
  /**
   * The most steps a plan may have (default 300). A planner that ignores its token limit can
   * stream thousands; past the limit the plan is cut there and the run fails with
   * `PlanTooLongError` after the steps it kept have run.
   */
  maxPlanSteps?: number;
  /**
   * Makes this run a version of an earlier run: `planText` is the parent's plan (with the
   * change), steps whose call matches the parent's reuse its evidence, the changed step runs,
   * and the parent's answer is reused when no evidence changed.
   */
  version?: { parent: VersionParent; change: RunChange };
  /** The prompts to use (the defaults when absent); recorded in `run-start`. */
  prompts?: PromptPreset;
  /**
   * Plan only (the planner eval): the plan is asked for and parsed, its steps are recorded as
   * skipped ("plan only") without calling a tool or the solver, and the run ends done.
   */
  planOnly?: boolean;
}

export interface AgentOutcome {
  status: RunStatus;
  answer: string;
  error?: ErrorInfo;
}

/** A run in progress: the scheduler's debugger controls and the outcome. */
export interface AgentRun {
  readonly runId: string;
  readonly scheduler: Scheduler;
  /** Stops everything: planner, running tools, solver. */
  abort(): void;
  readonly done: Promise<AgentOutcome>;
}

/** Why the steps of a plan-only run did not run. */
export const planOnlyReason = 'plan only: not run';



/**
 * Runs one task: the planner streams a plan, each step is scheduled the moment it is
 * complete, tool calls go through the distributor, and the solver writes the answer from the
 * evidence. Everything is reported through `onEvent`.
 */
export function startRun(options: AgentOptions): AgentRun {
  const runId = options.runId ?? globalThis.crypto.randomUUID();
  const controller = new AbortController();
  const previous = options.resume ? replayEvents(options.resume) : undefined;
  // A resumed run's clock goes on from where its events stopped, so its timeline stays one.
  const started = performance.now() - (previous?.lastEventAt ?? 0);
  const clock = () => Math.round((performance.now() - started) * 1000) / 1000;
  const emit = (event: RunEventInput) => options.onEvent({ ...event, at: clock() } as RunEvent);
  const toolNames = options.tools.map((tool) => tool.name);

  // A resumed run goes on with the prompts it started with.
  const prompts = previous?.prompts ?? options.prompts ?? { name: defaultPresetName, templates: defaultTemplates };
  const templates = prompts.templates;
  // Every model request of the run is recorded (`model-call-*` events) by wrapping the engines.
  const recorder = new CallRecorder(emit, options.resume);
  const given = options.engines;
  const engines: AgentEngines = {
    planner: recorder.wrap(given.planner, 'planner'),
    solver: recorder.wrap(given.solver, 'solver'),
    ...(given.toolCaller ? { toolCaller: recorder.wrap(given.toolCaller, 'tool-caller') } : {}),
    ...(given.fallback ? { fallback: recorder.wrap(given.fallback, 'fallback') } : {}),
  };
  const toolSettings = given.llmTool ? { ...options.toolSettings, llm: recorder.wrap(given.llmTool, 'llm-tool') } : options.toolSettings;

  const version = options.version;
  const cache = version ? new StepCache(version.parent, rerunSteps(version.change), reusesCalls(version.change)) : undefined;
  const scheduler = new Scheduler({
    ...options,
    ...(cache ? { cache } : {}),
    tools: options.tools,
    ...(toolSettings ? { toolSettings } : {}),
    dispatch: createDistributor({ tools: options.tools, toolCaller: engines.toolCaller, fallback: engines.fallback, template: templates.toolCaller }),
    onEvent: options.onEvent,
    clock,
    signal: controller.signal,
  });

  const finishedBefore = new Map((previous?.steps ?? []).filter((step) => step.status === 'done').map((step) => [step.id, step]));
  const maxPlanSteps = options.maxPlanSteps ?? defaultMaxPlanSteps;
  // Aborted when the plan grows past maxPlanSteps: the planner stops, the run goes on.
  const plannerController = new AbortController();
  controller.signal.addEventListener('abort', () => plannerController.abort(controller.signal.reason), { once: true });
  let planTooLong: PlanTooLongError | undefined;
  let stepsAdded = 0;
  const addStep = ({ step, errors }: StreamedStep) => {
    if (planTooLong) return;
    if (stepsAdded >= maxPlanSteps) {
      planTooLong = new PlanTooLongError(maxPlanSteps);
      plannerController.abort(planTooLong);
      return;
    }
    stepsAdded++;
    const change = version?.change;
    if (change?.type === 'set-evidence' && change.id === step.id) {
      return scheduler.restoreStep(step, { text: change.text, originalLength: change.text.length, truncated: false }, { kind: 'by-hand' });
    }
    if (change?.type === 'skip' && change.id === step.id) return scheduler.addStep(step, errors, { skipReason: 'skipped in this version' });
    if (options.planOnly) return scheduler.addStep(step, errors, { skipReason: planOnlyReason });
    const handSet = cache?.handSetEvidence(step.id);
    if (handSet !== undefined) return scheduler.restoreStep(step, { text: handSet, originalLength: handSet.length, truncated: false }, { kind: 'by-hand' });
    const finished = finishedBefore.get(step.id);
    if (finished && errors.length === 0 && finished.tool === step.tool && finished.input === step.input && finished.evidence !== undefined) {
      scheduler.restoreStep(step, { text: finished.evidence, originalLength: finished.evidenceLength ?? finished.evidence.length, truncated: finished.truncated ?? false });
    } else scheduler.addStep(step, errors);
  };

  /** A resumed run whose plan was complete: its steps again, finished ones restored. */
  function resumedPlan(): { stepCount: number; error?: unknown } | undefined {
    if (!previous?.plan.ended || previous.plan.error || previous.steps.length === 0) return undefined;
    for (const step of previous.steps) {
      addStep({ step: { id: step.id, tool: step.tool, input: step.input, deps: [...step.deps], thought: step.thought, args: step.args, line: step.line }, errors: [...step.planErrors] });
    }
    if (planTooLong) return cutPlan();
    return { stepCount: previous.steps.length };
  }

  /** The person's own plan text, parsed like the planner's and run without asking the planner. */
  function givenPlan(text: string): { stepCount: number } {
    emit({ type: 'plan-start' });
    emit({ type: 'plan-delta', text });
    const parser = new PlanStreamParser(toolNames);
    parser.push(text).forEach(addStep);
    const finished = parser.finish();
    finished.steps.forEach(addStep);
    if (planTooLong) return cutPlan();
    emit({ type: 'plan-end', errors: finished.plan.errors, warnings: finished.plan.warnings, durationMs: 0 });
    return { stepCount: finished.plan.steps.length };
  }

  /** The plan passed maxPlanSteps: the steps kept run, then the run fails with the reason. */
  function cutPlan(): { stepCount: number; error: PlanTooLongError } {
    const error = planTooLong ?? new PlanTooLongError(maxPlanSteps);
    emit({ type: 'plan-failed', error: toErrorInfo(error) });
    return { stepCount: stepsAdded, error };
  }

  async function plan(): Promise<{ stepCount: number; error?: unknown }> {
    if (options.planText !== undefined) return givenPlan(options.planText);
    const reused = resumedPlan();
    if (reused) return reused;
    emit({ type: 'plan-start' });
    const parser = new PlanStreamParser(toolNames);
    const planner = engines.planner;
    // A replan (a version) asks the planner again with the person's note.
    const note = version?.change.type === 'replan' ? version.change.note : undefined;
    const messages = buildPlannerMessages(options.task, options.tools, note, templates.planner);
    const json = options.planFormat === 'json';
    const startedAt = performance.now();
    let text = '';
    const retries = options.plannerRetries ?? 2;
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await planner.chat(
          {
            messages,
            // Room for long plans (~25 tokens a step) while prompt + answer stays inside an 8k context,
            // which vLLM checks before it starts.
            maxTokens: 4096,
            temperature: 0,
            signal: plannerController.signal,
            ...(json ? { jsonSchema: buildPlanSchema(options.tools), schemaName: 'plan' } : {}),
          },
          (chunk) => {
            if (chunk.type === 'reasoning') return emit({ type: 'plan-reasoning-delta', text: chunk.text });
            text += chunk.text;
            emit({ type: 'plan-delta', text: chunk.text });
            if (!json) parser.push(chunk.text).forEach(addStep);
          },
        );
        let errors: PlanProblem[];
        let warnings: PlanProblem[];
        let stepCount: number;
        if (json) {
          const parsed = parseJsonPlanSteps(result.text, options.tools);
          parsed.steps.forEach(addStep);
          ({ errors, warnings } = parsed.plan);
          stepCount = parsed.plan.steps.length;
        } else {
          const finished = parser.finish();
          finished.steps.forEach(addStep);
          ({ errors, warnings } = finished.plan);
          stepCount = finished.plan.steps.length;
        }
        if (planTooLong) return cutPlan();
        if (result.finishReason === 'length') {
          warnings = [...warnings, { message: 'The planner stopped at its token limit; the plan may be incomplete.' }];
        }
        emit({ type: 'plan-end', errors, warnings, usage: result.usage, durationMs: performance.now() - startedAt });
        return { stepCount };
      } catch (error) {
        if (planTooLong && !controller.signal.aborted) return cutPlan();
        const retryable = text === '' && attempt < retries && isTransientError(error) && !controller.signal.aborted;
        if (!retryable) {
          if (!isAbortError(error)) emit({ type: 'plan-failed', error: toErrorInfo(error) });
          // Keep the steps that arrived complete: they can still run and be inspected.
          const finished = json ? { steps: [], plan: { steps: [] } } : parser.finish();
          finished.steps.forEach(addStep);
          return { stepCount: finished.plan.steps.length, error };
        }
        const delay = retryDelay(error, attempt + 1, { baseDelayMs: 1000, maxDelayMs: 30_000, maxRetryAfterMs: 30_000 });
        // `options.sleep` lets tests skip the wait, as they do for the scheduler's retries.
        await (options.sleep ?? sleep)(delay, controller.signal);
      }
    }
  }

  async function run(): Promise<AgentOutcome> {
    if (previous) emit({ type: 'run-resumed' });
    else {
      const parent = version ? { parent: { runId: version.parent.runId, change: version.change } } : {};
      emit({ type: 'run-start', runId, task: options.task, startedAt: new Date().toISOString(), ...parent, prompts });
    }
    const finish = (status: RunStatus, answer: string, error?: ErrorInfo): AgentOutcome => {
      emit({ type: 'run-end', status, ...(error ? { error } : {}) });
      return { status, answer, ...(error ? { error } : {}) };
    };
    try {
      const planned = await plan();
      scheduler.endPlan();
      const outcome = await scheduler.settled();
      if (controller.signal.aborted || outcome.status === 'aborted') return finish('aborted', '', toErrorInfo(new RunAbortedError()));
      if (planned.error !== undefined) return finish('failed', '', toErrorInfo(planned.error));
      if (planned.stepCount === 0) return finish('failed', '', { name: 'PlanParseError', message: 'The planner wrote no steps.', hint: 'Rephrase the task, or check the planner model.' });
      if (options.planOnly) return finish('done', '');

      emit({ type: 'solve-start' });
      const solveStarted = performance.now();
      const snapshot = scheduler.snapshot();
      if (version?.parent.answer !== undefined && reusesAnswer(version.change) && sameEvidence(version.parent, snapshot.steps)) {
        emit({ type: 'solve-delta', text: version.parent.answer });
        emit({ type: 'solve-end', durationMs: 0, reusedFrom: version.parent.runId });
        return finish('done', version.parent.answer);
      }
      const steps: SolverStep[] = snapshot.steps.map((step) => ({
        id: step.id,
        tool: step.tool,
        input: step.substitutedInput ?? step.input,
        thought: step.thought,
        outcome:
          step.status === 'done'
            ? { status: 'done', evidence: step.evidence ?? '' }
            : step.status === 'failed'
              ? { status: 'failed', error: step.error?.message ?? 'unknown error' }
              : { status: 'skipped', reason: step.skipReason ?? 'not run' },
      }));
      try {
        const result = await solve(engines.solver, options.task, steps, {
          signal: controller.signal,
          template: templates.solver,
          onChunk: (chunk) => emit(chunk.type === 'text' ? { type: 'solve-delta', text: chunk.text } : { type: 'solve-reasoning-delta', text: chunk.text }),
        });
        emit({ type: 'solve-end', usage: result.usage, durationMs: performance.now() - solveStarted });
        return finish('done', result.text);
      } catch (error) {
        if (isAbortError(error)) return finish('aborted', '', toErrorInfo(new RunAbortedError()));
        const info = toErrorInfo(error);
        emit({ type: 'solve-failed', error: info });
        return finish('failed', '', info);
      }
    } catch (error) {
      if (isAbortError(error)) return finish('aborted', '', toErrorInfo(new RunAbortedError()));
      return finish('failed', '', toErrorInfo(error));
    }
  }

  return {
    runId,
    scheduler,
    abort: () => {
      controller.abort(new RunAbortedError());
      scheduler.abort();
    },
    done: run(),
  };
}
