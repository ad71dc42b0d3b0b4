/**
 * `npm run bench`: how much sooner Stepwise has every step's evidence than the old way, and how
 * close it comes to the best any scheduler could do.
 *
 * For each suite, in the same process and against the same fixture planner server (a real
 * socket on 127.0.0.1, streaming at a fixed token rate):
 *   (a) sequential: wait for the whole plan, `parsePlan`, then run the steps one by one;
 *   (b) Stepwise: `startRun`, from the planner request to the last `evidence` event;
 *   (c) the critical-path bound: EF(s) = max(emitted(s), max over deps EF(d)) + latency(s),
 *       where emitted(s) is when the stream of run (a) delivered the chunk holding the step's
 *       closing bracket; bound = max EF.
 * The solver is excluded from (a) and (b). Then the scheduler's own overhead per step on a
 * 1,000-step synthetic plan with instant tools.
 *
 * The fixture server runs in a child process that this script starts and stops, as a real
 * planner server would run apart from the app. In the same process its token timers share the
 * event loop with the client, and the stream's pace then depends on how busy the client is
 * (measured: 6.4 to 7.7 ms per token for a nominal 6.25, varying from run to run), so the
 * stream of run (a) would not be the stream of run (b) and the bound would be off by up to 10%.
 * In its own process the pace stays within about 2% of nominal.
 *
 * Last, the page (bench/page.ts): first-load JavaScript and long tasks while a 200-step plan
 * streams in Chromium; its figures go under `page` in bench-results.json.
 *
 * It is a measurement, not a test: it exits 0 whether or not the goals are met.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ScriptRule } from '../e2e/fixtures/planner-server.ts';
import { runPageBench } from './page.ts';
import { runRerunBench } from './rerun.ts';
import { measureTraceWeight } from './trace-weight.ts';
import { startRun } from '../src/core/agent.ts';
import { createDistributor } from '../src/core/dispatch/distributor.ts';
import { createOpenAIEngine } from '../src/core/llm/openai-engine.ts';
import type { ChatEngine } from '../src/core/llm/types.ts';
import { parsePlan } from '../src/core/plan/plan-parser.ts';
import { buildPlannerMessages } from '../src/core/plan/planner-prompt.ts';
import type { PlanStep } from '../src/core/plan/types.ts';
import { substituteEvidence } from '../src/core/run/evidence.ts';
import type { RunEvent } from '../src/core/run/events.ts';
import { sleep } from '../src/core/run/retry.ts';
import { Scheduler } from '../src/core/run/scheduler.ts';
import { fastPathDispatch, planStep, stubTool } from '../src/core/run/scheduler-stubs.ts';
import type { Tool, ToolContext } from '../src/core/tools/types.ts';

// ── Settings ────────────────────────────────────────────────────────────────────────────

/** One factor on every rate and latency, so the bench takes about a minute; ratios are what matter. */
const timeScale = 0.25;
/** A 70B model decoding on one node. */
const realisticTokensPerSecond = 40;
const realisticLatencyMs: Record<ToolName, number> = { search_web: 1200, search_wiki: 800, llm: 1500 };
const repetitions = 3;

const goals = { speedup: 2.5, withinBoundPct: 10, overheadMsPerStep: 0.5 };

type ToolName = 'search_web' | 'search_wiki' | 'llm';
const toolNames: readonly ToolName[] = ['search_web', 'search_wiki', 'llm'];
const tokensPerSecond = realisticTokensPerSecond / timeScale;
const latencyMs = Object.fromEntries(toolNames.map((name) => [name, realisticLatencyMs[name] * timeScale])) as Record<ToolName, number>;

const solverMatch = 'Now solve the task according to the evidence above';
const plannerMatch = 'make plans that can solve the problem';

// ── Suites ──────────────────────────────────────────────────────────────────────────────

interface Suite {
  name: string;
  task: string;
  plan: string;
}

const planets = ['Mercury', 'Venus', 'Earth', 'Mars', 'Jupiter', 'Saturn', 'Uranus', 'Neptune'];

