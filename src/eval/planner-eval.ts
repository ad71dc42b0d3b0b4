import { startRun, type AgentEngines } from '../core/agent.ts';
import type { ChatEngine } from '../core/llm/types.ts';
import type { PromptPreset } from '../core/prompts/templates.ts';
import type { RunEvent } from '../core/run/events.ts';
import { replayEvents, type RunState } from '../core/run/run-state.ts';
import type { Tool } from '../core/tools/types.ts';
import { parsePlan } from '../core/plan/plan-parser.ts';

/**
 * The planner eval: many tasks, one or more configurations (a planner endpoint and model × a
 * prompt preset), each task planned by each configuration, plan-only (no tool runs) or as full
 * runs. Every run is a real run of the agent with its events, so a row opens in the debugger.
 * The figures per configuration are how a person picks a planner model and a prompt.
 */

/**
 * One task; `expectedTools` (optional) are the tools a good plan uses; `goldPlan` (optional) a
 * plan known to be right (exported training data), which plans are compared with.
 */
export interface EvalTask {
  task: string;
  expectedTools?: string[];
  goldPlan?: string;
}

/**
 * Reads a task list: one task per line, or JSON Lines (`{"task": "…", "expectedTools": ["…"]}`),
 * mixed as the person likes. Blank lines and lines starting with `#` are left out; a line that
 * looks like JSON but is not is reported, not guessed at.
 */
export function parseTaskList(text: string): { tasks: EvalTask[]; problems: string[] } {
  const tasks: EvalTask[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (!line.startsWith('{')) return void tasks.push({ task: line });
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return void problems.push(`line ${index + 1}: not valid JSON`);
    }
    const record = value as { task?: unknown; expectedTools?: unknown; expected_tools?: unknown; goldPlan?: unknown; gold_plan?: unknown };
    const expected = record.expectedTools ?? record.expected_tools;
    const gold = record.goldPlan ?? record.gold_plan;
    if (typeof record.task !== 'string' || record.task.trim() === '') return void problems.push(`line ${index + 1}: needs a "task" string`);
    if (expected !== undefined && !(Array.isArray(expected) && expected.every((tool) => typeof tool === 'string'))) {
      return void problems.push(`line ${index + 1}: "expectedTools" must be a list of tool names`);
    }
    if (gold !== undefined && typeof gold !== 'string') return void problems.push(`line ${index + 1}: "goldPlan" must be the plan as text`);
    tasks.push({ task: record.task.trim(), ...(expected === undefined ? {} : { expectedTools: expected as string[] }), ...(gold ? { goldPlan: gold } : {}) });
  });
  return { tasks, problems };
}

/** A planner to try: an engine (endpoint and model) with a prompt preset. */
export interface EvalConfiguration {
  id: string;
  /** For a person: "model @ host · preset". */
  label: string;
  planner: ChatEngine;
  prompts: PromptPreset;
}

/** What one task's plan came to under one configuration. */
export interface PlanMeasure {
  configurationId: string;
  taskIndex: number;
  task: string;
  runId: string;
  status: RunState['status'];
  /** The plan parsed with no blocking error and has steps. */
  parsed: boolean;
  steps: number;
  /** The most steps that can run at once: the widest layer of the plan's dependency graph. */
  width: number;
  tools: string[];
  planTokens?: number;
  /** Milliseconds from asking the planner to the first complete step, and to the whole plan. */
  firstStepMs?: number;
  planMs?: number;
  /** Share of the expected tools the plan used (absent without expected tools). */
  recall?: number;
  /** How the plan compares with the task's gold plan (absent without one). */
  gold?: GoldComparison;
  /** Blocking problems or the failure, for the table. */
  problem?: string;
}

/** A plan against a gold plan: the same steps exactly, the same tools, the same dependency structure. */
export interface GoldComparison {
  /** Same steps in the same order: variable, tool and input (white space aside). */
  exact: boolean;
  /** The same tools, each as many times. */
  sameTools: boolean;
  /** The same number of steps, each needing the same earlier steps (by position). */
  sameStructure: boolean;
}

type ComparedStep = { id: string; tool: string; input: string; deps: readonly string[] };

export function compareWithGold(steps: readonly ComparedStep[], gold: readonly ComparedStep[]): GoldComparison {
  const squash = (text: string) => text.trim().replace(/\s+/g, ' ');
  const tools = (list: readonly ComparedStep[]) => list.map((step) => step.tool.toLowerCase()).sort().join(' ');
  const shape = (list: readonly ComparedStep[]) => {
    const position = new Map(list.map((step, index) => [step.id, index]));
    return JSON.stringify(list.map((step) => step.deps.map((dep) => position.get(dep) ?? -1).sort((a, b) => a - b)));
  };
  return {
    exact: steps.length === gold.length && steps.every((step, index) => step.id === gold[index]?.id && step.tool === gold[index]?.tool && squash(step.input) === squash(gold[index]?.input ?? '')),
    sameTools: tools(steps) === tools(gold),
    sameStructure: steps.length === gold.length && shape(steps) === shape(gold),
  };
}

