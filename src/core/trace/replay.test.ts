import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../run/events.ts';
import { replayTrace } from './replay.ts';

function deltas(times: readonly number[]): RunEvent[] {
  return times.map((at, index) => ({ type: 'plan-delta', at, text: String(index) }));
}

/** Replays `events`, recording `[index, fake time]` of each emission. */
function record(events: readonly RunEvent[], options: Omit<Parameters<typeof replayTrace>[1], 'onEvent'> = {}) {
  const seen: [number, number][] = [];
  const start = Date.now();
  const replay = replayTrace(events, { ...options, onEvent: (_event, index) => seen.push([index, Date.now() - start]) });
  return { seen, replay };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('replayTrace', () => {
  it('re-emits events at their original times and resolves after the last', async () => {
    const { seen, replay } = record(deltas([0, 100, 250]));
    await vi.advanceTimersByTimeAsync(99);
    expect(seen).toEqual([[0, 0]]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.map(([index]) => index)).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(150);
    expect(seen).toEqual([[0, 0], [1, 100], [2, 250]]);
    await expect(replay).resolves.toBeUndefined();
    expect(replay.finished).toBe(true);
    expect(replay.emitted).toBe(3);
  });

  it('divides the waits by the speed', async () => {
    const { seen, replay } = record(deltas([0, 100, 300]), { speed: 2 });
    await vi.advanceTimersByTimeAsync(200);
    await replay;
    expect(seen).toEqual([[0, 0], [1, 50], [2, 150]]);
  });

  it('plays instantly at speed Infinity, in order, in batches that let timers run', async () => {
    const events = deltas(Array.from({ length: 1200 }, (_, index) => index * 1000));
    const { seen, replay } = record(events, { speed: Infinity });
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toHaveLength(500);
    await vi.runAllTimersAsync();
    await replay;
    expect(seen).toHaveLength(1200);
    expect(seen.map(([index]) => index)).toEqual(events.map((_, index) => index));
    expect(Math.max(...seen.map(([, time]) => time))).toBeLessThan(10);
  });

  it('pauses and resumes where it stopped', async () => {
    const { seen, replay } = record(deltas([0, 100, 200]));
    await vi.advanceTimersByTimeAsync(60);
    replay.pause();
    expect(replay.paused).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toHaveLength(1);
    replay.resume();
    // 40 ms of trace time were left before the second event.
    await vi.advanceTimersByTimeAsync(39);
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.at(-1)).toEqual([1, 1100]);
    await vi.advanceTimersByTimeAsync(100);
    await replay;
    expect(seen.at(-1)).toEqual([2, 1200]);
  });

  it('starts paused when asked', async () => {
    const { seen, replay } = record(deltas([0, 10]), { paused: true });
    await vi.advanceTimersByTimeAsync(500);
    expect(seen).toEqual([]);
    replay.resume();
    await vi.advanceTimersByTimeAsync(10);
    await replay;
    expect(seen).toEqual([[0, 500], [1, 510]]);
  });

  it('changes speed mid-way, including to instant', async () => {
    const { seen, replay } = record(deltas([0, 100, 200, 1000, 5000]));
    await vi.advanceTimersByTimeAsync(50);
    replay.setSpeed(0.5);
    expect(replay.speed).toBe(0.5);
    // 50 ms of trace time left at half speed: 100 ms.
    await vi.advanceTimersByTimeAsync(100);
    expect(seen.at(-1)).toEqual([1, 150]);
    replay.setSpeed(Infinity);
    await vi.advanceTimersByTimeAsync(0);
    await replay;
    expect(seen.slice(2)).toEqual([[2, 150], [3, 150], [4, 150]]);
    expect(() => replay.setSpeed(0)).toThrow(RangeError);
  });

  it('a listener may pause the replay from inside onEvent', async () => {
    const events = deltas([0, 0, 0, 10]);
    const seen: number[] = [];
    // The first event comes on a timer, after `replay` is assigned.
    const replay = replayTrace(events, {
      onEvent: (_event, index) => {
        seen.push(index);
        if (index === 1) replay.pause();
      },
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(seen).toEqual([0, 1]);
    replay.resume();
    await vi.advanceTimersByTimeAsync(10);
    await replay;
    expect(seen).toEqual([0, 1, 2, 3]);
  });

  it('stops on abort and rejects with the reason', async () => {
    const controller = new AbortController();
    const { seen, replay } = record(deltas([0, 100, 200]), { signal: controller.signal });
    const settled = replay.then(
      () => 'resolved',
      (error: unknown) => (error instanceof DOMException ? error.name : String(error)),
    );
    await vi.advanceTimersByTimeAsync(150);
    controller.abort();
    await vi.advanceTimersByTimeAsync(1000);
    expect(await settled).toBe('AbortError');
    expect(seen).toHaveLength(2);

    const early = replayTrace(deltas([0]), { signal: AbortSignal.abort(new Error('gone')), onEvent: () => undefined });
    await expect(early).rejects.toThrow('gone');
  });

  it('rejects when the listener throws, and emits nothing after', async () => {
    const seen: number[] = [];
    const replay = replayTrace(deltas([0, 5, 10]), {
      onEvent: (_event, index) => {
        seen.push(index);
        if (index === 1) throw new Error('listener broke');
      },
    });
    const settled = replay.catch((error: unknown) => (error as Error).message);
    await vi.advanceTimersByTimeAsync(50);
    expect(await settled).toBe('listener broke');
    expect(seen).toEqual([0, 1]);
  });

  it('never waits backwards, and caps long gaps with maxGapMs', async () => {
    const { seen, replay } = record(deltas([0, 500, 200, 600_000, 600_050]), { maxGapMs: 1000 });
    await vi.advanceTimersByTimeAsync(2000);
    await replay;
    // 500 → 200 waits 0; 200 → 600000 is cut to 1000 (measured from the latest time, 500).
    expect(seen).toEqual([[0, 0], [1, 500], [2, 500], [3, 1500], [4, 1550]]);
  });

  it('resolves at once for no events', async () => {
    const { replay } = record([]);
    await vi.advanceTimersByTimeAsync(0);
    await expect(replay).resolves.toBeUndefined();
  });
});

describe('replayTrace step', () => {
  it('pauses and emits up to the next step boundary, then the next, until the end', async () => {
    const events: RunEvent[] = [
      { type: 'run-start', at: 0, runId: 'r', task: 't', startedAt: '' },
      { type: 'plan-start', at: 1000 },
      { type: 'step-ready', at: 2000, id: '#E1' },
      { type: 'call-start', at: 3000, id: '#E1', input: 'x', substitutions: [] },
      { type: 'call-end', at: 4000, id: '#E1', durationMs: 1000 },
      { type: 'evidence', at: 5000, id: '#E1', text: 'e', originalLength: 1, truncated: false },
      { type: 'run-end', at: 6000, status: 'done' },
    ];
    const seen: string[] = [];
    const replay = replayTrace(events, { onEvent: (event) => seen.push(event.type) });
    replay.step();
    expect(replay.paused).toBe(true);
    expect(seen).toEqual(['run-start', 'plan-start', 'step-ready', 'call-start']);
    replay.step();
    expect(seen.slice(4)).toEqual(['call-end', 'evidence']);
    replay.step();
    expect(seen.at(-1)).toBe('run-end');
    await expect(replay).resolves.toBeUndefined();
  });
});
