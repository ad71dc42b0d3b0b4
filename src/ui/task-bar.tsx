import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { PauseReason } from '../core/run/events.ts';
import { isRunUnderWay, type RunPhase } from '../core/run/run-state.ts';
import {
  addBreakAt,
  continueRun,
  hasLiveRun,
  pauseReplay,
  pauseRun,
  removeBreakAt,
  resumeReplay,
  runTask,
  stepReplay,
  stepRun,
  stopReplay,
  stopRun,
  toggleBreakpoint,
} from '../store/run-actions.ts';
import { useAppStore } from '../store/store.ts';
import { useKeyboardShortcuts } from './use-keyboard-shortcuts.ts';

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
          if (text.trim()) void addBreakAt(text).then((added) => added && setText(''));
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
export function RunStatusLine() {
  const phase = useAppStore((state) => state.activeRun?.status ?? 'idle');
  const paused = useAppStore((state) => state.activeRun?.paused ?? false);
  const held = useAppStore(useShallow((state) => state.activeRun?.steps.filter((step) => step.status === 'paused').map((step) => `${step.id}${step.pauseReason ? ` (${pauseWords[step.pauseReason]})` : ''}`) ?? []));
  const waiting = useAppStore(useShallow((state) => state.activeRun?.steps.filter((step) => step.status === 'waiting-for-approval').map((step) => step.id) ?? []));
  const replay = useAppStore((state) => state.replayStatus);
  const speed = useAppStore((state) => state.replaySpeed);
  const imported = useAppStore((state) => state.runIndex.find((run) => run.id === state.activeRunId)?.imported === true);
  const live = isRunUnderWay(phase) && hasLiveRun();
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
  } else if (phase === 'interrupted' && imported) text = 'Interrupted (the page closed while it replayed)';
  else text = phaseWords[phase];
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
export function TaskBar({ task, setTask, onWritePlan }: { task: string; setTask: (task: string) => void; onWritePlan: () => void }) {
  const phase = useAppStore((state) => state.activeRun?.status ?? 'idle');
  const paused = useAppStore((state) => state.activeRun?.paused ?? false);
  const running = isRunUnderWay(phase);
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
      </div>
    </form>
  );
}
