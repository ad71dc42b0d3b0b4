import { useState } from 'react';
import { isRunUnfinished } from '../core/run/run-state.ts';
import { judgeRun, setRunPrivate } from '../store/run-actions.ts';
import { useAppStore } from '../store/store.ts';

/**
 * Good / Bad on the run on screen, with an optional note: what a person judged good (with its
 * corrections, when it is a version) is what training data is made from later. Pressing the
 * chosen verdict again takes it back.
 */
export function RunJudgementBar() {
  const runId = useAppStore((state) => state.activeRunId);
  const judgement = useAppStore((state) => state.runIndex.find((run) => run.id === state.activeRunId)?.judgement);
  const isPrivate = useAppStore((state) => state.runIndex.find((run) => run.id === state.activeRunId)?.private === true);
  const ended = useAppStore((state) => state.activeRun !== null && !isRunUnfinished(state.activeRun.status));
  const [note, setNote] = useState<{ runId: string | null; text: string } | null>(null);
  if (!runId || !ended) return null;
  const shownNote = note?.runId === runId ? note.text : (judgement?.note ?? '');
  return (
    <section className="run-judgement" aria-label="Judge this run">
      <span className="hint">This run was</span>
      <button type="button" aria-pressed={judgement?.verdict === 'good'} title="Mark the run good: its plan and calls are worth learning from" onClick={() => judgeRun(runId, { verdict: 'good' })}>
        Good
      </button>
      <button type="button" aria-pressed={judgement?.verdict === 'bad'} title="Mark the run bad" onClick={() => judgeRun(runId, { verdict: 'bad' })}>
        Bad
      </button>
      {judgement && (
        <input
          type="text"
          aria-label="Note on the judgement"
          placeholder="Why? (optional)"
          value={shownNote}
          onChange={(event) => setNote({ runId, text: event.target.value })}
          onBlur={() => {
            if (note?.runId === runId) judgeRun(runId, { note: note.text });
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') event.currentTarget.blur();
          }}
        />
      )}
      <label className="hint" title="A private run and its versions never go into training data">
        <input type="checkbox" checked={isPrivate} onChange={(event) => setRunPrivate(runId, event.target.checked)} /> Private
      </label>
    </section>
  );
}
