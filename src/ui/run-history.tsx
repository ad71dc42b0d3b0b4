import { useState } from 'react';
import { deleteRun, openRun } from '../store/run-actions.ts';
import { useAppStore } from '../store/store.ts';

/** Past runs: search, open, delete. */
export function RunHistory() {
  const runs = useAppStore((state) => state.runIndex);
  const activeRunId = useAppStore((state) => state.activeRunId);
  const [query, setQuery] = useState('');
  const shown = runs.filter((run) => run.task.toLowerCase().includes(query.trim().toLowerCase()));
  return (
    <section className="panel" aria-label="History">
      <h2>History</h2>
      <input type="search" aria-label="Search runs" placeholder="Search runs" value={query} onChange={(event) => setQuery(event.target.value)} style={{ width: '100%' }} />
      <ul className="history-list">
        {shown.map((run) => (
          <li key={run.id} aria-current={run.id === activeRunId ? 'true' : undefined}>
            <button className="link" onClick={() => void openRun(run.id)} title={run.task}>
              {run.task.length > 60 ? `${run.task.slice(0, 60)}…` : run.task}
            </button>
            <span className="hint">
              {' '}
              {run.status}, {run.stepCount} steps, {new Date(run.createdAt).toLocaleString()}
            </span>{' '}
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
