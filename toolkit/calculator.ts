import { assertNever } from '../src/core/errors.ts';
import type { Tool } from '../src/core/tools/types.ts';
import { calculationAnswerSchema, maxExpressionChars, maxMatrixElements, type CalculationOutcome, type CalculationRequest } from './shared/math-protocol.ts';
import { capOutput, countOf } from './shared/text.ts';
import { ToolError } from './shared/tool-error.ts';

const toolName = 'calculator';

/**
 * Workers whose last calculation finished; the next calls reuse them instead of loading mathjs
 * again (a new worker parses and sets up mathjs, which is most of a short calculation's cost).
 * As many are kept as steps usually run at once.
 */
const idleWorkers: Worker[] = [];
const maxIdleWorkers = 4;
let nextRequestId = 0;

/**
 * Workers still setting mathjs up (until their first answer). One at a time: each load is
 * about a second of a core, and five at once (a plan whose first steps are calculations) left
 * the page's own thread without a core for a second. A calculation that finds no idle worker
 * while one loads waits for the next worker to be free.
 */
const loadingWorkers = new Set<Worker>();
const maxLoadingWorkers = 1;
/** Calculations waiting for a worker; each gets one, or `undefined`: start your own. */
const waiting: ((worker: Worker | undefined) => void)[] = [];

function createWorker(): Worker {
  // Written out in full so that Vite sees the worker and bundles it as its own chunk.
  const worker = new Worker(new URL('./calculator-worker.ts', import.meta.url), { type: 'module' });
  loadingWorkers.add(worker);
  return worker;
}

/** `worker` (undefined: a loading worker failed) goes to the next waiting calculation, or back to the idle ones. */
function release(worker: Worker | undefined): void {
  const next = waiting.shift();
  if (next) return next(worker);
  if (worker && idleWorkers.length < maxIdleWorkers) idleWorkers.push(worker);
  else worker?.terminate();
}

/** Done with `worker`: `reusable` when it answered as it should, else it is terminated. */
function finishWith(worker: Worker, reusable: boolean): void {
  const wasLoading = loadingWorkers.delete(worker);
  if (reusable) return release(worker);
  worker.terminate();
  if (wasLoading) release(undefined);
}

