import { Graph, layout, type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';

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

/** Options of `layoutPlanGraph`. */
export interface PlanGraphLayoutOptions {
  /**
   * The widest a row of nodes may be, in SVG user units (default `defaultMaxRowWidth`): a layer
   * of the DAG with more steps than fit wraps onto several rows. A node wider than this gets a
   * row of its own.
   */
  maxRowWidth?: number;
}

/** The row width `layoutPlanGraph` wraps at when not told otherwise: about six `#E12 calculator` nodes. */
export const defaultMaxRowWidth = 960;

/** Below this scale the nodes' 12-unit labels get hard to read (about 9 px). */
export const readableScale = 0.75;

const nodeHeight = 30;
const characterWidth = 7.4;
const nodePadding = 22;
const margin = 8;
const nodeSeparation = 22;
const rankSeparation = 34;
const edgeSeparation = 12;
/** Edges that pass rows run in lanes this far apart (five in turn, one per bundle), so that they rarely overlap. */
const laneSpacing = 3;
/** A graph with a cycle keeps plan order side by side up to this many nodes (its constraints are quadratic). */
const maximumOrderedNodes = 60;
/** How many row widths `choosePlanGraphRowWidth` tries at most. */
const maximumRowWidthCandidates = 48;

interface PreparedNode {
  id: string;
  /** dagre's name for it: graphlib keeps nodes in plain objects, so `constructor` or `__proto__` would break it. */
  key: string;
  label: string;
  width: number;
  missing: boolean;
  /** Indexes of the nodes it depends on, without repeats. */
  deps: number[];
}

interface PreparedGraph {
  /** Steps in plan order, then the variables no step defines in order of first use. */
  nodes: PreparedNode[];
  edges: { from: string; to: string }[];
  /** Node indexes, dependencies before the steps that use them, otherwise in plan order; null when the dependencies form a cycle. */
  order: number[] | null;
}

function prepare(shape: readonly PlanGraphShape[]): PreparedGraph {
  const nodes: PreparedNode[] = [];
  const indexById = new Map<string, number>();
  const addNode = (id: string, label: string, missing: boolean): number => {
    const existing = indexById.get(id);
    const width = Math.ceil(label.length * characterWidth + nodePadding);
    if (existing !== undefined) {
      // A variable defined twice: the later step wins the label, as dagre's setNode did.
      Object.assign(nodes[existing] as PreparedNode, { label, width, missing });
      return existing;
    }
    indexById.set(id, nodes.length);
    nodes.push({ id, key: `n${nodes.length}`, label, width, missing, deps: [] });
    return nodes.length - 1;
  };
  const indexOf = (id: string) => indexById.get(id) ?? addNode(id, `${id} ?`, true);
  for (const step of shape) addNode(step.id, `${step.id} ${step.tool}`, false);
  const edges: { from: string; to: string }[] = [];
  for (const step of shape) {
    const node = nodes[indexOf(step.id)] as PreparedNode;
    for (const dependency of step.deps) {
      const from = indexOf(dependency);
      if (!node.deps.includes(from)) node.deps.push(from);
      edges.push({ from: dependency, to: step.id });
    }
  }
  return { nodes, edges, order: dependencyOrder(nodes) };
}

/** Depth-first, iteratively (a chain of thousands of steps would overflow the call stack). */
function dependencyOrder(nodes: readonly PreparedNode[]): number[] | null {
  const order: number[] = [];
  const state = new Uint8Array(nodes.length); // 0 unseen, 1 on the path, 2 placed
  for (let root = 0; root < nodes.length; root++) {
    if (state[root]) continue;
    state[root] = 1;
    const stack: [number, number][] = [[root, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as [number, number];
      const deps = (nodes[top[0]] as PreparedNode).deps;
      if (top[1] < deps.length) {
        const next = deps[top[1]++] as number;
        if (state[next] === 1) return null;
        if (state[next] === 0) {
          state[next] = 1;
          stack.push([next, 0]);
        }
      } else {
        stack.pop();
        state[top[0]] = 2;
        order.push(top[0]);
      }
    }
  }
  return order;
}

/** Where a node sits in the unwrapped DAG: its layer (longest path from a root) and its place in that layer. */
interface Layering {
  layer: Int32Array;
  column: Int32Array;
  /** The widest node's width: a row holds as many columns as there is room for nodes that wide. */
  widest: number;
}

/** Roots in plan order; every later layer ordered by where its dependencies sit, so that chains stay straight. */
function layering(graph: PreparedGraph & { order: number[] }): Layering {
  const count = graph.nodes.length;
  const layer = new Int32Array(count);
  const column = new Int32Array(count);
  const layers: number[][] = [];
  for (const index of graph.order) {
    for (const dependency of graph.nodes[index]!.deps) layer[index] = Math.max(layer[index] as number, (layer[dependency] as number) + 1);
  }
  for (let index = 0; index < count; index++) (layers[layer[index] as number] ??= []).push(index);
  for (const members of layers) {
    if (!members) continue;
    const mean = new Map(members.map((index) => {
      const deps = graph.nodes[index]!.deps;
      return [index, deps.length === 0 ? -1 : deps.reduce((total, dependency) => total + (column[dependency] as number), 0) / deps.length];
    }));
    members.sort((a, b) => (mean.get(a) as number) - (mean.get(b) as number) || a - b);
    members.forEach((index, position) => (column[index] = position));
  }
  return { layer, column, widest: Math.max(0, ...graph.nodes.map((node) => node.width)) };
}

/**
 * Gives every node a row. Without a limit, a node's row is its layer: one below the lowest of
 * its dependencies (the waves in which the steps can run). With one, the DAG is cut, like a
 * line of text, into bands of as many columns as a row holds, stacked one below the other:
 * many independent steps become a grid, parallel chains stay chains. A node still sits below
 * its dependencies, in the first row of its band with room for it.
 */
function packRows(graph: PreparedGraph & { order: number[] } & Layering, maxRowWidth: number): { rowOf: Int32Array; rows: number[][]; rowWidths: number[] } {
  const count = graph.nodes.length;
  const rowOf = new Int32Array(count);
  const rows: number[][] = [];
  const rowWidths: number[] = [];
  const columns = Math.max(1, Math.floor((maxRowWidth + nodeSeparation) / (graph.widest + nodeSeparation)));
  const band = (index: number) => Math.floor((graph.column[index] as number) / columns);
  // Band by band, layer by layer, column by column; a node waits for its dependencies.
  const priority = (index: number) => (band(index) * count + (graph.layer[index] as number)) * count + (graph.column[index] as number);
  const waiting = new Int32Array(count);
  const users: number[][] = graph.nodes.map(() => []);
  graph.nodes.forEach((node, index) => {
    waiting[index] = node.deps.length;
    for (const dependency of node.deps) users[dependency]!.push(index);
  });
  const ready = new MinHeap();
  graph.nodes.forEach((_, index) => waiting[index] === 0 && ready.push(priority(index), index));
  const bandStart = new Map<number, number>();
  for (let index = ready.pop(); index !== undefined; index = ready.pop()) {
    const node = graph.nodes[index] as PreparedNode;
    if (!bandStart.has(band(index))) bandStart.set(band(index), rows.length);
    let row = bandStart.get(band(index)) as number;
    for (const dependency of node.deps) row = Math.max(row, (rowOf[dependency] as number) + 1);
    while ((rowWidths[row] ?? 0) > 0 && (rowWidths[row] as number) + nodeSeparation + node.width > maxRowWidth) row++;
    rowOf[index] = row;
    rowWidths[row] = (rowWidths[row] ? (rowWidths[row] as number) + nodeSeparation : 0) + node.width;
    (rows[row] ??= []).push(index);
    for (const user of users[index]!) if (--waiting[user]! === 0) ready.push(priority(user), user);
  }
  // Rows a band skipped (its first row was taken) stay empty: they are dropped.
  const used = rows.map((members, row) => ({ members, row })).filter(({ members }) => members && members.length > 0);
  const renumber = new Map(used.map(({ row }, position) => [row, position]));
  for (let index = 0; index < count; index++) rowOf[index] = renumber.get(rowOf[index] as number) as number;
  return { rowOf, rows: used.map(({ members }) => members), rowWidths: used.map(({ row }) => rowWidths[row] as number) };
}

/** A binary heap of node indexes by priority, smallest first. */
class MinHeap {
  private readonly items: { priority: number; index: number }[] = [];

  push(priority: number, index: number): void {
    const items = this.items;
    items.push({ priority, index });
    for (let child = items.length - 1; child > 0; ) {
      const parent = (child - 1) >> 1;
      if (items[parent]!.priority <= items[child]!.priority) break;
      [items[parent], items[child]] = [items[child]!, items[parent]!];
      child = parent;
    }
  }

  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (!top || !last || items.length === 0) return top?.index;
    items[0] = last;
    for (let parent = 0; ; ) {
      const left = 2 * parent + 1;
      const smallest = [left, left + 1].reduce((best, child) => (child < items.length && items[child]!.priority < items[best]!.priority ? child : best), parent);
      if (smallest === parent) break;
      [items[parent], items[smallest]] = [items[smallest]!, items[parent]!];
      parent = smallest;
    }
    return top.index;
  }
}

/** The size a packing will roughly have once laid out. */
function estimateSize(packing: ReturnType<typeof packRows>): { width: number; height: number } {
  const rowCount = packing.rows.length;
  return { width: Math.max(0, ...packing.rowWidths) + 2 * margin, height: rowCount * nodeHeight + Math.max(0, rowCount - 1) * rankSeparation + 2 * margin };
}

/**
 * The row width that shows the whole graph largest in a box of `box.width` × `box.height` CSS
 * pixels (at most 1:1). When even the best wrap would scale the labels below `readableScale`,
 * the row width that fills the box's width at that scale: the graph then scrolls vertically.
 */
export function choosePlanGraphRowWidth(shape: readonly PlanGraphShape[], box: { width: number; height: number }): number {
  const graph = prepare(shape);
  if (!graph.order || graph.nodes.length === 0 || box.width <= 0 || box.height <= 0) return defaultMaxRowWidth;
  const prepared = { ...graph, order: graph.order, ...layering({ ...graph, order: graph.order }) };
  const widest = Math.max(...graph.nodes.map((node) => node.width));
  const unwrapped = Math.max(widest, ...packRows(prepared, Number.POSITIVE_INFINITY).rowWidths);
  // Rows wider than this could only be shown below a readable scale: no use trying them.
  const widestReadable = Math.max(widest, Math.min(unwrapped, box.width / readableScale - 2 * margin));
  const step = Math.max(16, (widestReadable - widest) / (maximumRowWidthCandidates - 1));
  let best = { rowWidth: widestReadable, scale: -1 };
  // Widest first: between equal scales, the one that wraps least wins.
  for (let rowWidth = widestReadable; rowWidth > widest - step; rowWidth -= step) {
    const candidate = Math.max(widest, rowWidth);
    const size = estimateSize(packRows(prepared, candidate));
    const scale = Math.min(1, box.width / size.width, box.height / size.height);
    if (scale > best.scale + 1e-6) best = { rowWidth: candidate, scale };
  }
  if (best.scale >= readableScale) return Math.ceil(best.rowWidth);
  return Math.max(widest, Math.floor(box.width / readableScale - 2 * margin));
}

/**
 * dagre lines steps up under the steps they use, which can spread rows well past the width they
 * were wrapped at. When `graph` (wrapped at `rowWidth`) is too wide for `box` at a readable
 * scale, a narrower row width to try instead (in steps of 40 units, so that a resize seldom
 * changes it); otherwise null.
 */
export function narrowerPlanGraphRowWidth(graph: { width: number }, rowWidth: number, box: { width: number }): number | null {
  const readableWidth = box.width / readableScale;
  if (graph.width <= readableWidth || box.width <= 0) return null;
  const narrower = Math.floor((rowWidth * readableWidth) / graph.width / 40) * 40;
  return narrower > 0 && narrower < rowWidth ? narrower : null;
}

type Point = { x: number; y: number };

/**
 * Lays the plan's DAG out top to bottom: one node per step, one edge per `#E` dependency, each
 * step below the steps it depends on. Unwrapped, the rows are the DAG's layers; a layer wider
 * than `maxRowWidth` is cut, like a line of text, into bands stacked one below the other, so
 * that many independent steps form a grid and parallel chains stay chains (see `packRows`).
 * dagre places each row's nodes (side by side in that order, roots in plan order) and draws
 * the edges between neighbouring rows; an edge that passes rows runs down a line clear of
 * them. A dependency on a variable no step defines gets a node of its own, marked `missing`,
 * so that every dependency shows. Any names work, `constructor` and `__proto__` included:
 * dagre only ever sees node keys made here.
 */
export function layoutPlanGraph(shape: readonly PlanGraphShape[], options: PlanGraphLayoutOptions = {}): PlanGraphLayout {
  if (shape.length === 0) return { width: 0, height: 0, nodes: [], edges: [] };
  const prepared = prepare(shape);
  if (!prepared.order) return layoutCycle(prepared);
  const acyclic = { ...prepared, order: prepared.order };
  const { rowOf, rows } = packRows({ ...acyclic, ...layering(acyclic) }, options.maxRowWidth ?? defaultMaxRowWidth);
  const graph = new Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: false });
  graph.setDefaultEdgeLabel(() => ({}));
  // The rows are the ranks: dagre's own ranker would put a wide layer back on one line, and
  // "none" keeps the ranks given. dagre doubles every edge's length to make room for edge
  // labels, so a row is two ranks.
  graph.setGraph({ ...graphLabel, ranker: 'none' as GraphLabel['ranker'] });
  prepared.nodes.forEach((node, index) => graph.setNode(node.key, { width: node.width, height: nodeHeight, rank: 2 * (rowOf[index] as number) }));
  // Edges that pass rows are left out: dagre would make room for each of them in every row it
  // passes, which spreads a wrapped layer many times wider than it is.
  const passing: { from: number; to: number }[] = [];
  prepared.nodes.forEach((node, index) =>
    node.deps.forEach((dependency) => {
      if ((rowOf[index] as number) - (rowOf[dependency] as number) === 1) graph.setEdge(prepared.nodes[dependency]!.key, node.key);
      else passing.push({ from: dependency, to: index });
    }),
  );
  // Side by side, steps keep the packing's order (roots in plan order, #E1 left of #E2).
  const positionOf = new Map<string, number>();
  for (const row of rows) row.forEach((index, position) => positionOf.set(prepared.nodes[index]!.key, position));
  layout(graph, { customOrder: (internal) => orderAsPacked(internal, positionOf) });

  const placed = prepared.nodes.map((node) => graph.node(node.key));
  const rowBoxes = rows.map((row) => {
    const boxes = row.map((index) => placed[index] as NodeLabel).map((node) => ({ left: (node.x ?? 0) - node.width / 2, right: (node.x ?? 0) + node.width / 2 }));
    boxes.sort((a, b) => a.left - b.left);
    const y = placed[row[0] as number]?.y ?? 0;
    return { top: y - nodeHeight / 2, bottom: y + nodeHeight / 2, boxes };
  });
  const routes = new Map<string, Point[]>();
  // Edges that share a step at the end where more of them meet (a summary of many searches, or one
  // search used by many steps) run as one bundle near that step.
  const passingCount = new Map<number, number>();
  for (const { from, to } of passing) for (const end of [from, to]) passingCount.set(end, (passingCount.get(end) ?? 0) + 1);
  for (const { from, to } of passing) {
    const bundle = (passingCount.get(to) ?? 0) > (passingCount.get(from) ?? 0) ? { lane: to, near: 'target' as const } : { lane: from, near: 'source' as const };
    routes.set(`${from}>${to}`, routeThroughRows(placed[from] as NodeLabel, placed[to] as NodeLabel, rowOf[from] as number, rowOf[to] as number, rowBoxes, bundle));
  }
  const pointsOf = (from: number, to: number): Point[] => {
    const route = routes.get(`${from}>${to}`);
    if (route) return route;
    const source = placed[from];
    const target = placed[to];
    const points = graph.edge(prepared.nodes[from]?.key ?? '', prepared.nodes[to]?.key ?? '')?.points;
    if (!source || !target || !points) return [];
    // dagre ends a slanting edge on the side of its box, from where it runs through the row's
    // next node: it leaves from the bottom and arrives at the top instead.
    const inner = points.slice(1, -1);
    return [sideOf(source, inner[0] ?? target, 'bottom'), ...inner.map(({ x, y }) => ({ x, y })), sideOf(target, inner.at(-1) ?? source, 'top')];
  };

  // A route round the outside of a row can reach past dagre's margin: everything moves right.
  let minX = Number.POSITIVE_INFINITY;
  let maxX = 0;
  for (const node of placed) {
    minX = Math.min(minX, (node.x ?? 0) - node.width / 2);
    maxX = Math.max(maxX, (node.x ?? 0) + node.width / 2);
  }
  for (const route of routes.values()) for (const point of route) [minX, maxX] = [Math.min(minX, point.x), Math.max(maxX, point.x)];
  const shift = margin - minX;
  const indexById = new Map(prepared.nodes.map((node, index) => [node.id, index]));
  return {
    width: Math.ceil(maxX + shift + margin),
    height: Math.ceil(graph.graph().height ?? 0),
    nodes: prepared.nodes.map(({ id, label, missing }, index): PlanGraphNode => {
      const node = placed[index] as NodeLabel;
      return { id, label, missing, x: (node.x ?? 0) + shift, y: node.y ?? 0, width: node.width, height: node.height };
    }),
    edges: prepared.edges.map(({ from, to }) => ({
      from,
      to,
      points: pointsOf(indexById.get(from) ?? -1, indexById.get(to) ?? -1).map((point) => ({ x: point.x + shift, y: point.y })),
    })),
  };
}

