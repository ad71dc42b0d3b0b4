import { errorMessage, StepwiseError } from '../errors.ts';
import type { ErrorInfo } from './events.ts';

/** Turns anything thrown into what events carry: class name, message and, for our errors, the hint. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof StepwiseError) return { name: error.name, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: errorMessage(error) };
}
