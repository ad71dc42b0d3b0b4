import type { RunEvent } from '../run/events.ts';

/** Options of `replayTrace`. */
export interface TraceReplayOptions {
  /** Receives each event, in order, when its time comes. */
  onEvent: (event: RunEvent, index: number) => void;
  /** 2 plays twice as fast; `Infinity` plays without waiting (default 1). */
  speed?: number;
  /** Stops the replay; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Start paused: nothing is emitted until `resume()`. */
  paused?: boolean;
  /**
   * Longest wait between two events, in trace milliseconds (before `speed` applies): a run that
   * sat at an approval for ten minutes need not replay the ten minutes. Default: no limit.
   */
  maxGapMs?: number;
}

/** The controls of a replay in progress. */
export interface TraceReplayControls {
  /** Holds the events back; the trace clock stops where it is. */
  pause(): void;
  /** Goes on from where `pause()` stopped. */
  resume(): void;
  /** Changes the speed from now on (`Infinity`: emit the rest at once). */
  setSpeed(speed: number): void;
  /**
   * Pauses (when playing) and emits the events up to and including the next one `isStop`
   * accepts (by default the next step that starts or ends, or the answer), then stays paused.
   */
  step(isStop?: (event: RunEvent) => boolean): void;
  readonly paused: boolean;
  readonly speed: number;
  /** Events emitted so far. */
  readonly emitted: number;
  /** Whether every event has been emitted. */
  readonly finished: boolean;
}

/** A replay: a promise that settles when the last event is out, with its controls attached. */
export type TraceReplay = Promise<void> & TraceReplayControls;

/** Where a replay's Step stops: a step starting or ending, the answer, the end of the run. */
export function isStepBoundary(event: RunEvent): boolean {
  return ['call-start', 'evidence', 'step-failed', 'step-skipped', 'solve-end', 'solve-failed', 'run-end'].includes(event.type);
}

/** How many events an instant replay emits before it lets the page breathe. */
const instantBatchSize = 500;

function checkSpeed(speed: number): number {
  if (!(speed > 0) || Number.isNaN(speed)) throw new RangeError(`The replay speed must be above 0 (got ${speed}).`);
  return speed;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The replay was stopped.', 'AbortError');
}

/**
 * Emits `events` again with their original timing: the wait before each event is the gap
 * between its `at` and the previous one's, divided by `speed` (events out of order wait 0).
 * The result is a promise that resolves after the last event and rejects when `signal` aborts
 * or `onEvent` throws; it also carries `pause`, `resume` and `setSpeed`.
 *
 * @example
 * const replay = replayTrace(trace.events, { speed: 2, onEvent: (event) => store.applyEvent(id, event) });
 * replay.pause(); replay.setSpeed(Infinity); replay.resume();
 * await replay;
 */
export function replayTrace(events: readonly RunEvent[], options: TraceReplayOptions): TraceReplay {
  const maxGap = options.maxGapMs ?? Infinity;
  // Trace time of each event: gaps clamped to [0, maxGap], so the clock only moves forward.
  const times: number[] = [];
  let previousAt = 0;
  let clockTime = 0;
  for (const event of events) {
    const gap = Math.min(Math.max(event.at - previousAt, 0), maxGap);
    clockTime += Number.isFinite(gap) ? gap : 0;
    times.push(clockTime);
    previousAt = Math.max(previousAt, event.at);
  }

  let speed = checkSpeed(options.speed ?? 1);
  let paused = options.paused ?? false;
  let next = 0;
  let settled = false;
  /** Trace time at `anchorWall`. */
  let anchorTrace = 0;
  let anchorWall = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;

  let resolvePromise!: () => void;
  let rejectPromise!: (reason: unknown) => void;
  const promise = new Promise<void>((resolve, reject) => {
    resolvePromise = resolve;
    rejectPromise = reject;
  });

  /** Where the trace clock is now. */
  const traceNow = (): number => {
    if (paused || speed === Infinity) return anchorTrace;
    return anchorTrace + (Date.now() - anchorWall) * speed;
  };

  /** Fixes the trace clock at its current value, e.g. before a change of speed. */
  const rebase = () => {
    // Never beyond the next event: a late timer must not make the following wait shorter.
    anchorTrace = Math.min(traceNow(), times[next] ?? Infinity);
    anchorWall = Date.now();
  };

  const clearTimer = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };

  const finish = (error?: unknown, failed = false) => {
    if (settled) return;
    settled = true;
    clearTimer();
    options.signal?.removeEventListener('abort', onAbort);
    if (failed) rejectPromise(error);
    else resolvePromise();
  };

  function onAbort() {
    finish(abortReason(options.signal as AbortSignal), true);
  }

  const schedule = (delayMs: number) => {
    clearTimer();
    timer = setTimeout(tick, Math.max(0, delayMs));
  };

  function tick() {
    timer = undefined;
    if (settled || paused) return;
    const speedAtStart = speed;
    const instant = speed === Infinity;
    const now = instant ? Infinity : traceNow();
    let emittedNow = 0;
    while (next < events.length && (times[next] ?? 0) <= now) {
      if (instant && emittedNow >= instantBatchSize) return schedule(0);
      const index = next++;
      if (instant) anchorTrace = times[index] ?? anchorTrace;
      try {
        options.onEvent(events[index] as RunEvent, index);
      } catch (error) {
        return finish(error, true);
      }
      emittedNow++;
      // The listener may have paused, aborted or changed the speed (which schedules its own tick).
      if (settled || paused || speed !== speedAtStart) return;
    }
    if (next >= events.length) return finish();
    schedule(((times[next] ?? 0) - traceNow()) / speed);
  }

  const controls: TraceReplayControls = {
    pause() {
      if (paused || settled) return;
      rebase();
      paused = true;
      clearTimer();
    },
    resume() {
      if (!paused || settled) return;
      paused = false;
      anchorWall = Date.now();
      schedule(0);
    },
    setSpeed(value: number) {
      const checked = checkSpeed(value);
      if (checked === speed) return;
      rebase();
      speed = checked;
      if (!paused && !settled) schedule(0);
    },
    step(isStop = isStepBoundary) {
      if (settled) return;
      if (!paused) controls.pause();
      while (next < events.length) {
        const index = next++;
        anchorTrace = times[index] ?? anchorTrace;
        const event = events[index] as RunEvent;
        try {
          options.onEvent(event, index);
        } catch (error) {
          return finish(error, true);
        }
        if (settled || isStop(event)) break;
      }
      anchorWall = Date.now();
      if (next >= events.length) finish();
    },
    get paused() {
      return paused;
    },
    get speed() {
      return speed;
    },
    get emitted() {
      return next;
    },
    get finished() {
      return next >= events.length;
    },
  };

  if (options.signal?.aborted) {
    finish(abortReason(options.signal), true);
  } else {
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (!paused) schedule(speed === Infinity ? 0 : (times[0] ?? 0) / speed);
    else if (events.length === 0) finish();
  }

  const descriptors = Object.getOwnPropertyDescriptors(controls);
  return Object.defineProperties(promise, descriptors) as TraceReplay;
}
