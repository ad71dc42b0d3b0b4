import { memo, useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent, type PointerEvent } from 'react';
import type { StepState } from '../core/run/run-state.ts';
import { stepStatusColor } from './step-status.ts';
import type { PlanGraphLayout, PlanGraphNode, PlanGraphShape } from './plan-graph-layout.ts';
import { fitPlanGraph, panView, planGraphFrame, viewBoxOf, zoomView, type PlanGraphFrame, type PlanGraphView } from './plan-graph-view.ts';
import { statusLabel } from './step-status.ts';
import './plan-graph.css';

export {
  choosePlanGraphRowWidth,
  defaultMaxRowWidth,
  layoutPlanGraph,
  type PlanGraphEdge,
  type PlanGraphLayout,
  type PlanGraphLayoutOptions,
  type PlanGraphNode,
  type PlanGraphShape,
} from './plan-graph-layout.ts';

/** A node's tooltip shows this much of the input: a step's input can be megabytes. */
const titleInputLength = 300;

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

/** How often, at most, the graph is laid out again while steps stream in (a layout of hundreds of steps takes a frame or more). */
const relayoutIntervalMs = 400;
/**
 * A layout that took long waits this many times its own time before the next: the worker then
 * works about a quarter of the time. In the page bench's 200-step run, 30 layouts every 400 ms
 * took the worker 1.6 s of CPU (up to 135 ms each, 420 ms of wall time on a busy machine): on a
 * 2-core machine, time the page's main thread waited for.
 */
const relayoutCostFactor = 4;

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

/** The picture's box before it has been measured (and in tests, where nothing has a size): CSS pixels. */
const fallbackBox = { width: 720, maxHeight: 448 };
/** One press of Zoom in / Zoom out. */
const zoomStep = 1.25;
/** One press of an arrow key, in CSS pixels. */
const panStep = 48;
/** A press that moves less than this many CSS pixels is a click, not a drag. */
const dragThreshold = 4;

interface Box {
  width: number;
  maxHeight: number;
}

interface Drag {
  pointerId: number;
  x: number;
  y: number;
  moved: boolean;
}

/**
 * The plan as a graph: one node per step (`#E1 search_wiki`), coloured by its live status, and
 * an arrow for every `#E` dependency. Clicking a node (or Enter on it) scrolls to its step card
 * and focuses it. The layout is computed again only when the graph's structure (or the width
 * it has to fit) changes, not when a status does.
 *
 * The whole graph fits the panel's width by default, wide layers wrapped onto several rows;
 * Zoom in, Zoom out (or Ctrl/⌘ + wheel, + and −) and Fit change the SVG's `viewBox`, and
 * dragging or the arrow keys move it. The picture is never wider than its container.
 */
let layoutWorker: Worker | undefined;
let nextLayoutId = 0;
// A page that cannot start the worker (the replay page opened from disk) lays out in the page.
let layoutWorkerFailed = typeof Worker === 'undefined';

/** A layout from the worker, and how long it took there in milliseconds. */
interface LaidOut {
  layout: PlanGraphLayout;
  ms: number;
}

/**
 * The graph of `structure` (the steps' ids, tools and dependencies as JSON) laid out to fit `box`
 * (null: not measured yet), in a worker: until its answer comes the previous layout stays on
 * screen. A plan that streams in is laid out at most every `relayoutIntervalMs`, and less often
 * when each layout takes long. Without a worker (unit tests, a page opened from disk) it is laid
 * out in the page.
 */
