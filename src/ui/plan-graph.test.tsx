// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { layout } from '@dagrejs/dagre';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../core/run/events.ts';
import { replayEvents, type RunState } from '../core/run/run-state.ts';
import { importTrace } from '../core/trace/trace.ts';
import killersTrace from '../../public/demos/killers-of-the-flower-moon.json?raw';
import tokyoTrace from '../../public/demos/tokyo-and-paris.json?raw';
import { choosePlanGraphRowWidth, defaultMaxRowWidth, layoutPlanGraph, PlanGraph, type PlanGraphLayout, type PlanGraphShape } from './plan-graph.tsx';
import { narrowerPlanGraphRowWidth, readableScale } from './plan-graph-layout.ts';

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
    const top = (id: string) => Number(nodeOf(id).querySelector('rect')?.getAttribute('y'));
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
    const place = () => ['x', 'y'].map((name) => nodeOf(id).querySelector('rect')?.getAttribute(name));
    const placeBefore = place();
    expect(nodeOf(id).getAttribute('class')).toBe('plan-graph-node status-running');
    expect(nodeOf(id).getAttribute('data-status')).toBe('running');

    rerender(<PlanGraph steps={finished.steps} />);
    expect(nodeOf(id).getAttribute('class')).toBe('plan-graph-node status-done');
    expect(nodeOf(id).getAttribute('aria-label')).toContain(', done');
    expect(place()).toEqual(placeBefore);
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

/** `count` steps that use nothing, `#E1 calculator` … */
function independentSteps(count: number, tool = 'calculator'): PlanGraphShape[] {
  return Array.from({ length: count }, (_, index) => ({ id: `#E${index + 1}`, tool, deps: [] }));
}

/** The steps of a shape as a run's state, all pending. */
function stepsOf(shape: readonly PlanGraphShape[]): RunState['steps'] {
  return replayEvents(shape.map((step, index): RunEvent => ({ type: 'step-added', at: index, step: { ...step, input: '1 + 1', deps: [...step.deps] }, errors: [] }))).steps;
}

/** The graph's rows, top to bottom, each left to right. */
function rowsOf(graph: PlanGraphLayout): PlanGraphLayout['nodes'][] {
  const rows = new Map<number, PlanGraphLayout['nodes'][number][]>();
  for (const node of graph.nodes) rows.set(Math.round(node.y), [...(rows.get(Math.round(node.y)) ?? []), node]);
  return [...rows].sort(([a], [b]) => a - b).map(([, row]) => row.sort((a, b) => a.x - b.x));
}

const rowWidth = (row: PlanGraphLayout['nodes']) => Math.max(...row.map((node) => node.x + node.width / 2)) - Math.min(...row.map((node) => node.x - node.width / 2));

/** Points along the edge's straight pieces that fall inside a node other than its two ends. */
function edgeCollisions(graph: PlanGraphLayout): string[] {
  const collisions: string[] = [];
  for (const edge of graph.edges) {
    for (let index = 1; index < edge.points.length; index++) {
      const a = edge.points[index - 1]!;
      const b = edge.points[index]!;
      for (let t = 0; t <= 1; t += 0.05) {
        const x = a.x + (b.x - a.x) * t;
        const y = a.y + (b.y - a.y) * t;
        const hit = graph.nodes.find((node) => node.id !== edge.from && node.id !== edge.to && Math.abs(x - node.x) < node.width / 2 && Math.abs(y - node.y) < node.height / 2);
        if (hit) collisions.push(`${edge.from}→${edge.to} crosses ${hit.id}`);
      }
    }
  }
  return [...new Set(collisions)];
}

function viewBoxOfFigure(): number[] {
  const svg = screen.getByRole('figure', { name: 'Plan graph' }).querySelector('svg');
  return (svg?.getAttribute('viewBox') ?? '').split(' ').map(Number);
}

