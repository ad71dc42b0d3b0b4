import { lazy, Suspense, useDeferredValue, type ReactNode } from 'react';
import type { PanelTab } from '../store/runs-slice.ts';
import { useAppStore } from '../store/store.ts';
import { integer } from './format.ts';
import { PanelBoundary } from './panel-boundary.tsx';
import { RunHistory } from './run-history.tsx';
import { Tabs, type TabItem } from './tabs.tsx';
import { Timeline } from './timeline.tsx';
import { UsagePanel } from './usage-panel.tsx';

// The graph (with its layout code), Calls and Compare (with its diff library) load when their
// tab is first shown: none of them is in the first load.
const PlanGraph = lazy(() => import('./plan-graph.tsx').then((module) => ({ default: module.PlanGraph })));
const CallsPanel = lazy(() => import('./calls-panel.tsx'));
const Comparison = lazy(() => import('./comparison.tsx'));

function GraphPanel() {
  // Deferred like the plan's cards: the graph re-renders in slices that leave the page free between them.
  const steps = useDeferredValue(useAppStore((state) => state.activeRun?.steps));
  if (!steps || steps.length === 0) return <p className="hint">The graph of the plan appears here once the planner writes steps.</p>;
  return (
    <section aria-label="Graph">
      <Suspense fallback={<p className="hint">Drawing the graph…</p>}>
        {/* A click on a node focuses its card, which selects the step. */}
        <PlanGraph steps={steps} />
      </Suspense>
    </section>
  );
}

function TimelinePanel() {
  const run = useAppStore((state) => state.activeRun);
  if (!run || run.steps.length === 0) return <p className="hint">The timeline shows when each step ran, once steps start.</p>;
  return (
    <section aria-label="Timeline">
      <Timeline run={run} />
    </section>
  );
}

function Calls() {
  const hasCalls = useAppStore((state) => (state.activeRun?.calls.length ?? 0) > 0);
  if (!hasCalls) return <p className="hint">Every model request of the run (planner, tool caller, solver, the llm tool) appears here.</p>;
  return (
    <Suspense fallback={<p className="hint">Loading the calls…</p>}>
      <CallsPanel />
    </Suspense>
  );
}

function Usage() {
  const hasRun = useAppStore((state) => state.activeRun !== null && state.activeRun.status !== 'idle');
  return hasRun ? <UsagePanel /> : <p className="hint">Tokens and time per role appear here once a run starts.</p>;
}

const content: Record<PanelTab, () => ReactNode> = {
  graph: () => <GraphPanel />,
  timeline: () => <TimelinePanel />,
  calls: () => <Calls />,
  usage: () => <Usage />,
  history: () => <RunHistory />,
  comparison: () => (
    <Suspense fallback={<p className="hint">Loading Compare…</p>}>
      <Comparison />
    </Suspense>
  ),
};

const names: Record<PanelTab, string> = { graph: 'Graph', timeline: 'Timeline', calls: 'Calls', usage: 'Usage', history: 'History', comparison: 'Comparison' };

/**
 * The workspace's tabbed panels: Graph, Timeline, Calls, Usage, History, and Comparison while
 * two runs are compared. Only the shown panel renders.
 */
export function SidePanels({ embed = false }: { embed?: boolean }) {
  const tab = useAppStore((state) => state.panelTab);
  const comparing = useAppStore((state) => state.comparison !== null);
  const calls = useAppStore((state) => state.activeRun?.calls.length ?? 0);
  const runs = useAppStore((state) => state.runIndex.length);
  const shown: PanelTab = (tab === 'comparison' && !comparing) || (embed && (tab === 'history' || tab === 'comparison')) ? 'graph' : tab;
  const badges: Partial<Record<PanelTab, string>> = { ...(calls > 0 ? { calls: integer.format(calls) } : {}), ...(runs > 0 ? { history: integer.format(runs) } : {}) };
  // Embedded (`?embed`), the run is all there is: no history, no comparison.
  const shownTabs: readonly PanelTab[] = embed ? ['graph', 'timeline', 'calls', 'usage'] : ['graph', 'timeline', 'calls', 'usage', 'history', ...(comparing ? (['comparison'] as const) : [])];
  const tabs: TabItem<PanelTab>[] = shownTabs.map((id) => ({
    id,
    label: names[id],
    ...(badges[id] ? { badge: badges[id] } : {}),
  }));
  return (
    <Tabs label="Panels" tabs={tabs} selected={shown} onSelect={(id) => useAppStore.getState().showPanel(id)}>
      <PanelBoundary name={names[shown]}>{content[shown]()}</PanelBoundary>
    </Tabs>
  );
}
