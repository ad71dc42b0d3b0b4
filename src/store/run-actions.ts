import type { AgentRun } from '../core/agent.ts';
import { toErrorInfo } from '../core/run/error-info.ts';
import { isRunUnfinished, replayEvents } from '../core/run/run-state.ts';
import { yieldToPage } from '../core/run/slices.ts';
import { errorMessage, isAbortError, StepwiseError } from '../core/errors.ts';
import { replayTrace, type TraceReplay } from '../core/trace/replay.ts';
import type { StepwiseTrace } from '../core/trace/trace.ts';
import { formatPlanText } from '../core/plan/plan-text.ts';
import { describeChange, versionPlanText, type RunChange, type VersionParent } from '../core/run/versions.ts';
import type { RunEvent } from '../core/run/events.ts';
import type { StepEdit } from '../core/run/scheduler.ts';
import type { ToolCall } from '../core/tools/types.ts';
import { knownSecrets } from './known-secrets.ts';
import { EventLog } from './persistence.ts';
import { loadRuntime, warmCalculatorIfEnabled } from './load-runtime.ts';
import { useAppStore } from './store.ts';
import { currentPrompts, parseHeaderLines } from './settings-slice.ts';
import { defaultTemplates, type PromptPreset } from '../core/prompts/templates.ts';

/**
 * Runs `callback` in a task of its own just after the next frame. In the frame's own callback,
 * its work (a store update and the React render it causes) and that frame's style, layout and
 * paint would be one task; after it, they are two, and the render has the most of a frame
 * before the next. A hidden tab gets no frames, so there a timer does.
 */
function afterNextFrame(callback: () => void): void {
  if (typeof requestAnimationFrame === 'function' && globalThis.document?.visibilityState === 'visible') requestAnimationFrame(() => setTimeout(callback, 0));
  else setTimeout(callback, 50);
}

/** Just after a frame at least `intervalMs` after the last time this pacer ran its callback. */
function pacer(intervalMs: number): (callback: () => void) => void {
  let last = -Infinity;
  return (callback) => {
    const run = () => {
      last = performance.now();
      callback();
    };
    const wait = last + intervalMs - performance.now();
    if (wait > 0) setTimeout(() => afterNextFrame(run), wait);
    else afterNextFrame(run);
  };
}

// A run's progress reaches the page and the disk ten times a second: each frame that shows it
// costs style, layout and paint whatever it shows, and at a frame per planner token a 200-step
// run kept the page busy nine tenths of the time (`npm run bench`).
const nextUpdate = pacer(100);

// The secrets change only with settings, custom tools and MCP servers, not with every event.
let secretsFor: { settings: unknown; customTools: unknown; mcpServers: unknown; secrets: string[] } | undefined;
function pageSecrets(): string[] {
  const { settings, customTools, mcpServers } = store();
  if (secretsFor?.settings !== settings || secretsFor.customTools !== customTools || secretsFor.mcpServers !== mcpServers) {
    secretsFor = { settings, customTools, mcpServers, secrets: knownSecrets(store()) };
  }
  return secretsFor.secrets;
}

/**
 * Every run's events go to IndexedDB as they happen, without the secrets the page knows, with
 * the page's updates (one write per update, not one per planner token). An import writes at
 * the end of its task (`openTrace`): a reload right after must find it.
 */
export const eventLog = new EventLog({ secrets: pageSecrets, schedule: nextUpdate });

// The live run's handle: controls reach its scheduler. Not state: it is not serialisable.
let live: AgentRun | null = null;

const store = () => useAppStore.getState();

// Events reach the store in updates (`nextUpdate`): a burst (a fast planner, many steps ending
// at once) is one update of the page instead of one per event. Whatever reads the run's state
// right after its events (replanning, the end of a run) calls flushRunEvents() first.
const pendingEvents = new Map<string, RunEvent[]>();
let flushScheduled = false;

/** Applies the events still waiting for the next update. */
export function flushRunEvents(): void {
  flushScheduled = false;
  const batches = [...pendingEvents];
  pendingEvents.clear();
  for (const [runId, events] of batches) store().applyEvents(runId, events);
}

