import { Graph, layout, type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';
import { memo, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { assertNever } from '../core/errors.ts';
import type { StepState, StepStatus } from '../core/run/run-state.ts';
import { statusLabel } from './step-status.ts';

/** A node's tooltip shows this much of the input: a step's input can be megabytes. */
const titleInputLength = 300;

/** What the layout depends on: a step's variable, its tool (the label's width) and its dependencies. */
export interface PlanGraphShape {
  id: string;
  tool: string;
  deps: readonly string[];
}

/** One box of the laid-out graph; `x`, `y` are its centre. */
export interface PlanGraphNode {
  id: string;
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** A variable some step refers to that no step defines. */
  missing: boolean;
}

/** One dependency arrow, from the step that provides the evidence to the step that uses it. */
export interface PlanGraphEdge {
  from: string;
  to: string;
  points: readonly { x: number; y: number }[];
}

/** The graph laid out top to bottom, in SVG user units. */
export interface PlanGraphLayout {
  width: number;
  height: number;
  nodes: readonly PlanGraphNode[];
  edges: readonly PlanGraphEdge[];
}

const nodeHeight = 30;
const characterWidth = 7.4;
const nodePadding = 22;
const margin = 8;
const maximumOrderedNodes = 60;

/**
 * Lays the plan's DAG out with dagre, top to bottom: one node per step, one edge per `#E`
 * dependency. A dependency on a variable no step defines gets a node of its own, marked
 * `missing`, so that every dependency shows. Any names work, `constructor` and `__proto__`
 * included: dagre only ever sees node keys made here.
 */
export function layoutPlanGraph(shape: readonly PlanGraphShape[]): PlanGraphLayout {
  if (shape.length === 0) return { width: 0, height: 0, nodes: [], edges: [] };
  const graph = new Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: false });
  graph.setGraph({ rankdir: 'TB', nodesep: 22, ranksep: 34, marginx: margin, marginy: margin });
  graph.setDefaultEdgeLabel(() => ({}));
  // graphlib keeps nodes and edges in plain objects keyed by name, so a step named like an
  // Object.prototype member (`constructor`, `toString`) would make it throw: it gets `n0`, `n1`, … instead.
  const nodes = new Map<string, { key: string; label: string; missing: boolean }>();
  const addNode = (id: string, label: string, missing: boolean): string => {
    const key = nodes.get(id)?.key ?? `n${nodes.size}`;
    nodes.set(id, { key, label, missing });
    graph.setNode(key, { width: Math.ceil(label.length * characterWidth + nodePadding), height: nodeHeight });
    return key;
  };
  const keyOf = (id: string) => nodes.get(id)?.key ?? addNode(id, `${id} ?`, true);
  for (const step of shape) addNode(step.id, `${step.id} ${step.tool}`, false);
  const edges: { from: string; to: string }[] = [];
  for (const step of shape) {
    for (const dependency of step.deps) {
      graph.setEdge(keyOf(dependency), keyOf(step.id));
      edges.push({ from: dependency, to: step.id });
    }
  }
  // Side by side, steps keep plan order (#E1 left of #E2) where dagre would otherwise swap them.
  // Pairs are quadratic in the step count, so very long plans are left to dagre alone.
  const keys = [...nodes.values()].map((node) => node.key);
  const constraints = keys.length > maximumOrderedNodes ? [] : keys.flatMap((left, index) => keys.slice(index + 1).map((right) => ({ left, right })));
  layout(graph, { constraints });
  const size = graph.graph();
  return {
    width: Math.ceil(size.width ?? 0),
    height: Math.ceil(size.height ?? 0),
    nodes: [...nodes].map(([id, { key, label, missing }]): PlanGraphNode => {
      const node = graph.node(key);
      return { id, label, missing, x: node.x ?? 0, y: node.y ?? 0, width: node.width, height: node.height };
    }),
    edges: edges.map(({ from, to }) => ({ from, to, points: graph.edge(keyOf(from), keyOf(to))?.points ?? [] })),
  };
}

