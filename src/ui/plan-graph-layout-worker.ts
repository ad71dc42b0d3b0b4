/// <reference lib="webworker" />
import type { PlanGraphShape } from './plan-graph-layout.ts';
import { fitPlanGraph } from './plan-graph-view.ts';

/** A layout request from the page: the graph's shape and the box it has to fit. */
export interface LayoutRequest {
  id: number;
  shape: PlanGraphShape[];
  box: { width: number; maxHeight: number };
}

// Lays graphs out off the page's thread: dagre takes hundreds of milliseconds for 200 steps,
// and tens for a few steps the first time (its code is still cold).
self.addEventListener('message', (event: MessageEvent<LayoutRequest>) => {
  const { id, shape, box } = event.data;
  const started = performance.now();
  const layout = fitPlanGraph(shape, box);
  self.postMessage({ id, layout, ms: performance.now() - started });
});
