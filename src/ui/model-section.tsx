import { useId, type ReactNode } from 'react';
import type { ModelTarget } from '../engines/model-choice.ts';
import { describeProgress } from '../engines/model-progress.ts';
import { cancelModelLoad, chooseModel, loadChosenModel, switchRoles } from '../store/model-actions.ts';
import type { ModelLoadState } from '../store/model-slice.ts';
import { useAppStore } from '../store/store.ts';

/** One model a section offers. */
export interface ModelRow {
  id: string;
  label: string;
  /** The download size, for a person. */
  download: string;
  /** The memory it needs, for a person. */
  memory: string;
  recommended: boolean;
  /** Why it cannot be chosen here; the radio is disabled then. */
  unusable?: string;
  /** `downloaded` or `partly downloaded`. */
  cached?: string;
  note?: string;
}

export interface ModelSectionProps {
  target: ModelTarget;
  /** The table's accessible name: `WebGPU models`, `CPU models`. */
  name: string;
  caption: string;
  memoryHeading: string;
  rows: readonly ModelRow[];
  /** The self-hosted model, when one is set. */
  selfHosted?: { id: string; label: string; url: string };
  chosenId: string;
  /** The Load button's name: `Load WebGPU model`, `Load CPU model`. */
  loadName: string;
  /** Why this engine cannot run here; the Load button is disabled and says so. */
  unavailable?: string;
  /** For the progress estimate where the engine reports no byte counts. */
  approximateBytes?: number;
  /** Whether the WebGPU engine can be offered as a way forward. */
  webGpuAvailable: boolean;
  /** Shown between the table and the Load button. */
  children?: ReactNode;
}

/** Ways on after a failure of the `failed` engine: the other engine (where it can run) or the planner endpoint. */
export function WayForward({ failed, webGpuAvailable }: { failed: ModelTarget; webGpuAvailable: boolean }) {
  const other: ModelTarget = failed === 'webgpu' ? 'cpu' : 'webgpu';
  return (
    <div className="controls">
      {(other === 'cpu' || webGpuAvailable) && (
        <button type="button" onClick={() => switchRoles(failed, other)}>
          {other === 'cpu' ? 'Use the CPU engine' : 'Use the WebGPU engine'}
        </button>
      )}
      <button type="button" onClick={() => switchRoles(failed, 'planner-endpoint')}>
        Use the planner endpoint
      </button>
    </div>
  );
}

function ProgressLine({ target, state, approximateBytes }: { target: ModelTarget; state: Extract<ModelLoadState, { status: 'loading' }>; approximateBytes: number | undefined }) {
  const description = describeProgress(state.progress, state.elapsedMs, approximateBytes);
  return (
    <div className="model-progress">
      <label>
        Loading {state.label}: <progress aria-label={`Loading ${state.label}`} value={state.progress.progress} max={1} /> <span>{description}</span>
      </label>
      {state.progress.text && <div className="hint">{state.progress.text}</div>}
      <button type="button" onClick={() => cancelModelLoad(target)}>
        Cancel loading
      </button>
    </div>
  );
}

/** One engine's models: the catalog table with the choice, the Load button, progress and failure. */
export function ModelSection(props: ModelSectionProps) {
  const { target, rows, selfHosted, chosenId } = props;
  const load = useAppStore((state) => state.modelManager.loads[target]);
  const reasonId = useId();
  const radioName = `${target}-model`;
  return (
    <>
      {/* On a narrow screen the table scrolls sideways; the text around it wraps. */}
      <div className="table-scroll">
        <table className="model-table" aria-label={props.name}>
          <caption>{props.caption}</caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Download</th>
              <th scope="col">{props.memoryHeading}</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} className={row.recommended ? 'recommended' : undefined}>
                <td>
                  <label>
                    <input type="radio" name={radioName} value={row.id} checked={chosenId === row.id} disabled={row.unusable !== undefined} onChange={() => chooseModel(target, row.id)} />{' '}
                    {row.label}
                  </label>
                </td>
                <td>{row.download}</td>
                <td>{row.memory}</td>
                <td>
                  <div className="model-notes">
                    {row.recommended && <span className="model-badge">recommended</span>}
                    {row.unusable && <span className="hint">{row.unusable}</span>}
                    {row.cached && <span className="model-badge downloaded">{row.cached}</span>}
                    {row.note && <span className="hint">{row.note}</span>}
                  </div>
                </td>
              </tr>
            ))}
            {selfHosted && (
              <tr>
                <td>
                  <label>
                    <input type="radio" name={radioName} value={selfHosted.id} checked={chosenId === selfHosted.id} onChange={() => chooseModel(target, selfHosted.id)} /> Self-hosted:{' '}
                    {selfHosted.label}
                  </label>
                </td>
                <td colSpan={3} className="hint">
                  {selfHosted.url}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {props.children}
      <div className="controls">
        <button
          type="button"
          className="primary"
          onClick={() => void loadChosenModel(target)}
          disabled={load.status === 'loading' || props.unavailable !== undefined}
          aria-describedby={props.unavailable === undefined ? undefined : reasonId}
        >
          {props.loadName}
        </button>
        {props.unavailable !== undefined && (
          <span id={reasonId} className="hint">
            {props.unavailable}
          </span>
        )}
        {load.status === 'loaded' && (
          <span role="status">
            Loaded {load.label}
            {load.loadTimeMs === undefined ? '' : ` in ${(load.loadTimeMs / 1000).toFixed(1)} s`}.
          </span>
        )}
      </div>
      {load.status === 'loading' && <ProgressLine target={target} state={load} approximateBytes={props.approximateBytes} />}
      {load.status === 'failed' && (
        <div className="model-error" role="alert">
          <p>{load.error.message}</p>
          {load.error.hint && <p className="hint">{load.error.hint}</p>}
          <WayForward failed={target} webGpuAvailable={props.webGpuAvailable} />
        </div>
      )}
    </>
  );
}
