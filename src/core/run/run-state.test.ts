import { describe, expect, it, vi } from 'vitest';
import { EndpointError } from '../errors.ts';
import type { RunEvent } from './events.ts';
import { createRunState, findStep, reduceRun, replayEvents, type RunState } from './run-state.ts';
import { Scheduler } from './scheduler.ts';
import { fastPathDispatch, planStep, stubTool } from './scheduler-stubs.ts';

async function until(condition: () => boolean): Promise<void> {
  await vi.waitFor(() => expect(condition()).toBe(true), { timeout: 2000, interval: 1 });
}

describe('replay from events', () => {
  it('folding the events of a real scheduler run reproduces the scheduler snapshot at every stage', async () => {
    const events: RunEvent[] = [];
    let time = 0;
    let flakyCalls = 0;
    let version = 1;
    const tools = [
      stubTool('search_web', async (args) => {
        const query = String(args.query);
        if (query === 'broken') throw new Error('bad gateway page');
        if (query === 'flaky' && ++flakyCalls === 1) throw new EndpointError('rate-limit', 'Slow down.', { status: 429, retryAfterMs: 10 });
        return `${query} v${version}`;
      }),
      stubTool('fetch_url', async () => 'y'.repeat(40)),
      stubTool('save_file', async (args) => `saved ${String(args.query)}`, { sideEffects: true }),
      stubTool('calculator', async () => ({ value: 4 }) as unknown as string),
    ];
    const scheduler = new Scheduler({
      tools,
      dispatch: fastPathDispatch,
      onEvent: (event) => events.push(event),
      clock: () => time++,
      sleep: async () => {},
      evidenceLimit: 16,
      breakpoints: { steps: ['#E6'] },
    });
    const expectReplayMatches = () => {
      const replayed = replayEvents(events);
      const snapshot = scheduler.snapshot();
      expect(replayed.steps).toStrictEqual(snapshot.steps);
      expect(replayed.paused).toBe(snapshot.paused);
    };

    scheduler.addStep(planStep('#E1', 'search_web', 'flaky', { thought: 'Find the director.', line: 2 }));
    scheduler.addStep(planStep('#E2', 'fetch_url', 'page of #E1', { line: 4 }));
    scheduler.addStep(planStep('#E3', 'search_web', 'broken'));
    scheduler.addStep(planStep('#E4', 'search_web', 'about #E3'));
    scheduler.addStep(planStep('#E5', 'save_file', 'notes with #E2'));
    scheduler.addStep(planStep('#E6', 'calculator', '2+2 and #E1'));
    scheduler.addStep(planStep('#E7', 'search_web', 'x'), [{ message: 'Duplicate variable.', line: 9 }]);
    scheduler.addStep(planStep('#E8', 'search_web', 'uses #E99'));
    expectReplayMatches();

    await until(() => scheduler.snapshot().steps.find((step) => step.id === '#E6')?.status === 'paused');
    expectReplayMatches();

    scheduler.editStep('#E6', { call: { name: 'calculator', arguments: { query: '#E1 + 1' } } });
    scheduler.endPlan();
    expectReplayMatches();
    scheduler.resume();
    await until(() => scheduler.snapshot().steps.find((step) => step.id === '#E5')?.status === 'waiting-for-approval');
    expectReplayMatches();
    scheduler.approve('#E5', { name: 'save_file', arguments: { query: 'edited.txt' } });
    await scheduler.settled();
    expectReplayMatches();

    version = 2;
    scheduler.setBreakpoint({ step: '#E6' }, false);
    scheduler.rerun('#E1');
    expectReplayMatches();
    await until(() => scheduler.snapshot().steps.find((step) => step.id === '#E5')?.status === 'waiting-for-approval');
    scheduler.skip('#E5', 'already saved');
    await scheduler.settled();
    expectReplayMatches();

    const replayed = replayEvents(events);
    expect(findStep(replayed, '#E2')).toMatchObject({ status: 'done', truncated: true, evidenceLength: 40 });
    expect(findStep(replayed, '#E4')).toMatchObject({ status: 'skipped', skipReason: 'needs #E3, which failed' });
    expect(findStep(replayed, '#E7')?.planErrors).toEqual([{ message: 'Duplicate variable.', line: 9 }]);
    expect(findStep(replayed, '#E8')?.error?.name).toBe('PlanParseError');
    expect(findStep(replayed, '#E6')).toMatchObject({ status: 'done', evidence: '{"value":4}', editedCall: { name: 'calculator' } });
  });
});

