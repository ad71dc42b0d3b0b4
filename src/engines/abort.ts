/** The error an aborted call rejects with (a DOMException named AbortError, as fetch does). */
export function abortError(signal?: AbortSignal): unknown {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException('The model call was stopped.', 'AbortError');
}

/** Rejects when `signal` aborts; never settles otherwise. For racing against slow work. */
export function whenAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (!signal) return;
    if (signal.aborted) reject(abortError(signal));
    else signal.addEventListener('abort', () => reject(abortError(signal)), { once: true });
  });
}

/** Awaits `work`, or rejects as soon as `signal` aborts (the work goes on in the background). */
export async function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) throw abortError(signal);
  return Promise.race([work, whenAborted(signal)]);
}