function showEvent(runId: string, event: RunEvent): void {
  const queue = pendingEvents.get(runId);
  if (queue) queue.push(event);
  else pendingEvents.set(runId, [event]);
  if (flushScheduled) return;
  flushScheduled = true;
  nextUpdate(flushRunEvents);
}

function showProblem(error: unknown): void {
  // A setup problem (no endpoint, no model) comes with the ways forward.
  const setup = error instanceof StepwiseError && (error.name === 'EngineSetupError' || error.name === 'ModelLoadError');
  store().setNotice({ message: errorMessage(error), ...(error instanceof StepwiseError && error.hint ? { hint: error.hint } : {}), ...(setup ? { actions: ['settings', 'demo'] } : {}) });
}

/** Starts a run of `task` with the current settings. `paused`: stop before the first step. */
export async function runTask(task: string, options: { paused?: boolean } = {}): Promise<void> {
  if (!task.trim()) return store().setNotice({ message: 'Type a task first.' });
  const runId = globalThis.crypto.randomUUID();
  await launch(runId, task, { paused: options.paused, show: () => store().showRun(runId, [], { id: runId, task, createdAt: new Date().toISOString() }) });
}

/** Goes on with an interrupted run: finished steps keep their evidence and do not run again. */
export async function resumeRun(runId: string): Promise<void> {
  const summary = store().runIndex.find((run) => run.id === runId);
  if (!summary) return;
  // An imported trace's plan was written by someone else: it never runs by itself.
  if (summary.imported) return store().setNotice({ message: 'An imported run replays; it is never resumed.', hint: 'Use "Run this plan…" to run its steps, each with your approval.' });
  const events = await eventLog.read(runId);
  await launch(runId, summary.task, {
    resume: events,
    show: () => {
      // Running again: no longer shown as interrupted.
      store().updateRunSummary(runId, { status: 'running' });
      store().showRun(runId, events, summary);
    },
  });
}

/**
 * Asks the planner for a new plan from `stepId` on, with a note from the person. The steps
 * before it keep their evidence when the planner writes them again unchanged.
 */
export async function replanFrom(stepId: string, note: string): Promise<void> {
  if (live && isActiveRunLive()) {
    // A version starts from a run that has ended: stop this one first.
    const stopping = live.done;
    stopRun();
    await stopping.catch(() => {});
  }
  flushRunEvents();
  const activeRun = store().activeRun;
  if (!activeRun) return;
  const index = activeRun.steps.findIndex((step) => step.id === stepId);
  const kept = activeRun.steps.slice(0, Math.max(0, index));
  const keep = kept.length
    ? `Keep these steps exactly as they are, their evidence is kept:\n${formatPlanText(kept.map(({ id, tool, input }) => ({ id, tool, input })))}\nChange the plan from ${stepId} on. `
    : '';
  startVersion({ type: 'replan', id: stepId, note: `${keep}${note}` });
}

/**
 * Runs the plan of an imported run, as it is shown, as a new run of this page: parsed with this
 * page's tools, and every step that calls a tool waits for the person's approval. The imported
 * run stays as it was.
 */
export async function runImportedPlan(runId: string): Promise<void> {
  const { activeRunId, activeRun, runIndex } = store();
  const summary = runIndex.find((run) => run.id === runId);
  if (!summary?.imported || activeRunId !== runId || !activeRun) return;
  const planText = formatPlanText(activeRun.steps);
  const newRunId = globalThis.crypto.randomUUID();
  await launch(newRunId, summary.task, {
    planText,
    approveEveryStep: true,
    show: () => store().showRun(newRunId, [], { id: newRunId, task: summary.task, createdAt: new Date().toISOString() }),
  });
}