/**
 * dagre's order step, when every row's order is already known: each row's steps as packed, and
 * between two rows (dagre makes each edge two ranks long, with a dummy node halfway) the dummies
 * in the order of the steps their edges leave, then of those they reach, so that no two cross
 * above the dummies. dagre's own ordering searched for an order under constraints that fixed
 * the steps' order anyway: a 200-step layout took 133 ms in Node with that search, 44 ms without.
 */
function orderAsPacked(graph: Graph<GraphLabel, NodeLabel, EdgeLabel>, positionOf: ReadonlyMap<string, number>): void {
  const ranks = new Map<number, { key: string; first: number; second: number }[]>();
  for (const key of graph.nodes()) {
    const node = graph.node(key);
    const edge = node.edgeObj;
    const place = positionOf.has(key) ? { key, first: positionOf.get(key) ?? 0, second: 0 } : { key, first: positionOf.get(edge?.v ?? '') ?? 0, second: positionOf.get(edge?.w ?? '') ?? 0 };
    const rank = node.rank ?? 0;
    const members = ranks.get(rank);
    if (members) members.push(place);
    else ranks.set(rank, [place]);
  }
  for (const members of ranks.values()) {
    members.sort((a, b) => a.first - b.first || a.second - b.second);
    members.forEach(({ key }, order) => (graph.node(key).order = order));
  }
}

