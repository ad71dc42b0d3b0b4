import type { RunState, StepState } from './run-state.ts';

/** How a step differs between two runs. */
export type StepDifference = 'same' | 'changed' | 'added' | 'removed';

/** One row of a comparison: the step of each run with the same variable. */
export interface ComparedStep {
  id: string;
  left?: StepState;
  right?: StepState;
  difference: StepDifference;
  /** What differs on a changed step. */
  changed: ('tool' | 'input' | 'status' | 'evidence')[];
}

function variableNumber(id: string): number {
  return Number(id.slice(2));
}

/**
 * The steps of two runs aligned by variable, in variable order: `added` only on the right,
 * `removed` only on the left, `changed` when the tool, the input, the status or the evidence
 * differs.
 */
export function compareSteps(left: RunState, right: RunState): ComparedStep[] {
  const leftById = new Map(left.steps.map((step) => [step.id, step]));
  const rightById = new Map(right.steps.map((step) => [step.id, step]));
  const ids = [...new Set([...leftById.keys(), ...rightById.keys()])].sort((a, b) => variableNumber(a) - variableNumber(b));
  return ids.map((id) => {
    const before = leftById.get(id);
    const after = rightById.get(id);
    if (!before) return { id, right: after, difference: 'added', changed: [] };
    if (!after) return { id, left: before, difference: 'removed', changed: [] };
    const changed = (['tool', 'input', 'status', 'evidence'] as const).filter((field) => before[field] !== after[field]);
    return { id, left: before, right: after, difference: changed.length === 0 ? 'same' : 'changed', changed };
  });
}
