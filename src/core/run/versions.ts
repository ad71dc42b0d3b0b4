import { formatPlanText } from '../plan/plan-text.ts';
import type { ToolCall } from '../tools/types.ts';
import type { TruncatedEvidence } from './evidence.ts';
import type { StepState } from './run-state.ts';
import type { PromptRole } from '../prompts/templates.ts';

/**
 * What made a version from its parent run. The parent's event log is never rewritten: a change
 * makes a child run that records its parent and the change, and reuses what did not change.
 */
export type RunChange =
  | { type: 'edit'; id: string; tool: string; input: string }
  | { type: 'redo'; id: string }
  | { type: 'skip'; id: string }
  | { type: 'set-evidence'; id: string; text: string }
  /** The plan edited as text: every step whose call did not change is reused. */
  | { type: 'plan'; text: string }
  /** The planner asked again from a step on, with a note: steps it writes with unchanged calls are reused. */
  | { type: 'replan'; id: string; note: string }
  /**
   * Other prompts (the version's `run-start` has them): a new planner prompt asks the planner
   * again, a new tool-caller prompt asks the tool caller again, a new solver prompt re-solves;
   * steps whose calls come out unchanged still reuse their evidence.
   */
  | { type: 'prompts'; roles: readonly PromptRole[] };

/** A version's parent, as the version needs it: its id and its steps as they ended. */
export interface VersionParent {
  runId: string;
  steps: readonly Pick<StepState, 'id' | 'tool' | 'status' | 'substitutedInput' | 'call' | 'evidence' | 'evidenceLength' | 'truncated' | 'evidenceSource'>[];
  /** The parent's answer; reused when no evidence the solver reads changed. */
  answer?: string;
}

function canonical(value: unknown): unknown {
  if (typeof value === 'string') return value.trim().replace(/\s+/g, ' ');
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/**
 * The step-result cache key: the tool and its arguments as canonical JSON (keys sorted, runs of
 * white space in strings folded), so argument order and spacing do not matter and a changed
 * tool or argument does.
 */
export function callKey(call: ToolCall): string {
  return JSON.stringify([call.name, canonical(call.arguments)]);
}

/** Evidence a version takes from its parent instead of calling the tool. */
export interface ReusedEvidence extends TruncatedEvidence {
  /** The run the evidence came from. */
  fromRunId: string;
}

/**
 * The parent's finished work, looked up by what a version's step would do: the call the parent
 * dispatched for the same tool and substituted input (no tool-caller model call needed), and the
 * evidence the parent got for the same call (no tool call needed). Steps the change re-runs on
 * purpose (Redo, Edit) never hit.
 */
export class StepCache {
  private readonly calls = new Map<string, ToolCall>();
  private readonly evidence = new Map<string, ReusedEvidence>();
  private readonly byHand = new Map<string, string>();

  /** `reuseCalls: false`: every step asks for its call again (the tool-caller prompt changed). */
  constructor(
    parent: VersionParent,
    private readonly rerun: ReadonlySet<string> = new Set(),
    private readonly reuseCalls = true,
  ) {
    for (const step of parent.steps) {
      if (step.status === 'done' && step.evidence !== undefined && step.evidenceSource?.kind === 'by-hand') this.byHand.set(step.id, step.evidence);
      if (step.status !== 'done' || !step.call || step.evidence === undefined) continue;
      if (step.substitutedInput !== undefined) this.calls.set(JSON.stringify([step.tool, step.substitutedInput]), step.call);
      this.evidence.set(callKey(step.call), {
        text: step.evidence,
        originalLength: step.evidenceLength ?? step.evidence.length,
        truncated: step.truncated ?? false,
        fromRunId: parent.runId,
      });
    }
  }

  /** The parent's call for this tool and substituted input, unless the step is re-run on purpose. */
  callFor(stepId: string, tool: string, input: string): ToolCall | undefined {
    return this.rerun.has(stepId) || !this.reuseCalls ? undefined : this.calls.get(JSON.stringify([tool, input]));
  }

  /** Evidence the person set by hand on this step of the parent: it stays in the version, unless the step is re-run on purpose. */
  handSetEvidence(stepId: string): string | undefined {
    return this.rerun.has(stepId) ? undefined : this.byHand.get(stepId);
  }

  /** The parent's evidence for this call, unless the step is re-run on purpose. */
  evidenceFor(stepId: string, call: ToolCall): ReusedEvidence | undefined {
    return this.rerun.has(stepId) ? undefined : this.evidence.get(callKey(call));
  }
}

/**
 * The plan of a version: the parent's steps, with an edited step's tool and input changed;
 * undefined for a replan, whose plan the planner writes.
 */
export function versionPlanText(steps: readonly Pick<StepState, 'id' | 'tool' | 'input' | 'thought'>[], change: RunChange): string | undefined {
  if (change.type === 'plan') return change.text;
  if (change.type === 'replan') return undefined;
  if (change.type === 'prompts' && change.roles.includes('planner')) return undefined;
  return formatPlanText(steps.map((step) => (change.type === 'edit' && step.id === change.id ? { ...step, tool: change.tool, input: change.input } : step)));
}

/**
 * Whether a version's steps ended with exactly the parent's evidence, so that the parent's
 * answer holds for the version too and the solver need not run.
 */
export function sameEvidence(parent: VersionParent, steps: readonly Pick<StepState, 'id' | 'status' | 'evidence'>[]): boolean {
  if (parent.steps.length !== steps.length) return false;
  const before = new Map(parent.steps.map((step) => [step.id, step]));
  return steps.every((step) => {
    const earlier = before.get(step.id);
    return earlier !== undefined && earlier.status === step.status && earlier.evidence === step.evidence;
  });
}

/** The steps a change re-runs on purpose, whatever the cache holds. */
export function rerunSteps(change: RunChange): ReadonlySet<string> {
  return new Set(change.type === 'redo' || change.type === 'edit' ? [change.id] : []);
}

/** A short description of a change, for the history and the run's header. */
export function describeChange(change: RunChange): string {
  switch (change.type) {
    case 'edit':
      return `${change.id} edited`;
    case 'redo':
      return `${change.id} run again`;
    case 'skip':
      return `${change.id} skipped`;
    case 'set-evidence':
      return `${change.id} evidence set by hand`;
    case 'plan':
      return 'plan edited';
    case 'replan':
      return `replanned from ${change.id}`;
    case 'prompts':
      return `${change.roles.map((role) => promptRoleNames[role]).join(', ')} prompt changed`;
  }
}

const promptRoleNames: Record<PromptRole, string> = { planner: 'planner', solver: 'solver', toolCaller: 'tool-caller' };

/** Whether the parent's calls may be reused as they are (not when the tool-caller prompt changed). */
export function reusesCalls(change: RunChange): boolean {
  return !(change.type === 'prompts' && change.roles.includes('toolCaller'));
}

/** Whether the parent's answer may be reused when no evidence changed (not when the solver prompt changed). */
export function reusesAnswer(change: RunChange): boolean {
  return !(change.type === 'prompts' && change.roles.includes('solver'));
}
