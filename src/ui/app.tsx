import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { PauseReason } from '../core/run/events.ts';
import type { RunPhase } from '../core/run/run-state.ts';
import {
  continueRun,
  reportTask,
  stepReplay,
  stopReplay,
  exportActiveOtlp,
  exportActiveTrace,
  sendActiveOtlp,
  hasLiveRun,
  addBreakAt,
  compareRuns,
  openRun,
  openTrace,
  pauseReplay,
  pauseRun,
  removeBreakAt,
  restoreAfterReload,
  resumeReplay,
  resumeRun,
  runTask,
  setReplaySpeed,
  startReplay,
  stepRun,
  stopRun,
  toggleBreakpoint,
} from '../store/run-actions.ts';
import type { DemoEntry } from '../core/trace/trace.ts';
import { loadDemoIndex, playDemo } from './demos.ts';
import { Timeline } from './timeline.tsx';
import { TraceControls } from './trace-controls.tsx';
import { RunHistory } from './run-history.tsx';
import { enabledTools } from '../store/toolkit-actions.ts';
import { useAppStore } from '../store/store.ts';
import { ApprovalDialogs } from './approval-dialog.tsx';
import { ImportedRunPanel } from './imported-run.tsx';
import { PanelBoundary } from './panel-boundary.tsx';
import { PlanEditorPanel, type PlanEditorTarget } from './plan-editor-panel.tsx';
import { formatPlanText } from '../core/plan/plan-text.ts';
import { Markdown } from './markdown.tsx';
import { StepCard } from './step-card.tsx';
import { UsagePanel } from './usage-panel.tsx';
import { CallsPanel } from './calls-panel.tsx';
import { useKeyboardShortcuts } from './use-keyboard-shortcuts.ts';
import { useZeroServerDefault } from './use-zero-server-default.ts';
import { RunProblem, runProblem, WaysForward } from './run-problem.tsx';

function PlanList() {
  const steps = useAppStore((state) => state.activeRun?.steps);
  const planErrors = useAppStore((state) => state.activeRun?.plan.errors);
  const customTools = useAppStore((state) => state.customTools);
  const mcpStatus = useAppStore((state) => state.mcpStatus);
  const disabledTools = useAppStore((state) => state.settings.disabledTools);
  // enabledTools() reads these three from the store; they are the memo's real inputs.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const toolNames = useMemo(() => enabledTools().map((tool) => tool.name), [customTools, mcpStatus, disabledTools]);
  return (
    <section>
      {planErrors && planErrors.length > 0 && (
        <ul className="error">
          {planErrors.map((problem, index) => (
            <li key={index}>{problem.line ? `Line ${problem.line}: ` : ''}{problem.message}</li>
          ))}
        </ul>
      )}
      <ol className="plan-list" aria-label="Plan">
        {steps?.map((step) => (
          <StepCard key={step.id} step={step} tools={toolNames} />
        ))}
      </ol>
    </section>
  );
}

function SummaryRegion() {
  const answer = useAppStore((state) => state.activeRun?.answer);
  const failed = useAppStore((state) => runProblem(state.activeRun) !== undefined);
  return (
    <section className="panel" aria-label="Summary">
      <h2>Summary</h2>
      {answer?.text ? <Markdown text={answer.text} /> : !failed && <p className="hint">{answer?.status === 'streaming' ? 'Writing…' : 'The answer appears here when the steps are done.'}</p>}
      {answer?.reusedFrom && <p className="hint">The earlier run's answer: no evidence it reads changed in this version.</p>}
      {failed && <p className="hint">No answer: the run failed (the reason is above the plan).</p>}
    </section>
  );
}

/** Breakpoints by variable or tool, set before the steps exist: Enter adds one, each a removable chip. */
function BreakAt() {
  const targets = useAppStore((state) => state.breakAt);
  const [text, setText] = useState('');
  return (
    <span className="break-at">
      <input
        type="text"
        aria-label="Break at"
        placeholder="Break at #E3 or tool"
        value={text}
        size={16}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key !== 'Enter') return;
          event.preventDefault();
          if (text.trim() && addBreakAt(text)) setText('');
        }}
      />
      {targets.map((target) => (
        <span key={target} className="chip">
          ● {target}{' '}
          <button type="button" aria-label={`Remove breakpoint at ${target}`} onClick={() => removeBreakAt(target)}>
            ×
          </button>
        </span>
      ))}
    </span>
  );
}