/** The gold plan's steps. A gold plan is right by definition: steps whose tools are not known here are kept as written. */
function goldSteps(plan: string): ComparedStep[] {
  return parsePlan(plan, []).steps;
}

/** The widest layer when each step sits one layer below the deepest step it needs. */
export function planWidth(steps: readonly { id: string; deps: readonly string[] }[]): number {
  const depth = new Map<string, number>();
  const ids = new Set(steps.map((step) => step.id));
  const visit = (id: string, seen: Set<string>): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0;
    seen.add(id);
    const step = steps.find((candidate) => candidate.id === id);
    const level = Math.max(0, ...(step?.deps ?? []).filter((dep) => ids.has(dep)).map((dep) => visit(dep, seen) + 1));
    depth.set(id, level);
    return level;
  };
  const counts = new Map<number, number>();
  for (const step of steps) {
    const level = visit(step.id, new Set());
    counts.set(level, (counts.get(level) ?? 0) + 1);
  }
  return Math.max(0, ...counts.values());
}

/** The figures of one run's plan, from its events. */
export function measurePlan(events: readonly RunEvent[], task: EvalTask): Omit<PlanMeasure, 'configurationId' | 'taskIndex'> {
  const state = replayEvents(events);
  const planStart = events.find((event) => event.type === 'plan-start')?.at;
  const firstStep = events.find((event) => event.type === 'step-added')?.at;
  const planEnd = events.find((event) => event.type === 'plan-end' || event.type === 'plan-failed')?.at;
  const tools = [...new Set(state.steps.map((step) => step.tool))];
  const blocking = state.plan.errors.length > 0 || state.steps.some((step) => step.planErrors.length > 0);
  const parsed = state.plan.ended && state.plan.error === undefined && !blocking && state.steps.length > 0;
  const plannerTokens = state.calls.filter((call) => call.role === 'planner').reduce((total, call) => total + (call.usage?.completionTokens ?? 0), 0);
  const measure: Omit<PlanMeasure, 'configurationId' | 'taskIndex'> = {
    task: task.task,
    runId: state.runId ?? '',
    status: state.status,
    parsed,
    steps: state.steps.length,
    width: planWidth(state.steps),
    tools,
  };
  if (plannerTokens > 0) measure.planTokens = plannerTokens;
  if (planStart !== undefined && firstStep !== undefined) measure.firstStepMs = firstStep - planStart;
  if (planStart !== undefined && planEnd !== undefined) measure.planMs = planEnd - planStart;
  if (task.expectedTools && task.expectedTools.length > 0) {
    const used = new Set(tools.map((tool) => tool.toLowerCase()));
    measure.recall = task.expectedTools.filter((tool) => used.has(tool.toLowerCase())).length / task.expectedTools.length;
  }
  if (task.goldPlan) measure.gold = compareWithGold(state.steps, goldSteps(task.goldPlan));
  const problem = state.plan.error?.message ?? state.plan.errors[0]?.message ?? state.steps.find((step) => step.planErrors.length > 0)?.planErrors[0]?.message ?? state.error?.message;
  if (!parsed && problem) measure.problem = problem;
  else if (!parsed && state.steps.length === 0) measure.problem = 'no steps';
  return measure;
}

/** The figures of one configuration over every task. */
export interface ConfigurationSummary {
  configurationId: string;
  label: string;
  tasks: number;
  parsed: number;
  meanSteps: number;
  meanWidth: number;
  /** Tool name → plans that used it. */
  tools: Record<string, number>;
  meanPlanTokens?: number;
  medianFirstStepMs?: number;
  medianPlanMs?: number;
  /** Over the tasks that name expected tools. */
  meanRecall?: number;
  /** Over the tasks with a gold plan: how many there were, and how many plans matched it each way. */
  gold?: { tasks: number; exact: number; sameTools: number; sameStructure: number };
}

const mean = (values: readonly number[]) => (values.length === 0 ? undefined : values.reduce((total, value) => total + value, 0) / values.length);
function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function summarise(configuration: Pick<EvalConfiguration, 'id' | 'label'>, measures: readonly PlanMeasure[]): ConfigurationSummary {
  const own = measures.filter((measure) => measure.configurationId === configuration.id);
  const tools: Record<string, number> = {};
  for (const measure of own) for (const tool of measure.tools) tools[tool] = (tools[tool] ?? 0) + 1;
  const summary: ConfigurationSummary = {
    configurationId: configuration.id,
    label: configuration.label,
    tasks: own.length,
    parsed: own.filter((measure) => measure.parsed).length,
    meanSteps: mean(own.map((measure) => measure.steps)) ?? 0,
    meanWidth: mean(own.map((measure) => measure.width)) ?? 0,
    tools,
  };
  const planTokens = mean(own.flatMap((measure) => (measure.planTokens === undefined ? [] : [measure.planTokens])));
  const firstStep = median(own.flatMap((measure) => (measure.firstStepMs === undefined ? [] : [measure.firstStepMs])));
  const planMs = median(own.flatMap((measure) => (measure.planMs === undefined ? [] : [measure.planMs])));
  const recall = mean(own.flatMap((measure) => (measure.recall === undefined ? [] : [measure.recall])));
  if (planTokens !== undefined) summary.meanPlanTokens = planTokens;
  if (firstStep !== undefined) summary.medianFirstStepMs = firstStep;
  if (planMs !== undefined) summary.medianPlanMs = planMs;
  if (recall !== undefined) summary.meanRecall = recall;
  const golds = own.flatMap((measure) => (measure.gold ? [measure.gold] : []));
  if (golds.length > 0) {
    summary.gold = {
      tasks: golds.length,
      exact: golds.filter((gold) => gold.exact).length,
      sameTools: golds.filter((gold) => gold.sameTools).length,
      sameStructure: golds.filter((gold) => gold.sameStructure).length,
    };
  }
  return summary;
}

