/**
 * Re-run reuse: a finished 9-step fan-out run (nine independent lookups, the solver joins them)
 * in which one leaf's input is edited. In one process, side by side: a fresh run of the edited
 * plan against a version of the finished run. Reports tool calls, solver calls and wall time;
 * the goal is one tool call, one solver call and at least 5x less wall time for the version.
 */
import { startRun, type AgentOptions } from '../src/core/agent.ts';
import type { ChatEngine } from '../src/core/llm/types.ts';
import { replayEvents } from '../src/core/run/run-state.ts';
import type { RunEvent } from '../src/core/run/events.ts';
import { sleep } from '../src/core/run/retry.ts';
import { stubTool } from '../src/core/run/scheduler-stubs.ts';
import { versionPlanText, type RunChange } from '../src/core/run/versions.ts';
import type { Tool, ToolContext } from '../src/core/tools/types.ts';

/** What one side of the comparison did. */
export interface RerunMeasurement {
  ms: number;
  toolCalls: number;
  solverCalls: number;
}

/** The figures `npm run bench` prints and writes under `rerun`. */
export interface RerunReport {
  fresh: RerunMeasurement;
  version: RerunMeasurement;
  speedup: number;
  goals: { oneToolCall: boolean; oneSolverCall: boolean; speedup: { target: number; met: boolean } };
}

const cities = ['Tokyo', 'Paris', 'Lagos', 'Lima', 'Oslo', 'Cairo', 'Delhi', 'Quito', 'Perth'];
const plan = cities.map((city, index) => `Plan: Look up ${city}.\n#E${index + 1} = search_wiki[${city} population]`).join('\n');
const change: RunChange = { type: 'edit', id: '#E5', tool: 'search_wiki', input: 'Bergen population' };
const speedupGoal = 5;


/** Runs once with counting tools and a counting solver; returns the events and the counts. */
async function measure(latencyMs: number, solver: ChatEngine, options: Pick<AgentOptions, 'planText' | 'version'>): Promise<RerunMeasurement & { events: RunEvent[] }> {
  let toolCalls = 0;
  let solverCalls = 0;
  const tools: Tool[] = [
    stubTool('search_wiki', async (args: Record<string, unknown>, context: ToolContext) => {
      toolCalls++;
      await sleep(latencyMs, context.signal);
      return `${String(args.query)}: about a million people.`;
    }),
  ];
  const countingSolver: ChatEngine = { ...solver, chat: (request, onChunk) => (solverCalls++, solver.chat(request, onChunk)) };
  const events: RunEvent[] = [];
  const started = performance.now();
  const run = startRun({ task: 'Which of these cities is the largest?', tools, engines: { planner: solver, solver: countingSolver }, onEvent: (event) => events.push(event), ...options });
  const outcome = await run.done;
  if (outcome.status !== 'done') throw new Error(`The re-run bench's run ended ${outcome.status}: ${outcome.error?.message ?? ''}`);
  return { ms: performance.now() - started, toolCalls, solverCalls, events };
}

/**
 * Measures a fresh run of the edited plan and a version of the finished run, `repetitions`
 * times each, alternating; medians of the wall times. `solver` answers at once (the fixture).
 */
export async function runRerunBench(solver: ChatEngine, latencyMs: number, repetitions: number): Promise<RerunReport> {
  const parentRun = await measure(latencyMs, solver, { planText: plan });
  const parentState = replayEvents(parentRun.events);
  const parent = { runId: 'parent', steps: parentState.steps, answer: parentState.answer.text };
  const editedPlan = versionPlanText(parentState.steps, change);
  const fresh: RerunMeasurement[] = [];
  const version: RerunMeasurement[] = [];
  for (let index = 0; index < repetitions; index++) {
    fresh.push(await measure(latencyMs, solver, { planText: editedPlan }));
    version.push(await measure(latencyMs, solver, { planText: editedPlan, version: { parent, change } }));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;
  const summarise = (samples: RerunMeasurement[]): RerunMeasurement => ({
    ms: median(samples.map((sample) => sample.ms)),
    toolCalls: Math.max(...samples.map((sample) => sample.toolCalls)),
    solverCalls: Math.max(...samples.map((sample) => sample.solverCalls)),
  });
  const freshFigures = summarise(fresh);
  const versionFigures = summarise(version);
  const speedup = freshFigures.ms / versionFigures.ms;
  return {
    fresh: freshFigures,
    version: versionFigures,
    speedup,
    goals: { oneToolCall: versionFigures.toolCalls === 1, oneSolverCall: versionFigures.solverCalls === 1, speedup: { target: speedupGoal, met: speedup >= speedupGoal } },
  };
}