async function launch(
  runId: string,
  task: string,
  options: {
    paused?: boolean;
    resume?: RunEvent[];
    planText?: string;
    version?: { parent: VersionParent; change: RunChange };
    approveEveryStep?: boolean;
    /** The prompts to use instead of the current ones (a version keeps its parent's). */
    prompts?: PromptPreset;
    show: () => void;
  },
): Promise<void> {
  if (live) stopRun();
  stopReplay();
  const { settings, setNotice, setModelProgress } = store();
  setNotice(null);
  let engines;
  let runtime;
  try {
    runtime = await loadRuntime();
    engines = await runtime.buildEngines(settings, (progress) => setModelProgress(progress.progress >= 1 ? null : { text: progress.text, progress: progress.progress }));
  } catch (error) {
    return showProblem(error);
  }
  options.show();
  // The page shows the new run (a render of its own) before the run starts, in a task of its own.
  await yieldToPage();
  // mathjs takes a moment to set up: do it while the planner writes, not in the first calculator step.
  warmCalculatorIfEnabled(runtime);
  const { startRun, enabledTools, requiresApproval } = runtime;
  const onEvent = (event: RunEvent) => {
    eventLog.append(runId, event);
    showEvent(runId, event);
  };
  const run = startRun({
    runId,
    task,
    tools: enabledTools(),
    engines: { planner: engines.planner, toolCaller: engines.toolCaller, solver: engines.solver, llmTool: engines.solver },
    onEvent,
    concurrency: settings.concurrency,
    evidenceLimit: settings.evidenceLimit,
    defaultTimeoutMs: settings.toolTimeoutMs,
    maxPlanSteps: settings.maxPlanSteps,
    pauseBeforeEachStep: settings.pauseBeforeEachStep,
    breakpoints: {
      tools: [...settings.toolBreakpoints, ...store().breakAt.filter((target) => !isVariable(target))],
      steps: [...store().stepBreakpoints, ...store().breakAt.filter(isVariable)],
    },
    requiresApproval: options.approveEveryStep ? () => true : requiresApproval,
    toolSettings: settings.toolSettings,
    ...(options.resume ? { resume: options.resume } : {}),
    ...(options.planText !== undefined ? { planText: options.planText } : {}),
    ...(options.version ? { version: options.version } : {}),
    prompts: options.prompts ?? currentPrompts(settings),
  });
  live = run;
  // "Step" with no run yet: hold the first step; Step and Continue go on from there.
  if (options.paused) run.scheduler.pause();
  try {
    await run.done;
  } catch (error) {
    onEvent({ type: 'run-end', at: 0, status: 'failed', error: toErrorInfo(error) });
  } finally {
    if (live === run) live = null;
    // A model that failed to load leaves no progress bar behind.
    store().setModelProgress(null);
    flushRunEvents();
    await eventLog.flush();
  }
}

/** Whether a run is live on this page. */
export function hasLiveRun(): boolean {
  return live !== null;
}

export function pauseRun(): void {
  live?.scheduler.pause();
}

/** Continue: resume a paused run, or start one from the task. */
export function continueRun(): void {
  live?.scheduler.resume();
}

/** Step: run exactly one ready step, then stay paused. */
export function stepRun(): void {
  if (!live) return;
  live.scheduler.pause();
  live.scheduler.stepOnce();
}

export function stopRun(): void {
  live?.abort();
}

export function toggleBreakpoint(stepId: string): void {
  const enabled = !store().stepBreakpoints.includes(stepId);
  store().toggleStepBreakpoint(stepId);
  live?.scheduler.setBreakpoint({ step: stepId }, enabled);
}

const isVariable = (target: string) => /^#E\d+$/.test(target);

/**
 * Adds a "Break at" target: a variable (`#e3` is read as `#E3`) or a tool name. It holds that
 * step before it starts in the live run and in later runs, even when set before the step exists.
 */
export async function addBreakAt(text: string): Promise<boolean> {
  const trimmed = text.trim();
  const variable = /^#?e(\d+)$/i.exec(trimmed);
  const target = variable ? `#E${variable[1]}` : (await loadRuntime()).enabledTools().find((tool) => tool.name.toLowerCase() === trimmed.toLowerCase())?.name;
  if (!target) {
    store().setNotice({ message: `"${trimmed}" is neither a step variable nor a tool.`, hint: 'Break at takes a variable such as #E3 or the name of a tool such as search_wiki.' });
    return false;
  }
  if (!store().breakAt.includes(target)) store().setBreakAt([...store().breakAt, target]);
  live?.scheduler.setBreakpoint(isVariable(target) ? { step: target } : { tool: target }, true);
  return true;
}

