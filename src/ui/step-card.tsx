import { memo, useDeferredValue, useState } from 'react';
import { isRunUnderWay, type StepState } from '../core/run/run-state.ts';
import { editStep, isActiveRunLive, replanFrom, rerunStep, setStepEvidence, skipStep, toggleBreakpoint } from '../store/run-actions.ts';
import { useAppStore } from '../store/store.ts';
import { statusLabel } from './step-status.ts';
import { CutText, previewLength } from './cut-text.tsx';
import { callCount } from './call-format.ts';
import { CallArguments, callOrigin, Evidence, SubstitutedInput } from './step-parts.tsx';
import { useEnabledToolNames } from './use-runtime.ts';

function StepEditor({ step, onDone }: { step: StepState; onDone: () => void }) {
  const tools = useEnabledToolNames();
  const [tool, setTool] = useState(step.tool);
  const [input, setInput] = useState(step.input);
  return (
    <form
      className="form-grid"
      onSubmit={(event) => {
        event.preventDefault();
        if (editStep(step.id, { tool, input })) onDone();
      }}
    >
      <label htmlFor={`tool-${step.id}`}>Tool</label>
      <select id={`tool-${step.id}`} value={tool} onChange={(event) => setTool(event.target.value)}>
        {[...new Set([step.tool, ...tools])].map((name) => (
          <option key={name}>{name}</option>
        ))}
      </select>
      <label htmlFor={`input-${step.id}`}>Input</label>
      <textarea id={`input-${step.id}`} value={input} onChange={(event) => setInput(event.target.value)} rows={3} />
      <span />
      <span className="controls">
        <button type="submit" className="primary">Save</button>
        <button type="button" onClick={onDone}>Cancel</button>
      </span>
    </form>
  );
}

/** One text box with a submit button and Cancel, for a change to a step. */
function TextForm(props: { id: string; label: string; initial?: string; rows: number; placeholder?: string; submit: string; onSubmit: (text: string) => void; onDone: () => void }) {
  const [text, setText] = useState(props.initial ?? '');
  return (
    <form
      className="form-grid"
      onSubmit={(event) => {
        event.preventDefault();
        props.onDone();
        props.onSubmit(text);
      }}
    >
      <label htmlFor={props.id}>{props.label}</label>
      <textarea id={props.id} rows={props.rows} value={text} onChange={(event) => setText(event.target.value)} placeholder={props.placeholder} />
      <span />
      <span className="controls">
        <button type="submit" className="primary">{props.submit}</button>
        <button type="button" onClick={props.onDone}>Cancel</button>
      </span>
    </form>
  );
}

type Toggle = (update: (open: boolean) => boolean) => void;

/**
 * A card's buttons. Which of them show depends on the run's phase, so they follow it on their
 * own: a change of phase re-renders 200 of these, not 200 cards with their evidence.
 */
const StepActions = memo(function StepActions(props: { id: string; status: StepState['status']; setEditing: Toggle; setReplanning: Toggle; setSettingEvidence: Toggle }) {
  const { id, status } = props;
  // A run that has ended (or was imported, or reloaded) can be changed too: each change makes a version.
  // Deferred: when a run ends, 200 cards' buttons change in a render the page can interrupt.
  const live = useDeferredValue(useAppStore((state) => isRunUnderWay(state.activeRun?.status)) && isActiveRunLive());
  const notStarted = status === 'pending' || status === 'ready' || status === 'paused' || status === 'stale';
  const finished = status === 'done' || status === 'failed' || status === 'skipped';
  const toggle = (set: Toggle) => () => set((open) => !open);
  return (
    <>
      {(notStarted || !live) && <button onClick={toggle(props.setEditing)}>Edit</button>}
      {(notStarted || !live) && <button onClick={() => skipStep(id)}>Skip</button>}
      {(finished || !live) && (
        <button onClick={() => rerunStep(id)} title="Run this step again; the steps that use it run again too">
          Redo
        </button>
      )}
      <button onClick={toggle(props.setSettingEvidence)} title="Replace this step's evidence by hand; the steps that use it run again">
        Set evidence
      </button>
      <button onClick={toggle(props.setReplanning)} title="Ask the planner for a new plan from this step on">Replan</button>
    </>
  );
});