/** How the eval runs. */
export interface PlannerEvalOptions {
  tasks: readonly EvalTask[];
  configurations: readonly EvalConfiguration[];
  tools: readonly Tool[];
  /** `plan-only`: no tool and no solver runs; `full`: whole runs with `engines`. */
  mode: 'plan-only' | 'full';
  /** The tool caller and solver of full runs (the planner is the configuration's). */
  engines?: Omit<AgentEngines, 'planner'>;
  /** Runs at once (default 2). */
  concurrency?: number;
  signal?: AbortSignal;
  /** Every event of every run, with its run id (to store runs so that they open in the debugger). */
  onEvent?: (runId: string, event: RunEvent, job: { configuration: EvalConfiguration; task: EvalTask }) => void;
  /** After each run, with its figures. */
  onResult?: (measure: PlanMeasure, done: number, total: number) => void;
  /** Run ids (tests pass a fixed sequence). */
  runId?: () => string;
}

/**
 * Plans every task with every configuration, `concurrency` runs at a time, in task order.
 * Stopping (the signal) aborts the runs in flight and starts no more; what finished is returned.
 */
export async function runPlannerEval(options: PlannerEvalOptions): Promise<PlanMeasure[]> {
  const jobs = options.configurations.flatMap((configuration) => options.tasks.map((task, taskIndex) => ({ configuration, task, taskIndex })));
  const results: PlanMeasure[] = [];
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < jobs.length && !options.signal?.aborted) {
      const job = jobs[next++] as (typeof jobs)[number];
      const runId = options.runId?.() ?? globalThis.crypto.randomUUID();
      const events: RunEvent[] = [];
      const run = startRun({
        runId,
        task: job.task.task,
        tools: options.tools,
        engines: { ...options.engines, planner: job.configuration.planner, solver: options.engines?.solver ?? job.configuration.planner },
        prompts: job.configuration.prompts,
        planOnly: options.mode === 'plan-only',
        onEvent: (event) => {
          events.push(event);
          options.onEvent?.(runId, event, job);
        },
      });
      const stop = () => run.abort();
      options.signal?.addEventListener('abort', stop, { once: true });
      // Stopped while the run was starting: the listener came too late.
      if (options.signal?.aborted) stop();
      try {
        await run.done;
      } finally {
        options.signal?.removeEventListener('abort', stop);
      }
      const measure: PlanMeasure = { configurationId: job.configuration.id, taskIndex: job.taskIndex, ...measurePlan(events, job.task) };
      results.push(measure);
      done++;
      options.onResult?.(measure, done, jobs.length);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 2, jobs.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results.sort((a, b) => a.configurationId.localeCompare(b.configurationId) || a.taskIndex - b.taskIndex);
}

/** Every row as CSV (RFC 4180 quoting), one line per task and configuration. */
export function measuresToCsv(measures: readonly PlanMeasure[], labels: ReadonlyMap<string, string>): string {
  const quote = (value: unknown) => {
    const text = value === undefined ? '' : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const header = ['configuration', 'task', 'parsed', 'steps', 'width', 'tools', 'plan_tokens', 'first_step_ms', 'plan_ms', 'recall', 'gold_exact', 'gold_same_tools', 'gold_same_structure', 'problem', 'run_id'];
  const rows = measures.map((measure) =>
    [
      labels.get(measure.configurationId) ?? measure.configurationId,
      measure.task,
      measure.parsed,
      measure.steps,
      measure.width,
      measure.tools.join(' '),
      measure.planTokens,
      measure.firstStepMs === undefined ? undefined : Math.round(measure.firstStepMs),
      measure.planMs === undefined ? undefined : Math.round(measure.planMs),
      measure.recall === undefined ? undefined : measure.recall.toFixed(3),
      measure.gold?.exact,
      measure.gold?.sameTools,
      measure.gold?.sameStructure,
      measure.problem,
      measure.runId,
    ]
      .map(quote)
      .join(','),
  );
  return [header.join(','), ...rows].join('\n') + '\n';
}
