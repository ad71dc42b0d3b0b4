import { useAppStore } from '../store/store.ts';
import { tokens } from './format.ts';

const seconds = (ms: number | undefined) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(2)} s`);

/** Tokens per role and where the time went. */
export function UsagePanel() {
  const run = useAppStore((state) => state.activeRun);
  if (!run || run.status === 'idle') return null;
  const toolMs = run.steps.reduce((total, step) => total + (step.durationMs ?? 0), 0);
  const modelMs = (run.plan.durationMs ?? 0) + (run.answer.durationMs ?? 0) + run.steps.reduce((total, step) => total + (step.dispatch && step.dispatch.path !== 'fast-path' ? step.dispatch.durationMs : 0), 0);
  return (
    <section className="panel" aria-label="Usage">
      <h2>Usage</h2>
      <dl className="form-grid">
        <dt>Planner</dt>
        <dd>{tokens(run.usage.planner)}</dd>
        <dt>Tool caller</dt>
        <dd>{tokens(run.usage.toolCaller)}</dd>
        <dt>Solver</dt>
        <dd>{tokens(run.usage.solver)}</dd>
        <dt>Model time</dt>
        <dd>{seconds(modelMs)}</dd>
        <dt>Tool time</dt>
        <dd>{seconds(toolMs)}</dd>
        <dt>Wall time</dt>
        <dd>{seconds(run.endedAt ?? run.lastEventAt)}</dd>
      </dl>
    </section>
  );
}
