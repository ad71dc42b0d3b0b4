import { useShallow } from 'zustand/react/shallow';
import type { StepState } from '../core/run/run-state.ts';
import { useAppStore } from '../store/store.ts';
import { durationMs, roleNames, seconds, statusText } from './call-format.ts';
import { CutText } from './cut-text.tsx';
import { integer } from './format.ts';
import { CallArguments, callOrigin, Evidence, SubstitutedInput } from './step-parts.tsx';
import { statusLabel } from './step-status.ts';

/** Selects a step and brings its card into view (cards have `id="step-E1"`). */
export function showStep(id: string): void {
  useAppStore.getState().selectStep(id);
  const card = document.getElementById(`step-${id.replace(/^#/, '')}`);
  if (typeof card?.scrollIntoView === 'function') card.scrollIntoView({ block: 'nearest' });
}

/** Links to other steps (the ones a step reads, the ones that read it). */
function StepLinks({ ids }: { ids: readonly string[] }) {
  return (
    <>
      {ids.map((id, index) => (
        <span key={id}>
          {index > 0 && ', '}
          <button type="button" className="link mono" onClick={() => showStep(id)} title={`Show ${id}`}>
            {id}
          </button>
        </span>
      ))}
    </>
  );
}

/** The model requests that served this step (tool caller, fallback, the `llm` tool), each one click from Calls. */
function StepCalls({ step }: { step: StepState }) {
  const calls = useAppStore(useShallow((state) => state.activeRun?.calls.filter((call) => call.step === step.id) ?? []));
  if (calls.length === 0) return <p className="hint">No model request: {step.dispatch?.path === 'fast-path' ? 'the planner wrote the call (fast path).' : 'none was needed.'}</p>;
  return (
    <ul className="details-calls">
      {calls.map((call) => (
        <li key={call.callId}>
          <button type="button" className="link" onClick={() => useAppStore.getState().focusCalls(step.id, call.callId)} aria-label={`Open call ${call.callId} in Calls`}>
            {call.callId}
          </button>{' '}
          {roleNames[call.role]}, {call.model.model ?? call.model.label}, <span className={call.status === 'failed' ? 'error' : undefined}>{statusText(call)}</span>
          {call.usage && `, ${integer.format(call.usage.promptTokens)} + ${integer.format(call.usage.completionTokens)} tokens`}, {seconds(durationMs(call))}
        </li>
      ))}
    </ul>
  );
}

/** When the step ran, relative to the start of the run. */
function timing(step: StepState): string | undefined {
  if (step.startedAt === undefined) return undefined;
  const started = `started at ${seconds(step.startedAt)}`;
  const took = step.durationMs !== undefined ? `, took ${seconds(step.durationMs)}` : step.endedAt === undefined ? ', still running' : '';
  const tries = step.attempts > 1 ? `, ${step.attempts} tries` : '';
  return `${started}${took}${tries}`;
}

/**
 * The selected step in full, like a debugger's variables pane: its plan line, what it reads and
 * what reads it, the input after substitution, the call and how it was made, timing, evidence,
 * and its model requests. With nothing selected, the step the run is paused at.
 */
export function StepDetails() {
  const selected = useAppStore((state) => state.selectedStep);
  const held = useAppStore((state) => state.activeRun?.steps.find((step) => step.status === 'paused' || step.status === 'waiting-for-approval')?.id);
  const id = selected ?? held;
  const step = useAppStore((state) => (id === undefined ? undefined : state.activeRun?.steps.find((candidate) => candidate.id === id)));
  const readBy = useAppStore(useShallow((state) => (id === undefined ? [] : (state.activeRun?.steps.filter((candidate) => candidate.deps.includes(id)).map((candidate) => candidate.id) ?? []))));
  if (!step) {
    return (
      <section className="step-details" aria-label="Step details">
        <h2>Step details</h2>
        <p className="hint">Select a step (its card, or its node in the graph) to see its call, evidence and model requests here.</p>
      </section>
    );
  }
  const status = statusLabel(step.status);
  const substituted = step.substitutedInput !== undefined && step.substitutions && step.substitutions.length > 0;
  const when = timing(step);
  return (
    <section className="step-details" aria-label="Step details" data-status={status}>
      <h2>
        <span className="step-id">{step.id}</span> <span className="step-tool">{step.tool}</span> <span className="status">{status}</span>
      </h2>
      {step.thought && <p className="step-thought">{step.thought}</p>}
      <dl className="details-grid">
        <dt>Plan</dt>
        <dd>
          <CutText text={`${step.id} = ${step.tool}[${step.input}]`} preview={400} />
        </dd>
        {step.deps.length > 0 && (
          <>
            <dt>Reads</dt>
            <dd>
              <StepLinks ids={step.deps} />
            </dd>
          </>
        )}
        {readBy.length > 0 && (
          <>
            <dt>Read by</dt>
            <dd>
              <StepLinks ids={readBy} />
            </dd>
          </>
        )}
        {substituted && (
          <>
            <dt>Input</dt>
            <dd>
              <SubstitutedInput text={step.substitutedInput ?? ''} substitutions={step.substitutions ?? []} />
            </dd>
          </>
        )}
        {step.call && (
          <>
            <dt>Call</dt>
            <dd>
              <span className="hint">{callOrigin(step)}</span>
              <CallArguments call={step.call} input={substituted ? step.substitutedInput : step.input} />
            </dd>
          </>
        )}
        {when && (
          <>
            <dt>Time</dt>
            <dd>{when}</dd>
          </>
        )}
        {step.error && (
          <>
            <dt>Error</dt>
            <dd className="error">
              {step.error.message} {step.error.hint && <span className="hint">{step.error.hint}</span>}
            </dd>
          </>
        )}
        {step.skipReason && step.status === 'skipped' && (
          <>
            <dt>Skipped</dt>
            <dd>{step.skipReason}</dd>
          </>
        )}
      </dl>
      {step.evidence !== undefined ? (
        <Evidence text={step.evidence} originalLength={step.evidenceLength} truncated={step.truncated} source={step.evidenceSource} />
      ) : (
        <p className="hint">No evidence yet.</p>
      )}
      <h3>Model requests</h3>
      <StepCalls step={step} />
    </section>
  );
}
