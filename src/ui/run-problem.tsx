import type { RunState } from '../core/run/run-state.ts';
import type { ErrorInfo } from '../core/run/events.ts';
import { useAppStore } from '../store/store.ts';
import { loadDemoIndex, playDemo } from './demos.ts';

/** Replays the first demo at the chosen speed: a way to see Stepwise work with nothing set up. */
export async function watchFirstDemo(): Promise<void> {
  try {
    const [demo] = await loadDemoIndex();
    if (!demo) throw new Error('no demo is listed');
    await playDemo(demo);
  } catch (error) {
    useAppStore.getState().setNotice({ message: `The demo could not be opened: ${error instanceof Error ? error.message : String(error)}.` });
  }
}

/** Why the run on screen has no answer, if it failed: the plan's, the solver's or the run's error, once. */
export function runProblem(run: RunState | null): ErrorInfo | undefined {
  if (!run) return undefined;
  const error = run.plan.error ?? run.answer.error ?? (run.status === 'failed' ? run.error : undefined);
  if (!error || error.name === 'RunAbortedError') return undefined;
  return error;
}

/** The ways forward a problem offers: Settings, and a demo that needs nothing set up. */
export function WaysForward({ onOpenSettings }: { onOpenSettings: () => void }) {
  return (
    <span className="controls">
      <button type="button" className="primary" onClick={onOpenSettings}>
        Open Settings
      </button>
      <button type="button" onClick={() => void watchFirstDemo()}>
        Watch a demo
      </button>
    </span>
  );
}

/**
 * What went wrong with the run on screen, in one place (not in the plan and again in the
 * Summary), with what to do next.
 */
export function RunProblem({ onOpenSettings }: { onOpenSettings: () => void }) {
  const problem = useAppStore((state) => runProblem(state.activeRun));
  if (!problem) return null;
  const setup = problem.name === 'ModelLoadError' || problem.name === 'EngineSetupError' || problem.name === 'EndpointError';
  return (
    <div className="panel error run-problem" role="alert">
      <p>
        {problem.message} {problem.hint && <span className="hint">{problem.hint}</span>}
      </p>
      {setup && <WaysForward onOpenSettings={onOpenSettings} />}
    </div>
  );
}
