import { buildTrainingSet, type TrainingRun, type TrainingSet } from '../core/training/examples.ts';
import { replayEvents, type RunState } from '../core/run/run-state.ts';
import { knownSecrets } from './known-secrets.ts';
import { loadRuntime } from './load-runtime.ts';
import { eventLog, flushRunEvents } from './run-actions.ts';
import type { RunSummary } from './runs-slice.ts';
import { useAppStore } from './store.ts';

/**
 * Training data from the history (issue 12): which runs may go in, which are picked by default,
 * and the examples of the picked runs, read from their stored events.
 */

const store = () => useAppStore.getState();

const ended = new Set<RunSummary['status']>(['done', 'failed', 'aborted', 'interrupted']);

/** The run and the runs it was made from, nearest first, as far as the history holds them. */
function lineage(runIndex: readonly RunSummary[], runId: string): RunSummary[] {
  const byId = new Map(runIndex.map((run) => [run.id, run]));
  const chain: RunSummary[] = [];
  for (let run = byId.get(runId); run && !chain.includes(run); run = run.parentId ? byId.get(run.parentId) : undefined) chain.push(run);
  return chain;
}

/** A run marked private, or a version of one. */
export function isPrivateRun(runIndex: readonly RunSummary[], runId: string): boolean {
  return lineage(runIndex, runId).some((run) => run.private === true);
}

/** The runs training data can come from: ended, not private. */
export function trainingCandidates(runIndex: readonly RunSummary[]): RunSummary[] {
  return runIndex.filter((run) => ended.has(run.status) && !isPrivateRun(runIndex, run.id));
}

/**
 * The runs picked when the dialog opens: every run judged Good, each replaced by its latest
 * corrected version (a version made from it, or from one of its versions, that finished and was
 * not judged Bad).
 */
export function defaultTrainingRuns(runIndex: readonly RunSummary[]): string[] {
  const candidates = trainingCandidates(runIndex);
  const children = new Map<string, RunSummary[]>();
  for (const run of candidates) if (run.parentId) children.set(run.parentId, [...(children.get(run.parentId) ?? []), run]);
  const latestVersion = (run: RunSummary): RunSummary => {
    let latest = run;
    const visit = (parent: RunSummary) => {
      for (const child of children.get(parent.id) ?? []) {
        if (child.judgement?.verdict === 'bad') continue;
        // A correction that did not run to the end is no better than what it corrected.
        if (child.status === 'done' && child.createdAt > latest.createdAt) latest = child;
        visit(child);
      }
    };
    visit(run);
    return latest;
  };
  const picked = candidates.filter((run) => run.judgement?.verdict === 'good').map((run) => latestVersion(run).id);
  return [...new Set(picked)];
}

/**
 * Builds the examples of the given runs from their stored events, with the toolkit as it is now.
 * `folded` keeps the runs read so far (a run that has ended does not change): the dialog passes
 * one per opening, so ticking a run does not read every other run again.
 */
export async function prepareTrainingSet(runIds: readonly string[], folded: Map<string, Promise<RunState>> = new Map()): Promise<TrainingSet> {
  flushRunEvents();
  await eventLog.flush();
  const { runIndex } = store();
  const stateOf = (id: string) => {
    let state = folded.get(id);
    if (!state) {
      state = eventLog.read(id).then(replayEvents);
      // A failed read is not kept: the next preparation tries again.
      state.catch(() => folded.delete(id));
      folded.set(id, state);
    }
    return state;
  };
  const runs: TrainingRun[] = [];
  for (const id of runIds) {
    // Private runs never go in, whoever asks.
    if (isPrivateRun(runIndex, id)) continue;
    const [summary, ...ancestors] = lineage(runIndex, id);
    if (!summary) continue;
    runs.push({ id, task: summary.task, state: await stateOf(id), ancestors: await Promise.all(ancestors.map((run) => stateOf(run.id))) });
  }
  const runtime = await loadRuntime();
  return buildTrainingSet(runs, { tools: runtime.allTools(), secrets: knownSecrets(store()) });
}