/** Removes a "Break at" target (a breakpoint set another way stays). */
export function removeBreakAt(target: string): void {
  store().setBreakAt(store().breakAt.filter((candidate) => candidate !== target));
  const elsewhere = isVariable(target) ? store().stepBreakpoints.includes(target) : store().settings.toolBreakpoints.includes(target);
  if (!elsewhere) live?.scheduler.setBreakpoint(isVariable(target) ? { step: target } : { tool: target }, false);
}

export function setToolBreakpoint(tool: string, enabled: boolean): void {
  store().setToolBreakpoint(tool, enabled);
  live?.scheduler.setBreakpoint({ tool }, enabled);
}

export function setPauseBeforeEachStep(enabled: boolean): void {
  store().updateSettings({ pauseBeforeEachStep: enabled });
  live?.scheduler.setPauseBeforeEachStep(enabled);
}

/** Runs a debugger action on the live run; a refused action shows why. */
function control(action: (run: AgentRun) => void): boolean {
  if (!live) {
    store().setNotice({ message: 'This run is not live.', hint: 'Run the task again to change its steps.' });
    return false;
  }
  try {
    action(live);
    return true;
  } catch (error) {
    showProblem(error);
    return false;
  }
}

export const approveStep = (id: string, call?: ToolCall) => control((run) => run.scheduler.approve(id, call));
/** Approves a side-effect step of a version by taking the earlier run's result of the same call; nothing runs. */
export const reuseEarlierResult = (id: string) => control((run) => run.scheduler.approve(id, undefined, { reuse: true }));

/** Approves this call and lets the tool run without asking for the rest of the session. */
export function approveAndTrust(id: string, toolName: string, call?: ToolCall): boolean {
  const approved = approveStep(id, call);
  if (approved) store().trustTool(toolName);
  return approved;
}
/** What the solver is asked when a plan written by hand comes with no task. */
export const reportTask = 'Report what each step of the plan found.';

/**
 * Runs a plan written in the editor, with no planner call. With `parentRunId` (Edit plan) it is
 * a version of that run and reuses every step whose call did not change; otherwise a new run,
 * for `task` (the solver reports the evidence when there is none).
 */
export async function runWrittenPlan(text: string, task: string, parentRunId?: string): Promise<void> {
  if (parentRunId !== undefined) {
    if (store().activeRunId !== parentRunId) await openRun(parentRunId);
    if (startVersion({ type: 'plan', text })) return;
  }
  const runId = globalThis.crypto.randomUUID();
  const runTaskText = task.trim() || reportTask;
  await launch(runId, runTaskText, {
    planText: text,
    show: () => store().showRun(runId, [], { id: runId, task: runTaskText, createdAt: new Date().toISOString() }),
  });
}

/** The run on screen is the one running on this page. */
export function isActiveRunLive(): boolean {
  return live !== null && live.runId === store().activeRunId;
}

// On a live run these act on its scheduler; on a run that has ended (after a reload, an imported
// or replayed one) they make a new version of it.
export const skipStep = (id: string) => (isActiveRunLive() ? control((run) => run.scheduler.skip(id, 'skipped by you')) : startVersion({ type: 'skip', id }));
export const editStep = (id: string, edit: Required<Pick<StepEdit, 'tool' | 'input'>>) =>
  isActiveRunLive() ? control((run) => run.scheduler.editStep(id, edit)) : startVersion({ type: 'edit', id, ...edit });
export const rerunStep = (id: string) => (isActiveRunLive() ? control((run) => run.scheduler.rerun(id)) : startVersion({ type: 'redo', id }));

/** Replaces a step's evidence by hand: a new version in which that step does not run and the steps that read it do. */
export async function setStepEvidence(id: string, text: string): Promise<boolean> {
  if (live && isActiveRunLive()) {
    // A version starts from a run that has ended: stop this one first.
    const stopping = live.done;
    stopRun();
    await stopping.catch(() => {});
  }
  return startVersion({ type: 'set-evidence', id, text });
}

/**
 * Makes a version of the run on screen: a new run that records its parent and the change,
 * reuses every step whose call did not change, and runs the rest. The parent stays as it was.
 * The version of an imported run asks for approval of every step that calls a tool.
 */
