// @vitest-environment jsdom
import { layout } from '@dagrejs/dagre';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../core/run/events.ts';
import { replayEvents, type RunState } from '../core/run/run-state.ts';
import { importTrace } from '../core/trace/trace.ts';
import killersTrace from '../../public/demos/killers-of-the-flower-moon.json?raw';
import tokyoTrace from '../../public/demos/tokyo-and-paris.json?raw';
import { layoutPlanGraph, PlanGraph, type PlanGraphShape } from './plan-graph.tsx';

vi.mock('@dagrejs/dagre', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@dagrejs/dagre')>();
  return { ...actual, layout: vi.fn(actual.layout) };
});

const demoTexts: Record<string, string> = { 'killers-of-the-flower-moon.json': killersTrace, 'tokyo-and-paris.json': tokyoTrace };

function demoEvents(file: string): RunEvent[] {
  const result = importTrace(demoTexts[file] ?? '');
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.trace.events;
}

/** The state after the first event that makes `accept` true. */
function stateWhen(events: readonly RunEvent[], accept: (state: RunState) => boolean): RunState {
  for (let count = 1; count <= events.length; count++) {
    const state = replayEvents(events.slice(0, count));
    if (accept(state)) return state;
  }
  throw new Error('no such moment in the run');
}

function nodeOf(id: string): Element {
  const node = document.querySelector(`.plan-graph-node[data-step-id="${id}"]`);
  if (!node) throw new Error(`no node ${id}`);
  return node;
}

afterEach(() => {
  cleanup();
  vi.mocked(layout).mockClear();
});

