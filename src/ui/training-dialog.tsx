import { useEffect, useMemo, useRef, useState } from 'react';
import type { TrainingSet } from '../core/training/examples.ts';
import type { RunState } from '../core/run/run-state.ts';
import { bundleFiles, recordCount, trainingFile, trainingFormats, type TrainingFormat } from '../core/training/formats.ts';
import { errorMessage } from '../core/errors.ts';
import { defaultTrainingRuns, isPrivateRun, prepareTrainingSet, trainingCandidates } from '../store/training-actions.ts';
import type { RunSummary } from '../store/runs-slice.ts';
import { useAppStore } from '../store/store.ts';
import { downloadFile } from './download.ts';
import { count } from './format.ts';

const previewChars = 1600;

function preview(set: TrainingSet, format: TrainingFormat): string {
  if (format === 'llama-factory') {
    const files = bundleFiles(set);
    return `${Object.keys(files).join('\n')}\n\n${files['stepwise-data/dataset_info.json'] ?? ''}`;
  }
  const text = trainingFile(set, format).data as string;
  return text.length > previewChars ? `${text.slice(0, previewChars)}…` : text;
}

function RunChoice({ run, checked, onChange }: { run: RunSummary; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <li>
      <label>
        <input type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} /> {run.task.length > 80 ? `${run.task.slice(0, 80)}…` : run.task}{' '}
        {run.change && <span className="hint">(version: {run.change}) </span>}
        {run.judgement && <span className={`verdict verdict-${run.judgement.verdict}`}>{run.judgement.verdict}</span>}{' '}
        <span className="hint">
          {run.status}, {new Date(run.createdAt).toLocaleString()}
        </span>
      </label>
    </li>
  );
}

/**
 * Export training data (issue 12): the person picks runs (by default every run judged Good, each
 * in its latest corrected version) and a format; the dialog says how many records each part
 * gives, which were left out and why, and how many duplicates were dropped, before Download.
 */
export function TrainingDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const runIndex = useAppStore((state) => state.runIndex);
  const candidates = useMemo(() => trainingCandidates(runIndex), [runIndex]);
  // Marked private, or a version of a run marked private.
  const privateCount = useMemo(() => runIndex.filter((run) => isPrivateRun(runIndex, run.id)).length, [runIndex]);
  const [selected, setSelected] = useState<readonly string[]>([]);
  const [format, setFormat] = useState<TrainingFormat>('planner-alpaca');
  // The examples of one selection; while they are being built for a newer one, the old ones show.
  const [result, setResult] = useState<{ selection: readonly string[]; set?: TrainingSet; problem?: string } | null>(null);
  const pending = result?.selection !== selected;

  // Opening picks the default runs (adjusted while rendering, as React advises).
  const [shownOpen, setShownOpen] = useState(false);
  if (open !== shownOpen) {
    setShownOpen(open);
    if (open) setSelected(defaultTrainingRuns(runIndex));
  }

  useEffect(() => {
    if (open && !dialog.current?.open) dialog.current?.showModal();
    if (!open && dialog.current?.open) dialog.current.close();
  }, [open]);

  // The runs read while the dialog is open (ended runs do not change); read afresh on each opening.
  const folded = useMemo(() => (open ? new Map<string, Promise<RunState>>() : undefined), [open]);

  useEffect(() => {
    if (!open) return;
    let current = true;
    prepareTrainingSet(selected, folded).then(
      (set) => current && setResult({ selection: selected, set }),
      (error: unknown) => current && setResult({ selection: selected, problem: `The runs could not be read: ${errorMessage(error)}` }),
    );
    return () => {
      current = false;
    };
  }, [open, selected, folded]);

  const set = result?.set;
  const records = set ? recordCount(set, format) : 0;
  // Written once per set and format, not on every render (opening "Left out" renders again).
  const previewText = useMemo(() => (set && records > 0 ? preview(set, format) : ''), [set, format, records]);
  const description = trainingFormats.find((option) => option.value === format)?.description;
  const toggle = (id: string, checked: boolean) => setSelected((ids) => (checked ? [...ids, id] : ids.filter((other) => other !== id)));
  const download = () => {
    if (!set) return;
    const file = trainingFile(set, format);
    downloadFile(file.data, file.name, file.type);
  };

  return (
    <dialog ref={dialog} className="training-dialog" aria-label="Export training data" onClose={onClose}>
      <h2>Export training data</h2>
      <p className="hint">
        Plans you corrected, calls you edited and answers from runs you judged good, as datasets that fine-tuning tools read. Keys and tokens are removed; runs
        marked private are never offered.
      </p>
      <fieldset>
        <legend>
          Runs ({selected.length} of {candidates.length} picked)
        </legend>
        <div className="controls">
          <button type="button" onClick={() => setSelected(defaultTrainingRuns(runIndex))} title="Every run judged good, each in its latest corrected version">
            Judged good
          </button>
          <button type="button" onClick={() => setSelected(candidates.map((run) => run.id))}>
            All
          </button>
          <button type="button" onClick={() => setSelected([])}>
            None
          </button>
        </div>
        {candidates.length === 0 ? (
          <p className="hint">No finished runs yet. Run a task, correct what needs it, and mark the run Good.</p>
        ) : (
          <ul className="training-runs" tabIndex={0} aria-label="Runs to export">
            {candidates.map((run) => (
              <RunChoice key={run.id} run={run} checked={selected.includes(run.id)} onChange={(checked) => toggle(run.id, checked)} />
            ))}
          </ul>
        )}
        {privateCount > 0 && <p className="hint">{count(privateCount, 'private run')} not offered.</p>}
      </fieldset>
      <label className="training-format">
        Format{' '}
        <select aria-label="Format" value={format} onChange={(event) => setFormat(event.target.value as TrainingFormat)}>
          {trainingFormats.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </label>
      <p className="hint">{description}</p>
      <section aria-label="What will be exported" aria-live="polite" aria-busy={pending}>
        {result?.problem && <p className="error">{result.problem}</p>}
        {set && (
          <>
            <p>
              {count(records, 'record')} in this format: {count(set.planner.length, 'planner record')}, {count(set.solver.length, 'solver record')},{' '}
              {count(set.toolCaller.length, 'tool-caller record')}.
              {set.duplicates > 0 && ` ${count(set.duplicates, 'duplicate')} (same prompt and output) dropped.`}
            </p>
            {set.leftOut.length > 0 && (
              <details>
                <summary>Left out: {count(set.leftOut.length, 'record')}</summary>
                <ul className="training-left-out" tabIndex={0} aria-label="Left out">
                  {set.leftOut.map((entry, index) => (
                    <li key={`${entry.runId}-${entry.part}-${index}`}>
                      <strong>{entry.task.length > 60 ? `${entry.task.slice(0, 60)}…` : entry.task}</strong>, {entry.part}: {entry.reason}
                    </li>
                  ))}
                </ul>
              </details>
            )}
            {records > 0 && (
              <details>
                <summary>Preview</summary>
                <pre className="training-preview" tabIndex={0} aria-label="Preview of the file">{previewText}</pre>
              </details>
            )}
          </>
        )}
      </section>
      <div className="controls dialog-actions">
        <button type="button" className="primary" disabled={!set || records === 0 || pending} onClick={download}>
          Download
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </dialog>
  );
}