function startVersion(change: RunChange): boolean {
  flushRunEvents();
  const { activeRunId, activeRun, runIndex } = store();
  const summary = runIndex.find((run) => run.id === activeRunId);
  if (!activeRunId || !activeRun || !summary) return false;
  if ('id' in change && !activeRun.steps.some((step) => step.id === change.id)) return false;
  const runId = globalThis.crypto.randomUUID();
  const parent = { runId: activeRunId, steps: activeRun.steps, ...(activeRun.answer.status === 'done' ? { answer: activeRun.answer.text } : {}) };
  const planText = versionPlanText(activeRun.steps, change);
  void launch(runId, summary.task, {
    ...(planText === undefined ? {} : { planText }),
    version: { parent, change },
    approveEveryStep: summary.imported === true,
    // A change to a step keeps the parent's prompts; a change of prompts brings the current ones.
    ...(change.type !== 'prompts' && activeRun.prompts ? { prompts: activeRun.prompts } : {}),
    show: () =>
      store().showRun(runId, [], { id: runId, task: summary.task, createdAt: new Date().toISOString(), parentId: activeRunId, change: describeChange(change) }),
  });
  return true;
}

/**
 * Runs the run on screen again with the prompts in Settings, as a version: a changed planner
 * prompt asks the planner again, a changed tool-caller prompt the tool caller, a changed solver
 * prompt the solver; every step whose call comes out the same reuses its evidence.
 */
export async function rerunWithPrompts(): Promise<void> {
  flushRunEvents();
  const { activeRun, settings, setNotice } = store();
  if (!activeRun) return;
  const used = activeRun.prompts?.templates ?? defaultTemplates;
  const roles = (['planner', 'solver', 'toolCaller'] as const).filter((role) => used[role] !== settings.prompts.templates[role]);
  if (roles.length === 0) return setNotice({ message: 'The prompts in Settings are the ones this run used.', hint: 'Edit a prompt first, then run again with it.' });
  if (live && isActiveRunLive()) {
    const stopping = live.done;
    stopRun();
    await stopping.catch(() => {});
  }
  startVersion({ type: 'prompts', roles });
}

/**
 * After a reload: runs that were in flight are marked interrupted (their events are on disk),
 * and the run a link carries, or else the most recent run (`openLatest`, default true), is shown.
 */
export async function restoreAfterReload(options: { openLatest?: boolean } = {}): Promise<void> {
  await useAppStore.persist.rehydrate();
  const { runIndex, updateRunSummary } = store();
  // Imported runs were never running here: they are "interrupted" only when a replay of them was.
  for (const run of runIndex) if (isRunUnfinished(run.status) && (!run.imported || run.replaying)) updateRunSummary(run.id, { status: 'interrupted', replaying: undefined });
  // A link that carries a run (`#trace=…`) or names a trace file (`?trace=…`) replays it.
  if (await openLinkedTrace()) return;
  // `?run=<id>` (a link from the planner eval) opens that run; otherwise the most recent one.
  const linked = new URLSearchParams(globalThis.location?.search ?? '').get('run');
  const target = store().runIndex.find((run) => run.id === linked) ?? store().runIndex[0];
  if (target && !live && (options.openLatest ?? true)) await openRun(target.id);
}

/** Shows a run from the history; events that fail their schema are left out and named once. */
export async function openRun(runId: string): Promise<void> {
  const summary = store().runIndex.find((run) => run.id === runId);
  if (!summary) return;
  const { events, problems } = await eventLog.readChecked(runId);
  store().showRun(runId, events, summary);
  if (problems.length > 0) {
    store().setNotice({ message: `${problems.length} stored events of this run could not be read and were left out: ${problems[0]}`, hint: 'Export what is left, or delete the run from History.' });
  }
}

/**
 * Good or Bad on a run, with an optional note: kept with the run in the history. The same verdict
 * again takes it back; a note alone changes only the note.
 */
