import { useState } from 'react';
import { compareRuns, deleteRun, openRun } from '../store/run-actions.ts';
import { count } from './format.ts';
import type { RunSummary } from '../store/runs-slice.ts';
import { useAppStore } from '../store/store.ts';

/** Runs in history order, each version right under its parent (newest first), with its depth. */
function withVersionsUnderParents(runs: readonly RunSummary[]): { run: RunSummary; depth: number }[] {
  const ids = new Set(runs.map((run) => run.id));
  const children = new Map<string, RunSummary[]>();
  for (const run of runs) {
    if (run.parentId === undefined || !ids.has(run.parentId)) continue;
    children.set(run.parentId, [...(children.get(run.parentId) ?? []), run]);
  }
  const ordered: { run: RunSummary; depth: number }[] = [];
  const visit = (run: RunSummary, depth: number) => {
    ordered.push({ run, depth });
    for (const child of children.get(run.id) ?? []) visit(child, depth + 1);
  };
  for (const run of runs) if (run.parentId === undefined || !ids.has(run.parentId)) visit(run, 0);
  return ordered;
}

/** Past runs: search, open, delete; versions under the run they were made from. */
export function RunHistory() {
  const runs = useAppStore((state) => state.runIndex);
  const activeRunId = useAppStore((state) => state.activeRunId);
  const [query, setQuery] = useState('');
  const [judged, setJudged] = useState<'all' | 'good' | 'bad' | 'none'>('all');
  const matches = (run: RunSummary) =>
    run.task.toLowerCase().includes(query.trim().toLowerCase()) && (judged === 'all' || (judged === 'none' ? run.judgement === undefined : run.judgement?.verdict === judged));
  const shown = withVersionsUnderParents(runs.filter(matches));
  const openTrainingExport = useAppStore((state) => state.setTrainingExportOpen);
  return (
    <section className="panel" aria-label="History">
      <h2>History</h2>
      <div className="history-filters">
        <input type="search" aria-label="Search runs" placeholder="Search runs" value={query} onChange={(event) => setQuery(event.target.value)} />
        <select aria-label="Judgement" value={judged} onChange={(event) => setJudged(event.target.value as typeof judged)}>
          <option value="all">Every run</option>
          <option value="good">Judged good</option>
          <option value="bad">Judged bad</option>
          <option value="none">Not judged</option>
        </select>
        <button type="button" title="Datasets for fine-tuning from the runs you judged good" onClick={() => openTrainingExport(true)}>
          Export training data
        </button>
      </div>
      <ul className="history-list">
        {shown.map(({ run, depth }) => (
          <li key={run.id} aria-current={run.id === activeRunId ? 'true' : undefined} style={{ paddingInlineStart: `${Math.min(depth, 6)}rem` }}>
            {depth > 0 && <span className="hint">↳ version ({run.change ?? 'changed'}): </span>}
            <button className="link" onClick={() => void openRun(run.id)} title={run.task}>
              {run.task.length > 60 ? `${run.task.slice(0, 60)}…` : run.task}
            </button>
            <span className="hint">
              {' '}
              {run.status}, {count(run.stepCount, 'step')}, {new Date(run.createdAt).toLocaleString()}
            </span>{' '}
            {run.judgement && (
              <span className={`verdict verdict-${run.judgement.verdict}`} title={run.judgement.note}>
                {run.judgement.verdict === 'good' ? 'good' : 'bad'}
              </span>
            )}{' '}
            {run.private && (
              <>
                <span className="verdict" title="Never in training data">
                  private
                </span>{' '}
              </>
            )}
            {activeRunId && run.id !== activeRunId && (
              <>
                <button aria-label={`Compare with the run on screen: ${run.task}`} title="Compare this run with the run on screen" onClick={() => void compareRuns(run.id, activeRunId)}>
                  Compare
                </button>{' '}
              </>
            )}
            <button aria-label={`Delete: ${run.task}`} onClick={() => void deleteRun(run.id)}>
              Delete
            </button>
          </li>
        ))}
        {shown.length === 0 && <li className="hint">{runs.length === 0 ? 'No runs yet.' : 'No run matches.'}</li>}
      </ul>
    </section>
  );
}
