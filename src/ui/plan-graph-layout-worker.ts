/// <reference lib="webworker" />
import { layoutPlanGraph, type PlanGraphShape } from './plan-graph-layout.ts';

/** A layout request from the page: the graph's shape and the row width to wrap at. */
export interface LayoutRequest {
  id: number;
  shape: PlanGraphShape[];
  maxRowWidth: number;
}

// Lays out large graphs off the page's thread: dagre takes hundreds of milliseconds for 200 steps.
self.addEventListener('message', (event: MessageEvent<LayoutRequest>) => {
  const { id, shape, maxRowWidth } = event.data;
  self.postMessage({ id, layout: layoutPlanGraph(shape, { maxRowWidth }) });
});
