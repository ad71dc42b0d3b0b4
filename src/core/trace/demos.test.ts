import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../run/events.ts';
import { reduceRun, replayEvents, type RunState } from '../run/run-state.ts';
import { replayTrace } from './replay.ts';
import { importTrace, parseDemoIndex, type StepwiseTrace } from './trace.ts';

const demosFolder = new URL('../../../public/demos/', import.meta.url);

function readDemo(file: string): StepwiseTrace {
  const result = importTrace(readFileSync(new URL(file, demosFolder), 'utf8'));
  if (!result.ok) throw new Error(`${file}:\n${result.problems.join('\n')}`);
  return result.trace;
}

const index = parseDemoIndex(JSON.parse(readFileSync(new URL('index.json', demosFolder), 'utf8')));

describe('demo traces (public/demos, made by scripts/make-demo-traces.ts)', () => {
  it('index.json lists both demos with titles', () => {
    if (!index.ok) throw new Error(index.problems.join('\n'));
    expect(index.demos.map((demo) => demo.file)).toEqual(['killers-of-the-flower-moon.json', 'tokyo-and-paris.json']);
    for (const demo of index.demos) expect(demo.title.length).toBeGreaterThan(10);
  });

  it.each(index.ok ? index.demos.map((demo) => demo.file) : [])('%s imports cleanly and folds to a finished run with an answer', (file) => {
    const trace = readDemo(file);
    const state = replayEvents(trace.events);
    expect(state.status).toBe('done');
    expect(state.steps.length).toBeGreaterThanOrEqual(5);
    expect(state.steps.every((step) => step.status === 'done' && step.evidence)).toBe(true);
    expect(state.answer.status).toBe('done');
    expect(state.answer.text).toMatch(/\[#E\d\]/);
    expect(trace.events[0]?.type).toBe('run-start');
    expect(trace.settings.tools).toContain('search_wiki');
  });

  it('the classic demo finds Martin Scorsese, Goodfellas and bilibili videos, in a chain', () => {
    const state = replayEvents(readDemo('killers-of-the-flower-moon.json').events);
    expect(state.steps.map((step) => `${step.id} ${step.tool} ${step.deps.join(',')}`)).toEqual([
      '#E1 search_wiki ',
      '#E2 llm #E1',
      '#E3 search_web #E2',
      '#E4 llm #E2,#E3',
      '#E5 search_bilibili #E4',
    ]);
    expect(state.steps[1]?.evidence).toBe('Martin Scorsese');
    expect(state.steps[3]?.evidence).toBe('Goodfellas');
    expect(state.steps[4]?.evidence).toContain('https://www.bilibili.com/video/');
    expect(state.answer.text).toContain('Martin Scorsese');
  });

  it('the parallel demo has overlapping steps and one retried step', () => {
    const trace = readDemo('tokyo-and-paris.json');
    const state = replayEvents(trace.events);
    expect(state.steps).toHaveLength(6);
    const retries = trace.events.filter((event) => event.type === 'step-retry');
    expect(retries.map((event) => event.type === 'step-retry' && event.error.message)).toEqual(['search_wiki failed: HTTP 503 from en.wikipedia.org']);
    const [first, second] = state.steps;
    expect(first?.startedAt).toBeLessThan(second?.startedAt ?? 0);
    expect(second?.startedAt).toBeLessThan(first?.endedAt ?? 0);
    expect(second?.attempts).toBe(2);
  });

  it('replaying a demo instantly reproduces the state of folding it', async () => {
    const trace = readDemo('tokyo-and-paris.json');
    let state: RunState | undefined;
    const seen: RunEvent[] = [];
    await replayTrace(trace.events, {
      speed: Infinity,
      onEvent: (event) => {
        seen.push(event);
        state = reduceRun(state, event);
      },
    });
    expect(seen).toEqual(trace.events);
    expect(state).toEqual(replayEvents(trace.events));
  });
});
