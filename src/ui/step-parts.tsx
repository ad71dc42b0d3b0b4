import { useMemo, useState, type ReactNode } from 'react';
import type { DispatchPath, EvidenceSource, Substitution } from '../core/run/events.ts';
import type { StepState } from '../core/run/run-state.ts';
import { openRun } from '../store/run-actions.ts';
import { characters, CutText, previewLength, showAllLength } from './cut-text.tsx';

// The parts of a step that both its card in the plan and the step details show.

/**
 * The input after substitution, each inserted `#E` value highlighted and linked to its step. An
 * input that carries long evidence is shown cut, like the evidence itself: a few steps with 50 KB
 * inputs would otherwise put megabytes of text into the page on every update of the plan.
 */
export function SubstitutedInput({ text, substitutions }: { text: string; substitutions: readonly Substitution[] }) {
  const [showAll, setShowAll] = useState(false);
  const long = text.length > previewLength;
  const shown = long && !showAll ? previewLength : Math.min(text.length, showAllLength);
  const parts: ReactNode[] = [];
  let last = 0;
  for (const substitution of substitutions) {
    if (substitution.start >= shown) break;
    const end = Math.min(substitution.end, shown);
    parts.push(text.slice(last, substitution.start));
    parts.push(
      <a key={substitution.start} className="substitution" href={`#step-${substitution.variable.slice(1)}`} title={`from ${substitution.variable}`}>
        {text.slice(substitution.start, end)}
      </a>,
    );
    last = end;
  }
  parts.push(text.slice(last, shown));
  if (shown < text.length) parts.push('…');
  return (
    <>
      <div className="mono">{parts}</div>
      {long && <button onClick={() => setShowAll(!showAll)}>{showAll ? 'Show less' : `Show all ${characters(text.length)}`}</button>}
    </>
  );
}

/** A call's arguments as JSON, cut like the evidence when it is long. */
export function CallArguments({ call, input }: { call: unknown; input?: string }) {
  // A long input already shown above (after substitution) is not written out a third time.
  const json = useMemo(
    () => JSON.stringify(call, (_key, value: unknown) => (input !== undefined && input.length > 200 && value === input ? '‹the input above›' : value)),
    [call, input],
  );
  return <CutText text={json} />;
}

/** Where evidence came from when no tool ran for it here. */
function EvidenceOrigin({ source }: { source: EvidenceSource }) {
  if (source.kind === 'by-hand') return <>, set by hand</>;
  return (
    <>
      , reused from{' '}
      <button className="link" onClick={() => void openRun(source.runId)} title="Open the run this evidence came from">
        the earlier run
      </button>
    </>
  );
}

export function Evidence({ text, originalLength, truncated, source }: { text: string; originalLength?: number; truncated?: boolean; source?: EvidenceSource }) {
  const size = `${characters(originalLength ?? text.length)}${truncated ? ', truncated' : ''}`;
  return (
    <details open>
      <summary>
        Evidence ({size}
        {source && <EvidenceOrigin source={source} />})
      </summary>
      {/* Plain text: evidence is data from the web and never rendered as HTML. */}
      <CutText text={text} className="mono evidence" />
    </details>
  );
}

/** How a step's call was made, in words. */
const pathLabels: Record<DispatchPath, string> = {
  'fast-path': 'planner fast path',
  engine: 'tool-caller model',
  fallback: 'fallback model',
  edited: 'your edit',
  reused: 'the earlier run',
};

/** "Call via tool-caller model (qwen), 120 + 30 tokens, 840 ms", or who edited it at approval. */
export function callOrigin(step: StepState): string {
  const dispatch = step.dispatch;
  if (!dispatch) return 'Call';
  // The person changed the arguments in the approval dialog: say so, not how the first call came.
  const editedAtApproval = step.call !== undefined && JSON.stringify(dispatch.call) !== JSON.stringify(step.call);
  const how = editedAtApproval ? `Call edited by you at approval (first written by ${pathLabels[dispatch.path]})` : `Call via ${pathLabels[dispatch.path]}${dispatch.engineId ? ` (${dispatch.engineId})` : ''}`;
  const usage = dispatch.usage ? `, ${dispatch.usage.promptTokens} + ${dispatch.usage.completionTokens} tokens` : '';
  const time = dispatch.path !== 'fast-path' ? `, ${Math.round(dispatch.durationMs)} ms` : '';
  return `${how}${usage}${time}`;
}