function useGraphLayout(structure: string, box: Box | null): PlanGraphLayout | null {
  const [workerFailed, setWorkerFailed] = useState(layoutWorkerFailed);
  const inWorker = !workerFailed;
  const [fromWorker, setFromWorker] = useState<LaidOut | null>(null);
  // Status changes leave the structure equal, so no relayout.
  const shown = useThrottled(structure, Math.max(relayoutIntervalMs, relayoutCostFactor * (fromWorker?.ms ?? 0)));
  const shape = useMemo(
    () => (JSON.parse(shown) as [string, string, string[]][]).map(([id, tool, deps]): PlanGraphShape => ({ id, tool, deps })),
    [shown],
  );
  const here = useMemo(() => (inWorker || box === null ? null : fitPlanGraph(shape, box)), [inWorker, shape, box]);
  useEffect(() => {
    if (!inWorker || box === null) return;
    const fail = () => {
      layoutWorkerFailed = true;
      layoutWorker = undefined;
      setWorkerFailed(true);
    };
    try {
      layoutWorker ??= new Worker(new URL('./plan-graph-layout-worker.ts', import.meta.url), { type: 'module' });
    } catch {
      return fail();
    }
    const worker = layoutWorker;
    const id = ++nextLayoutId;
    const onMessage = (event: MessageEvent<LaidOut & { id: number }>) => {
      if (event.data.id === id) setFromWorker(event.data);
    };
    worker.addEventListener('message', onMessage);
    worker.addEventListener('error', fail);
    worker.postMessage({ id, shape: [...shape], box });
    return () => {
      worker.removeEventListener('message', onMessage);
      worker.removeEventListener('error', fail);
    };
  }, [inWorker, shape, box]);
  return inWorker ? (fromWorker?.layout ?? null) : here;
}

/** One node of the graph; memoised on what it shows, so a frame commits only the nodes whose step changed. */
const GraphNode = memo(function GraphNode({ node, step, onSelect }: { node: PlanGraphNode; step: StepState | undefined; onSelect: (event: MouseEvent | KeyboardEvent, id: string) => void }) {
  const left = node.x - node.width / 2;
  const top = node.y - node.height / 2;
  if (node.missing || !step) {
    return (
      <g className="plan-graph-node missing" data-step-id={node.id}>
        <title>{`${node.id} is not defined by any step`}</title>
        <rect x={left} y={top} width={node.width} height={node.height} rx={6} fill="none" stroke="var(--failed, #dc2626)" strokeDasharray="4 3" />
        <text x={node.x} y={node.y} dominantBaseline="central" textAnchor="middle" fill="var(--failed, #dc2626)">
          {node.label}
        </text>
      </g>
    );
  }
  const status = statusLabel(step.status);
  const color = stepStatusColor(step.status);
  const uses = step.deps.length > 0 ? `, uses ${step.deps.join(', ')}` : '';
  const origin = step.evidenceSource?.kind === 'by-hand' ? ', set by hand' : step.evidenceSource?.kind === 'reused' ? ', reused' : '';
  // Placed by the rect's and the text's coordinates, not by a transform on each node: a transform
  // per node made each its own paint chunk, and compositing 200 of them took tens of milliseconds a frame.
  return (
    <a
      href={`#step-${node.id.replace(/^#/, '')}`}
      className={`plan-graph-node status-${step.status}`}
      data-step-id={node.id}
      data-status={status}
      aria-label={`${node.id} ${step.tool}, ${status}${origin}${uses}`}
      onClick={(event) => onSelect(event, node.id)}
      onKeyDown={(event) => {
        if (event.key === ' ') onSelect(event, node.id);
      }}
    >
      <title>{`${node.id} = ${step.tool}[${step.input.length > titleInputLength ? `${step.input.slice(0, titleInputLength)}…` : step.input}] (${status}${origin})`}</title>
      <rect
        x={left}
        y={top}
        width={node.width}
        height={node.height}
        rx={6}
        strokeWidth={step.status === 'running' ? 2.2 : 1.4}
        strokeDasharray={step.status === 'stale' || step.status === 'skipped' ? '4 3' : step.evidenceSource?.kind === 'by-hand' ? '1 2' : undefined}
        style={{ fill: `color-mix(in srgb, ${color} ${step.status === 'pending' || step.status === 'ready' ? 6 : 18}%, Canvas)`, stroke: color }}
      />
      <text x={node.x} y={node.y} dominantBaseline="central" textAnchor="middle" fill="currentColor">
        {node.label}
      </text>
    </a>
  );
});