describe('layoutPlanGraph: wide layers wrap', () => {
  it('lays 50 independent steps out as a grid of rows no wider than the limit, in plan order', () => {
    for (const limit of [defaultMaxRowWidth, 500]) {
      const graph = layoutPlanGraph(independentSteps(50), { maxRowWidth: limit });
      const rows = rowsOf(graph);
      expect(rows.length).toBeGreaterThanOrEqual(limit === 500 ? 14 : 8);
      for (const row of rows) expect(rowWidth(row)).toBeLessThanOrEqual(limit);
      expect(graph.width).toBeLessThanOrEqual(limit + 16);
      // Read like text: left to right, then the next row.
      expect(rows.flat().map((node) => node.id)).toEqual(independentSteps(50).map((step) => step.id));
    }
    // The default keeps about six to a row.
    expect(rowsOf(layoutPlanGraph(independentSteps(50))).map((row) => row.length)).toEqual([6, 6, 6, 6, 6, 6, 6, 6, 2]);
  });

  it('keeps a chain a single column, and a narrow plan as dagre lays it out', () => {
    const chain = Array.from({ length: 12 }, (_, index) => ({ id: `#E${index + 1}`, tool: 'llm', deps: index === 0 ? [] : [`#E${index}`] }));
    const graph = layoutPlanGraph(chain, { maxRowWidth: 300 });
    expect(rowsOf(graph)).toHaveLength(12);
    expect(new Set(graph.nodes.map((node) => node.x)).size).toBe(1);
    for (const edge of graph.edges) expect(edge.points.length).toBeGreaterThanOrEqual(2);
  });

  it('wraps parallel chains as bands of chains, each a straight column', () => {
    const chains: PlanGraphShape[] = [];
    for (let level = 0; level < 5; level++) {
      for (let chain = 0; chain < 10; chain++) {
        const number = level * 10 + chain + 1;
        chains.push({ id: `#E${number}`, tool: level % 2 ? 'llm' : 'search_web', deps: level ? [`#E${number - 10}`] : [] });
      }
    }
    const graph = layoutPlanGraph(chains, { maxRowWidth: 700 });
    const byId = new Map(graph.nodes.map((node) => [node.id, node]));
    const rows = rowsOf(graph);
    // Four chains to a band (four `#E11 search_web` fit in 700 units), three bands of five rows.
    expect(rows.map((row) => row.length)).toEqual([4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 2, 2, 2, 2, 2]);
    for (const row of rows) expect(rowWidth(row)).toBeLessThanOrEqual(700);
    for (const edge of graph.edges) {
      expect(byId.get(edge.to)!.x).toBeCloseTo(byId.get(edge.from)!.x);
      expect(rows.findIndex((row) => row.includes(byId.get(edge.to)!))).toBe(rows.findIndex((row) => row.includes(byId.get(edge.from)!)) + 1);
    }
    expect(edgeCollisions(graph)).toEqual([]);
  });

  it('puts a step below every step it uses, with its edges clear of the rows between', () => {
    const shape = [...independentSteps(30), { id: '#E31', tool: 'calculator', deps: ['#E1', '#E2', '#E3'] }];
    const graph = layoutPlanGraph(shape, { maxRowWidth: 700 });
    const byId = new Map(graph.nodes.map((node) => [node.id, node]));
    expect(rowsOf(graph).length).toBeGreaterThan(5);
    expect(graph.edges.map((edge) => `${edge.from}→${edge.to}`)).toEqual(['#E1→#E31', '#E2→#E31', '#E3→#E31']);
    for (const edge of graph.edges) {
      expect(byId.get(edge.from)!.y).toBeLessThan(byId.get(edge.to)!.y);
      expect(edge.points[0]!.y).toBeCloseTo(byId.get(edge.from)!.y + 15);
      expect(edge.points.at(-1)!.y).toBeCloseTo(byId.get(edge.to)!.y - 15);
    }
    expect(edgeCollisions(graph)).toEqual([]);

    // A summary of 24 searches, and one search that 20 steps use, then one step using them all.
    const summary = [...independentSteps(24, 'search_web'), { id: '#E25', tool: 'llm', deps: independentSteps(24).map((step) => step.id) }];
    const fan = [
      { id: '#E1', tool: 'search_wiki', deps: [] },
      ...Array.from({ length: 20 }, (_, index) => ({ id: `#E${index + 2}`, tool: 'llm', deps: ['#E1'] })),
      { id: '#E22', tool: 'llm', deps: Array.from({ length: 20 }, (_, index) => `#E${index + 2}`) },
    ];
    for (const plan of [summary, fan]) {
      const wrapped = layoutPlanGraph(plan, { maxRowWidth: 720 });
      expect(rowsOf(wrapped).length).toBeGreaterThan(3);
      expect(wrapped.width).toBeLessThan(900);
      expect(edgeCollisions(wrapped)).toEqual([]);
      for (const edge of wrapped.edges) for (const point of edge.points) expect(point.x).toBeGreaterThanOrEqual(0);
    }
  });

  it('chooses the wrap that shows the whole graph largest in the box, or fits the width and scrolls', () => {
    const shape = [...independentSteps(30), { id: '#E31', tool: 'calculator', deps: ['#E1', '#E2', '#E3'] }];
    // The graph panel of a 1,400 px wide page.
    const box = { width: 513, height: 448 };
    const graph = layoutPlanGraph(shape, { maxRowWidth: choosePlanGraphRowWidth(shape, box) });
    expect(Math.min(box.width / graph.width, box.height / graph.height)).toBeGreaterThanOrEqual(readableScale);
    // A plan that fits as it is is not wrapped.
    expect(rowsOf(layoutPlanGraph(independentSteps(4), { maxRowWidth: choosePlanGraphRowWidth(independentSteps(4), { width: 760, height: 448 }) }))).toHaveLength(1);
    // 200 steps cannot fit readably: as many to a row as the width takes at a readable scale.
    const many = independentSteps(200);
    const tall = layoutPlanGraph(many, { maxRowWidth: choosePlanGraphRowWidth(many, box) });
    expect(tall.width * readableScale).toBeLessThanOrEqual(box.width);
    expect(rowsOf(tall)[0]!.length).toBeGreaterThanOrEqual(3);
  });

  it('wraps narrower when dagre spreads the rows past a readable width', () => {
    const box = { width: 720, height: 448 };
    for (const seed of [7, 11, 40]) {
      let state = seed;
      const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
      const shape: PlanGraphShape[] = Array.from({ length: 40 }, (_, index) => ({
        id: `#E${index + 1}`,
        tool: 'search_web',
        deps: [...new Set(Array.from({ length: index === 0 ? 0 : Math.floor(random() * 3) }, () => `#E${1 + Math.floor(random() * index)}`))],
      }));
      const rowWidth = choosePlanGraphRowWidth(shape, box);
      const first = layoutPlanGraph(shape, { maxRowWidth: rowWidth });
      const narrower = narrowerPlanGraphRowWidth(first, rowWidth, box);
      expect(narrower).not.toBeNull();
      expect(narrower!).toBeLessThan(rowWidth);
      expect(layoutPlanGraph(shape, { maxRowWidth: narrower! }).width).toBeLessThan(first.width);
    }
    expect(narrowerPlanGraphRowWidth({ width: 900 }, 900, box)).toBeNull();
  });

  it('stays fast for 200 and 500 steps', () => {
    for (const size of [200, 500]) {
      let seed = size;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
      const shape: PlanGraphShape[] = Array.from({ length: size }, (_, index) => ({
        id: `#E${index + 1}`,
        tool: 'search_web',
        deps: [...new Set(Array.from({ length: index === 0 ? 0 : Math.floor(random() * 3) }, () => `#E${1 + Math.floor(random() * index)}`))],
      }));
      const started = performance.now();
      const graph = layoutPlanGraph(shape, { maxRowWidth: choosePlanGraphRowWidth(shape, { width: 760, height: 448 }) });
      expect(performance.now() - started).toBeLessThan(2000);
      expect(graph.nodes).toHaveLength(size);
      const byId = new Map(graph.nodes.map((node) => [node.id, node]));
      for (const edge of graph.edges) expect(byId.get(edge.from)!.y).toBeLessThan(byId.get(edge.to)!.y);
    }
  });

  it('still draws dependencies in a cycle', () => {
    const graph = layoutPlanGraph([
      { id: '#E1', tool: 'llm', deps: ['#E2'] },
      { id: '#E2', tool: 'llm', deps: ['#E1'] },
    ]);
    expect(graph.nodes).toHaveLength(2);
    expect(graph.edges).toHaveLength(2);
    for (const edge of graph.edges) expect(edge.points.length).toBeGreaterThanOrEqual(2);
  });
});