/** What the run is doing, in words, like a debugger's status bar: "Paused before #E3 (breakpoint)". */
function RunStatusLine() {
  const phase = useAppStore((state) => state.activeRun?.status ?? 'idle');
  const paused = useAppStore((state) => state.activeRun?.paused ?? false);
  const held = useAppStore(useShallow((state) => state.activeRun?.steps.filter((step) => step.status === 'paused').map((step) => `${step.id}${step.pauseReason ? ` (${pauseWords[step.pauseReason]})` : ''}`) ?? []));
  const waiting = useAppStore(useShallow((state) => state.activeRun?.steps.filter((step) => step.status === 'waiting-for-approval').map((step) => step.id) ?? []));
  const replay = useAppStore((state) => state.replayStatus);
  const speed = useAppStore((state) => state.replaySpeed);
  const live = (phase === 'planning' || phase === 'running' || phase === 'solving') && hasLiveRun();
  let text: string;
  let state: string = phase;
  if (replay !== 'idle') {
    text = `${replay === 'paused' ? 'Replay paused' : 'Replaying'} (${speed === Infinity ? 'instant' : `${speed}×`})`;
    state = replay === 'paused' ? 'paused' : 'replaying';
  } else if (live && waiting.length > 0) {
    text = `Waiting for approval of ${waiting.join(', ')}`;
    state = 'waiting';
  } else if (live && paused) {
    text = held.length > 0 ? `Paused before ${held.join(', ')}` : 'Paused';
    state = 'paused';
  } else text = phaseWords[phase];
  return (
    <span className="run-status" data-state={state} aria-live="polite">
      {text}
    </span>
  );
}

const phaseWords: Record<RunPhase, string> = {
  idle: 'Ready',
  planning: 'Planning…',
  running: 'Running',
  solving: 'Writing the answer…',
  done: 'Done',
  failed: 'Failed',
  aborted: 'Stopped',
  interrupted: 'Interrupted (the page closed while it ran)',
};

const pauseWords: Record<PauseReason, string> = {
  'breakpoint-step': 'breakpoint',
  'breakpoint-tool': 'tool breakpoint',
  'single-step': 'step',
  'pause-before-each': 'pause before each step',
  user: 'paused',
};

/** The key that goes with \ and ' for Continue and Step: ⌘ on macOS, Ctrl elsewhere. */
const modifierKey = /Mac|iPhone|iPad/.test(globalThis.navigator?.platform ?? '') ? '⌘' : 'Ctrl';

const exampleTask = "What movies did the director of 'Killers of the Flower Moon' direct? List one of them and search it on bilibili.";

/** Task box and debugger controls. */
function TaskBar({ task, setTask, onWritePlan }: { task: string; setTask: (task: string) => void; onWritePlan: () => void }) {
  const phase = useAppStore((state) => state.activeRun?.status ?? 'idle');
  const paused = useAppStore((state) => state.activeRun?.paused ?? false);
  const running = phase === 'planning' || phase === 'running' || phase === 'solving';
  const live = running && hasLiveRun();
  // During a replay, Pause, Step, Continue and Stop drive the replay.
  const replay = useAppStore((state) => state.replayStatus);
  const replaying = replay !== 'idle';

  const keys = useMemo(
    () => ({
      runOrContinue: () => (replaying ? resumeReplay() : live ? continueRun() : void runTask(task)),
      continue: () => (replaying ? resumeReplay() : live ? continueRun() : undefined),
      step: () => (replaying ? stepReplay() : live ? stepRun() : void runTask(task, { paused: true })),
      stop: () => (replaying ? stopReplay() : stopRun()),
      toggleBreakpoint,
    }),
    [live, replaying, task],
  );
  useKeyboardShortcuts(keys);

  return (
    <form
      className="task-bar"
      // A named form is a landmark: the Task box and the run controls are found like the panels.
      aria-label="Task and run controls"
      onSubmit={(event) => {
        event.preventDefault();
        void runTask(task);
      }}
    >
      <textarea
        aria-label="Task"
        placeholder={`Type a task, for example: ${exampleTask}`}
        value={task}
        onChange={(event) => setTask(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
            event.preventDefault();
            void runTask(task);
          }
        }}
      />
      <div className="controls">
        <button type="submit" className="primary" disabled={live} title="Run (F5)">
          Run
        </button>
        <button type="button" onClick={replaying ? pauseReplay : pauseRun} disabled={replaying ? replay !== 'playing' : !live || paused} title="Pause">
          Pause
        </button>
        <button type="button" onClick={keys.step} disabled={replaying || live ? false : !task.trim()} title={`Step (F10 or ${modifierKey}+')`}>
          Step
        </button>
        <button type="button" onClick={keys.continue} disabled={replaying ? replay !== 'paused' : !live || !paused} title={`Continue (F5, F8 or ${modifierKey}+\\)`}>
          Continue
        </button>
        <button type="button" onClick={keys.stop} disabled={!replaying && !live} title="Stop (Shift+F5)">
          Stop
        </button>
        {task.trim() === '' && (
          <button type="button" onClick={() => setTask(exampleTask)} title={exampleTask}>
            Use the example
          </button>
        )}
        <button type="button" onClick={onWritePlan} title="Write a plan by hand and run it without the planner">
          Write a plan
        </button>
        <BreakAt />
        <RunStatusLine />
      </div>
    </form>
  );
}