export function judgeRun(runId: string, change: { verdict?: 'good' | 'bad'; note?: string }): void {
  const current = store().runIndex.find((run) => run.id === runId)?.judgement;
  const verdict = change.verdict === undefined ? current?.verdict : change.verdict === current?.verdict ? undefined : change.verdict;
  const note = (change.note ?? current?.note ?? '').trim();
  store().updateRunSummary(runId, { judgement: verdict ? { verdict, ...(note ? { note } : {}), at: new Date().toISOString() } : undefined });
}

/** Marks a run private (it and its versions never go into training data), or not. */
export function setRunPrivate(runId: string, isPrivate: boolean): void {
  store().updateRunSummary(runId, { private: isPrivate ? true : undefined });
}

/** Takes the run off the screen (it stays in the history). */
export function closeActiveRun(): void {
  if (live) stopRun();
  stopReplay();
  useAppStore.setState({ activeRunId: null, activeRun: null, stepBreakpoints: [] });
}

/** Opens Compare for two runs from the history (by default a version and its parent). */
export async function compareRuns(leftId: string, rightId: string): Promise<void> {
  flushRunEvents();
  await eventLog.flush();
  const load = async (id: string) => {
    const summary = store().runIndex.find((run) => run.id === id);
    return { id, task: summary?.task ?? '', ...(summary?.change ? { change: summary.change } : {}), state: replayEvents(await eventLog.read(id)) };
  };
  store().setComparison({ left: await load(leftId), right: await load(rightId) });
}

export function closeComparison(): void {
  store().setComparison(null);
}

/** Deletes a run and its events. */
// Deleted runs keep their events for a while, so that Undo can bring them back.
const pendingDeletions = new Map<string, ReturnType<typeof setTimeout>>();
const undoWindowMs = 20_000;

/** Deletes a run from History; its events go after a short while, and the notice offers Undo until then. */
export async function deleteRun(runId: string): Promise<void> {
  const summary = store().runIndex.find((run) => run.id === runId);
  if (!summary) return;
  if (store().activeRunId === runId && live) stopRun();
  await eventLog.flush();
  store().forgetRun(runId);
  const remove = () => {
    pendingDeletions.delete(runId);
    void eventLog.remove(runId);
    if (store().notice?.undo === undo) store().setNotice(null);
  };
  const undo = () => {
    clearTimeout(pendingDeletions.get(runId));
    pendingDeletions.delete(runId);
    store().addRunSummary(summary);
    store().setNotice(null);
  };
  pendingDeletions.set(runId, setTimeout(remove, undoWindowMs));
  const title = summary.task.length > 60 ? `${summary.task.slice(0, 60)}…` : summary.task;
  store().setNotice({ message: `Deleted “${title}”.`, undo });
}

// The trace being replayed, if any; like `live`, a handle rather than state.
let replaying: { replay: TraceReplay; controller: AbortController } | null = null;

/** Stops a replay where it is: what was shown stays. */
export function stopReplay(): void {
  replaying?.controller.abort();
  replaying = null;
  if (store().replayStatus !== 'idle') store().setReplayStatus('idle');
}

/** The run on screen as a trace file, without API keys, auth headers or any secret the page knows. */
export async function exportActiveTrace(): Promise<string> {
  const { activeRunId, runIndex, settings } = store();
  if (!activeRunId) return '';
  await eventLog.flush();
  const summary = runIndex.find((run) => run.id === activeRunId);
  const [{ exportTrace }, { enabledTools }] = await Promise.all([import('../core/trace/trace.ts'), loadRuntime()]);
  return exportTrace({
    run: { id: activeRunId, task: summary?.task ?? '', createdAt: summary?.createdAt ?? '' },
    settings,
    tools: enabledTools().map((tool) => tool.name),
    events: await eventLog.read(activeRunId),
    secrets: knownSecrets(store()),
  });
}

/** The run on screen as OTLP JSON (OpenTelemetry GenAI spans), without any secret the page knows. */
async function activeRunOtlp() {
  const { activeRunId } = store();
  if (!activeRunId) return undefined;
  await eventLog.flush();
  const [{ runToOtlp }, events] = await Promise.all([import('../core/trace/otlp.ts'), eventLog.read(activeRunId)]);
  return runToOtlp(events, { secrets: knownSecrets(store()) });
}