const suites: Suite[] = [
  {
    name: 'compare (2 lookups + join)',
    task: 'Which has more inhabitants, Lyon or Marseille, and by how many?',
    plan: [
      'Plan: Find the current population of Lyon.',
      '#E1 = search_wiki[Lyon population]',
      'Plan: Find the current population of Marseille. This does not depend on #E1.',
      '#E2 = search_wiki[Marseille population]',
      'Plan: Compare the two figures and compute the difference.',
      '#E3 = llm[Which city has more inhabitants, and by how many? Lyon: #E1 Marseille: #E2]',
    ].join('\n'),
  },
  {
    name: 'two branches of 3 + join (7)',
    task: "Compare the education of the founders of the companies that sold the most electric cars and the most smartphones in 2023.",
    plan: [
      'Plan: Find which company sold the most electric cars in 2023.',
      '#E1 = search_web[best-selling electric car maker 2023]',
      "Plan: Look up that company's founder.",
      '#E2 = search_wiki[founder of #E1]',
      "Plan: Summarise the founder's education.",
      '#E3 = llm[Summarise the education of the founder described here: #E2]',
      'Plan: Find which company sold the most smartphones in 2023. This branch does not depend on #E1 to #E3.',
      '#E4 = search_web[best-selling smartphone maker 2023]',
      "Plan: Look up that company's founder.",
      '#E5 = search_wiki[founder of #E4]',
      "Plan: Summarise the founder's education.",
      '#E6 = llm[Summarise the education of the founder described here: #E5]',
      "Plan: Compare the two founders' education.",
      "#E7 = llm[Compare these two founders' education. First: #E3 Second: #E6]",
    ].join('\n'),
  },
  {
    name: 'fan-out (8 lookups + join)',
    task: 'Which planet of the solar system has the longest day?',
    plan: [
      ...planets.flatMap((planet, index) => [
        `Plan: Find how long a day lasts on ${planet}.`,
        `#E${index + 1} = ${index % 2 === 0 ? 'search_wiki' : 'search_web'}[length of a day on ${planet}]`,
      ]),
      'Plan: Compare the eight day lengths.',
      `#E9 = llm[Which planet has the longest day? ${planets.map((planet, index) => `${planet}: #E${index + 1}`).join(' ')}]`,
    ].join('\n'),
  },
  {
    name: 'chain (4)',
    task: 'How many people live in the birthplace of the director of the 2020 Best Picture winner?',
    plan: [
      'Plan: Find who directed the film that won Best Picture in 2020.',
      '#E1 = search_web[director of the Best Picture winner 2020]',
      "Plan: Find the director's birthplace.",
      '#E2 = search_wiki[birthplace of #E1]',
      'Plan: Find the population of that place.',
      '#E3 = search_wiki[population of #E2]',
      'Plan: Put the answer in one sentence.',
      '#E4 = llm[Who directed it, where were they born and how many people live there? #E1 #E2 #E3]',
    ].join('\n'),
  },
];

// ── Tools ───────────────────────────────────────────────────────────────────────────────

/** Tools with fixed latencies and short evidence (long evidence would only grow the inputs). */
const tools: Tool[] = toolNames.map((name) =>
  stubTool(name, async (args: Record<string, unknown>, context: ToolContext) => {
    await sleep(latencyMs[name], context.signal);
    return `${name} result for "${String(args.query).slice(0, 24)}"`;
  }),
);
const toolsByName = new Map(tools.map((tool) => [tool.name, tool]));

// ── Measurements ────────────────────────────────────────────────────────────────────────

interface Arrival {
  /** Milliseconds since the planner request. */
  at: number;
  /** Length of the plan text once this chunk was added. */
  end: number;
}

