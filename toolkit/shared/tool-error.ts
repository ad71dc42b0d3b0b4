import { StepwiseError } from '../../src/core/errors.ts';

/** Options of a `ToolError`. */
export interface ToolErrorOptions {
  hint?: string;
  transient?: boolean;
  cause?: unknown;
  /** HTTP status of the failed response, when there was one. */
  status?: number;
  /** From a Retry-After header, when the server sent one. */
  retryAfterMs?: number;
}

/**
 * A tool could not do its job. The message names the tool and says what went wrong
 * (`search_wiki failed: HTTP 503 from en.wikipedia.org`); the scheduler turns it into evidence,
 * so it is written for both the person and the solver model.
 */
export class ToolError extends StepwiseError {
  // Spelled out: minified builds rename classes, and the name reaches traces and the UI.
  override readonly name = 'ToolError';
  readonly toolName: string;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(toolName: string, detail: string, options: ToolErrorOptions = {}) {
    super(`${toolName} failed: ${detail}`, { hint: options.hint, transient: options.transient, cause: options.cause });
    this.toolName = toolName;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}
