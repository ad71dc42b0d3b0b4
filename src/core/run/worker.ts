import { ToolTimeoutError } from '../errors.ts';
import type { Tool, ToolContext } from '../tools/types.ts';

/** What one try of a tool runs with. */
export interface ToolAttemptOptions {
  /** The step's signal: aborting it (skip, stop, re-run) ends the try. */
  signal: AbortSignal;
  /** The try's timeout when the tool sets none of its own. */
  defaultTimeoutMs: number;
  fetch: ToolContext['fetch'];
  settings: ToolContext['settings'];
  /** The step the try runs for. */
  step?: string;
}

/**
 * The ReWOO worker: one try of a tool. Settles on the first of the tool's result, its timeout
 * (`ToolTimeoutError`) and the step's abort; the tool's own signal fires in both of the latter.
 * A tool that throws synchronously, ignores its signal or never settles cannot hold the step.
 */
export function runToolAttempt(tool: Tool, args: Record<string, unknown>, options: ToolAttemptOptions): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const parent = options.signal;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      parent.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = () => {
      controller.abort(parent.reason);
      finish(() => reject(parent.reason));
    };
    if (parent.aborted) return onAbort();
    parent.addEventListener('abort', onAbort, { once: true });
    const timeoutMs = tool.timeoutMs ?? options.defaultTimeoutMs;
    if (Number.isFinite(timeoutMs) && timeoutMs > 0) {
      timer = setTimeout(() => {
        const error = new ToolTimeoutError(tool.name, timeoutMs);
        controller.abort(error);
        finish(() => reject(error));
      }, Math.min(timeoutMs, 2 ** 31 - 1));
    }
    let result: unknown;
    try {
      result = tool.run(args, { signal: controller.signal, fetch: options.fetch, settings: options.settings, ...(options.step === undefined ? {} : { step: options.step }) });
    } catch (error) {
      return finish(() => reject(error));
    }
    Promise.resolve(result).then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}
