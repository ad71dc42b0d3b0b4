import { describe, expect, it } from 'vitest';
import { EndpointError } from '../errors.ts';
import { retryDelay, sleep } from './retry.ts';

describe('retryDelay', () => {
  const options = { baseDelayMs: 500, maxDelayMs: 8000 };
  it('doubles from the base per try, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelay(new Error('x'), attempt, options))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
  });

  it('honours a server\'s Retry-After, capped only when asked', () => {
    const busy = new EndpointError('rate-limit', 'busy', { status: 429, retryAfterMs: 45_000 });
    expect(retryDelay(busy, 1, options)).toBe(45_000);
    expect(retryDelay(busy, 1, { ...options, maxRetryAfterMs: 30_000 })).toBe(30_000);
  });
});

describe('sleep', () => {
  it('rejects with the abort reason at once', async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
  });
});
