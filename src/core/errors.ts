/**
 * Errors that reach a person. Each failure has its own class and a message that says what
 * went wrong; `hint` says what to do about it.
 */
export class StepwiseError extends Error {
  override name = 'StepwiseError';
  /** What the person can do about it, in one or two sentences. */
  readonly hint?: string;
  /** Whether trying the same thing again later may succeed (network blips, 429, 5xx). */
  readonly transient: boolean;

  constructor(message: string, options: { hint?: string; transient?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
    this.transient = options.transient ?? false;
  }
}

/** The planner's text could not be turned into a runnable plan. */
export class PlanParseError extends StepwiseError {
  // Spelled out: minifiers rename classes, and the name reaches traces and the UI.
  override readonly name = 'PlanParseError';
  readonly problems: readonly { message: string; line?: number }[];
  constructor(problems: readonly { message: string; line?: number }[]) {
    super(
      problems.map((problem) => (problem.line ? `line ${problem.line}: ${problem.message}` : problem.message)).join('\n') ||
        'The plan could not be parsed.',
      { hint: 'Edit the plan, or ask the planner again with a note.' },
    );
    this.problems = problems;
  }
}

/** A plan step or tool call names a tool that is not enabled. */
export class UnknownToolError extends StepwiseError {
  // Spelled out: minifiers rename classes, and the name reaches traces and the UI.
  override readonly name = 'UnknownToolError';
  readonly toolName: string;
  constructor(toolName: string, suggestion?: string) {
    super(`Unknown tool "${toolName}".`, {
      hint: suggestion ? `Did you mean "${suggestion}"? Otherwise enable the tool in Settings.` : 'Enable the tool in Settings or edit the step.',
    });
    this.toolName = toolName;
  }
}

/** A tool call's arguments do not match the tool's JSON Schema. */
export class InvalidToolInputError extends StepwiseError {
  // Spelled out: minifiers rename classes, and the name reaches traces and the UI.
  override readonly name = 'InvalidToolInputError';
  readonly toolName: string;
  readonly problems: readonly string[];
  constructor(toolName: string, problems: readonly string[]) {
    super(`Invalid arguments for ${toolName}: ${problems.join('; ')}`, {
      hint: 'Edit the step\'s tool call so that it matches the tool\'s parameters.',
    });
    this.toolName = toolName;
    this.problems = problems;
  }
}

/**
 * The call made for a step names another tool than the plan did. Evidence read by the tool
 * caller can ask it to swap a tool (a save for a fetch that carries the notes away), so the
 * call never runs.
 */
export class ToolMismatchError extends StepwiseError {
  // Spelled out: minifiers rename classes, and the name reaches traces and the UI.
  override readonly name = 'ToolMismatchError';
  readonly plannedTool: string;
  readonly calledTool: string;
  constructor(plannedTool: string, calledTool: string) {
    super(`The plan names ${plannedTool}, but the call made for it is ${calledTool}: the call was not run.`, {
      hint: `Evidence in the step's input may be steering the tool caller. Check the input, then edit the step's call or re-run it.`,
    });
    this.plannedTool = plannedTool;
    this.calledTool = calledTool;
  }
}

/** A plan has more steps than the run allows; Stepwise stopped reading it there. */
export class PlanTooLongError extends StepwiseError {
  // Spelled out: minifiers rename classes, and the name reaches traces and the UI.
  override readonly name = 'PlanTooLongError';
  readonly limit: number;
  constructor(limit: number) {
    super(`The plan has more than ${limit} steps: Stepwise stopped reading it after step ${limit}, and the answer was not written.`, {
      hint: 'A planner that ignores its token limit can write steps without end. Check the planner, or raise "Most steps in a plan" in Settings → Run.',
    });
    this.limit = limit;
  }
}

/** A tool ran longer than its timeout. */
export class ToolTimeoutError extends StepwiseError {
  // Spelled out: minifiers rename classes, and the name reaches traces and the UI.
  override readonly name = 'ToolTimeoutError';
  constructor(toolName: string, timeoutMs: number) {
    super(`${toolName} did not answer within ${Math.round(timeoutMs / 100) / 10} s.`, {
      hint: 'Raise the tool timeout in Settings, or re-run the step.',
    });
  }
}

/** The person (or the app) stopped the run. */
export class RunAbortedError extends StepwiseError {
  // Spelled out: minifiers rename classes, and the name reaches traces and the UI.
  override readonly name = 'RunAbortedError';
  constructor(message = 'The run was stopped.') {
    super(message);
  }
}

/** A link that should open a run does not: a damaged fragment, a trace file that cannot be fetched. */
export class TraceLinkError extends StepwiseError {
  // Spelled out: minifiers rename classes, and the name reaches traces and the UI.
  override readonly name = 'TraceLinkError';
}

export type EndpointErrorKind =
  | 'network'
  | 'cors'
  | 'mixed-content'
  /** A page from a public address may not reach this computer or the local network (Local Network Access). */
  | 'local-network'
  | 'auth'
  | 'not-found'
  | 'rate-limit'
  | 'server'
  | 'bad-request'
  | 'stream-error'
  | 'stream-cut'
  | 'stalled'
  | 'length'
  | 'bad-response';

/** A model endpoint failed: HTTP status, network, CORS or a broken stream. */
export class EndpointError extends StepwiseError {
  // Spelled out: minifiers rename classes, and the name reaches traces and the UI.
  override readonly name = 'EndpointError';
  readonly kind: EndpointErrorKind;
  readonly status?: number;
  /** From a Retry-After header, when the server sent one. */
  readonly retryAfterMs?: number;
  constructor(
    kind: EndpointErrorKind,
    message: string,
    options: { status?: number; hint?: string; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, {
      hint: options.hint,
      cause: options.cause,
      transient: kind === 'network' || kind === 'rate-limit' || kind === 'server' || kind === 'stream-cut' || kind === 'stalled',
    });
    this.kind = kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** True when `error` comes from an AbortSignal (DOMException AbortError or our own). */
export function isAbortError(error: unknown): boolean {
  return (
    error instanceof RunAbortedError ||
    (typeof error === 'object' && error !== null && 'name' in error && (error as { name: unknown }).name === 'AbortError')
  );
}

/** True when retrying may help: our transient errors and plain network TypeErrors. */
export function isTransientError(error: unknown): boolean {
  if (error instanceof StepwiseError) return error.transient;
  return error instanceof TypeError && /fetch|network/i.test(error.message);
}

/** A message for a person from anything thrown (web-llm throws strings across the worker). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

/** For exhaustive switches over discriminated unions. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
