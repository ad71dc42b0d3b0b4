// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../core/run/events.ts';
import { createRunState, replayEvents, type RunState } from '../core/run/run-state.ts';
import { importTrace } from '../core/trace/trace.ts';
import killersTrace from '../../public/demos/killers-of-the-flower-moon.json?raw';
import tokyoTrace from '../../public/demos/tokyo-and-paris.json?raw';
import { Timeline, timelineSpans } from './timeline.tsx';

function eventsOf(text: string): RunEvent[] {
  const result = importTrace(text);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.trace.events;
}

function stateWhen(events: readonly RunEvent[], accept: (state: RunState) => boolean): RunState {
  for (let count = 1; count <= events.length; count++) {
    const state = replayEvents(events.slice(0, count));
    if (accept(state)) return state;
  }
  throw new Error('no such moment in the run');
}

interface Bar {
  key: string;
  x: number;
  width: number;
  title: string;
  className: string;
}

function bars(): Bar[] {
  return [...document.querySelectorAll('rect.timeline-bar')].map((rect) => ({
    key: rect.getAttribute('data-key') ?? '',
    x: Number(rect.getAttribute('x')),
    width: Number(rect.getAttribute('width')),
    title: rect.querySelector('title')?.textContent ?? '',
    className: rect.getAttribute('class') ?? '',
  }));
}

function bar(key: string): Bar {
  const found = bars().find((candidate) => candidate.key === key);
  if (!found) throw new Error(`no bar ${key}`);
  return found;
}

afterEach(cleanup);

describe('Timeline', () => {
  it('draws a bar for the planner, every finished step and the solver, titled with step, tool and duration', () => {
    const state = replayEvents(eventsOf(tokyoTrace));
    render(<Timeline run={state} />);
    const figure = screen.getByRole('figure', { name: 'Timeline' });
    expect(figure.querySelector('svg > title')?.textContent).toMatch(/^Timeline: 6 steps over \d+\.\d\d s$/);
    expect(bars().map((found) => found.key)).toEqual(['planner', '#E1', '#E2', '#E3', '#E4', '#E5', '#E6', 'solver']);

    for (const step of state.steps) {
      const seconds = (((step.endedAt ?? 0) - (step.startedAt ?? 0)) / 1000).toFixed(2);
      expect(bar(step.id).title).toMatch(new RegExp(`^${step.id} ${step.tool}: ${seconds} s, done`));
      expect(bar(step.id).className).toBe('timeline-bar status-done');
    }
    expect(bar('#E2').title).toContain('2 tries');
    expect(bar('planner').title).toMatch(/^planner: \d+\.\d\d s$/);
    expect(bar('solver').title).toMatch(/^solver: \d+\.\d\d s$/);
    // The solver comes last: it starts after every step has ended.
    const lastStepEnd = Math.max(...state.steps.map((step) => bar(step.id).x + bar(step.id).width));
    expect(bar('solver').x).toBeGreaterThanOrEqual(lastStepEnd - 0.5);
  });

  it('shows steps that ran at the same time as bars whose x ranges overlap', () => {
    render(<Timeline run={replayEvents(eventsOf(tokyoTrace))} />);
    const first = bar('#E1');
    const second = bar('#E2');
    // #E2 starts while #E1 is still running.
    expect(second.x).toBeGreaterThan(first.x);
    expect(second.x).toBeLessThan(first.x + first.width);
    // A chain does not overlap: each step of the classic demo starts after the one before ends.
    cleanup();
    render(<Timeline run={replayEvents(eventsOf(killersTrace))} />);
    for (const [before, after] of [['#E1', '#E2'], ['#E2', '#E3'], ['#E3', '#E4'], ['#E4', '#E5']] as const) {
      expect(bar(after).x).toBeGreaterThanOrEqual(bar(before).x + bar(before).width - 0.01);
    }
  });

  it('puts every bar on one axis in seconds', () => {
    const state = replayEvents(eventsOf(killersTrace));
    render(<Timeline run={state} />);
    const ticks = [...document.querySelectorAll('.timeline-axis text')].map((text) => text.textContent);
    expect(ticks[0]).toBe('0 s');
    expect(ticks.at(-1)).toMatch(/^\d+ s$/);
    // Same scale for all rows: bar widths are proportional to durations.
    const e1 = state.steps[0]!;
    const e3 = state.steps[2]!;
    const ratio = bar('#E3').width / bar('#E1').width;
    expect(ratio).toBeCloseTo(((e3.endedAt ?? 0) - (e3.startedAt ?? 0)) / ((e1.endedAt ?? 0) - (e1.startedAt ?? 0)), 5);
  });

  it('draws a running step as an open bar up to the latest event, and no bar for steps not started', () => {
    const events = eventsOf(tokyoTrace);
    const state = stateWhen(events, (candidate) => candidate.steps.length === 2 && candidate.steps[1]?.status === 'running');
    render(<Timeline run={state} />);
    expect(bars().map((found) => found.key)).toEqual(['planner', '#E1', '#E2']);
    expect(bar('#E2').className).toBe('timeline-bar status-running open');
    expect(bar('#E2').title).toMatch(/^#E2 search_wiki: running, \d\.\d\d s so far$/);
    expect(bar('planner').title).toMatch(/^planner: writing the plan/);
  });

  it('derives the solver span while it streams', () => {
    const events = eventsOf(killersTrace);
    const state = stateWhen(events, (candidate) => candidate.answer.status === 'streaming' && candidate.answer.text.length > 20);
    const spans = timelineSpans(state);
    const solver = spans.find((span) => span.kind === 'solver');
    const lastStepEnd = Math.max(...state.steps.map((step) => step.endedAt ?? 0));
    expect(solver).toMatchObject({ open: true, start: lastStepEnd, end: state.lastEventAt });
  });

  it('says so before anything has happened', () => {
    render(<Timeline run={createRunState()} />);
    expect(screen.getByRole('figure', { name: 'Timeline' }).textContent).toContain('fills in');
  });
});