/** Export → OpenTelemetry: the file's text, or '' when no run is on screen. */
export async function exportActiveOtlp(): Promise<string> {
  const payload = await activeRunOtlp();
  return payload ? JSON.stringify(payload, null, 2) : '';
}

/**
 * Export → Send to OTLP endpoint: posts the run on screen to the endpoint in Settings.
 * Resolves with what to tell the person; failures (unreachable, CORS, HTTP) are explained there.
 */
export async function sendActiveOtlp(): Promise<{ ok: boolean; message: string; hint?: string }> {
  const { url, headers } = store().settings.otlp;
  if (url.trim() === '') return { ok: false, message: 'No OpenTelemetry endpoint is set.', hint: 'Enter one in Settings → OpenTelemetry, for example http://127.0.0.1:4318.' };
  const payload = await activeRunOtlp();
  if (!payload) return { ok: false, message: 'There is no run on screen to send.' };
  const { sendOtlp, otlpTracesUrl } = await import('../core/trace/otlp-send.ts');
  try {
    await sendOtlp(url.trim(), payload, { headers: parseHeaderLines(headers) });
    const spans = payload.resourceSpans.reduce((total, resource) => total + resource.scopeSpans.reduce((sum, scope) => sum + scope.spans.length, 0), 0);
    return { ok: true, message: `Sent ${spans} spans to ${otlpTracesUrl(url.trim()).href}.` };
  } catch (error) {
    return { ok: false, message: errorMessage(error), ...(error instanceof StepwiseError && error.hint ? { hint: error.hint } : {}) };
  }
}

const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Traces bigger than this are not put into a replay page: the file would be slow to open. */
export const maximumReplayPageTraceBytes = 20 * 1024 * 1024;
const tracePlaceholder = '<script type="application/json" id="stepwise-trace"></script>';

/**
 * Export → Replay page: one .html file that replays the run on screen from disk, with no network
 * (the replay page built beside the app, `replay.html`, with the trace put in). Like every
 * export, it holds no key, token or auth header.
 */
export async function exportActiveReplayPage(): Promise<{ ok: true; html: string } | { ok: false; message: string; hint?: string }> {
  const text = await exportActiveTrace();
  if (!text) return { ok: false, message: 'There is no run on screen to export.' };
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > maximumReplayPageTraceBytes) {
    return { ok: false, message: `This run's trace is ${(bytes / 1024 / 1024).toFixed(1)} MB: too big for a replay page (20 MB at most).`, hint: 'Export the JSON trace instead; Stepwise opens it with Open → Import trace….' };
  }
  const response = await fetch(`${import.meta.env.BASE_URL}replay.html`).catch(() => undefined);
  const template = response?.ok ? await response.text() : '';
  if (!template.includes(tracePlaceholder) || /<script[^>]+src=/.test(template)) {
    return { ok: false, message: 'The replay page is made by the production build, and this page has none.', hint: 'Run npm run build and npm run preview (or deploy dist/), then export again.' };
  }
  // `<` written as \u003c: the trace cannot close its <script> element; it is still the same JSON.
  // A function, not a string: a `$&` in the trace is text, not a replacement pattern.
  return { ok: true, html: template.replace(tracePlaceholder, () => `<script type="application/json" id="stepwise-trace">${text.replaceAll('<', '\\u003c')}</script>`) };
}

/**
 * Export → Copy link: the run on screen compressed into a link's fragment, which no server ever
 * sees; opening the link replays the run. A run too big for a link says so.
 */
export async function copyActiveRunLink(): Promise<{ ok: boolean; message: string; hint?: string; link?: string }> {
  const text = await exportActiveTrace();
  if (!text) return { ok: false, message: 'There is no run on screen to share.' };
  const { compressTrace, fragmentKey, maximumLinkBytes } = await import('../core/trace/link.ts');
  const { value, bytes } = await compressTrace(text);
  if (bytes > maximumLinkBytes) {
    return { ok: false, message: `This run is ${kilobytes(bytes)} compressed: too big for a link (${kilobytes(maximumLinkBytes)} at most).`, hint: 'Share it as a file instead: Export → Replay page (opens in any browser) or Export → JSON trace.' };
  }
  const url = new URL(globalThis.location.href);
  url.search = '';
  url.hash = `${fragmentKey}=${value}`;
  try {
    await globalThis.navigator.clipboard.writeText(url.href);
  } catch {
    return { ok: false, message: 'The browser did not allow copying; select the link and copy it.', link: url.href };
  }
  return { ok: true, message: `Link copied (${kilobytes(bytes)}): it replays this run in Stepwise; the run travels in the link and no server sees it.` };
}

