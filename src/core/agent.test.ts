// The whole pipeline without a browser: a streamed plan from the fixture server over a real
// socket, the scheduler, the distributor, stub tools of known latency and the solver.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPlannerServer, type PlannerServer, type ScriptRule } from '../../e2e/fixtures/planner-server.ts';
import { startRun, type AgentOptions, type AgentOutcome, type AgentRun } from './agent.ts';
import { createOpenAIEngine } from './llm/openai-engine.ts';
import type { RunEvent, RunEventType } from './run/events.ts';
import { replayEvents } from './run/run-state.ts';
import { readText } from './run/calls.ts';
import { defaultTemplates, userMarker } from './prompts/templates.ts';
import { stubTool } from './run/scheduler-stubs.ts';
import { sleep } from './run/retry.ts';
import { versionPlanText } from './run/versions.ts';
import type { Tool, ToolContext } from './tools/types.ts';

/** Substrings that tell the three kinds of request apart (see the prompt builders). */
const plannerMatch = 'make plans that can solve the problem';
const solverMatch = 'Now solve the task according to the evidence above';
const toolCallerMatch = 'turn one step of a plan into one function call';

const task = 'Which is older, the Eiffel Tower or the Statue of Liberty?';
const answer = 'The Statue of Liberty (1886) is older than the Eiffel Tower (1889) [#E1] [#E2].';

/** Two independent lookups and a join, the ReWOO shape. */
const comparePlan = [
  'Plan: Find when the Eiffel Tower was completed.',
  '#E1 = search_wiki[Eiffel Tower]',
  'Plan: Find when the Statue of Liberty was dedicated.',
  '#E2 = search_wiki[Statue of Liberty]',
  'Plan: Compare the two dates.',
  '#E3 = llm[Which is older? Eiffel Tower: #E1 Statue of Liberty: #E2]',
].join('\n');

const wikiFacts: Record<string, string> = {
  'Eiffel Tower': 'The Eiffel Tower was completed in 1889.',
  'Statue of Liberty': 'The Statue of Liberty was dedicated in 1886.',
};

/** Every event type, checked for completeness by the compiler. */
const eventTypes: Record<RunEventType, true> = {
  'run-start': true,
  'plan-start': true,
  'plan-delta': true,
  'plan-reasoning-delta': true,
  'step-added': true,
  'plan-end': true,
  'plan-failed': true,
  'step-ready': true,
  'step-paused': true,
  'run-paused': true,
  'run-resumed': true,
  'step-edited': true,
  'call-start': true,
  'call-resolved': true,
  'approval-required': true,
  'approval-given': true,
  'tool-start': true,
  'step-retry': true,
  'call-end': true,
  evidence: true,
  'step-failed': true,
  'step-skipped': true,
  'step-stale': true,
  'solve-start': true,
  'solve-delta': true,
  'solve-reasoning-delta': true,
  'solve-end': true,
  'solve-failed': true,
  'run-end': true,
  blob: true,
  'model-call-start': true,
  'model-call-end': true,
  'model-call-failed': true,
};

/** One run of a stub tool, timed by the tool itself (performance.now()). */
interface ToolRecord {
  tool: string;
  query: string;
  startedAt: number;
  endedAt?: number;
  aborted?: boolean;
}


/**
 * Stub tools with a fixed latency that record their own start and end. `search_wiki` knows a
 * few facts and throws for "Broken"; `llm` echoes its (substituted) input.
 */
function createTools(latencyMs: number, onStart?: (record: ToolRecord) => void) {
  const records: ToolRecord[] = [];
  const timed = (name: string, produce: (query: string) => string) =>
    stubTool(name, async (args: Record<string, unknown>, context: ToolContext) => {
      const record: ToolRecord = { tool: name, query: String(args.query), startedAt: performance.now() };
      records.push(record);
      onStart?.(record);
      try {
        await sleep(latencyMs, context.signal);
      } catch (error) {
        record.aborted = true;
        throw error;
      } finally {
        record.endedAt = performance.now();
      }
      return produce(record.query);
    });
  const tools: Tool[] = [
    timed('search_wiki', (query) => {
      if (query === 'Broken') throw new Error('The wiki is down.');
      return wikiFacts[query] ?? `No article about ${query}.`;
    }),
    timed('llm', (query) => `Answer to: ${query}`),
  ];
  return { tools, records };
}

