import type { StateCreator } from 'zustand';
import type { ModelRole, RunEvent } from '../core/run/events.ts';
import { createRunState, interruptedRun, isRunUnfinished, reduceRun, type RunPhase, type RunState } from '../core/run/run-state.ts';
import type { AppState } from './store.ts';

/** The Calls panel's filters and selection. */
export interface CallsView {
  role: ModelRole | 'all';
  /** Only this step's requests. */
  step: string | null;
  /** The request shown in full. */
  selected: string | null;
  /** Set by focusCalls: the panel takes the focus once it shows. */
  focusPending: boolean;
}

const allCalls: CallsView = { role: 'all', step: null, selected: null, focusPending: false };

/** The workspace's tabbed panels. */
export type PanelTab = 'graph' | 'timeline' | 'calls' | 'usage' | 'history' | 'comparison';

/** One entry of the run history. */
export interface RunSummary {
  id: string;
  task: string;
  /** ISO time. */
  createdAt: string;
  /** `interrupted`: the page closed while it ran; it can resume from its completed steps. */
  status: RunPhase | 'interrupted';
  stepCount: number;
  /** Opened from a trace file or a demo rather than run here. */
  imported?: boolean;
  /** A replay under way: one the page closed on reads as interrupted after a reload. */
  replaying?: boolean;
  /** A version: the run it was made from. */
  parentId?: string;
  /** A version: what changed, for a person ("#E2 edited"). */
  change?: string;
  /** The person's verdict on the run (Good / Bad), with an optional note. */
  judgement?: RunJudgement;
  /** Marked private: the run and its versions never go into training data. */
  private?: boolean;
}

/** Good or Bad on a run, as the person said it: the start of training data (issue 12). */
export interface RunJudgement {
  verdict: 'good' | 'bad';
  note?: string;
  /** ISO time of the verdict. */
  at: string;
}

/** One side of a comparison: a run folded from its stored events. */
export interface ComparedRun {
  id: string;
  task: string;
  /** A version's change, for the heading. */
  change?: string;
  state: RunState;
}

export interface RunsSlice {
  runIndex: RunSummary[];
  activeRunId: string | null;
  /** The run on screen, folded from its events. */
  activeRun: RunState | null;
  /** Steps with a breakpoint in the run on screen. */
  stepBreakpoints: string[];
  /**
   * "Break at" targets: variables (`#E3`) and tool names that hold a step before it starts, in
   * this run and the next ones, set before the step even exists.
   */
  breakAt: string[];
  /** Two runs side by side (Compare), or none. */
  comparison: { left: ComparedRun; right: ComparedRun } | null;
  /** What the Calls panel shows; kept here so that it survives the panel's tab being hidden. */
  callsView: CallsView;
  /** The step whose details are shown beside the plan. */
  selectedStep: string | null;
  /** The panel shown in the workspace's tabs. */
  panelTab: PanelTab;
  /** Presenter mode (src/ui/presenter.tsx): large type, the step being played followed. */
  presenting: boolean;
  /** The Export training data dialog is open. */
  trainingExportOpen: boolean;
  /** Model download progress, 0..1, while an in-browser model loads. */
  modelProgress: { text: string; progress: number } | null;
  /** A problem to show above the plan (setup, load or connection). */
  notice: { message: string; hint?: string; /** Ways forward offered with it. */ actions?: ('settings' | 'demo')[]; /** Takes back what the notice reports (a deletion). */ undo?: () => void } | null;
  /** Whether a trace is being replayed. */
  replayStatus: 'idle' | 'playing' | 'paused';
  /** The replay speed chosen (`Infinity`: instant); demos and Replay both use it. */
  replaySpeed: number;

  showRun: (runId: string, events: readonly RunEvent[], summary: Omit<RunSummary, 'status' | 'stepCount'>) => void;
  applyEvent: (runId: string, event: RunEvent) => void;
  /** Folds a burst of events in one update (one render of the page). */
  applyEvents: (runId: string, events: readonly RunEvent[]) => void;
  toggleStepBreakpoint: (stepId: string) => void;
  setBreakAt: (targets: string[]) => void;
  setComparison: (comparison: RunsSlice['comparison']) => void;
  /** Shows the Calls panel with `step`'s requests (and `call` selected, else the latest), and moves the focus there. */
  focusCalls: (step: string, call?: string) => void;
  setCallsView: (change: Partial<CallsView>) => void;
  selectStep: (stepId: string | null) => void;
  showPanel: (tab: PanelTab) => void;
  setPresenting: (presenting: boolean) => void;
  setTrainingExportOpen: (open: boolean) => void;
  setModelProgress: (progress: RunsSlice['modelProgress']) => void;
  setNotice: (notice: RunsSlice['notice']) => void;
  setReplayStatus: (status: RunsSlice['replayStatus']) => void;
  setReplaySpeedValue: (speed: number) => void;
  updateRunSummary: (runId: string, change: Partial<RunSummary>) => void;
  /** A replay has ended: at its end, or stopped before it (then it reads "stopped", and steps under way "interrupted"). */
  endReplay: (runId: string, stopped: boolean) => void;
  /** Adds a run to the history without showing it (the planner eval's runs). */
  addRunSummary: (summary: RunSummary) => void;
  forgetRun: (runId: string) => void;
}

