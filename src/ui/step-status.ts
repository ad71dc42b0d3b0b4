import type { StepStatus } from '../core/run/run-state.ts';
import { assertNever } from '../core/errors.ts';

/** The words a person (and the accessible name) sees for a step's status. */
export function statusLabel(status: StepStatus): string {
  switch (status) {
    case 'pending':
    case 'ready':
      return 'pending';
    case 'paused':
      return 'paused';
    case 'running':
      return 'running';
    case 'waiting-for-approval':
      return 'waiting for approval';
    case 'done':
      return 'done';
    case 'failed':
      return 'failed';
    case 'skipped':
      return 'skipped';
    case 'stale':
      return 'stale';
    case 'interrupted':
      return 'interrupted';
    default:
      return assertNever(status);
  }
}

/** The colour of a status, from the app's palette (app.css custom properties); the graph and the timeline use it. */
export function stepStatusColor(status: StepStatus): string {
  switch (status) {
    case 'done':
      return 'var(--done, #16a34a)';
    case 'failed':
      return 'var(--failed, #dc2626)';
    case 'running':
      return 'var(--running, #d97706)';
    case 'waiting-for-approval':
    case 'paused':
      return 'var(--waiting, #7c3aed)';
    case 'pending':
    case 'ready':
    case 'skipped':
    case 'stale':
    case 'interrupted':
      return 'var(--muted, #6b7280)';
    default:
      return assertNever(status);
  }
}