export const PlanGraph = memo(function PlanGraph({ steps, onSelectStep }: PlanGraphProps) {
  const arrowId = `plan-graph-arrow-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const hintId = `plan-graph-hint-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  // The layout's only input, as a string.
  const structure = JSON.stringify(steps.map((step) => [step.id, step.tool, step.deps]));

  // Where the page can measure, the first layout waits for the box (measured before the first
  // paint), so that it is laid out once for the width it has rather than twice.
  const [measured, setMeasured] = useState<Box | null>(() => (typeof ResizeObserver === 'undefined' ? fallbackBox : null));
  const boxWidth = measured?.width;
  const boxHeight = measured?.maxHeight;
  const box = useMemo(() => (boxWidth === undefined || boxHeight === undefined ? null : { width: boxWidth, maxHeight: boxHeight }), [boxWidth, boxHeight]);
  // A new shape or box, and only that, lays the graph out again.
  const graph = useGraphLayout(structure, box);
  const frame = useMemo(() => (graph && box ? planGraphFrame(graph, box) : null), [graph, box]);
  /** `null` while the graph is fitted to the box: it then follows new steps and resizes. */
  const [view, setView] = useState<PlanGraphView | null>(null);
  const shown = frame ? (view ?? frame.fit) : null;

  const frameRef = useRef<PlanGraphFrame | null>(null);
  useEffect(() => {
    frameRef.current = frame;
  }, [frame]);
  const drag = useRef<Drag | null>(null);
  const suppressClick = useRef(false);
  const [dragging, setDragging] = useState(false);

  // Measures the box (after layout, before paint, then on every resize) and zooms on Ctrl/⌘ + wheel, which
  // needs a listener that is not passive to keep the page from zooming too.
  const viewportElement = useRef<HTMLDivElement | null>(null);
  const viewportRef = useCallback((element: HTMLDivElement | null) => {
    viewportElement.current = element;
    if (!element) return;
    const onWheel = (event: WheelEvent) => {
      const current = frameRef.current;
      if (!(event.ctrlKey || event.metaKey) || !current) return;
      event.preventDefault();
      const picture = element.querySelector('svg')?.getBoundingClientRect();
      const anchor = picture ? { x: event.clientX - picture.left, y: event.clientY - picture.top } : undefined;
      const factor = Math.exp(-event.deltaY * (event.deltaMode === WheelEvent.DOM_DELTA_LINE ? 0.05 : 0.002));
      setView((view) => zoomView(view, current, factor, anchor));
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    if (typeof ResizeObserver === 'undefined') return () => element.removeEventListener('wheel', onWheel);
    const measure = () => {
      const maxHeight = Number.parseFloat(getComputedStyle(element).maxHeight);
      const next = { width: element.clientWidth || fallbackBox.width, maxHeight: maxHeight > 0 ? maxHeight : fallbackBox.maxHeight };
      setMeasured((current) => (current?.width === next.width && current.maxHeight === next.maxHeight ? current : next));
    };
    // The observer's first call measures it too, after the frame's layout: measuring here, in
    // React's commit, would force a layout of the whole page (40 ms on a slow machine).
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => {
      observer.disconnect();
      element.removeEventListener('wheel', onWheel);
    };
  }, []);

  const stepsById = new Map(steps.map((step) => [step.id, step]));
  // Stable while `onSelectStep` is: a frame then re-renders only the nodes whose step changed.
  const select = useCallback(
    (event: MouseEvent | KeyboardEvent, id: string) => {
      event.preventDefault();
      focusStepCard(id);
      onSelectStep?.(id);
    },
    [onSelectStep],
  );
  const zoomBy = (factor: number) => {
    if (frame) setView((current) => zoomView(current, frame, factor));
  };
  const fit = (element?: HTMLElement | null) => {
    setView(null);
    element?.scrollTo?.({ top: 0 });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!frame || event.ctrlKey || event.metaKey || event.altKey) return;
    const viewport = event.currentTarget;
    const vertical = event.key === 'ArrowUp' || event.key === 'ArrowDown';
    // A fitted graph taller than its box scrolls natively, like any other panel.
    if (vertical && view === null && viewport.scrollHeight > viewport.clientHeight) return;
    const moves: Record<string, [number, number]> = { ArrowLeft: [panStep, 0], ArrowRight: [-panStep, 0], ArrowUp: [0, panStep], ArrowDown: [0, -panStep] };
    const move = moves[event.key];
    if (move) setView((current) => panView(current, frame, move[0], move[1]));
    else if (event.key === '+' || event.key === '=') zoomBy(zoomStep);
    else if (event.key === '-' || event.key === '_') zoomBy(1 / zoomStep);
    else if (event.key === '0') fit(viewport);
    else return;
    event.preventDefault();
  };

  const onPointerDown = (event: PointerEvent<SVGSVGElement>) => {
    if (event.button !== 0 || !event.isPrimary) return;
    drag.current = { pointerId: event.pointerId, x: event.clientX, y: event.clientY, moved: false };
  };
  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    const current = drag.current;
    if (!current || current.pointerId !== event.pointerId || !frame) return;
    const dx = event.clientX - current.x;
    const dy = event.clientY - current.y;
    if (!current.moved) {
      if (Math.hypot(dx, dy) < dragThreshold) return;
      // Captured only once it is a drag: a capture from the start would take the click from the node.
      current.moved = true;
      try {
        event.currentTarget.setPointerCapture(event.pointerId);
      } catch {
        // A pointer that is no longer active (or a test's made-up one) cannot be captured; the drag works without.
      }
      setDragging(true);
    }
    current.x = event.clientX;
    current.y = event.clientY;
    setView((view) => panView(view, frame, dx, dy));
  };
  const onPointerEnd = (event: PointerEvent<SVGSVGElement>) => {
    const current = drag.current;
    if (!current || current.pointerId !== event.pointerId) return;
    drag.current = null;
    if (!current.moved) return;
    setDragging(false);
    // The click that ends a drag must not open the node it ended on.
    suppressClick.current = true;
    setTimeout(() => (suppressClick.current = false), 0);
  };

  if (steps.length === 0) {
    return (
      <figure className="plan-graph" aria-label="Plan graph">
        <p className="hint">The graph appears when the planner writes its first step.</p>
      </figure>
    );
  }

  const dependencyCount = graph?.edges.length ?? 0;
  const fitted = view === null;
  return (
    <figure className="plan-graph" aria-label="Plan graph">
      <div className="plan-graph-toolbar">
        <button type="button" title="Zoom in (+, or Ctrl/⌘ + wheel)" disabled={!frame || !shown || shown.scale >= frame.maxScale} onClick={() => zoomBy(zoomStep)}>
          Zoom in
        </button>
        <button type="button" title="Zoom out (−)" disabled={fitted} onClick={() => zoomBy(1 / zoomStep)}>
          Zoom out
        </button>
        <button type="button" title="Show the whole graph (0)" onClick={() => fit(viewportElement.current)}>
          Fit
        </button>
        {shown && <span className="plan-graph-zoom">{Math.round(shown.scale * 100)}%</span>}
        <span id={hintId} className="plan-graph-hint">
          Drag or use the arrow keys to move the graph; + and − zoom, 0 fits it.
        </span>
      </div>
      <div
        ref={viewportRef}
        className="plan-graph-viewport"
        role="group"
        aria-label="Graph view"
        aria-describedby={hintId}
        // The graph itself is a stop in the tab order, for the arrow keys.
        tabIndex={0}
        onKeyDown={onKeyDown}
      >
        {graph && frame && shown && (
          <svg
            viewBox={viewBoxOf(shown, frame)}
            className={dragging ? 'dragging' : undefined}
            // As wide as the container, never wider: no width of its own that could widen the page.
            style={{ width: '100%', maxWidth: '100%', height: frame.height, touchAction: fitted ? 'pan-y pinch-zoom' : 'none' }}
            fontFamily="ui-monospace, monospace"
            fontSize={12}
            data-scale={shown.scale.toFixed(3)}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerEnd}
            onPointerCancel={onPointerEnd}
            // A link dragged natively would end the pan.
            onDragStart={(event) => event.preventDefault()}
            onClickCapture={(event) => {
              if (!suppressClick.current) return;
              suppressClick.current = false;
              event.preventDefault();
              event.stopPropagation();
            }}
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
            {graph.nodes.map((node) => (
              <GraphNode key={node.id} node={node} step={stepsById.get(node.id)} onSelect={select} />
            ))}
          </svg>
        )}
      </div>
    </figure>
  );
});