describe('PlanGraph: fit, zoom and pan', () => {
  it('is never wider than its container: no width of its own, 100 % of the column', () => {
    render(<PlanGraph steps={stepsOf(independentSteps(30))} />);
    const figure = screen.getByRole('figure', { name: 'Plan graph' });
    const svg = figure.querySelector('svg')!;
    expect(svg.hasAttribute('width')).toBe(false);
    expect(svg.style.width).toBe('100%');
    expect(svg.style.maxWidth).toBe('100%');
    expect(svg.style.minWidth).toBe('');
    expect(figure.getAttribute('style') ?? '').not.toMatch(/width/);
    for (const element of figure.querySelectorAll<HTMLElement | SVGElement>('*')) expect(element.style?.minWidth ?? '').toBe('');
    const planGraphCss = readFileSync(`${import.meta.dirname}/plan-graph.css`, 'utf8');
    // The stylesheet agrees: the figure gives its content no say in its width.
    expect(planGraphCss).toMatch(/\.plan-graph \{[^}]*min-width: 0;[^}]*contain: inline-size;/);
    expect(planGraphCss).toMatch(/\.plan-graph-viewport svg \{[^}]*width: 100%; max-width: 100%;/);
    expect(planGraphCss).toMatch(/\.plan-graph-viewport \{[^}]*max-height: 28rem;[^}]*overflow-y: auto;/);
  });

  it('shows the whole graph, readably, by default', () => {
    render(<PlanGraph steps={stepsOf(independentSteps(50))} />);
    const svg = screen.getByRole('figure', { name: 'Plan graph' }).querySelector('svg')!;
    const [x, y, width, height] = viewBoxOfFigure();
    const nodes = [...svg.querySelectorAll('.plan-graph-node rect')].map((rect) => ['x', 'y'].map((name) => Number(rect.getAttribute(name))));
    expect(nodes).toHaveLength(50);
    for (const [left, top] of nodes) {
      expect(left!).toBeGreaterThanOrEqual(x!);
      expect(top!).toBeGreaterThanOrEqual(y!);
      expect(left! + 100).toBeLessThanOrEqual(x! + width!);
      expect(top! + 30).toBeLessThanOrEqual(y! + height!);
    }
    expect(Number(svg.getAttribute('data-scale'))).toBeGreaterThanOrEqual(readableScale);
    expect((screen.getByRole('button', { name: 'Zoom out' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('Zoom in, Zoom out and Fit change the viewBox', () => {
    render(<PlanGraph steps={stepsOf(independentSteps(12))} />);
    const fitted = viewBoxOfFigure();
    fireEvent.click(screen.getByRole('button', { name: 'Zoom in' }));
    const zoomed = viewBoxOfFigure();
    expect(zoomed[2]).toBeCloseTo(fitted[2]! / 1.25, 1);
    expect(zoomed[3]).toBeCloseTo(fitted[3]! / 1.25, 1);
    // Zoomed around the centre.
    expect(zoomed[0]! + zoomed[2]! / 2).toBeCloseTo(fitted[0]! + fitted[2]! / 2, 1);
    fireEvent.click(screen.getByRole('button', { name: 'Zoom in' }));
    expect(viewBoxOfFigure()[2]).toBeLessThan(zoomed[2]!);
    fireEvent.click(screen.getByRole('button', { name: 'Zoom out' }));
    expect(viewBoxOfFigure()).toEqual(zoomed);
    fireEvent.click(screen.getByRole('button', { name: 'Fit' }));
    expect(viewBoxOfFigure()).toEqual(fitted);
    expect((screen.getByRole('button', { name: 'Zoom out' }) as HTMLButtonElement).disabled).toBe(true);
    // The figure keeps its name, and the nodes are still links to their cards.
    expect(within(screen.getByRole('figure', { name: 'Plan graph' })).getAllByRole('link')).toHaveLength(12);
  });

  it('pans with the arrow keys and zooms with + and − and Ctrl + wheel when the graph has focus', () => {
    render(<PlanGraph steps={stepsOf(independentSteps(12))} />);
    const view = screen.getByRole('group', { name: 'Graph view' });
    expect(view.tabIndex).toBe(0);
    const fitted = viewBoxOfFigure();
    fireEvent.keyDown(view, { key: '+' });
    const zoomed = viewBoxOfFigure();
    expect(zoomed[2]).toBeLessThan(fitted[2]!);
    fireEvent.keyDown(view, { key: 'ArrowRight' });
    expect(viewBoxOfFigure()[0]).toBeGreaterThan(zoomed[0]!);
    fireEvent.keyDown(view, { key: 'ArrowDown' });
    expect(viewBoxOfFigure()[1]).toBeGreaterThan(zoomed[1]!);
    fireEvent.keyDown(view, { key: '0' });
    expect(viewBoxOfFigure()).toEqual(fitted);

    // A plain wheel scrolls the page; Ctrl (⌘) + wheel zooms the graph.
    expect(fireEvent.wheel(view, { deltaY: -100 })).toBe(true);
    expect(viewBoxOfFigure()).toEqual(fitted);
    expect(fireEvent.wheel(view, { deltaY: -100, ctrlKey: true })).toBe(false);
    expect(viewBoxOfFigure()[2]).toBeLessThan(fitted[2]!);
    fireEvent.wheel(view, { deltaY: 100, metaKey: true });
    fireEvent.wheel(view, { deltaY: 1000, metaKey: true });
    expect(viewBoxOfFigure()).toEqual(fitted);
  });

  it('pans by dragging, and a drag that ends on a node does not open it', () => {
    const onSelectStep = vi.fn();
    render(<PlanGraph steps={stepsOf(independentSteps(12))} onSelectStep={onSelectStep} />);
    fireEvent.click(screen.getByRole('button', { name: 'Zoom in' }));
    const zoomed = viewBoxOfFigure();
    const svg = screen.getByRole('figure', { name: 'Plan graph' }).querySelector('svg')!;
    const node = screen.getByRole('link', { name: /^#E2 calculator/ });
    fireEvent.pointerDown(node, { pointerId: 1, button: 0, isPrimary: true, clientX: 100, clientY: 100 });
    fireEvent.pointerMove(svg, { pointerId: 1, clientX: 60, clientY: 90 });
    fireEvent.pointerUp(svg, { pointerId: 1, clientX: 60, clientY: 90 });
    fireEvent.click(node);
    const panned = viewBoxOfFigure();
    expect(panned[0]).toBeGreaterThan(zoomed[0]!);
    expect(panned[1]).toBeGreaterThan(zoomed[1]!);
    expect(panned[2]).toBe(zoomed[2]);
    expect(onSelectStep).not.toHaveBeenCalled();
    // A press without a move is a click.
    fireEvent.pointerDown(node, { pointerId: 2, button: 0, isPrimary: true, clientX: 100, clientY: 100 });
    fireEvent.pointerUp(node, { pointerId: 2, clientX: 101, clientY: 100 });
    fireEvent.click(node);
    expect(onSelectStep).toHaveBeenCalledWith('#E2');
    expect(viewBoxOfFigure()).toEqual(panned);
  });

  it('keeps the view while statuses change, and lays out once per structure', () => {
    const shape = independentSteps(30);
    const { rerender } = render(<PlanGraph steps={stepsOf(shape)} />);
    expect(layout).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByRole('button', { name: 'Zoom in' }));
    const zoomed = viewBoxOfFigure();
    const done = stepsOf(shape).map((step) => ({ ...step, status: 'done' as const }));
    rerender(<PlanGraph steps={done} />);
    expect(document.querySelectorAll('.plan-graph-node.status-done')).toHaveLength(30);
    expect(viewBoxOfFigure()).toEqual(zoomed);
    expect(layout).toHaveBeenCalledTimes(1);
  });
});


describe('PlanGraph: laid out in a worker', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  /**
   * Renders the graph with a stand-in for the layout worker that says each layout took `ms`, then
   * adds a step every 100 ms for 3 s, as a plan that streams in does. Returns the sizes of the
   * plans the worker was asked to lay out.
   */
  async function streamWithWorker(ms: number) {
    const requests: number[] = [];
    class LayoutWorker extends EventTarget {
      postMessage(request: { id: number; shape: PlanGraphShape[] }) {
        requests.push(request.shape.length);
        setTimeout(() => this.dispatchEvent(new MessageEvent('message', { data: { id: request.id, layout: layoutPlanGraph(request.shape), ms } })), 0);
      }
    }
    vi.stubGlobal('Worker', LayoutWorker);
    vi.useFakeTimers();
    vi.resetModules();
    const { PlanGraph: InWorker } = await import('./plan-graph.tsx');
    const view = render(<InWorker steps={stepsOf(independentSteps(3))} />);
    const show = async (count: number, wait: number) => {
      view.rerender(<InWorker steps={stepsOf(independentSteps(count))} />);
      await act(async () => {
        await vi.advanceTimersByTimeAsync(wait);
      });
    };
    for (let count = 3; count <= 33; count++) await show(count, 100);
    return { requests, show };
  }

  it('lays a growing plan out every 400 ms while layouts are quick', async () => {
    const { requests } = await streamWithWorker(20);
    expect(requests.length).toBeGreaterThanOrEqual(7);
    expect(requests.length).toBeLessThanOrEqual(10);
    expect(requests[0]).toBe(3);
  });

  it('waits four times as long as a layout took before the next, then lays out what came meanwhile', async () => {
    const { requests, show } = await streamWithWorker(1000);
    // The first layout, and at most one more within the 3 s.
    expect(requests.length).toBeLessThanOrEqual(2);
    expect(requests[0]).toBe(3);
    await show(33, 4000);
    await show(33, 100);
    expect(requests.at(-1)).toBe(33);
    expect(document.querySelectorAll('.plan-graph-node')).toHaveLength(33);
  });
});
