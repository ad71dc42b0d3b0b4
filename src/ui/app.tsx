import { lazy, Suspense, useEffect, useState } from 'react';
import { formatPlanText } from '../core/plan/plan-text.ts';
import { copyActiveRunLink, exportActiveOtlp, exportActiveReplayPage, exportActiveTrace, openTrace, reportTask, restoreAfterReload, sendActiveOtlp, setReplaySpeed, startReplay } from '../store/run-actions.ts';
import { useAppStore } from '../store/store.ts';
import { warmRuntimeWhenIdle } from '../store/load-runtime.ts';
import { ImportedRunPanel } from './imported-run.tsx';
import { ApprovalDialogs, Notice, VersionNote, Welcome } from './notices.tsx';
import { PanelBoundary } from './panel-boundary.tsx';
import { pageMode, PresenterCaption, startPresenting } from './presenter.tsx';
import { PlanEditorPanel, type PlanEditorTarget } from './plan-editor-panel.tsx';
import { RunJudgementBar } from './run-judgement.tsx';
import { RunProblem, runProblem } from './run-problem.tsx';
import { PlanList, SummaryRegion } from './run-view.tsx';
import { SidePanels } from './side-panels.tsx';
import { StepDetails } from './step-details.tsx';
import { RunStatusLine, TaskBar } from './task-bar.tsx';
import { useTheme, type Theme } from './theme.ts';
import { TraceControls } from './trace-controls.tsx';
import { useZeroServerDefault } from './use-zero-server-default.ts';
import { Workspace } from './workspace.tsx';

// Settings and Tools load when they are first opened: neither is in the first load.
const SettingsDialog = lazy(() => import('./settings-dialog.tsx').then((module) => ({ default: module.SettingsDialog })));
const ToolkitDialog = lazy(() => import('./toolkit-dialog.tsx').then((module) => ({ default: module.ToolkitDialog })));
const TrainingDialog = lazy(() => import('./training-dialog.tsx').then((module) => ({ default: module.TrainingDialog })));

/** Opens the run on screen's plan in the editor; running it makes a version. */
function EditPlanButton({ onEdit }: { onEdit: (target: PlanEditorTarget) => void }) {
  const runId = useAppStore((state) => state.activeRunId);
  const steps = useAppStore((state) => state.activeRun?.steps);
  if (!runId || !steps || steps.length === 0) return null;
  return (
    <p>
      <button onClick={() => onEdit({ initial: formatPlanText(steps), parentRunId: runId })}>Edit plan</button>
    </p>
  );
}

function TracePanel() {
  const activeRunId = useAppStore((state) => state.activeRunId);
  const speed = useAppStore((state) => state.replaySpeed);
  return (
    <TraceControls
      onExport={exportActiveTrace}
      onExportOtlp={exportActiveOtlp}
      onSendOtlp={sendActiveOtlp}
      onCopyLink={copyActiveRunLink}
      onExportReplayPage={exportActiveReplayPage}
      onExportTrainingData={() => useAppStore.getState().setTrainingExportOpen(true)}
      canExport={activeRunId !== null}
      exportFileName={`stepwise-${activeRunId?.slice(0, 8) ?? 'trace'}.json`}
      onImport={openTrace}
      onReplay={startReplay}
      speed={speed}
      onSpeedChange={setReplaySpeed}
    />
  );
}

function ThemeSelect() {
  const [theme, setTheme] = useTheme();
  return (
    <select aria-label="Theme" title="Colours: follow the system, or always light or dark" value={theme} onChange={(event) => setTheme(event.target.value as Theme)}>
      <option value="system">System theme</option>
      <option value="light">Light</option>
      <option value="dark">Dark</option>
    </select>
  );
}