/**
 * A page opened from a link to a run: `#trace=…` carries the run, `?trace=<url>` names a trace
 * file (anywhere that allows CORS). Either replays at the speed chosen; a link that cannot open
 * says why. Resolves with whether the address asked for a run.
 */
async function openLinkedTrace(): Promise<boolean> {
  const location = globalThis.location;
  if (!location || !/[#&?]trace=/.test(`${location.search}${location.hash}`)) return false;
  try {
    const { decompressTrace, fetchTraceText, linkedTrace } = await import('../core/trace/link.ts');
    const link = linkedTrace(location);
    if (!link) return false;
    const text = link.kind === 'fragment' ? await decompressTrace(link.value) : await fetchTraceText(link.url);
    const { importTrace } = await import('../core/trace/trace.ts');
    const result = importTrace(text);
    if (!result.ok) {
      store().setNotice({ message: `The linked run cannot be opened: ${result.problems[0] ?? 'it is not a Stepwise trace'}`, hint: 'Ask for the link again, or for the JSON trace.' });
      return true;
    }
    startReplay(result.trace, store().replaySpeed);
  } catch (error) {
    showProblem(error);
  }
  return true;
}

function importedRunId(trace: StepwiseTrace): string {
  return `${trace.run.id}-${globalThis.crypto.randomUUID().slice(0, 8)}`;
}

/** Opens an imported trace as it ended, and keeps it in the history. */
export function openTrace(trace: StepwiseTrace): void {
  stopReplay();
  const runId = importedRunId(trace);
  store().showRun(runId, trace.events, { id: runId, task: trace.run.task, createdAt: trace.run.createdAt, imported: true });
  trace.events.forEach((event) => eventLog.append(runId, event));
  // Now, not with a frame: a reload right after must find the run on disk.
  void eventLog.flush();
}

/** Replays a trace with its original timing divided by `speed`: no model, no network. */
export function startReplay(trace: StepwiseTrace, speed: number): void {
  stopRun();
  stopReplay();
  const runId = importedRunId(trace);
  store().showRun(runId, [], { id: runId, task: trace.run.task, createdAt: new Date().toISOString(), imported: true, replaying: true });
  const controller = new AbortController();
  const replay = replayTrace(trace.events, {
    speed,
    signal: controller.signal,
    maxGapMs: 5000,
    onEvent: (event) => {
      eventLog.append(runId, event);
      showEvent(runId, event);
    },
  });
  replaying = { replay, controller };
  store().setReplayStatus('playing');
  replay
    .catch((error: unknown) => {
      if (!isAbortError(error)) showProblem(error);
    })
    .finally(() => {
      flushRunEvents();
      // Stopped before its end (Stop, another run or replay): it reads "stopped", not still running.
      store().endReplay(runId, !replay.finished);
      if (replaying?.replay === replay) replaying = null;
      if (!replaying) store().setReplayStatus('idle');
    });
}

export function pauseReplay(): void {
  replaying?.replay.pause();
  store().setReplayStatus('paused');
}

export function resumeReplay(): void {
  replaying?.replay.resume();
  store().setReplayStatus('playing');
}

export function setReplaySpeed(speed: number): void {
  store().setReplaySpeedValue(speed);
  replaying?.replay.setSpeed(speed);
}

/** Step during a replay: on to the next step that starts or ends, then paused. */
export function stepReplay(): void {
  if (!replaying) return;
  replaying.replay.step();
  store().setReplayStatus(replaying?.replay.finished ? 'idle' : 'paused');
  flushRunEvents();
}

/** Whether a replay is under way (playing or paused): the run controls drive it then. */
export function isReplaying(): boolean {
  return replaying !== null;
}