/** When each step's closing bracket arrived: the first chunk whose text reaches past it. */
function emissionTimes(text: string, steps: readonly PlanStep[], arrivals: readonly Arrival[]): Map<string, number> {
  const lineStarts = [0];
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) lineStarts.push(index + 1);
  const times = new Map<string, number>();
  for (const step of steps) {
    const start = lineStarts[(step.line ?? 1) - 1] ?? 0;
    const lineEnd = text.indexOf('\n', start);
    const closing = text.lastIndexOf(']', lineEnd < 0 ? text.length : lineEnd);
    if (closing < start) throw new Error(`No closing bracket for ${step.id}.`);
    const arrival = arrivals.find((candidate) => candidate.end > closing);
    if (!arrival) throw new Error(`The stream never delivered ${step.id}.`);
    times.set(step.id, arrival.at);
  }
  return times;
}

/** The critical-path lower bound: max over steps of EF(s) = max(emitted(s), EF(deps)) + latency(s). */
function criticalPathBound(steps: readonly PlanStep[], emitted: ReadonlyMap<string, number>): number {
  const finish = new Map<string, number>();
  let bound = 0;
  for (const step of steps) {
    let start = emitted.get(step.id) ?? 0;
    for (const dep of step.deps) start = Math.max(start, finish.get(dep) ?? 0);
    const end = start + latencyMs[step.tool as ToolName];
    finish.set(step.id, end);
    bound = Math.max(bound, end);
  }
  return bound;
}

/** Run (a): the whole plan first, then each step in plan order, one at a time. */
async function runSequential(planner: ChatEngine, suite: Suite): Promise<{ ms: number; bound: number; streamMs: number }> {
  const dispatch = createDistributor({ tools });
  const signal = new AbortController().signal;
  const arrivals: Arrival[] = [];
  let text = '';
  const started = performance.now();
  const result = await planner.chat({ messages: buildPlannerMessages(suite.task, tools), maxTokens: 2048, temperature: 0, signal }, (chunk) => {
    if (chunk.type !== 'text') return;
    text += chunk.text;
    arrivals.push({ at: performance.now() - started, end: text.length });
  });
  const plan = parsePlan(result.text, toolNames);
  if (plan.errors.length > 0) throw new Error(`${suite.name}: ${plan.errors.map((error) => error.message).join('; ')}`);
  const evidence = new Map<string, string>();
  const context: ToolContext = { signal, fetch: globalThis.fetch, settings: {} };
  for (const step of plan.steps) {
    const tool = toolsByName.get(step.tool);
    if (!tool) throw new Error(`Unknown tool ${step.tool}`);
    const input = substituteEvidence(step.input, evidence).text;
    const record = await dispatch({ step, input, tool, evidence, signal });
    evidence.set(step.id, await tool.run(record.call.arguments, context));
  }
  const ms = performance.now() - started;
  const bound = criticalPathBound(plan.steps, emissionTimes(result.text, plan.steps, arrivals));
  return { ms, bound, streamMs: arrivals.at(-1)?.at ?? 0 };
}

interface StepwiseMeasurement {
  ms: number;
  /** The bound from this run's own stream (plan-delta times): a diagnostic. */
  ownBound: number;
  /** Per step: step-added minus the arrival of its closing bracket (parser emission latency). */
  emissionLagMs: number;
  /** Per step: tool-start minus the later of step-added and its deps' evidence (scheduling + dispatch). */
  startLagMs: number;
  /** Per step: evidence minus tool-start, minus the nominal latency (timer slack + bookkeeping). */
  toolSlackMs: number;
}

