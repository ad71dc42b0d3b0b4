import type { ModelRole } from '../core/run/events.ts';
import type { ModelCallState } from '../core/run/run-state.ts';

// How a model call reads in the Calls panel, on step cards and in the step details.

export const roleNames: Record<ModelRole, string> = {
  planner: 'Planner',
  'tool-caller': 'Tool caller',
  fallback: 'Fallback',
  solver: 'Solver',
  'llm-tool': 'llm tool',
};


/** Calls per step, computed once per calls array (each step card asks). */
const countsByCalls = new WeakMap<readonly ModelCallState[], Map<string, number>>();

/** How many model requests served `step` in `calls`. */
export function callCount(calls: readonly ModelCallState[] | undefined, step: string): number {
  if (!calls || calls.length === 0) return 0;
  let counts = countsByCalls.get(calls);
  if (!counts) {
    counts = new Map();
    for (const call of calls) if (call.step !== undefined) counts.set(call.step, (counts.get(call.step) ?? 0) + 1);
    countsByCalls.set(calls, counts);
  }
  return counts.get(step) ?? 0;
}

export function durationMs(call: ModelCallState): number | undefined {
  if (call.timing) return call.timing.totalMs;
  return call.endedAt === undefined ? undefined : call.endedAt - call.startedAt;
}

export function seconds(ms: number | undefined): string {
  return ms === undefined ? '–' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function tokensPerSecond(call: ModelCallState): number | undefined {
  if (call.timing?.decodeTokensPerSecond !== undefined) return call.timing.decodeTokensPerSecond;
  if (!call.usage || !call.timing) return undefined;
  const generating = call.timing.totalMs - (call.timing.firstTokenMs ?? 0);
  return generating > 0 && call.usage.completionTokens > 0 ? call.usage.completionTokens / (generating / 1000) : undefined;
}

export function statusText(call: ModelCallState): string {
  if (call.status === 'running') return 'running';
  if (call.status === 'failed') return call.error?.name === 'AbortError' || call.error?.name === 'RunAbortedError' ? 'stopped' : 'failed';
  return call.finishReason === 'length' ? 'cut off' : 'done';
}