// Compare and its diff library load when Compare opens; the graph (with dagre) when there is a
// plan to draw; Settings and Tools when they are first opened: none of them is in the first load.
const Comparison = lazy(() => import('./comparison.tsx'));
const PlanGraph = lazy(() => import('./plan-graph.tsx').then((module) => ({ default: module.PlanGraph })));
const SettingsDialog = lazy(() => import('./settings-dialog.tsx').then((module) => ({ default: module.SettingsDialog })));
const ToolkitDialog = lazy(() => import('./toolkit-dialog.tsx').then((module) => ({ default: module.ToolkitDialog })));

/** On a version: which run it was made from, and what changed. */
function VersionNote() {
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

function Notice({ onOpenSettings }: { onOpenSettings: () => void }) {
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
function Welcome() {
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

function GraphPanel() {
  const steps = useAppStore((state) => state.activeRun?.steps);
  if (!steps || steps.length === 0) return null;
  return (
    <section className="panel">
      <h2>Graph</h2>
      <Suspense fallback={<p className="hint">Drawing the graph…</p>}>
        <PlanGraph steps={steps} />
      </Suspense>
    </section>
  );
}

function TimelinePanel() {
  const run = useAppStore((state) => state.activeRun);
  if (!run || run.steps.length === 0) return null;
  return (
    <section className="panel">
      <h2>Timeline</h2>
      <Timeline run={run} />
    </section>
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
      canExport={activeRunId !== null}
      exportFileName={`stepwise-${activeRunId?.slice(0, 8) ?? 'trace'}.json`}
      onImport={openTrace}
      onReplay={startReplay}
      speed={speed}
      onSpeedChange={setReplaySpeed}
      demosUrl={`${import.meta.env.BASE_URL}demos/index.json`}
    />
  );
}

/** Jumps to the side panels (Calls is long on a big run; this keeps it one click away). */
function PanelNav() {
  const hasCalls = useAppStore((state) => (state.activeRun?.calls.length ?? 0) > 0);
  const hasRun = useAppStore((state) => state.activeRun !== null && state.activeRun.status !== 'idle');
  const jump = (id: string) => {
    const panel = document.getElementById(id);
    panel?.scrollIntoView({ block: 'start' });
    panel?.focus({ preventScroll: true });
  };
  return (
    <nav className="panel-nav controls" aria-label="Panels">
      <button type="button" disabled={!hasCalls} title="Every model request of the run" onClick={() => jump('panel-calls')}>
        Calls
      </button>
      <button type="button" disabled={!hasRun} onClick={() => jump('panel-usage')}>
        Usage
      </button>
      <button type="button" onClick={() => jump('panel-history')}>
        History
      </button>
    </nav>
  );
}

/** Compare, once a person opens it (its code is loaded then). */
function ComparisonWhenOpen() {
  const open = useAppStore((state) => state.comparison !== null);
  return open ? <Comparison /> : null;
}

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
  useEffect(() => {
    void restoreAfterReload();
  }, []);
  return (
    <div className="app">
      <header className="app-header">
        <h1>Stepwise</h1>
        <span className="hint">plan → call tools → solve, one step at a time</span>
        <span className="spacer" />
        <PanelBoundary name="Trace controls">
          <TracePanel />
        </PanelBoundary>
        <button onClick={() => setToolsOpen(true)}>Tools</button>
        <button onClick={() => setSettingsOpen(true)}>Settings</button>
      </header>
      <PanelBoundary name="Task bar">
        <TaskBar task={task} setTask={setTask} onWritePlan={() => setPlanEditor({ initial: '' })} />
      </PanelBoundary>
      <main className="workspace">
        <div>
          {zeroServer.status === 'in-browser' && !modelFailed && (
            <p className="panel hint" role="status">
              {zeroServer.message}
            </p>
          )}
          <PanelBoundary name="Notices">
            <Notice onOpenSettings={() => setSettingsOpen(true)} />
            <RunProblem onOpenSettings={() => setSettingsOpen(true)} />
            <VersionNote />
            <ImportedRunPanel />
            <Welcome />
            <ApprovalDialogs />
          </PanelBoundary>
          <PanelBoundary name="Comparison">
            <Suspense fallback={null}>
              <ComparisonWhenOpen />
            </Suspense>
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
        </div>
        <aside>
          <PanelNav />
          <PanelBoundary name="Summary">
            <SummaryRegion />
          </PanelBoundary>
          <PanelBoundary name="Graph">
            <GraphPanel />
          </PanelBoundary>
          <PanelBoundary name="Timeline">
            <TimelinePanel />
          </PanelBoundary>
          <PanelBoundary name="Calls">
            <CallsPanel />
          </PanelBoundary>
          <PanelBoundary name="Usage">
            <UsagePanel />
          </PanelBoundary>
          <PanelBoundary name="History">
            <RunHistory />
          </PanelBoundary>
        </aside>
      </main>
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
    </div>
  );
}