describe('PlanGraph', () => {
  it('draws one node per step and one edge per #E dependency', () => {
    const state = replayEvents(demoEvents('killers-of-the-flower-moon.json'));
    render(<PlanGraph steps={state.steps} />);
    const figure = screen.getByRole('figure', { name: 'Plan graph' });
    expect(figure.querySelector('svg > title')?.textContent).toBe('Plan graph: 5 steps, 5 dependencies');

    const dependencyCount = state.steps.reduce((total, step) => total + step.deps.length, 0);
    const edges = [...figure.querySelectorAll('.plan-graph-edge')];
    expect(edges).toHaveLength(dependencyCount);
    expect(edges.map((edge) => `${edge.getAttribute('data-from')}→${edge.getAttribute('data-to')}`).sort()).toEqual(
      state.steps.flatMap((step) => step.deps.map((dependency) => `${dependency}→${step.id}`)).sort(),
    );
    for (const edge of edges) expect(edge.getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+ .*L[\d.]+,[\d.]+$/);

    const links = within(figure).getAllByRole('link');
    expect(links.map((link) => link.getAttribute('aria-label'))).toEqual([
      '#E1 search_wiki, done',
      '#E2 llm, done, uses #E1',
      '#E3 search_web, done, uses #E2',
      '#E4 llm, done, uses #E2, #E3',
      '#E5 search_bilibili, done, uses #E4',
    ]);
    expect(links.map((link) => link.querySelector('text')?.textContent)).toEqual(['#E1 search_wiki', '#E2 llm', '#E3 search_web', '#E4 llm', '#E5 search_bilibili']);
  });

  it('lays out top to bottom: each step sits below the steps it depends on', () => {
    const state = replayEvents(demoEvents('killers-of-the-flower-moon.json'));
    render(<PlanGraph steps={state.steps} />);
    const top = (id: string) => Number(/translate\([\d.]+,([\d.]+)\)/.exec(nodeOf(id).parentElement?.getAttribute('transform') ?? '')?.[1]);
    expect(top('#E1')).toBeLessThan(top('#E2'));
    expect(top('#E2')).toBeLessThan(top('#E3'));
    expect(top('#E3')).toBeLessThan(top('#E4'));
    expect(top('#E4')).toBeLessThan(top('#E5'));
  });

  it('recolours nodes as statuses change without laying the graph out again', async () => {
    const events = demoEvents('tokyo-and-paris.json');
    const planned = stateWhen(events, (state) => state.plan.ended);
    const running = planned.steps.find((step) => step.status === 'running');
    expect(running).toBeDefined();
    const finished = replayEvents(events);

    const { rerender } = render(<PlanGraph steps={planned.steps} />);
    expect(layout).toHaveBeenCalledTimes(1);
    const id = running?.id ?? '';
    const placeBefore = nodeOf(id).parentElement?.getAttribute('transform');
    expect(nodeOf(id).getAttribute('class')).toBe('plan-graph-node status-running');
    expect(nodeOf(id).getAttribute('data-status')).toBe('running');

    rerender(<PlanGraph steps={finished.steps} />);
    expect(nodeOf(id).getAttribute('class')).toBe('plan-graph-node status-done');
    expect(nodeOf(id).getAttribute('aria-label')).toContain(', done');
    expect(nodeOf(id).parentElement?.getAttribute('transform')).toBe(placeBefore);
    expect(layout).toHaveBeenCalledTimes(1);

    // A new step changes the structure: then, and only then, the layout runs again.
    const extra = { ...finished.steps[0]!, id: '#E7', tool: 'calculator', deps: ['#E5', '#E6'] };
    rerender(<PlanGraph steps={[...finished.steps, extra]} />);
    await waitFor(() => expect(layout).toHaveBeenCalledTimes(2));
    expect(document.querySelectorAll('.plan-graph-edge')).toHaveLength(6);
  });

  it('grows with the plan while it streams, laid out a few times rather than once per step', async () => {
    const events = demoEvents('tokyo-and-paris.json');
    const early = stateWhen(events, (state) => state.steps.length === 2);
    const { rerender } = render(<PlanGraph steps={early.steps} />);
    expect(document.querySelectorAll('.plan-graph-node')).toHaveLength(2);
    // Every event of the run, as fast as a flood of steps would come.
    for (let count = 1; count <= events.length; count++) rerender(<PlanGraph steps={replayEvents(events.slice(0, count)).steps} />);
    await waitFor(() => expect(document.querySelectorAll('.plan-graph-node')).toHaveLength(6));
    expect(document.querySelectorAll('.plan-graph-edge')).toHaveLength(4);
    expect(vi.mocked(layout).mock.calls.length).toBeLessThanOrEqual(3);
  });

  it('clicking a node scrolls to its step card and focuses it', () => {
    const state = replayEvents(demoEvents('killers-of-the-flower-moon.json'));
    const onSelectStep = vi.fn();
    const card = document.createElement('li');
    card.id = 'step-E3';
    card.tabIndex = 0;
    const scrollIntoView = vi.fn();
    card.scrollIntoView = scrollIntoView;
    document.body.append(card);
    try {
      render(<PlanGraph steps={state.steps} onSelectStep={onSelectStep} />);
      fireEvent.click(screen.getByRole('link', { name: /^#E3 search_web/ }));
      expect(document.activeElement).toBe(card);
      expect(scrollIntoView).toHaveBeenCalledOnce();
      expect(onSelectStep).toHaveBeenCalledWith('#E3');
      fireEvent.keyDown(screen.getByRole('link', { name: /^#E1 search_wiki/ }), { key: ' ' });
      expect(onSelectStep).toHaveBeenLastCalledWith('#E1');
    } finally {
      card.remove();
    }
  });

  it('shows a dependency on an undefined variable as a dashed node, still with its edge', () => {
    const state = replayEvents(demoEvents('killers-of-the-flower-moon.json'));
    const broken = [...state.steps.slice(0, 2), { ...state.steps[2]!, deps: ['#E2', '#E9'] }];
    render(<PlanGraph steps={broken} />);
    expect(document.querySelectorAll('.plan-graph-edge')).toHaveLength(3);
    const missing = document.querySelector('.plan-graph-node.missing');
    expect(missing?.textContent).toContain('#E9 ?');
    expect(missing?.querySelector('title')?.textContent).toBe('#E9 is not defined by any step');
  });

  it('lays out and draws steps and dependencies named like Object.prototype members', () => {
    const names = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];
    const shape: PlanGraphShape[] = [
      { id: '#E1', tool: 'search_wiki', deps: ['constructor', '__proto__'] },
      ...names.map((name, index) => ({ id: name, tool: 'llm', deps: index === 0 ? [] : [names[index - 1]!] })),
      { id: '#E2', tool: 'llm', deps: ['toString', 'hasOwnProperty', 'isPrototypeOf'] },
    ];
    const graph = layoutPlanGraph(shape);
    expect(graph.nodes.map((node) => node.id)).toEqual(['#E1', ...names, '#E2', 'isPrototypeOf']);
    expect(graph.nodes.find((node) => node.id === 'isPrototypeOf')?.missing).toBe(true);
    expect(graph.edges).toHaveLength(9);
    for (const edge of graph.edges) expect(edge.points.length).toBeGreaterThanOrEqual(2);

    const steps = replayEvents(
      shape.map((step, index): RunEvent => ({ type: 'step-added', at: index, step: { ...step, input: step.deps.join(' '), deps: [...step.deps] }, errors: [] })),
    ).steps;
    render(<PlanGraph steps={steps} />);
    expect(screen.getByRole('figure', { name: 'Plan graph' }).querySelector('svg > title')?.textContent).toBe('Plan graph: 7 steps, 9 dependencies');
    expect(nodeOf('__proto__').getAttribute('aria-label')).toBe('__proto__ llm, pending, uses toString');
  });

  it('says so while there are no steps yet', () => {
    render(<PlanGraph steps={[]} />);
    expect(screen.getByRole('figure', { name: 'Plan graph' }).textContent).toContain('first step');
    expect(layout).not.toHaveBeenCalled();
  });

  it('lays out large random plans, keeping plan order side by side', () => {
    for (const size of [12, 60, 150]) {
      let seed = size;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
      const shape: PlanGraphShape[] = Array.from({ length: size }, (_, index) => ({
        id: `#E${index + 1}`,
        tool: 'search_web',
        deps: [...new Set(Array.from({ length: index === 0 ? 0 : Math.floor(random() * 3) }, () => `#E${1 + Math.floor(random() * index)}`))],
      }));
      const started = performance.now();
      const graph = layoutPlanGraph(shape);
      expect(performance.now() - started).toBeLessThan(3000);
      expect(graph.nodes).toHaveLength(size);
      expect(graph.edges).toHaveLength(shape.reduce((total, step) => total + step.deps.length, 0));
      for (const edge of graph.edges) expect(edge.points.length).toBeGreaterThanOrEqual(2);
      const byId = new Map(graph.nodes.map((node) => [node.id, node]));
      for (const edge of graph.edges) expect(byId.get(edge.from)!.y).toBeLessThan(byId.get(edge.to)!.y);
    }
    // Roots in one row stay in plan order.
    const row = layoutPlanGraph([4, 3, 2, 1].map((number) => ({ id: `#E${number}`, tool: 'llm', deps: [] }))).nodes;
    expect([...row].sort((a, b) => a.x - b.x).map((node) => node.id)).toEqual(['#E4', '#E3', '#E2', '#E1']);
  });
});