let server: PlannerServer;

beforeAll(async () => {
  server = await startPlannerServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.reset();
});

/** Rules for the planner (streamed at `tokensPerSecond`) and the solver. */
function script(plan: string, tokensPerSecond = 200, extra: ScriptRule[] = []): void {
  server.setScript([
    ...extra,
    { match: solverMatch, reply: answer, tokensPerSecond: 0 },
    { match: plannerMatch, reply: plan, tokensPerSecond },
  ]);
}

const engine = (structuredOutput: 'json_schema' | 'none' = 'none') =>
  createOpenAIEngine({ baseUrl: server.url, model: 'stepwise-planner', structuredOutput, idleTimeoutMs: 10_000 });

interface RunResult {
  run: AgentRun;
  outcome: AgentOutcome;
  events: RunEvent[];
}

async function runAgent(tools: readonly Tool[], options: Partial<AgentOptions> = {}, onEvent?: (event: RunEvent) => void): Promise<RunResult> {
  const events: RunEvent[] = [];
  const run = startRun({
    task,
    tools,
    engines: { planner: engine(), solver: engine() },
    concurrency: 4,
    ...options,
    onEvent: (event) => {
      events.push(event);
      onEvent?.(event);
    },
  });
  const outcome = await run.done;
  return { run, outcome, events };
}

const ofType = <T extends RunEventType>(events: readonly RunEvent[], type: T) =>
  events.filter((event): event is Extract<RunEvent, { type: T }> => event.type === type);

const indexOf = (events: readonly RunEvent[], predicate: (event: RunEvent) => boolean) => events.findIndex(predicate);

const plannerRequests = () => server.requests.filter((request) => JSON.stringify(request.body ?? '').includes(plannerMatch));