/** An idle worker, a new one when none is loading, else the next one free. */
function acquireWorker(signal: AbortSignal): Promise<Worker> {
  const idle = idleWorkers.pop();
  if (idle) return Promise.resolve(idle);
  if (loadingWorkers.size < maxLoadingWorkers) return Promise.resolve(createWorker());
  return new Promise((resolve, reject) => {
    const take = (worker: Worker | undefined) => {
      signal.removeEventListener('abort', onAbort);
      resolve(worker ?? createWorker());
    };
    const onAbort = () => {
      waiting.splice(waiting.indexOf(take), 1);
      reject(stopReason(signal));
    };
    waiting.push(take);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Starts a worker and sets mathjs up in it ahead of time (about a second on a slow machine), so
 * that the first calculation of a run does not pay for it: the app calls this while the page is
 * idle after its first paint, and again when a run starts. Does nothing without workers or when
 * one is ready or loading.
 */
export function warmCalculator(): void {
  if (typeof Worker === 'undefined' || idleWorkers.length > 0 || loadingWorkers.size > 0) return;
  const worker = createWorker();
  const done = (ready: boolean) => {
    worker.removeEventListener('message', onReady);
    worker.removeEventListener('error', onFailed);
    finishWith(worker, ready);
  };
  const onReady = () => done(true);
  const onFailed = () => done(false);
  worker.addEventListener('message', onReady);
  worker.addEventListener('error', onFailed);
  worker.postMessage({ id: nextRequestId++, expression: '1 + 1' } satisfies CalculationRequest);
}

/** Why a call stopped. A timeout is the calculation's own doing, so it gets a message that says so. */
function stopReason(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  // By name: the scheduler's ToolTimeoutError, or the DOMException of AbortSignal.timeout().
  const name = typeof reason === 'object' && reason !== null && 'name' in reason ? reason.name : undefined;
  if (name !== 'ToolTimeoutError' && name !== 'TimeoutError') return reason;
  return new ToolError(
    toolName,
    'the calculation took too long and was stopped: the expression is probably too large to compute (for example a product or an inverse of big matrices).',
    { hint: 'Use smaller numbers or matrices, or split the calculation into several steps.', cause: reason },
  );
}

/**
 * Evaluates in a dedicated worker, terminated when the step times out or is stopped: a running
 * mathjs call cannot be interrupted any other way, and on the page's thread it freezes the page.
 */
async function calculateInWorker(expression: string, signal: AbortSignal): Promise<CalculationOutcome> {
  const worker = await acquireWorker(signal);
  // Stopped while it got the worker: nothing was asked of it.
  if (signal.aborted) {
    finishWith(worker, false);
    throw stopReason(signal);
  }
  const id = nextRequestId++;
  return new Promise((resolve, reject) => {
    const finish = (reusable: boolean) => {
      worker.removeEventListener('message', onMessage);
      worker.removeEventListener('error', onError);
      worker.removeEventListener('messageerror', onError);
      signal.removeEventListener('abort', onAbort);
      finishWith(worker, reusable);
    };
    const onMessage = (event: MessageEvent) => {
      const answer = calculationAnswerSchema.safeParse(event.data);
      const valid = answer.success && answer.data.id === id;
      finish(valid);
      if (valid) resolve(answer.data.outcome);
      else reject(new ToolError(toolName, 'the calculator worker sent a message that is not an answer to this calculation.'));
    };
    const onError = (event: Event) => {
      finish(false);
      const detail = 'message' in event && typeof event.message === 'string' && event.message !== '' ? `: ${event.message}` : '';
      reject(new ToolError(toolName, `the calculator worker failed${detail}.`, { hint: 'Run the step again; if it keeps failing, reload the page.' }));
    };
    const onAbort = () => {
      finish(false);
      reject(stopReason(signal));
    };
    worker.addEventListener('message', onMessage);
    worker.addEventListener('error', onError);
    worker.addEventListener('messageerror', onError);
    signal.addEventListener('abort', onAbort, { once: true });
    worker.postMessage({ id, expression } satisfies CalculationRequest);
  });
}

function resultText(expression: string, outcome: CalculationOutcome): string {
  switch (outcome.type) {
    case 'value':
      // A large matrix formats to megabytes of text.
      return capOutput(outcome.text);
    case 'function':
      throw new ToolError(toolName, 'the expression defines a function instead of computing a value.', {
        hint: 'Write the calculation itself, for example 3^2 + 4^2.',
      });
    case 'too-large':
      throw new ToolError(toolName, `could not evaluate "${expression}": ${outcome.message}.`, {
        hint: `Keep matrices, arrays and ranges to at most ${maxMatrixElements.toLocaleString('en-US')} elements, or use a formula instead of a long range (n * (n + 1) / 2 instead of sum(1:n)).`,
      });
    case 'invalid':
      throw new ToolError(toolName, `could not evaluate "${expression}": ${outcome.message}.`, {
        hint: 'Write a plain math expression with numbers and operators (for example 2 * (3 + 4) or 5 km to mile); words other than function names and units are not understood.',
      });
    case 'unavailable':
      throw new ToolError(toolName, `the math library could not be loaded: ${outcome.message}.`, {
        hint: 'Check the connection and run the step again.',
        transient: true,
      });
    default:
      return assertNever(outcome);
  }
}

/** Typographic symbols that planners copy from text, mapped to what mathjs reads. */
function normaliseExpression(expression: string): string {
  return expression
    .replace(/[×✕·]/g, '*')
    .replace(/÷/g, '/')
    .replace(/[−–]/g, '-')
    .replace(/\*\*/g, '^')
    .trim();
}

/**
 * `calculator`: evaluates a math expression with mathjs (numbers, units, matrices, complex
 * numbers) in a restricted instance, never `eval`; matrices are limited to `maxMatrixElements`
 * elements. In the page it runs in a worker that a timeout or a stop terminates; where there are
 * no workers (Node) it runs in-process. Reads no settings.
 */
export const calculator: Tool = {
  name: toolName,
  description:
    'Evaluates a math expression (for example 12 * (3 + 4) / 2, sqrt(2) ^ 3 or 5 km to mile) and returns the result. ' +
    'The input must be the expression itself, with numbers from earlier evidence written in, not a question in words. ' +
    `Matrices and ranges are limited to ${maxMatrixElements.toLocaleString('en-US')} elements.`,
  parameters: {
    type: 'object',
    properties: {
      expression: { type: 'string', minLength: 1, description: 'A mathjs expression, for example "(1889 - 1886) * 12".' },
    },
    required: ['expression'],
    additionalProperties: false,
  },
  sideEffects: false,
  timeoutMs: 5_000,
  async run(args, context) {
    const expression = normaliseExpression(String(args.expression ?? ''));
    if (expression === '') throw new ToolError(toolName, 'the expression is empty.', { hint: 'Give an expression such as 2 * (3 + 4).' });
    if (expression.length > maxExpressionChars) {
      throw new ToolError(toolName, `the expression has ${countOf(expression.length, 'character')}; the calculator takes at most ${countOf(maxExpressionChars, 'character')}.`, {
        hint: 'Split the calculation into several steps, or use a formula instead of writing out long lists of numbers.',
      });
    }
    if (context.signal.aborted) throw stopReason(context.signal);
    // Without workers (Node) the mathjs set-up is loaded here, on first use.
    const outcome = typeof Worker === 'undefined' ? await (await import('./shared/math.ts')).calculate(expression) : await calculateInWorker(expression, context.signal);
    // The bare result, so a later step can use it in its own expression (`#E1 * 10`).
    return resultText(expression, outcome);
  },
};