/** The colour of a status, from the app's palette (app.css custom properties). */
export function stepStatusColor(status: StepStatus): string {
  switch (status) {
    case 'done':
      return 'var(--done, #16a34a)';
    case 'failed':
      return 'var(--failed, #dc2626)';
    case 'running':
      return 'var(--running, #d97706)';
    case 'waiting-for-approval':
    case 'paused':
      return 'var(--waiting, #7c3aed)';
    case 'pending':
    case 'ready':
    case 'skipped':
    case 'stale':
    case 'interrupted':
      return 'var(--muted, #6b7280)';
    default:
      return assertNever(status);
  }
}

/** A smooth path through dagre's edge points. */
function edgePath(points: readonly { x: number; y: number }[]): string {
  const [first, ...rest] = points;
  if (!first) return '';
  if (rest.length === 0) return `M${first.x},${first.y}`;
  let path = `M${first.x},${first.y}`;
  for (let index = 0; index < rest.length - 1; index++) {
    const control = rest[index] as { x: number; y: number };
    const next = rest[index + 1] as { x: number; y: number };
    path += ` Q${control.x},${control.y} ${(control.x + next.x) / 2},${(control.y + next.y) / 2}`;
  }
  const last = rest[rest.length - 1] as { x: number; y: number };
  return `${path} L${last.x},${last.y}`;
}

/** Scrolls the step's card into view and puts the focus on it (cards have `id="step-E1"`). */
function focusStepCard(id: string): void {
  const card = document.getElementById(`step-${id.replace(/^#/, '')}`);
  if (!card) return;
  if (typeof card.scrollIntoView === 'function') card.scrollIntoView({ behavior: 'smooth', block: 'center' });
  card.focus({ preventScroll: true });
}

/** Props of `PlanGraph`. */
export interface PlanGraphProps {
  /** The run's steps (`RunState.steps`), in plan order. */
  steps: readonly StepState[];
  /** Called with the step's variable after its card has been scrolled to and focused. */
  onSelectStep?: (id: string) => void;
}

/**
 * The plan as a graph: one node per step (`#E1 search_wiki`), coloured by its live status, and
 * an arrow for every `#E` dependency. Clicking a node (or Enter on it) scrolls to its step card
 * and focuses it. The layout is computed again only when the graph's structure changes, not
 * when a status does.
 */
/** How often, at most, the graph is laid out again while steps stream in (a layout of hundreds of steps takes a frame or more). */
const relayoutIntervalMs = 400;

/** `value`, changed at most once per `intervalMs`: each interval ends with the latest value. */
function useThrottled<T>(value: T, intervalMs: number): T {
  const [shown, setShown] = useState(value);
  const lastChange = useRef(0);
  useEffect(() => {
    if (Object.is(value, shown)) return;
    const timer = setTimeout(
      () => {
        lastChange.current = performance.now();
        setShown(value);
      },
      Math.max(0, lastChange.current + intervalMs - performance.now()),
    );
    return () => clearTimeout(timer);
  }, [value, shown, intervalMs]);
  return shown;
}

