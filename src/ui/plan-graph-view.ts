import { choosePlanGraphRowWidth, layoutPlanGraph, narrowerPlanGraphRowWidth, readableScale, type PlanGraphLayout, type PlanGraphShape } from './plan-graph-layout.ts';

/** What part of the graph shows: the `viewBox` origin in user units and how many CSS pixels a unit takes. */
export interface PlanGraphView {
  x: number;
  y: number;
  scale: number;
}

/** The picture's box on the page and the view that shows the whole graph in it. */
export interface PlanGraphFrame {
  /** CSS pixels: the container's width, and the height the fitted graph needs. */
  width: number;
  height: number;
  graphWidth: number;
  graphHeight: number;
  fit: PlanGraphView;
  /** Zooming out stops at the fitted view; zooming in at `maxScale`. */
  minScale: number;
  maxScale: number;
}

/** Zoom in as far as three times the natural size. */
const maximumScale = 3;

/**
 * The frame for a graph of `graph.width` × `graph.height` user units in a container
 * `box.width` CSS pixels wide whose visible height is at most `box.maxHeight`. Fitted, the whole
 * graph shows, never larger than 1:1 and never wider than the container; to fit the height it
 * is not scaled below `readableScale`: past that the picture is taller than the box, which then
 * scrolls vertically.
 */
export function planGraphFrame(graph: { width: number; height: number }, box: { width: number; maxHeight: number }): PlanGraphFrame {
  const graphWidth = Math.max(1, graph.width);
  const graphHeight = Math.max(1, graph.height);
  const width = Math.max(1, box.width);
  const scale = Math.min(1, width / graphWidth, Math.max(readableScale, box.maxHeight / graphHeight));
  const height = Math.max(1, Math.ceil(graphHeight * scale));
  return {
    width,
    height,
    graphWidth,
    graphHeight,
    fit: { x: (graphWidth - width / scale) / 2, y: (graphHeight - height / scale) / 2, scale },
    minScale: scale,
    maxScale: Math.max(scale, maximumScale),
  };
}

/** The `viewBox` attribute for a view. */
export function viewBoxOf(view: PlanGraphView, frame: PlanGraphFrame): string {
  const round = (value: number) => Math.round(value * 100) / 100;
  return `${round(view.x)} ${round(view.y)} ${round(frame.width / view.scale)} ${round(frame.height / view.scale)}`;
}

/** Keeps the view's centre on the graph, so that panning never loses it. */
function clampView(view: PlanGraphView, frame: PlanGraphFrame): PlanGraphView {
  const halfWidth = frame.width / view.scale / 2;
  const halfHeight = frame.height / view.scale / 2;
  const centreX = Math.min(frame.graphWidth, Math.max(0, view.x + halfWidth));
  const centreY = Math.min(frame.graphHeight, Math.max(0, view.y + halfHeight));
  return { x: centreX - halfWidth, y: centreY - halfHeight, scale: view.scale };
}

/**
 * `view` zoomed by `factor` around `anchor` (CSS pixels from the picture's top left corner; its
 * centre by default), within the frame's limits. Zoomed out as far as it goes, it is the fitted
 * view again: `null`.
 */
export function zoomView(view: PlanGraphView | null, frame: PlanGraphFrame, factor: number, anchor?: { x: number; y: number }): PlanGraphView | null {
  const current = view ?? frame.fit;
  const scale = Math.min(frame.maxScale, Math.max(frame.minScale, current.scale * factor));
  if (scale <= frame.minScale * 1.001) return null;
  const at = anchor ?? { x: frame.width / 2, y: frame.height / 2 };
  const pointX = current.x + at.x / current.scale;
  const pointY = current.y + at.y / current.scale;
  return clampView({ x: pointX - at.x / scale, y: pointY - at.y / scale, scale }, frame);
}

/** `view` moved so that the picture follows a drag of `dx`, `dy` CSS pixels. */
export function panView(view: PlanGraphView | null, frame: PlanGraphFrame, dx: number, dy: number): PlanGraphView {
  const current = view ?? frame.fit;
  return clampView({ x: current.x - dx / current.scale, y: current.y - dy / current.scale, scale: current.scale }, frame);
}

/**
 * The graph laid out to fit `box`: wrapped at the row width the box suggests, and once more,
 * narrower, when the steps lined up under the steps they use made it wider than that and the
 * narrower layout shows larger. All of it runs in the layout worker where there is one.
 */
export function fitPlanGraph(shape: readonly PlanGraphShape[], box: { width: number; maxHeight: number }): PlanGraphLayout {
  const rowWidth = choosePlanGraphRowWidth(shape, { width: box.width, height: box.maxHeight });
  const wrapped = layoutPlanGraph(shape, { maxRowWidth: rowWidth });
  const narrower = narrowerPlanGraphRowWidth(wrapped, rowWidth, box);
  if (narrower === null) return wrapped;
  const rewrapped = layoutPlanGraph(shape, { maxRowWidth: narrower });
  return planGraphFrame(rewrapped, box).fit.scale > planGraphFrame(wrapped, box).fit.scale ? rewrapped : wrapped;
}