describe('startRun against the fixture planner server', () => {
  it('cuts a plan that streams without end at maxPlanSteps: the planner is stopped, kept steps run, the run fails with the reason', async () => {
    const { tools, records } = createTools(1);
    const endless = Array.from({ length: 2000 }, (_, index) => `Plan: Look up ${index}.\n#E${index + 1} = search_wiki[Topic ${index}]`).join('\n');
    script(endless, 0);
    const { outcome, events, run } = await runAgent(tools, { maxPlanSteps: 25 });
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatchObject({ name: 'PlanTooLongError', message: expect.stringContaining('more than 25 steps') });
    expect(run.scheduler.snapshot().steps).toHaveLength(25);
    expect(records).toHaveLength(25);
    expect(ofType(events, 'plan-failed')).toHaveLength(1);
    expect(ofType(events, 'plan-failed')[0]?.error.hint).toMatch(/Most steps in a plan/);
    expect(ofType(events, 'solve-start')).toHaveLength(0);

    // A plan given by hand (an imported trace's, say) is cut the same way.
    const given = await runAgent(tools, { maxPlanSteps: 3, planText: endless.split('\n').slice(0, 20).join('\n') });
    expect(given.outcome.error?.name).toBe('PlanTooLongError');
    expect(given.run.scheduler.snapshot().steps).toHaveLength(3);
  });

  describe('versions', () => {
    /** A finished run of comparePlan, as a version's parent. */
    async function finishedParent() {
      const { tools, records } = createTools(5);
      script(comparePlan);
      const parentRun = await runAgent(tools);
      const state = replayEvents(parentRun.events);
      const parent = { runId: 'parent', steps: state.steps, answer: parentRun.outcome.answer };
      records.length = 0;
      server.reset();
      script('never asked');
      return { tools, records, parent, steps: state.steps };
    }
    const solverRequests = () => server.requests.filter((request) => JSON.stringify(request.body ?? '').includes(solverMatch));

    it('Edit: only the edited step and its dependents call tools; no planner; the solver runs once', async () => {
      const { tools, records, parent, steps } = await finishedParent();
      const change = { type: 'edit', id: '#E2', tool: 'search_wiki', input: 'Big Ben' } as const;
      const { outcome, events, run } = await runAgent(tools, { planText: versionPlanText(steps, change), version: { parent, change } });
      expect(outcome.status).toBe('done');
      expect(plannerRequests()).toHaveLength(0);
      expect(solverRequests()).toHaveLength(1);
      expect(records.map((record) => `${record.tool}:${record.query}`)).toEqual(['search_wiki:Big Ben', 'llm:Which is older? Eiffel Tower: The Eiffel Tower was completed in 1889. Statue of Liberty: No article about Big Ben.']);
      const [first] = run.scheduler.snapshot().steps;
      expect(first).toMatchObject({ status: 'done', evidenceSource: { kind: 'reused', runId: 'parent' }, dispatch: { path: 'reused' } });
      expect(ofType(events, 'run-start')[0]?.parent).toEqual({ runId: 'parent', change });
    });

    it('Set evidence: no tool call for that step, its dependents and the solver run', async () => {
      const { tools, records, parent, steps } = await finishedParent();
      const change = { type: 'set-evidence', id: '#E1', text: 'Completed in 1887.' } as const;
      const { run } = await runAgent(tools, { planText: versionPlanText(steps, change), version: { parent, change } });
      expect(records.map((record) => record.tool)).toEqual(['llm']);
      expect(run.scheduler.snapshot().steps[0]).toMatchObject({ evidence: 'Completed in 1887.', evidenceSource: { kind: 'by-hand' } });
      expect(solverRequests()).toHaveLength(1);
    });

    it('Redo: the step runs again; when its evidence is the same, its dependents and the answer are reused', async () => {
      const { tools, records, parent, steps } = await finishedParent();
      const change = { type: 'redo', id: '#E1' } as const;
      const { outcome, events } = await runAgent(tools, { planText: versionPlanText(steps, change), version: { parent, change } });
      expect(records.map((record) => `${record.tool}:${record.query}`)).toEqual(['search_wiki:Eiffel Tower']);
      expect(solverRequests()).toHaveLength(0);
      expect(outcome).toEqual({ status: 'done', answer });
      expect(ofType(events, 'solve-end')[0]?.reusedFrom).toBe('parent');
    });

    it('Replan: the planner is asked again with the note; steps it writes with unchanged calls are reused', async () => {
      const { tools, records, parent } = await finishedParent();
      script(comparePlan.replace('Statue of Liberty]', 'Big Ben]'));
      const change = { type: 'replan', id: '#E2', note: 'Use Big Ben instead.' } as const;
      const { run } = await runAgent(tools, { version: { parent, change } });
      expect(plannerRequests()).toHaveLength(1);
      expect(JSON.stringify(plannerRequests()[0]?.body)).toContain('Use Big Ben instead.');
      expect(records.map((record) => `${record.tool}:${record.query}`)).toEqual(['search_wiki:Big Ben', expect.stringMatching(/^llm:/)]);
      expect(run.scheduler.snapshot().steps[0]?.evidenceSource).toEqual({ kind: 'reused', runId: 'parent' });
    });

    it('Prompts: a new solver prompt re-solves with every step reused; a new planner prompt asks the planner with it', async () => {
      const { tools, records, parent, steps } = await finishedParent();
      const solverOnly = { type: 'prompts', roles: ['solver'] } as const;
      const prompts = { name: 'Terse', templates: { ...defaultTemplates, solver: `Answer in one line.\n${userMarker}\n{{plan}}\nTask: {{task}}` } };
      const { events } = await runAgent(tools, { planText: versionPlanText(steps, solverOnly), version: { parent, change: solverOnly }, prompts });
      expect(records).toHaveLength(0);
      expect(plannerRequests()).toHaveLength(0);
      const solverCalls = replayEvents(events).calls.filter((call) => call.role === 'solver');
      expect(solverCalls).toHaveLength(1);
      expect(solverCalls[0]?.request.messages[0]).toEqual({ role: 'system', text: 'Answer in one line.' });
      expect(ofType(events, 'run-start')[0]?.prompts).toEqual(prompts);

      server.reset();
      script(comparePlan);
      const planner = { type: 'prompts', roles: ['planner'] } as const;
      const plannerPrompts = { name: 'Mine', templates: { ...defaultTemplates, planner: `PLAN CAREFULLY: ${plannerMatch}.\n{{tools}}\n${userMarker}\n{{task}}` } };
      expect(versionPlanText(steps, planner)).toBeUndefined();
      const { outcome } = await runAgent(tools, { version: { parent, change: planner }, prompts: plannerPrompts });
      expect(outcome).toEqual({ status: 'done', answer });
      expect(JSON.stringify(plannerRequests()[0]?.body)).toContain('PLAN CAREFULLY');
      // The same plan came back: every step reused, and with the same evidence the answer too.
      expect(records).toHaveLength(0);
    });

    it('Skip: the step and its dependents are skipped, the rest is reused', async () => {
      const { tools, records, parent, steps } = await finishedParent();
      const change = { type: 'skip', id: '#E2' } as const;
      const { run } = await runAgent(tools, { planText: versionPlanText(steps, change), version: { parent, change } });
      expect(records).toHaveLength(0);
      expect(run.scheduler.snapshot().steps.map((step) => step.status)).toEqual(['done', 'skipped', 'skipped']);
    });

    it('never reuses a side-effect tool silently: its approval offers the earlier result, else it runs again', async () => {
      const saved: string[] = [];
      const save = stubTool('save_note', async (args: Record<string, unknown>) => {
        saved.push(String(args.query));
        return 'saved';
      }, { sideEffects: true });
      /** A version of a run that saved "hello" once, changed elsewhere (#E9): #E1's call is the parent's. */
      async function version(reuse: boolean) {
        const events: RunEvent[] = [];
        // Approval events come after startRun has returned (the step's dispatch is async).
        const holder: { run?: AgentRun } = {};
        const run = startRun({
          task,
          tools: [save],
          engines: { planner: engine(), solver: engine() },
          planText: '#E1 = save_note[hello]',
          version: {
            parent: { runId: 'parent', steps: [{ id: '#E1', tool: 'save_note', status: 'done', substitutedInput: 'hello', call: { name: 'save_note', arguments: { query: 'hello' } }, evidence: 'saved' }] },
            change: { type: 'redo', id: '#E9' },
          },
          onEvent: (event) => {
            events.push(event);
            if (event.type === 'approval-required') queueMicrotask(() => holder.run?.scheduler.approve(event.id, undefined, { reuse }));
          },
        });
        holder.run = run;
        await run.done;
        return { run, events };
      }

      const plain = await version(false);
      expect(ofType(plain.events, 'approval-required')).toHaveLength(1);
      expect(ofType(plain.events, 'approval-required')[0]?.reusableFrom).toBe('parent');
      expect(saved).toEqual(['hello']);

      // "Reuse the earlier result" is the person's choice in that approval: then nothing runs.
      saved.length = 0;
      const reused = await version(true);
      expect(saved).toEqual([]);
      expect(reused.run.scheduler.snapshot().steps[0]).toMatchObject({ status: 'done', evidence: 'saved', evidenceSource: { kind: 'reused', runId: 'parent' } });
      expect(replayEvents(reused.events).steps).toEqual(reused.run.scheduler.snapshot().steps);
    });
  });

  it('runs a plan the person chose without asking the planner; unknown tools are plan errors', async () => {
    const { tools, records } = createTools(5);
    script('never asked');
    const planText = `${comparePlan}\n#E4 = send_mail[#E3]`;
    const { outcome, events, run } = await runAgent(tools, { planText });
    expect(plannerRequests()).toHaveLength(0);
    expect(outcome.status).toBe('done');
    expect(records.map((record) => record.tool).sort()).toEqual(['llm', 'search_wiki', 'search_wiki']);
    const steps = run.scheduler.snapshot().steps;
    expect(steps.map((step) => [step.id, step.status])).toEqual([
      ['#E1', 'done'],
      ['#E2', 'done'],
      ['#E3', 'done'],
      ['#E4', 'failed'],
    ]);
    expect(ofType(events, 'plan-delta').map((event) => event.text).join('')).toBe(planText);
    expect(ofType(events, 'plan-end')[0]?.errors.map((problem) => problem.message).join(' ')).toContain('send_mail');
  });

  it('streams the plan, runs independent steps in parallel while it streams, and answers', async () => {
    const { tools, records } = createTools(300);
    script(comparePlan, 200);
    let planStreamEndedAt = 0;
    const { run, outcome, events } = await runAgent(tools, {}, (event) => {
      if (event.type === 'plan-delta') planStreamEndedAt = performance.now();
    });

    expect(outcome).toEqual({ status: 'done', answer });

    const snapshot = run.scheduler.snapshot();
    expect(snapshot.steps.map((step) => [step.id, step.status, step.evidence])).toEqual([
      ['#E1', 'done', 'The Eiffel Tower was completed in 1889.'],
      ['#E2', 'done', 'The Statue of Liberty was dedicated in 1886.'],
      [
        '#E3',
        'done',
        'Answer to: Which is older? Eiffel Tower: The Eiffel Tower was completed in 1889. Statue of Liberty: The Statue of Liberty was dedicated in 1886.',
      ],
    ]);

    // Parallel: the two lookups overlap, as the tools themselves saw it.
    const [first, second, join] = records;
    expect(records.map((record) => record.query)).toEqual(['Eiffel Tower', 'Statue of Liberty', expect.stringContaining('Which is older?')]);
    expect(first && second && join).toBeTruthy();
    if (!first?.endedAt || !second?.endedAt || !join) return;
    expect(second.startedAt).toBeLessThan(first.endedAt);
    expect(first.startedAt).toBeLessThan(second.endedAt);
    // The join waits for both.
    expect(join.startedAt).toBeGreaterThanOrEqual(Math.max(first.endedAt, second.endedAt));

    // Streaming: the first tool started before the planner's stream ended.
    expect(planStreamEndedAt).toBeGreaterThan(0);
    expect(first.startedAt).toBeLessThan(planStreamEndedAt);
    const planEnd = indexOf(events, (event) => event.type === 'plan-end');
    const firstToolStart = indexOf(events, (event) => event.type === 'tool-start' && event.id === '#E1');
    expect(firstToolStart).toBeGreaterThanOrEqual(0);
    expect(firstToolStart).toBeLessThan(planEnd);
    expect(ofType(events, 'plan-delta').at(-1)?.at).toBeGreaterThan(events[firstToolStart]?.at ?? Infinity);
  });

  it('emits a well-formed event sequence that reduceRun folds into the scheduler snapshot', async () => {
    const { tools } = createTools(150);
    script(comparePlan, 400);
    const { run, outcome, events } = await runAgent(tools);
    expect(outcome.status).toBe('done');

    for (const event of events) expect(eventTypes[event.type], event.type).toBe(true);
    expect(events[0]?.type).toBe('run-start');
    expect(events[1]?.type).toBe('plan-start');
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'done' });
    expect(ofType(events, 'run-start')).toHaveLength(1);
    expect(ofType(events, 'run-end')).toHaveLength(1);
    // Times are milliseconds since the run started and never go back.
    for (let index = 1; index < events.length; index++) expect(events[index]?.at).toBeGreaterThanOrEqual(events[index - 1]?.at ?? 0);

    for (const id of ['#E1', '#E2', '#E3']) {
      const added = indexOf(events, (event) => event.type === 'step-added' && event.step.id === id);
      const callStart = indexOf(events, (event) => event.type === 'call-start' && event.id === id);
      const callEnd = indexOf(events, (event) => event.type === 'call-end' && event.id === id);
      const evidence = indexOf(events, (event) => event.type === 'evidence' && event.id === id);
      expect(added, id).toBeGreaterThanOrEqual(0);
      expect(added, id).toBeLessThan(callStart);
      expect(callStart, id).toBeLessThan(callEnd);
      expect(callEnd, id).toBeLessThan(evidence);
    }
    const lastEvidence = events.map((event) => event.type).lastIndexOf('evidence');
    const solveStart = indexOf(events, (event) => event.type === 'solve-start');
    expect(solveStart).toBeGreaterThan(lastEvidence);
    expect(indexOf(events, (event) => event.type === 'solve-end')).toBeGreaterThan(solveStart);
    expect(ofType(events, 'solve-delta').map((event) => event.text).join('')).toBe(answer);
    expect(ofType(events, 'plan-delta').map((event) => event.text).join('')).toBe(comparePlan);
    expect(ofType(events, 'call-resolved').map((event) => event.dispatch.path)).toEqual(['fast-path', 'fast-path', 'fast-path']);

    const state = replayEvents(events);
    expect(state.status).toBe('done');
    expect(state.answer.text).toBe(answer);
    expect(state.plan.text).toBe(comparePlan);
    expect(state.steps).toEqual(run.scheduler.snapshot().steps);
  });

  it('a failing tool skips its dependents; the solver still answers', async () => {
    const { tools, records } = createTools(50);
    const plan = [
      'Plan: Look up the broken page.',
      '#E1 = search_wiki[Broken]',
      'Plan: Use it.',
      '#E2 = llm[Summarise #E1]',
      'Plan: Look up something else.',
      '#E3 = search_wiki[Eiffel Tower]',
    ].join('\n');
    script(plan, 400);
    const { run, outcome, events } = await runAgent(tools);

    expect(outcome).toEqual({ status: 'done', answer });
    const steps = run.scheduler.snapshot().steps;
    expect(steps.map((step) => step.status)).toEqual(['failed', 'skipped', 'done']);
    expect(steps[0]?.error?.message).toBe('The wiki is down.');
    expect(steps[1]?.skipReason).toBe('needs #E1, which failed');
    expect(records.map((record) => record.query)).toEqual(['Broken', 'Eiffel Tower']);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'done' });
    expect(replayEvents(events).steps.map((step) => step.status)).toEqual(['failed', 'skipped', 'done']);

    // The solver was told which step failed and which was skipped.
    const solverRequest = server.requests.find((request) => JSON.stringify(request.body ?? '').includes(solverMatch));
    const solverText = JSON.stringify(solverRequest?.body ?? '');
    expect(solverText).toContain('the step failed: The wiki is down.');
    expect(solverText).toContain('the step was skipped: needs #E1, which failed');
  });

  it('sends a step whose input does not fit the tool schema to the tool-caller engine, under a JSON Schema', async () => {
    const { tools: base } = createTools(20);
    const calls: Record<string, unknown>[] = [];
    const convert: Tool = {
      name: 'convert_units',
      description: 'Converts a value between units.',
      parameters: {
        type: 'object',
        properties: { value: { type: 'number' }, from: { type: 'string' }, to: { type: 'string' } },
        required: ['value', 'from', 'to'],
        additionalProperties: false,
      },
      sideEffects: false,
      run: async (args) => {
        calls.push(args);
        return `${Number(args.value) * 0.3048} m`;
      },
    };
    const tools = [...base, convert];
    const toolCall = JSON.stringify({ name: 'convert_units', arguments: { value: 1083, from: 'ft', to: 'm' } });
    script('Plan: Convert the height.\n#E1 = convert_units[1083 feet in metres]', 400, [{ match: toolCallerMatch, reply: toolCall }]);

    const { run, outcome, events } = await runAgent(tools, {
      engines: { planner: engine(), solver: engine(), toolCaller: engine('json_schema') },
    });

    expect(outcome.status).toBe('done');
    expect(calls).toEqual([{ value: 1083, from: 'ft', to: 'm' }]);
    const step = run.scheduler.snapshot().steps[0];
    expect(step?.status).toBe('done');
    expect(step?.evidence).toBe(`${1083 * 0.3048} m`);
    expect(step?.dispatch).toMatchObject({ path: 'engine', engineId: 'endpoint', attempts: 1 });
    expect(ofType(events, 'call-resolved')[0]?.dispatch.path).toBe('engine');

    const request = server.requests.find((candidate) => JSON.stringify(candidate.body ?? '').includes(toolCallerMatch));
    const body = request?.body as { response_format?: { type?: string; json_schema?: { name?: string; schema?: { anyOf?: unknown[] } } } } | undefined;
    expect(body?.response_format?.type).toBe('json_schema');
    expect(body?.response_format?.json_schema?.name).toBe('tool_call');
    // Only the planned tool is on offer: evidence cannot talk the tool caller into another one.
    expect(body?.response_format?.json_schema?.schema?.anyOf).toHaveLength(1);
    expect(JSON.stringify(body?.response_format?.json_schema?.schema)).toContain('"const":"convert_units"');

    // Every model request is recorded; the tool caller's is the body the server received.
    const state = replayEvents(events);
    expect(state.calls.map((call) => [call.role, call.step, call.status])).toEqual([
      ['planner', undefined, 'done'],
      ['tool-caller', '#E1', 'done'],
      ['solver', undefined, 'done'],
    ]);
    const recorded = state.calls[1];
    const { messages, ...wire } = request?.body as Record<string, unknown>;
    expect(JSON.parse(readText(recorded?.request.body ?? { text: '' }, state.blobs))).toEqual(wire);
    expect(recorded?.request.messages.map((message) => ({ role: message.role, content: readText(message, state.blobs) }))).toEqual(messages);
    expect(recorded?.text).toBe(toolCall);
    expect(recorded?.model.url).toMatch(/\/v1\/chat\/completions$/);
  });

  it('retries the planner after an HTTP 500 and then runs the plan', async () => {
    const { tools } = createTools(20);
    script(comparePlan, 0, [{ match: plannerMatch, fault: 500, times: 1 }]);
    const waits: number[] = [];
    const { outcome, events } = await runAgent(tools, {
      sleep: async (ms) => {
        waits.push(ms);
      },
    });

    expect(outcome).toEqual({ status: 'done', answer });
    expect(plannerRequests()).toHaveLength(2);
    expect(waits).toEqual([1000]);
    expect(ofType(events, 'plan-failed')).toHaveLength(0);
    // Both tries are in the record: the failed one with its error.
    const planner = replayEvents(events).calls.filter((call) => call.role === 'planner');
    expect(planner.map((call) => call.status)).toEqual(['failed', 'done']);
    expect(planner[0]?.error?.message).toContain('500');
    expect(ofType(events, 'evidence')).toHaveLength(3);
  });

  it('fails at once on HTTP 401 from the planner, with a hint about the API key', async () => {
    const { tools, records } = createTools(20);
    script(comparePlan, 0, [{ match: plannerMatch, fault: 401 }]);
    const waits: number[] = [];
    const { outcome, events } = await runAgent(tools, {
      sleep: async (ms) => {
        waits.push(ms);
      },
    });

    expect(outcome.status).toBe('failed');
    expect(outcome.error?.name).toBe('EndpointError');
    expect(outcome.error?.message).toContain('HTTP 401');
    expect(outcome.error?.hint).toContain('API key');
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'failed', error: { name: 'EndpointError' } });
    expect(ofType(events, 'plan-failed')).toHaveLength(1);
    expect(plannerRequests()).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(records).toHaveLength(0);
    expect(ofType(events, 'solve-start')).toHaveLength(0);
  });

  it('abort mid-run ends the run as aborted and nothing starts afterwards', async () => {
    const holder: { run?: AgentRun } = {};
    let abortedAt = Infinity;
    const { tools, records } = createTools(2000, (record) => {
      // Stop while the first lookup runs and the planner is still streaming.
      if (record.query === 'Eiffel Tower') {
        abortedAt = performance.now();
        setTimeout(() => holder.run?.abort(), 0);
      }
    });
    script(comparePlan, 100);
    const events: RunEvent[] = [];
    const run = startRun({ task, tools, engines: { planner: engine(), solver: engine() }, concurrency: 4, onEvent: (event) => events.push(event) });
    holder.run = run;
    const outcome = await run.done;
    const eventCount = events.length;
    // Give anything still in flight the chance to (wrongly) start.
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(outcome.status).toBe('aborted');
    expect(outcome.error?.name).toBe('RunAbortedError');
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'aborted' });
    expect(events).toHaveLength(eventCount);
    expect(records).toHaveLength(1);
    expect(records[0]?.aborted).toBe(true);
    expect(records[0]?.startedAt).toBeLessThanOrEqual(abortedAt);
    const firstSkip = indexOf(events, (event) => event.type === 'step-skipped');
    expect(firstSkip).toBeGreaterThan(0);
    expect(events.slice(firstSkip).some((event) => event.type === 'call-start' || event.type === 'tool-start' || event.type === 'solve-start')).toBe(false);
    expect(ofType(events, 'plan-failed')).toHaveLength(0);
    for (const step of run.scheduler.snapshot().steps) expect(step.status).toBe('skipped');
    expect(server.requests.some((request) => JSON.stringify(request.body ?? '').includes(solverMatch))).toBe(false);
  });

  it('a plan with no steps (a refusal) fails with a clear message', async () => {
    const { tools, records } = createTools(20);
    script("I'm sorry, but I can't help with that request.", 0);
    const { outcome, events } = await runAgent(tools);

    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatchObject({ name: 'PlanParseError', message: 'The planner wrote no steps.' });
    expect(outcome.error?.hint).toBeTruthy();
    const planEnd = ofType(events, 'plan-end')[0];
    expect(planEnd?.errors[0]?.message).toContain("It says: \"I'm sorry, but I can't help with that request.\"");
    expect(records).toHaveLength(0);
    expect(ofType(events, 'solve-start')).toHaveLength(0);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'failed' });
  });

  it('runs a JSON plan (planFormat json) requested under the plan schema', async () => {
    const { tools, records } = createTools(100);
    const plan = JSON.stringify({
      steps: [
        { id: '#E1', thought: 'Find when the Eiffel Tower was completed.', tool: 'search_wiki', args: { query: 'Eiffel Tower' } },
        { id: '#E2', thought: 'Find when the Statue of Liberty was dedicated.', tool: 'search_wiki', args: { query: 'Statue of Liberty' } },
        { id: '#E3', thought: 'Compare.', tool: 'llm', args: { query: 'Which is older? #E1 / #E2' } },
      ],
    });
    script(plan, 400);
    const { run, outcome } = await runAgent(tools, { planFormat: 'json', engines: { planner: engine('json_schema'), solver: engine() } });

    expect(outcome).toEqual({ status: 'done', answer });
    const steps = run.scheduler.snapshot().steps;
    expect(steps.map((step) => [step.id, step.status, step.thought])).toEqual([
      ['#E1', 'done', 'Find when the Eiffel Tower was completed.'],
      ['#E2', 'done', 'Find when the Statue of Liberty was dedicated.'],
      ['#E3', 'done', 'Compare.'],
    ]);
    expect(steps[2]?.evidence).toBe('Answer to: Which is older? The Eiffel Tower was completed in 1889. / The Statue of Liberty was dedicated in 1886.');
    const [first, second] = records;
    if (!first?.endedAt || !second?.endedAt) throw new Error('both lookups should have run');
    expect(second.startedAt).toBeLessThan(first.endedAt);

    const body = plannerRequests()[0]?.body as { response_format?: { type?: string; json_schema?: { name?: string } } } | undefined;
    expect(body?.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'plan' } });
  });
});