const graphLabel: GraphLabel = { rankdir: 'TB', nodesep: nodeSeparation, ranksep: rankSeparation, edgesep: edgeSeparation, marginx: margin, marginy: margin };

/** Where the line from `node`'s centre towards `toward` crosses its bottom (or top) side, kept off the corners. */
function sideOf(node: NodeLabel, toward: { x?: number; y?: number }, side: 'top' | 'bottom'): Point {
  const x = node.x ?? 0;
  const y = node.y ?? 0;
  const half = nodeHeight / 2;
  const sideY = side === 'bottom' ? y + half : y - half;
  const dy = (toward.y ?? y) - y;
  const reach = node.width / 2 - 4;
  if (side === 'bottom' ? dy <= half : dy >= -half) return { x, y: sideY };
  const across = (((toward.x ?? x) - x) * half) / Math.abs(dy);
  return { x: x + Math.max(-reach, Math.min(reach, across)), y: sideY };
}

type Interval = readonly [number, number];

/** Where an edge can pass a row: left of it, between its nodes, right of it, keeping clear of the boxes. */
function freeIntervals(boxes: readonly { left: number; right: number }[]): Interval[] {
  const clearance = 5;
  const intervals: Interval[] = [];
  let from = Number.NEGATIVE_INFINITY;
  for (const box of boxes) {
    if (box.left - clearance >= from) intervals.push([from, box.left - clearance]);
    from = Math.max(from, box.right + clearance);
  }
  intervals.push([from, Number.POSITIVE_INFINITY]);
  return intervals;
}