describe('reduceRun', () => {
  const step = (id: string, input = 'x') => planStep(id, 'search_web', input);

  it('folds a whole run: plan text, steps, usage by role, answer and status', () => {
    const events: RunEvent[] = [
      { type: 'run-start', at: 0, runId: 'run-1', task: 'Who directed Heat?', startedAt: '2025-01-01T00:00:00.000Z' },
      { type: 'plan-reasoning-delta', at: 1, text: 'Think.' },
      { type: 'plan-delta', at: 2, text: 'Plan: search.\n#E1 = search_web[Heat' },
      { type: 'plan-delta', at: 3, text: ' director]' },
      { type: 'step-added', at: 4, step: step('#E1', 'Heat director'), errors: [] },
      { type: 'step-ready', at: 5, id: '#E1' },
      { type: 'call-start', at: 6, id: '#E1', input: 'Heat director', substitutions: [] },
      {
        type: 'call-resolved',
        at: 7,
        id: '#E1',
        dispatch: { call: { name: 'search_web', arguments: { query: 'Heat director' } }, path: 'engine', attempts: 1, durationMs: 5, usage: { promptTokens: 100, completionTokens: 20 } },
      },
      { type: 'plan-end', at: 8, errors: [], warnings: [{ message: 'Trailing text.' }], usage: { promptTokens: 300, completionTokens: 40 }, durationMs: 8 },
      { type: 'tool-start', at: 9, id: '#E1', attempt: 1 },
      { type: 'call-end', at: 10, id: '#E1', durationMs: 4 },
      { type: 'evidence', at: 10, id: '#E1', text: 'Michael Mann', originalLength: 12, truncated: false },
      { type: 'solve-start', at: 11 },
      { type: 'solve-reasoning-delta', at: 12, text: 'Easy.' },
      { type: 'solve-delta', at: 13, text: 'Michael Mann ' },
      { type: 'solve-delta', at: 14, text: '(#E1).' },
      { type: 'solve-end', at: 15, usage: { promptTokens: 200, completionTokens: 10 }, durationMs: 4 },
      { type: 'run-end', at: 16, status: 'done' },
    ];
    const states: RunState[] = [];
    let state: RunState | undefined;
    for (const event of events) states.push((state = reduceRun(state, event)));
    const final = states.at(-1) as RunState;

    expect(states[4]?.status).toBe('planning');
    expect(states[8]?.status).toBe('running');
    expect(states[12]?.status).toBe('solving');
    expect(final).toMatchObject({
      runId: 'run-1',
      task: 'Who directed Heat?',
      status: 'done',
      endedAt: 16,
      eventCount: events.length,
      lastEventAt: 16,
      plan: { text: 'Plan: search.\n#E1 = search_web[Heat director]', reasoning: 'Think.', ended: true, warnings: [{ message: 'Trailing text.' }], durationMs: 8 },
      answer: { status: 'done', text: 'Michael Mann (#E1).', reasoning: 'Easy.', durationMs: 4 },
      usage: {
        planner: { promptTokens: 300, completionTokens: 40 },
        toolCaller: { promptTokens: 100, completionTokens: 20 },
        solver: { promptTokens: 200, completionTokens: 10 },
        total: { promptTokens: 600, completionTokens: 70 },
      },
    });
    expect(findStep(final, '#E1')).toMatchObject({ status: 'done', evidence: 'Michael Mann', attempts: 1, startedAt: 6, endedAt: 10, durationMs: 4 });
  });

  it('never changes the state it is given, and shares what an event does not touch', () => {
    let state = createRunState();
    for (let index = 1; index <= 3; index++) state = reduceRun(state, { type: 'step-added', at: index, step: step(`#E${index}`), errors: [] });
    const before = state;
    const frozen = JSON.stringify(before);
    const after = reduceRun(before, { type: 'step-ready', at: 9, id: '#E2' });

    expect(JSON.stringify(before)).toBe(frozen);
    expect(after).not.toBe(before);
    expect(after.steps).not.toBe(before.steps);
    expect(after.steps[0]).toBe(before.steps[0]);
    expect(after.steps[2]).toBe(before.steps[2]);
    expect(after.plan).toBe(before.plan);
    expect(after.steps[1]?.status).toBe('ready');
  });

  it('starts over on run-start, and ignores events for steps it does not know', () => {
    const first = replayEvents([
      { type: 'run-start', at: 0, runId: 'a', task: 'one', startedAt: 'x' },
      { type: 'step-added', at: 1, step: step('#E1'), errors: [] },
    ]);
    const unknown = reduceRun(first, { type: 'step-failed', at: 2, id: '#E9', error: { name: 'Error', message: 'x' } });
    expect(unknown.steps).toBe(first.steps);
    const second = reduceRun(unknown, { type: 'run-start', at: 0, runId: 'b', task: 'two', startedAt: 'y' });
    expect(second).toMatchObject({ runId: 'b', task: 'two', steps: [], eventCount: 1 });
  });

  it('finds steps whose ids are not in numeric order', () => {
    const state = replayEvents([
      { type: 'step-added', at: 0, step: step('#E3'), errors: [] },
      { type: 'step-added', at: 1, step: step('#E1'), errors: [] },
      { type: 'step-added', at: 2, step: step('#E2'), errors: [] },
      { type: 'step-ready', at: 3, id: '#E1' },
    ]);
    expect(state.steps.map((item) => [item.id, item.status])).toEqual([
      ['#E3', 'pending'],
      ['#E1', 'ready'],
      ['#E2', 'pending'],
    ]);
  });

  it('keeps steps named like Object.prototype members apart from what objects inherit', () => {
    const names = ['constructor', 'toString', '__proto__', 'hasOwnProperty'];
    const state = replayEvents([
      ...names.map((name, index): RunEvent => ({ type: 'step-added', at: index, step: { id: name, tool: 'llm', input: 'x', deps: names.slice(0, index) }, errors: [] })),
      { type: 'step-ready', at: 5, id: '__proto__' },
      { type: 'evidence', at: 6, id: 'toString', text: 'echo', originalLength: 4, truncated: false },
      // Not a step: these change nothing, whatever Object.prototype has.
      { type: 'step-failed', at: 7, id: 'valueOf', error: { name: 'Error', message: 'x' } },
      { type: 'step-ready', at: 8, id: 'isPrototypeOf' },
    ]);
    expect(state.steps.map((item) => [item.id, item.status, item.deps.length])).toEqual([
      ['constructor', 'pending', 0],
      ['toString', 'done', 1],
      ['__proto__', 'ready', 2],
      ['hasOwnProperty', 'pending', 3],
    ]);
    expect(findStep(state, 'valueOf')).toBeUndefined();
    expect(findStep(state, 'toString')?.evidence).toBe('echo');
  });

  it('folds the events of a 1,000-step run with structural sharing (no copy of every step per event)', () => {
    const events: RunEvent[] = [];
    for (let index = 1; index <= 1000; index++) {
      const id = `#E${index}`;
      events.push(
        { type: 'step-added', at: index, step: step(id), errors: [] },
        { type: 'step-ready', at: index, id },
        { type: 'call-start', at: index, id, input: 'x', substitutions: [] },
        { type: 'tool-start', at: index, id, attempt: 1 },
        { type: 'call-end', at: index, id, durationMs: 0 },
        { type: 'evidence', at: index, id, text: 'ok', originalLength: 2, truncated: false },
      );
    }
    const state = replayEvents(events);
    expect(state.steps).toHaveLength(1000);
    expect(state.steps.every((item) => item.status === 'done')).toBe(true);
    const next = reduceRun(state, { type: 'step-stale', at: 2000, id: '#E500', because: '#E500' });
    expect(next.steps.filter((item, index) => item !== state.steps[index])).toHaveLength(1);
  });
});