/** One plan step: thought, tool, input, call, how it was made, status, timings and evidence. */
export const StepCard = memo(function StepCard({ step }: { step: StepState }) {
  const hasBreakpoint = useAppStore((state) => state.stepBreakpoints.includes(step.id) || state.breakAt.includes(step.id));
  const [editing, setEditing] = useState(false);
  const [replanning, setReplanning] = useState(false);
  const [settingEvidence, setSettingEvidence] = useState(false);
  const status = statusLabel(step.status);
  const calls = useAppStore((state) => callCount(state.activeRun?.calls, step.id));
  const selected = useAppStore((state) => state.selectedStep === step.id);
  return (
    <li
      id={`step-${step.id.slice(1)}`}
      className="step-card"
      data-status={status}
      data-step-id={step.id}
      tabIndex={0}
      aria-label={`${step.id} ${step.tool} ${status}`}
      aria-current={selected ? 'true' : undefined}
      // Working with a card (a click, a key, its buttons) shows its step in the details.
      onFocus={() => selected || useAppStore.getState().selectStep(step.id)}
    >
      <div className="step-head">
        <button
          aria-label={`${hasBreakpoint ? 'Remove' : 'Add'} breakpoint on ${step.id}`}
          aria-pressed={hasBreakpoint}
          title="Breakpoint (F9)"
          onClick={() => toggleBreakpoint(step.id)}
          style={{ color: hasBreakpoint ? 'var(--failed)' : 'var(--muted)', border: 'none', padding: 0 }}
        >
          ●
        </button>
        <span className="step-id">{step.id}</span>
        <span className="step-tool">{step.tool}</span>
        <span className="status">{status}{step.pauseReason && step.status === 'paused' ? ` (${step.pauseReason.replaceAll('-', ' ')})` : ''}</span>
        {step.durationMs !== undefined && <span className="hint">{Math.round(step.durationMs)} ms</span>}
        {step.attempts > 1 && <span className="hint">{step.attempts} tries</span>}
        <span style={{ flex: 1 }} />
        <StepActions id={step.id} status={step.status} setEditing={setEditing} setReplanning={setReplanning} setSettingEvidence={setSettingEvidence} />
      </div>
      {step.thought && <p className="step-thought">{step.thought}</p>}
      {replanning && (
        <TextForm
          id={`note-${step.id}`}
          label="Note to the planner"
          rows={2}
          placeholder="What should change from here on?"
          submit="Ask the planner"
          onSubmit={(note) => void replanFrom(step.id, note)}
          onDone={() => setReplanning(false)}
        />
      )}
      {settingEvidence && (
        // A new version: the steps that read this evidence and the solver run again.
        <TextForm
          id={`evidence-${step.id}`}
          label="Evidence"
          initial={step.evidence}
          rows={4}
          submit="Save"
          onSubmit={(text) => void setStepEvidence(step.id, text)}
          onDone={() => setSettingEvidence(false)}
        />
      )}
      {editing ? (
        <StepEditor step={step} onDone={() => setEditing(false)} />
      ) : (
        <>
          {/* With the input shown after substitution below, the plan's line is a short preview. */}
          <CutText text={`${step.id} = ${step.tool}[${step.input}]`} preview={step.substitutions && step.substitutions.length > 0 ? 160 : previewLength} />
          {step.substitutedInput !== undefined && step.substitutions && step.substitutions.length > 0 && (
            <div>
              <span className="hint">Input after substitution:</span>
              <SubstitutedInput text={step.substitutedInput} substitutions={step.substitutions} />
            </div>
          )}
        </>
      )}
      {step.call && (
        <div>
          <span className="hint">{callOrigin(step)}:</span>
          <CallArguments call={step.call} input={step.substitutions && step.substitutions.length > 0 ? step.substitutedInput : step.input} />
        </div>
      )}
      {calls > 0 && (
        <button className="link" onClick={() => useAppStore.getState().focusCalls(step.id)} aria-label={`Model requests of ${step.id}`}>
          {calls === 1 ? '1 model request' : `${calls} model requests`}
        </button>
      )}
      {step.retry && <p className="hint">Retrying after: {step.retry.error.message}</p>}
      {step.planErrors.length > 0 && <p className="error">{step.planErrors.map((problem) => problem.message).join(' ')}</p>}
      {step.error && (
        <p className="error" role="alert">
          {step.error.message} {step.error.hint && <span className="hint">{step.error.hint}</span>}
        </p>
      )}
      {step.skipReason && step.status === 'skipped' && <p className="hint">Skipped: {step.skipReason}</p>}
      {step.staleBecause && step.status === 'stale' && <p className="hint">Stale: {step.staleBecause} runs again.</p>}
      {step.evidence !== undefined && <Evidence text={step.evidence} originalLength={step.evidenceLength} truncated={step.truncated} source={step.evidenceSource} />}
    </li>
  );
});