export function App() {
  const [settingsOpen, setSettingsOpen] = useState(false);
  // Mounted when first opened (their code loads then), kept mounted afterwards.
  const [settingsOpened, setSettingsOpened] = useState(false);
  if (settingsOpen && !settingsOpened) setSettingsOpened(true);
  const [task, setTask] = useState('');
  // The Task box follows the run on screen (a demo, an import, History, a version): Run then
  // starts the task that is displayed. Adjusted while rendering, as React advises for this.
  const shownRunId = useAppStore((state) => state.activeRunId);
  // A run just started has no events yet: its summary has the task.
  const shownTask = useAppStore((state) => state.activeRun?.task || state.runIndex.find((run) => run.id === state.activeRunId)?.task);
  const [followedRunId, setFollowedRunId] = useState<string | null>(null);
  if (shownRunId !== followedRunId) {
    setFollowedRunId(shownRunId);
    if (shownRunId !== null && shownTask !== undefined && shownTask !== reportTask) setTask(shownTask);
  }
  const [planEditor, setPlanEditor] = useState<PlanEditorTarget | null>(null);
  const zeroServer = useZeroServerDefault();
  // The banner promised an in-browser model; once it failed to load, the problem says so instead.
  const modelFailed = useAppStore((state) => runProblem(state.activeRun)?.name === 'ModelLoadError' || state.notice?.actions !== undefined);
  const [toolsOpen, setToolsOpen] = useState(false);
  const [toolsOpened, setToolsOpened] = useState(false);
  if (toolsOpen && !toolsOpened) setToolsOpened(true);
  const trainingOpen = useAppStore((state) => state.trainingExportOpen);
  const [trainingOpened, setTrainingOpened] = useState(false);
  if (trainingOpen && !trainingOpened) setTrainingOpened(true);
  useEffect(() => {
    // Embedded, only the run the link carries is shown, never this browser's own history.
    void restoreAfterReload({ openLatest: !pageMode.embed }).then(() => {
      if (pageMode.present) void startPresenting();
    });
    if (!pageMode.embed) warmRuntimeWhenIdle();
  }, []);
  const hasRun = useAppStore((state) => state.activeRunId !== null);
  const openSettings = () => setSettingsOpen(true);

  const details = (
    <>
      <PanelBoundary name="Step details">
        <StepDetails />
      </PanelBoundary>
      <PanelBoundary name="Summary">
        <SummaryRegion />
        {!pageMode.embed && <RunJudgementBar />}
      </PanelBoundary>
    </>
  );

  // `?embed`: the run only, for an iframe: no header, settings, history or changes to the run.
  if (pageMode.embed) {
    return (
      <div className="app embed">
        <header className="app-header">
          <div className="header-row">
            <h1>Stepwise</h1>
            <RunStatusLine />
          </div>
        </header>
        <Workspace
          plan={
            <PanelBoundary name="Plan">
              <RunProblem onOpenSettings={openSettings} />
              <PlanList />
            </PanelBoundary>
          }
          details={details}
          panels={<SidePanels embed />}
        />
      </div>
    );
  }

  const plan = (
    <>
      {zeroServer.status === 'in-browser' && !modelFailed && (
        <p className="panel hint" role="status">
          {zeroServer.message}
        </p>
      )}
      <PanelBoundary name="Notices">
        <Notice onOpenSettings={openSettings} />
        <RunProblem onOpenSettings={openSettings} />
        <VersionNote />
        <ImportedRunPanel />
        <Welcome />
        <ApprovalDialogs />
      </PanelBoundary>
      {planEditor && (
        <PanelBoundary name="Plan editor">
          <PlanEditorPanel key={planEditor.parentRunId ?? 'new'} target={planEditor} task={task} onClose={() => setPlanEditor(null)} />
        </PanelBoundary>
      )}
      <PanelBoundary name="Plan">
        <EditPlanButton onEdit={setPlanEditor} />
        <PlanList />
      </PanelBoundary>
    </>
  );

  return (
    <div className="app">
      <header className="app-header">
        <div className="header-row">
          <h1>Stepwise</h1>
          <RunStatusLine />
          <span className="spacer" />
          <PanelBoundary name="Trace controls">
            <TracePanel />
          </PanelBoundary>
          <button type="button" disabled={!hasRun} title="Present this run: large type, each step in turn (Space pauses, → steps, Escape leaves)" onClick={() => void startPresenting()}>
            Present
          </button>
          <button onClick={() => setToolsOpen(true)}>Tools</button>
          <button onClick={openSettings}>Settings</button>
          <ThemeSelect />
        </div>
        <PanelBoundary name="Task bar">
          <TaskBar task={task} setTask={setTask} onWritePlan={() => setPlanEditor({ initial: '' })} />
        </PanelBoundary>
      </header>
      <Workspace plan={plan} details={details} panels={<SidePanels />} />
      <PresenterCaption />
      <PanelBoundary name="Settings">
        {settingsOpened && (
          <Suspense fallback={null}>
            <SettingsDialog open={settingsOpen} onClose={() => setSettingsOpen(false)} task={task} />
          </Suspense>
        )}
      </PanelBoundary>
      <PanelBoundary name="Tools">
        {toolsOpened && (
          <Suspense fallback={null}>
            <ToolkitDialog open={toolsOpen} onClose={() => setToolsOpen(false)} />
          </Suspense>
        )}
      </PanelBoundary>
      <PanelBoundary name="Export training data">
        {trainingOpened && (
          <Suspense fallback={null}>
            <TrainingDialog open={trainingOpen} onClose={() => useAppStore.getState().setTrainingExportOpen(false)} />
          </Suspense>
        )}
      </PanelBoundary>
    </div>
  );
}
