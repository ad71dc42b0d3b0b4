import { lazy, Suspense, useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { DemoEntry } from '../core/trace/trace.ts';
import { compareRuns, openRun, resumeRun } from '../store/run-actions.ts';
import { useAppStore } from '../store/store.ts';
import { loadDemoIndex, playDemo } from './demos.ts';
import { WaysForward } from './run-problem.tsx';

// What the workspace says above the plan: the approval dialog, a problem or a notice, an
// interrupted run, a version's origin, the welcome on first open.

// The approval dialog loads when a step first waits for approval.
const ApprovalDialog = lazy(() => import('./approval-dialog.tsx'));

/** The approval dialog for the first step that waits (one decision at a time, in plan order). */
export function ApprovalDialogs() {
  const waiting = useAppStore(useShallow((state) => state.activeRun?.steps.filter((step) => step.status === 'waiting-for-approval') ?? []));
  const [first] = waiting;
  if (!first) return null;
  return (
    <Suspense fallback={null}>
      <ApprovalDialog step={first} others={waiting.length - 1} />
    </Suspense>
  );
}

/** On a version: which run it was made from, and what changed. */
export function VersionNote() {
  const summary = useAppStore((state) => state.runIndex.find((run) => run.id === state.activeRunId));
  if (!summary?.parentId) return null;
  const parentId = summary.parentId;
  return (
    <p className="panel" role="status">
      <span className="hint">
        A version of{' '}
        <button className="link" onClick={() => void openRun(parentId)}>
          the earlier run
        </button>{' '}
        ({summary.change ?? 'changed'}): steps whose call did not change took its evidence without running again.
      </span>{' '}
      <button onClick={() => void compareRuns(parentId, summary.id)}>Compare</button>
    </p>
  );
}

export function Notice({ onOpenSettings }: { onOpenSettings: () => void }) {
  const notice = useAppStore((state) => state.notice);
  const progress = useAppStore((state) => state.modelProgress);
  const interrupted = useAppStore((state) => state.runIndex.find((run) => run.id === state.activeRunId && run.status === 'interrupted' && !run.imported));
  return (
    <>
      {interrupted && (
        <p className="panel" role="status">
          This run was interrupted when the page closed. Its finished steps are kept.{' '}
          <button className="primary" onClick={() => void resumeRun(interrupted.id)}>
            Resume
          </button>
        </p>
      )}
      {notice && (
        <div className="panel error" role="alert">
          <p>
            {notice.message} {notice.hint && <span className="hint">{notice.hint}</span>}
          </p>
          {notice.actions && <WaysForward onOpenSettings={onOpenSettings} />}
          {notice.undo && (
            <button type="button" onClick={notice.undo}>
              Undo
            </button>
          )}
        </div>
      )}
      {progress && (
        <p className="panel">
          <label>
            {progress.text} <progress value={progress.progress} max={1} />
          </label>
        </p>
      )}
    </>
  );
}

/** On first open (no runs yet): the demo traces, one click to watch. */
export function Welcome() {
  const hasRuns = useAppStore((state) => state.runIndex.length > 0 || state.activeRunId !== null);
  const [demos, setDemos] = useState<DemoEntry[]>([]);
  useEffect(() => {
    if (hasRuns) return;
    loadDemoIndex()
      .then(setDemos)
      .catch(() => setDemos([]));
  }, [hasRuns]);
  if (hasRuns || demos.length === 0) return null;
  return (
    <section className="panel" aria-label="Welcome">
      <h2>Welcome to Stepwise</h2>
      <p>Type a task above, or watch a recorded run first (no model or network needed):</p>
      <ul>
        {demos.map((demo) => (
          <li key={demo.id}>
            <button className="link" onClick={() => void playDemo(demo).catch(() => undefined)}>
              {demo.title}
            </button>
            {demo.description && <span className="hint"> {demo.description}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