export const PlanGraph = memo(function PlanGraph({ steps, onSelectStep }: PlanGraphProps) {
  const arrowId = `plan-graph-arrow-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  // The layout's only input, as a string: status changes leave it equal, so no relayout; a
  // plan that streams in fast is laid out a few times a second, not once per step.
  const structure = useThrottled(JSON.stringify(steps.map((step) => [step.id, step.tool, step.deps])), relayoutIntervalMs);
  const graph = useMemo(() => {
    const shape = (JSON.parse(structure) as [string, string, string[]][]).map(([id, tool, deps]) => ({ id, tool, deps }));
    return layoutPlanGraph(shape);
  }, [structure]);

  const stepsById = new Map(steps.map((step) => [step.id, step]));
  const select = (event: MouseEvent | KeyboardEvent, id: string) => {
    event.preventDefault();
    focusStepCard(id);
    onSelectStep?.(id);
  };

  if (steps.length === 0) {
    return (
      <figure className="plan-graph" aria-label="Plan graph">
        <p className="hint">The graph appears when the planner writes its first step.</p>
      </figure>
    );
  }

  const dependencyCount = graph.edges.length;
  return (
    <figure className="plan-graph" aria-label="Plan graph" style={{ margin: 0, overflowX: 'auto' }}>
      <svg
        width={graph.width}
        height={graph.height}
        viewBox={`0 0 ${graph.width} ${graph.height}`}
        // Shrinks to fit narrow columns, but not below 70 %: past that the figure scrolls sideways.
        style={{ width: '100%', maxWidth: graph.width, minWidth: Math.round(graph.width * 0.7), height: 'auto', display: 'block', margin: '0 auto' }}
        fontFamily="ui-monospace, monospace"
        fontSize={12}
      >
        <title>{`Plan graph: ${steps.length} ${steps.length === 1 ? 'step' : 'steps'}, ${dependencyCount} ${dependencyCount === 1 ? 'dependency' : 'dependencies'}`}</title>
        <defs>
          <marker id={arrowId} viewBox="0 0 10 10" refX={9} refY={5} markerWidth={7} markerHeight={7} orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" fill="currentColor" />
          </marker>
        </defs>
        <g className="plan-graph-edges" aria-hidden="true" fill="none" stroke="currentColor" strokeOpacity={0.55} strokeWidth={1.4}>
          {graph.edges.map((edge) => (
            <path
              key={`${edge.from}->${edge.to}`}
              className="plan-graph-edge"
              data-from={edge.from}
              data-to={edge.to}
              d={edgePath(edge.points)}
              markerEnd={`url(#${arrowId})`}
            />
          ))}
        </g>
        {graph.nodes.map((node) => {
          const left = node.x - node.width / 2;
          const top = node.y - node.height / 2;
          const step = stepsById.get(node.id);
          if (node.missing || !step) {
            return (
              <g key={node.id} className="plan-graph-node missing" data-step-id={node.id} transform={`translate(${left},${top})`}>
                <title>{`${node.id} is not defined by any step`}</title>
                <rect width={node.width} height={node.height} rx={6} fill="none" stroke="var(--failed, #dc2626)" strokeDasharray="4 3" />
                <text x={node.width / 2} y={node.height / 2} dominantBaseline="central" textAnchor="middle" fill="var(--failed, #dc2626)">
                  {node.label}
                </text>
              </g>
            );
          }
          const status = statusLabel(step.status);
          const color = stepStatusColor(step.status);
          const uses = step.deps.length > 0 ? `, uses ${step.deps.join(', ')}` : '';
          const origin = step.evidenceSource?.kind === 'by-hand' ? ', set by hand' : step.evidenceSource?.kind === 'reused' ? ', reused' : '';
          return (
            <g key={node.id} transform={`translate(${left},${top})`}>
              <a
                href={`#step-${node.id.replace(/^#/, '')}`}
                className={`plan-graph-node status-${step.status}`}
                data-step-id={node.id}
                data-status={status}
                aria-label={`${node.id} ${step.tool}, ${status}${origin}${uses}`}
                onClick={(event) => select(event, node.id)}
                onKeyDown={(event) => {
                  if (event.key === ' ') select(event, node.id);
                }}
              >
                <title>{`${node.id} = ${step.tool}[${step.input.length > titleInputLength ? `${step.input.slice(0, titleInputLength)}…` : step.input}] (${status}${origin})`}</title>
                <rect
                  width={node.width}
                  height={node.height}
                  rx={6}
                  strokeWidth={step.status === 'running' ? 2.2 : 1.4}
                  strokeDasharray={step.status === 'stale' || step.status === 'skipped' ? '4 3' : step.evidenceSource?.kind === 'by-hand' ? '1 2' : undefined}
                  style={{ fill: `color-mix(in srgb, ${color} ${step.status === 'pending' || step.status === 'ready' ? 6 : 18}%, Canvas)`, stroke: color }}
                />
                <text x={node.width / 2} y={node.height / 2} dominantBaseline="central" textAnchor="middle" fill="currentColor">
                  {node.label}
                </text>
              </a>
            </g>
          );
        })}
      </svg>
    </figure>
  );
});
