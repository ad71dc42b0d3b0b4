import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { exportActiveTrace, isActiveRunLive, isReplaying, pauseReplay, resumeReplay, startReplay, stepReplay } from '../store/run-actions.ts';
import { useAppStore } from '../store/store.ts';

/** The page's mode from its address: `?embed` shows the run only (for an iframe); `?present` starts presenting. */
export const pageMode = (() => {
  const parameters = new URLSearchParams(globalThis.location?.search ?? '');
  return { embed: parameters.has('embed'), present: parameters.has('present') };
})();

/**
 * Present: replays the run on screen for an audience (its original timing at the chosen speed;
 * "instant" plays at 1×), with large type, the step being played selected and scrolled into
 * view, and its thought as a caption. Space pauses and goes on, → steps, Escape leaves.
 */
export async function startPresenting(): Promise<void> {
  const { replaySpeed, setPresenting } = useAppStore.getState();
  setPresenting(true);
  // A replay under way, or a live run, is followed as it goes: nothing starts again.
  if (isReplaying() || isActiveRunLive()) return;
  const text = await exportActiveTrace();
  if (!text) return;
  const { importTrace } = await import('../core/trace/trace.ts');
  const result = importTrace(text);
  if (result.ok) startReplay(result.trace, Number.isFinite(replaySpeed) ? replaySpeed : 1);
}

/** The step being played: the one that started last (running ones first). */
function currentStep(state: ReturnType<typeof useAppStore.getState>): { id: string; thought?: string; tool: string } | undefined {
  const steps = state.activeRun?.steps ?? [];
  let latest: (typeof steps)[number] | undefined;
  for (const step of steps) if (step.startedAt !== undefined && (latest?.startedAt === undefined || step.startedAt >= latest.startedAt)) latest = step;
  return latest && { id: latest.id, tool: latest.tool, ...(latest.thought ? { thought: latest.thought } : {}) };
}

/** While presenting: follows the step being played, shows its thought, and takes the presenter's keys. */
export function PresenterCaption() {
  const presenting = useAppStore((state) => state.presenting);
  const current = useAppStore(useShallow((state) => (state.presenting ? currentStep(state) : undefined)));
  const replay = useAppStore((state) => state.replayStatus);
  const followed = useRef<string | undefined>(undefined);

  // Large type for the audience (app.css: `:root[data-presenting]`).
  useEffect(() => {
    const root = document.documentElement;
    if (presenting) root.dataset.presenting = '';
    else delete root.dataset.presenting;
  }, [presenting]);

  // The step being played is the selected one, its card in view.
  useEffect(() => {
    if (!presenting || !current || current.id === followed.current) return;
    followed.current = current.id;
    useAppStore.getState().selectStep(current.id);
    document.getElementById(`step-${current.id.slice(1)}`)?.scrollIntoView?.({ block: 'center', behavior: 'smooth' });
  }, [presenting, current]);

  useEffect(() => {
    if (!presenting) return;
    const onKeyDown = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable="true"]')) return;
      if (event.key === 'Escape') useAppStore.getState().setPresenting(false);
      else if (event.key === ' ') {
        const status = useAppStore.getState().replayStatus;
        if (status === 'playing') pauseReplay();
        else if (status === 'paused') resumeReplay();
        else void startPresenting();
      } else if (event.key === 'ArrowRight' || event.key === 'ArrowDown') stepReplay();
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [presenting]);

  if (!presenting) return null;
  return (
    <div className="presenter-caption" role="status" aria-label="Presenting">
      <p>
        {current ? (
          <>
            <strong className="mono">{current.id}</strong> {current.thought ?? current.tool}
          </>
        ) : (
          'The plan is being written…'
        )}
      </p>
      <p className="hint">
        {replay === 'playing' ? 'Space pauses' : replay === 'paused' ? 'Space goes on, → steps' : 'Space plays it again'}; Escape leaves.{' '}
        <button type="button" onClick={() => useAppStore.getState().setPresenting(false)}>
          Leave
        </button>
      </p>
    </div>
  );
}