function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const result: Interval[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const [aFrom, aTo] = a[i] as Interval;
    const [bFrom, bTo] = b[j] as Interval;
    if (Math.max(aFrom, bFrom) <= Math.min(aTo, bTo)) result.push([Math.max(aFrom, bFrom), Math.min(aTo, bTo)]);
    if (aTo < bTo) i++;
    else j++;
  }
  return result;
}

/** The point of `intervals` nearest `wanted`, moved by `offset` as far as its interval allows. */
function nearest(intervals: readonly Interval[], wanted: number, offset: number): number {
  let best = wanted;
  let distance = Number.POSITIVE_INFINITY;
  for (const [from, to] of intervals) {
    const x = Math.min(to, Math.max(from, wanted));
    if (Math.abs(x - wanted) < distance) [best, distance] = [Math.min(to, Math.max(from, x + offset)), Math.abs(x - wanted)];
  }
  return best;
}

/**
 * The way down from `source` (row `fromRow`) to `target` (row `toRow`), round the rows between:
 * along the channel below the source's row, straight down the line nearest the bundle's end
 * that is clear in every row between (beside them if need be), along the channel above the
 * target's row; where no line is
 * clear all the way, down the gap of each row nearest the straight line. Corners are rounded
 * when drawn.
 */
function routeThroughRows(
  source: NodeLabel,
  target: NodeLabel,
  fromRow: number,
  toRow: number,
  rows: readonly { top: number; bottom: number; boxes: readonly { left: number; right: number }[] }[],
  bundle: { lane: number; near: 'source' | 'target' },
): Point[] {
  const offset = ((bundle.lane % 5) - 2) * laneSpacing;
  const startX = source.x ?? 0;
  const endX = target.x ?? 0;
  const channel = (row: number) => ((rows[row]?.bottom ?? 0) + (rows[row + 1]?.top ?? 0)) / 2 + offset;
  const free = rows.slice(fromRow + 1, toRow).map((row) => freeIntervals(row.boxes));
  const clear = free.reduce(intersect);
  const points: Point[] = [
    { x: startX, y: (source.y ?? 0) + nodeHeight / 2 },
    { x: startX, y: channel(fromRow) },
  ];
  if (clear.length > 0) {
    const x = nearest(clear, bundle.near === 'target' ? endX : startX, 2 * offset);
    points.push({ x, y: channel(fromRow) }, { x, y: channel(toRow - 1) });
  } else {
    free.forEach((intervals, index) => {
      const row = fromRow + 1 + index;
      const x = nearest(intervals, startX + ((endX - startX) * (row - fromRow)) / (toRow - fromRow), 2 * offset);
      points.push({ x, y: channel(row - 1) }, { x, y: channel(row) });
    });
  }
  points.push({ x: endX, y: channel(toRow - 1) }, { x: endX, y: (target.y ?? 0) - nodeHeight / 2 });
  return points;
}

