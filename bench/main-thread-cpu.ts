/**
 * How much of a long task was the page's own work: the main thread's CPU time in the task,
 * read from a Chromium trace of the run (bench/page.ts records one with these categories).
 *
 * A long task's duration (the Long Tasks API's figure) is wall time. On a busy machine, such as
 * a 2-core one that also runs the bench's servers, the browser's other processes and threads
 * take turns on the same cores, and the main thread waits in the middle of a task: a task of
 * 25 ms of work can then last 50 ms. The CPU time tells the two apart.
 */

/** `toplevel` has every task a thread runs, with its CPU time; `blink.user_timing` has the mark that ties the page's clock to the trace's. */
export const cpuTraceCategories = ['toplevel', 'blink.user_timing'];

/** The `performance.mark` the bench sets at the click on Run. */
export const runMark = 'stepwise-bench-run';

interface TraceEvent {
  name?: string;
  ph?: string;
  pid?: number;
  tid?: number;
  ts?: number;
  dur?: number;
  tdur?: number;
}

/** A task in the trace may start a little before the page's long-task entry says (its clock is read later in the task). */
const matchWindowMs = 5;

/**
 * For each long task (`start` in ms after the run mark, `duration` its wall time), the CPU time
 * in ms that the page's main thread spent in the task of the trace that matches it, or
 * `undefined` when the trace has no such task (or no mark).
 */
export function cpuOfLongTasks(trace: string, tasks: readonly { start: number; duration: number }[]): (number | undefined)[] {
  const parsed = JSON.parse(trace) as TraceEvent[] | { traceEvents: TraceEvent[] };
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  // The mark is set on the page's main thread: that thread, and where the run starts on the trace's clock.
  const mark = events.find((event) => event.name === runMark && event.ts !== undefined);
  if (!mark?.ts) return tasks.map(() => undefined);
  const runTasks = events.filter(
    (event) => event.pid === mark.pid && event.tid === mark.tid && event.ph === 'X' && event.name === 'ThreadControllerImpl::RunTask' && event.ts !== undefined && event.dur !== undefined,
  );
  return tasks.map((task) => {
    const expected = (mark.ts as number) + task.start * 1000;
    let best: TraceEvent | undefined;
    let bestScore = Infinity;
    for (const event of runTasks) {
      const offset = Math.abs((event.ts as number) - expected);
      if (offset > matchWindowMs * 1000) continue;
      const score = offset + Math.abs((event.dur as number) - task.duration * 1000);
      if (score < bestScore) {
        best = event;
        bestScore = score;
      }
    }
    return best?.tdur === undefined ? undefined : best.tdur / 1000;
  });
}
