import { useEffect, useMemo } from 'react';
import { isReplaying, pauseReplay, resumeReplay, setReplaySpeed, startReplay, stepReplay } from '../store/run-actions.ts';
import { importTrace } from '../core/trace/trace.ts';
import { useAppStore } from '../store/store.ts';
import { PanelBoundary } from './panel-boundary.tsx';
import { PresenterCaption, startPresenting } from './presenter.tsx';
import { PlanList, SummaryRegion } from './run-view.tsx';
import { SidePanels } from './side-panels.tsx';
import { StepDetails } from './step-details.tsx';
import { RunStatusLine } from './task-bar.tsx';
import { replaySpeeds, speedKey } from './trace-controls.tsx';
import { Workspace } from './workspace.tsx';

/**
 * The replay page (Export → Replay page): one file that replays the run it carries, from disk,
 * with no network, no settings, no model and no tool. Pause, Step, Continue and the speed drive
 * the replay; Present shows it to an audience.
 */
export function ReplayPage({ traceText }: { traceText: string }) {
  const imported = useMemo(() => importTrace(traceText), [traceText]);
  const trace = imported.ok ? imported.trace : null;
  const problems = imported.ok ? [] : imported.problems;
  const replay = useAppStore((state) => state.replayStatus);
  const speed = useAppStore((state) => state.replaySpeed);

  // The page opens replaying its run.
  useEffect(() => {
    if (trace) startReplay(trace, useAppStore.getState().replaySpeed);
  }, [trace]);

  return (
    <div className="app embed replay-page">
      <header className="app-header">
        <div className="header-row">
          <h1>Stepwise replay</h1>
          <RunStatusLine />
          <span className="spacer" />
          <button type="button" onClick={pauseReplay} disabled={replay !== 'playing'}>
            Pause
          </button>
          <button type="button" onClick={stepReplay} disabled={replay === 'idle'}>
            Step
          </button>
          <button type="button" onClick={resumeReplay} disabled={replay !== 'paused'}>
            Continue
          </button>
          <button type="button" disabled={!trace || isReplaying()} onClick={() => trace && startReplay(trace, speed)}>
            Replay again
          </button>
          <select aria-label="Replay speed" value={speedKey(speed)} onChange={(event) => setReplaySpeed(replaySpeeds.find((option) => speedKey(option.value) === event.target.value)?.value ?? 1)}>
            {replaySpeeds.map((option) => (
              <option key={option.label} value={speedKey(option.value)}>
                {option.label}
              </option>
            ))}
          </select>
          <button type="button" disabled={!trace} onClick={() => void startPresenting()}>
            Present
          </button>
        </div>
        {trace && <p className="replay-task">{trace.run.task}</p>}
      </header>
      {problems.length > 0 ? (
        <main className="workspace stacked">
          <div className="panel error" role="alert">
            <p>This page's run cannot be replayed:</p>
            <ul>
              {problems.map((problem, index) => (
                <li key={index}>{problem}</li>
              ))}
            </ul>
          </div>
        </main>
      ) : (
        <Workspace
          plan={
            <PanelBoundary name="Plan">
              <PlanList />
            </PanelBoundary>
          }
          details={
            <>
              <PanelBoundary name="Step details">
                <StepDetails />
              </PanelBoundary>
              <PanelBoundary name="Summary">
                <SummaryRegion />
              </PanelBoundary>
            </>
          }
          panels={<SidePanels embed />}
        />
      )}
      <PresenterCaption />
    </div>
  );
}
