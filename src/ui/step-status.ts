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