/** Run (b): the streaming parallel scheduler, to the last evidence. */
async function runStepwise(planner: ChatEngine, solver: ChatEngine, suite: Suite, concurrency: number): Promise<StepwiseMeasurement> {
  const events: RunEvent[] = [];
  const run = startRun({ task: suite.task, tools, engines: { planner, solver }, concurrency, onEvent: (event) => events.push(event) });
  const outcome = await run.done;
  if (outcome.status !== 'done') throw new Error(`${suite.name}: the run ended ${outcome.status}: ${outcome.error?.message ?? ''}`);

  const steps = run.scheduler.snapshot().steps;
  if (steps.some((step) => step.status !== 'done')) throw new Error(`${suite.name}: not every step is done.`);
  const evidenceAt = new Map<string, number>();
  const addedAt = new Map<string, number>();
  const toolStartAt = new Map<string, number>();
  const arrivals: Arrival[] = [];
  let text = '';
  for (const event of events) {
    if (event.type === 'plan-delta') {
      text += event.text;
      arrivals.push({ at: event.at, end: text.length });
    } else if (event.type === 'evidence') evidenceAt.set(event.id, event.at);
    else if (event.type === 'step-added') addedAt.set(event.step.id, event.at);
    else if (event.type === 'tool-start') toolStartAt.set(event.id, event.at);
  }
  const planSteps = parsePlan(text, toolNames).steps;
  const emitted = emissionTimes(text, planSteps, arrivals);
  const lags = { emission: [] as number[], start: [] as number[], slack: [] as number[] };
  for (const step of planSteps) {
    const added = addedAt.get(step.id) ?? NaN;
    const ready = Math.max(added, ...step.deps.map((dep) => evidenceAt.get(dep) ?? NaN));
    const toolStart = toolStartAt.get(step.id) ?? NaN;
    lags.emission.push(added - (emitted.get(step.id) ?? NaN));
    lags.start.push(toolStart - ready);
    lags.slack.push((evidenceAt.get(step.id) ?? NaN) - toolStart - latencyMs[step.tool as ToolName]);
  }
  return {
    ms: Math.max(...evidenceAt.values()),
    ownBound: criticalPathBound(planSteps, emitted),
    emissionLagMs: Math.max(...lags.emission),
    startLagMs: Math.max(...lags.start),
    toolSlackMs: Math.max(...lags.slack),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

// ── Scheduler overhead ──────────────────────────────────────────────────────────────────

/** 1,000 steps: a quarter independent, the rest chained to the previous step and one further back. */
function syntheticPlan(count: number): PlanStep[] {
  const steps: PlanStep[] = [];
  for (let number = 1; number <= count; number++) {
    let input = `item ${number}`;
    if (number % 4 !== 1) input = `combine #E${number - 1}`;
    if (number % 4 === 3 && number > 8) input += ` with #E${Math.floor(number / 2)}`;
    steps.push(planStep(`#E${number}`, 'instant', input));
  }
  return steps;
}

async function measureOverhead(): Promise<{ msPerStep: number; schedulerMs: number; directMs: number }> {
  const count = 1000;
  const steps = syntheticPlan(count);
  const instant = stubTool('instant', async () => 'ok');
  const context: ToolContext = { signal: new AbortController().signal, fetch: globalThis.fetch, settings: {} };

  const viaScheduler = async () => {
    const events: RunEvent[] = [];
    const started = performance.now();
    const scheduler = new Scheduler({ tools: [instant], dispatch: fastPathDispatch, onEvent: (event) => events.push(event), concurrency: 16 });
    for (const step of steps) scheduler.addStep(step);
    scheduler.endPlan();
    const outcome = await scheduler.settled();
    const ms = performance.now() - started;
    if (outcome.done !== count) throw new Error(`The synthetic plan finished ${outcome.done} of ${count} steps.`);
    return ms;
  };
  const direct = async () => {
    const started = performance.now();
    for (const step of steps) await instant.run({ query: step.input }, context);
    return performance.now() - started;
  };

  for (let warmUp = 0; warmUp < 5; warmUp++) {
    await viaScheduler();
    await direct();
  }
  const schedulerTimes: number[] = [];
  const directTimes: number[] = [];
  for (let round = 0; round < 15; round++) {
    schedulerTimes.push(await viaScheduler());
    directTimes.push(await direct());
  }
  const schedulerMs = median(schedulerTimes);
  const directMs = median(directTimes);
  return { msPerStep: (schedulerMs - directMs) / count, schedulerMs, directMs };
}

// ── The fixture planner server, in its own process ─────────────────────────────────────

interface ServerProcess {
  /** Base URL of the API, ending in /v1. */
  url: string;
  setScript(rules: readonly ScriptRule[]): Promise<void>;
  close(): Promise<void>;
}

/** Starts `e2e/fixtures/planner-server-cli.ts` on a free port of 127.0.0.1 under the same loader (tsx). */
async function startServerProcess(rate: number): Promise<ServerProcess> {
  const cli = resolve(import.meta.dirname, '..', 'e2e', 'fixtures', 'planner-server-cli.ts');
  const child: ChildProcess = spawn(process.execPath, [...process.execArgv, cli, '--port', '0', '--tokens-per-second', String(rate)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const killChild = () => child.kill('SIGTERM');
  process.once('exit', killChild);
  const url = await new Promise<string>((resolveUrl, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`The fixture server did not start within 30 s: ${output}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`The fixture server exited with code ${String(code)}: ${output}`)));
    child.stdout?.on('data', (data: Buffer) => {
      output += data.toString('utf8');
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
  });
  return {
    url,
    setScript: async (rules) => {
      const response = await fetch(url.replace(/\/v1$/, '/__fixture/script'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(rules) });
      if (!response.ok) throw new Error(`The fixture server refused the script: ${await response.text()}`);
    },
    close: () =>
      new Promise<void>((resolveClose) => {
        process.off('exit', killChild);
        if (child.exitCode !== null || child.signalCode !== null) return resolveClose();
        child.once('exit', () => resolveClose());
        killChild();
      }),
  };
}

// ── Main ────────────────────────────────────────────────────────────────────────────────

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const server = await startServerProcess(tokensPerSecond);
  try {
    const engine = createOpenAIEngine({ baseUrl: server.url, model: 'stepwise-planner', structuredOutput: 'none' });
    console.log(`Stepwise bench: time scale ${timeScale} on every rate and latency (ratios are what matter).`);
    console.log(
      `  planner ${realisticTokensPerSecond} tokens/s → ${tokensPerSecond} tokens/s; ` +
        toolNames.map((name) => `${name} ${realisticLatencyMs[name]} → ${latencyMs[name]} ms`).join(', ') +
        `; ${repetitions} repetitions, medians; solver excluded from both timings.`,
    );
    console.log(`  fixture planner server ${server.url} in a child process (tokens of up to four characters plus whitespace).\n`);

    const results = [];
    const diagnostics: string[][] = [];
    for (const suite of suites) {
      await server.setScript([
        { match: solverMatch, reply: 'Done [#E1].', tokensPerSecond: 0 },
        { match: plannerMatch, reply: suite.plan },
      ]);
      const planSteps = parsePlan(suite.plan, toolNames).steps;
      const stepCount = planSteps.length;
      // With an instant planner: all latencies in a row against the longest path of the DAG.
      const instantPlanLimit = planSteps.reduce((sum, step) => sum + latencyMs[step.tool as ToolName], 0) / criticalPathBound(planSteps, new Map());
      const samples = {
        sequential: [] as number[],
        stepwise: [] as number[],
        bound: [] as number[],
        stream: [] as number[],
        ownBound: [] as number[],
        emission: [] as number[],
        start: [] as number[],
        slack: [] as number[],
      };
      // A warm-up of each kind, so the first measured run does not pay for connections and JIT.
      await runSequential(engine, suite);
      await runStepwise(engine, engine, suite, stepCount);
      for (let repetition = 0; repetition < repetitions; repetition++) {
        const sequential = await runSequential(engine, suite);
        const stepwise = await runStepwise(engine, engine, suite, stepCount);
        samples.sequential.push(sequential.ms);
        samples.bound.push(sequential.bound);
        samples.stream.push(sequential.streamMs);
        samples.stepwise.push(stepwise.ms);
        samples.ownBound.push(stepwise.ownBound);
        samples.emission.push(stepwise.emissionLagMs);
        samples.start.push(stepwise.startLagMs);
        samples.slack.push(stepwise.toolSlackMs);
      }
      const sequentialMs = median(samples.sequential);
      const stepwiseMs = median(samples.stepwise);
      const boundMs = median(samples.bound);
      const ownBoundMs = median(samples.ownBound);
      results.push({
        name: suite.name,
        steps: stepCount,
        sequential_ms: round(sequentialMs),
        stepwise_ms: round(stepwiseMs),
        bound_ms: round(boundMs),
        speedup: round(sequentialMs / stepwiseMs, 2),
        /** The best speedup any scheduler could reach on this stream: sequential / bound. */
        bound_speedup: round(sequentialMs / boundMs, 2),
        plan_stream_ms: round(median(samples.stream)),
        /** The speedup if the whole plan arrived at once: parallelism alone, no streaming overlap. */
        instant_plan_speedup: round(instantPlanLimit, 2),
        within_bound_pct: round((stepwiseMs / boundMs - 1) * 100, 2),
        within_bound_goal_met: stepwiseMs / boundMs - 1 <= goals.withinBoundPct / 100,
        own_stream_bound_ms: round(ownBoundMs),
        within_own_stream_bound_pct: round((stepwiseMs / ownBoundMs - 1) * 100, 2),
      });
      diagnostics.push([
        suite.name,
        round(ownBoundMs).toFixed(1),
        round(median(samples.emission), 3).toFixed(3),
        round(median(samples.start), 3).toFixed(3),
        round(median(samples.slack), 2).toFixed(2),
      ]);
    }

    const overhead = await measureOverhead();
    // Re-run reuse: the solver answers at once, so the figures are the tools' and the scheduler's.
    await server.setScript([{ match: solverMatch, reply: 'Lagos is the largest [#E3].', tokensPerSecond: 0 }]);
    const rerun = await runRerunBench(engine, latencyMs.search_wiki, repetitions);
    const totalSequential = results.reduce((sum, result) => sum + result.sequential_ms, 0);
    const totalStepwise = results.reduce((sum, result) => sum + result.stepwise_ms, 0);
    const overallSpeedup = totalSequential / totalStepwise;
    const totalBound = results.reduce((sum, result) => sum + result.bound_ms, 0);

    console.log(
      table(
        ['suite', 'steps', 'plan stream ms', 'sequential ms', 'stepwise ms', 'bound ms', 'speedup', 'best possible', 'instant-plan limit', 'vs bound'],
        results.map((result) => [
          result.name,
          String(result.steps),
          result.plan_stream_ms.toFixed(1),
          result.sequential_ms.toFixed(1),
          result.stepwise_ms.toFixed(1),
          result.bound_ms.toFixed(1),
          `${result.speedup.toFixed(2)}x`,
          `${result.bound_speedup.toFixed(2)}x`,
          `${result.instant_plan_speedup.toFixed(2)}x`,
          `${result.within_bound_pct >= 0 ? '+' : ''}${result.within_bound_pct.toFixed(2)}%`,
        ]),
      ),
    );
    console.log(`\noverall speedup (total sequential / total stepwise): ${round(totalSequential)} / ${round(totalStepwise)} ms = ${overallSpeedup.toFixed(2)}x`);
    console.log(`best possible overall (total sequential / total bound): ${round(totalSequential)} / ${round(totalBound)} ms = ${(totalSequential / totalBound).toFixed(2)}x`);
    console.log(
      '(best possible: sequential / bound on the same stream, what any scheduler could reach; instant-plan limit: the speedup if ' +
        'the whole plan arrived at once, sum of latencies / longest path, parallelism without streaming.)',
    );
    console.log(
      `scheduler overhead: ${overhead.msPerStep.toFixed(4)} ms per step (1,000 steps: scheduler ${overhead.schedulerMs.toFixed(2)} ms − direct tool calls ${overhead.directMs.toFixed(2)} ms, median of 15 after 5 warm-ups)`,
    );
    console.log('\nwhere stepwise time goes (medians; worst step of a run):');
    console.log(
      table(['suite', 'bound from own stream ms', 'parser emission lag ms', 'ready → tool-start ms', 'tool slack ms'], diagnostics),
    );

    const speedupMet = overallSpeedup >= goals.speedup;
    const boundMet = results.every((result) => result.within_bound_goal_met);
    const overheadMet = overhead.msPerStep <= goals.overheadMsPerStep;
    const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
    console.log('\ngoals:');
    console.log(`  speedup ≥ ${goals.speedup}x overall: ${overallSpeedup.toFixed(2)}x — ${verdict(speedupMet)}`);
    for (const result of results) {
      console.log(`  within ${goals.withinBoundPct}% of the bound, ${result.name}: ${result.within_bound_pct.toFixed(2)}% — ${verdict(result.within_bound_goal_met)}`);
    }
    console.log(`  overhead ≤ ${goals.overheadMsPerStep} ms per step: ${overhead.msPerStep.toFixed(4)} ms — ${verdict(overheadMet)}`);

    console.log('\nre-run reuse: a finished 9-step fan-out run, one leaf edited (medians):');
    console.log(
      table(
        ['run', 'tool calls', 'solver calls', 'wall ms'],
        [
          ['fresh run of the edited plan', String(rerun.fresh.toolCalls), String(rerun.fresh.solverCalls), round(rerun.fresh.ms).toFixed(1)],
          ['version of the finished run', String(rerun.version.toolCalls), String(rerun.version.solverCalls), round(rerun.version.ms).toFixed(1)],
        ],
      ),
    );
    console.log(`  version makes one tool call: ${verdict(rerun.goals.oneToolCall)}; one solver call: ${verdict(rerun.goals.oneSolverCall)}`);
    console.log(`  version ≥ ${rerun.goals.speedup.target}x faster: ${rerun.speedup.toFixed(2)}x — ${verdict(rerun.goals.speedup.met)}`);

    const weight = await measureTraceWeight();
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
    console.log(`\ntrace weight: a ${weight.steps}-step run with ${weight.modelCalls} model calls exports to ${kb(weight.withCallsBytes)} (${kb(weight.withoutCallsBytes)} without its calls);`);
    console.log(`  the calls' events weigh ${kb(weight.callsStoredBytes)} with long texts stored once, ${kb(weight.callsInlineBytes)} written out in every request`);

    const report = {
      generated_at: new Date().toISOString(),
      time_scale: timeScale,
      planner_tokens_per_second: { realistic: realisticTokensPerSecond, scaled: tokensPerSecond },
      tool_latency_ms: { realistic: realisticLatencyMs, scaled: latencyMs },
      repetitions,
      solver: 'excluded from sequential_ms and stepwise_ms',
      suites: results,
      total_sequential_ms: round(totalSequential),
      total_stepwise_ms: round(totalStepwise),
      overall_speedup: round(overallSpeedup, 2),
      total_bound_ms: round(totalBound),
      overall_bound_speedup: round(totalSequential / totalBound, 2),
      overhead_ms_per_step: round(overhead.msPerStep, 4),
      trace_weight: weight,
      rerun: { ...rerun, speedup: round(rerun.speedup, 2), fresh: { ...rerun.fresh, ms: round(rerun.fresh.ms) }, version: { ...rerun.version, ms: round(rerun.version.ms) } },
      goals: {
        speedup: { target: goals.speedup, value: round(overallSpeedup, 2), met: speedupMet },
        within_bound_pct: { target: goals.withinBoundPct, met: boundMet, per_suite: Object.fromEntries(results.map((result) => [result.name, result.within_bound_goal_met])) },
        overhead_ms_per_step: { target: goals.overheadMsPerStep, value: round(overhead.msPerStep, 4), met: overheadMet },
      },
    };
    const path = resolve(import.meta.dirname, '..', 'bench-results.json');
    writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nwrote ${path}`);
  } finally {
    await server.close();
  }

  // The page: first-load JavaScript and long tasks during a 200-step run (bench/page.ts), merged
  // into the same file under `page`. A failure there leaves the figures above as written.
  console.log('\n── page ──\n');
  try {
    const page = await runPageBench();
    const path = resolve(import.meta.dirname, '..', 'bench-results.json');
    writeFileSync(path, `${JSON.stringify({ ...(JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>), page }, null, 2)}\n`);
    console.log(`\nadded the page figures to ${path}`);
  } catch (error) {
    console.error('The page bench failed:', error);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
