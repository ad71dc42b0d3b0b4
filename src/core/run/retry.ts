import { EndpointError } from '../errors.ts';

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** How the wait before a retry grows. */
export interface BackoffOptions {
  /** The wait before the first retry; it doubles with each one. */
  baseDelayMs: number;
  /** Cap on the doubling wait. */
  maxDelayMs: number;
  /** Cap on a server's own Retry-After (default: honoured as sent). */
  maxRetryAfterMs?: number;
}

/**
 * The wait before retrying after failed try number `attempt` (1-based): the server's
 * Retry-After when it sent one, else `baseDelayMs` doubled per try up to `maxDelayMs`. The one
 * rule for the planner (agent.ts) and for tool calls and dispatch (the scheduler).
 */
export function retryDelay(error: unknown, attempt: number, options: BackoffOptions): number {
  const retryAfter = error instanceof EndpointError ? error.retryAfterMs : undefined;
  if (retryAfter !== undefined) return Math.min(retryAfter, options.maxRetryAfterMs ?? Number.POSITIVE_INFINITY);
  return Math.min(options.baseDelayMs * 2 ** (attempt - 1), options.maxDelayMs);
}