function fold(events: readonly RunEvent[]): RunState {
  return events.reduce<RunState>((state, event) => reduceRun(state, event), createRunState());
}

export const createRunsSlice: StateCreator<AppState, [], [], RunsSlice> = (set, get) => ({
  runIndex: [],
  activeRunId: null,
  activeRun: null,
  stepBreakpoints: [],
  breakAt: [],
  comparison: null,
  callsView: allCalls,
  selectedStep: null,
  panelTab: 'graph',
  presenting: false,
  trainingExportOpen: false,
  modelProgress: null,
  notice: null,
  replayStatus: 'idle',
  replaySpeed: 1,

  showRun: (runId, events, summary) =>
    set((state) => {
      const stored = state.runIndex.find((run) => run.id === runId);
      // A run cut short (the page closed on it, or its replay was stopped) is shown so, not as still running.
      const folded = fold(events);
      const activeRun = stored?.status === 'interrupted' ? interruptedRun(folded) : stored?.status === 'aborted' ? interruptedRun(folded, 'replay-stopped') : folded;
      const known = stored !== undefined;
      const entry: RunSummary = { ...summary, status: activeRun.status, stepCount: activeRun.steps.length };
      return {
        activeRunId: runId,
        activeRun,
        stepBreakpoints: [],
        selectedStep: null,
        callsView: allCalls,
        notice: null,
        runIndex: known ? state.runIndex : [entry, ...state.runIndex],
      };
    }),

  applyEvent: (runId, event) => get().applyEvents(runId, [event]),

  applyEvents: (runId, events) =>
    set((state) => {
      if (state.activeRunId !== runId || events.length === 0) return {};
      const activeRun = events.reduce((run, event) => reduceRun(run, event), state.activeRun ?? createRunState());
      // The history entry changes with the phase, and takes the step count then: not with each
      // step of a streaming plan, which would write the persisted state hundreds of times a run.
      const summary = state.runIndex.find((run) => run.id === runId);
      const changed = summary && summary.status !== activeRun.status;
      return {
        activeRun,
        ...(changed
          ? { runIndex: state.runIndex.map((run) => (run.id === runId ? { ...run, status: activeRun.status, stepCount: activeRun.steps.length } : run)) }
          : {}),
      };
    }),

  toggleStepBreakpoint: (stepId) =>
    set((state) => ({
      stepBreakpoints: state.stepBreakpoints.includes(stepId) ? state.stepBreakpoints.filter((id) => id !== stepId) : [...state.stepBreakpoints, stepId],
    })),
  setBreakAt: (breakAt) => set({ breakAt }),
  // Compare opens in its tab; closing it goes back to the graph.
  setComparison: (comparison) => set((state) => ({ comparison, panelTab: comparison ? 'comparison' : state.panelTab === 'comparison' ? 'graph' : state.panelTab })),
  focusCalls: (step, call) =>
    set((state) => ({
      panelTab: 'calls',
      callsView: { role: 'all', step, selected: call ?? state.activeRun?.calls.filter((candidate) => candidate.step === step).at(-1)?.callId ?? null, focusPending: true },
    })),
  setCallsView: (change) => set((state) => ({ callsView: { ...state.callsView, ...change } })),
  selectStep: (selectedStep) => set({ selectedStep }),
  showPanel: (panelTab) => set({ panelTab }),
  setPresenting: (presenting) => set({ presenting }),
  setTrainingExportOpen: (trainingExportOpen) => set({ trainingExportOpen }),
  setModelProgress: (modelProgress) => set({ modelProgress }),
  setNotice: (notice) => set({ notice }),
  setReplayStatus: (replayStatus) => set({ replayStatus }),
  setReplaySpeedValue: (replaySpeed) => set({ replaySpeed }),
  addRunSummary: (summary) =>
    set((state) => {
      if (state.runIndex.some((run) => run.id === summary.id)) return {};
      // Newest first: a run put back (Undo) returns to its place.
      const at = state.runIndex.findIndex((run) => run.createdAt < summary.createdAt);
      const runIndex = [...state.runIndex];
      runIndex.splice(at < 0 ? runIndex.length : at, 0, summary);
      return { runIndex };
    }),
  updateRunSummary: (runId, change) => set((state) => ({ runIndex: state.runIndex.map((run) => (run.id === runId ? { ...run, ...change } : run)) })),
  endReplay: (runId, stopped) =>
    set((state) => {
      const activeRun = stopped && state.activeRunId === runId && state.activeRun ? interruptedRun(state.activeRun, 'replay-stopped') : state.activeRun;
      const cut = (run: RunSummary): RunSummary => {
        const { replaying: _replaying, ...rest } = run;
        return stopped && isRunUnfinished(run.status) ? { ...rest, status: 'aborted' } : rest;
      };
      return { activeRun, runIndex: state.runIndex.map((run) => (run.id === runId ? cut(run) : run)) };
    }),
  forgetRun: (runId) =>
    set((state) => ({
      runIndex: state.runIndex.filter((run) => run.id !== runId),
      ...(state.activeRunId === runId ? { activeRunId: null, activeRun: null } : {}),
    })),
});