/** Dependencies in a cycle (a plan no parser accepts, but a graph must still draw): dagre ranks it. */
function layoutCycle(prepared: PreparedGraph): PlanGraphLayout {
  const graph = new Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: false });
  graph.setDefaultEdgeLabel(() => ({}));
  graph.setGraph(graphLabel);
  for (const node of prepared.nodes) graph.setNode(node.key, { width: node.width, height: nodeHeight });
  prepared.nodes.forEach((node) => node.deps.forEach((dependency) => graph.setEdge(prepared.nodes[dependency]!.key, node.key)));
  const keys = prepared.nodes.map((node) => node.key);
  layout(graph, { constraints: keys.length > maximumOrderedNodes ? [] : keys.flatMap((left, index) => keys.slice(index + 1).map((right) => ({ left, right }))) });
  const keyById = new Map(prepared.nodes.map((node) => [node.id, node.key]));
  return {
    width: Math.ceil(graph.graph().width ?? 0),
    height: Math.ceil(graph.graph().height ?? 0),
    nodes: prepared.nodes.map(({ id, key, label, missing }): PlanGraphNode => {
      const node = graph.node(key);
      return { id, label, missing, x: node.x ?? 0, y: node.y ?? 0, width: node.width, height: node.height };
    }),
    edges: prepared.edges.map(({ from, to }) => ({ from, to, points: graph.edge(keyById.get(from) ?? '', keyById.get(to) ?? '')?.points ?? [] })),
  };
}
