import type { PlanStep } from '../plan/types.ts';
import type { Tool, ToolContext } from '../tools/types.ts';
import { findReferences } from './evidence.ts';
import type { DispatchRecord } from './events.ts';
import type { SchedulerDispatchRequest } from './scheduler.ts';

/**
 * Stand-ins for tests and benchmarks of the scheduler: tools that take `{ query: string }`,
 * the distributor's fast path, and plan steps written the way the parser writes them.
 */

/** A tool with a `{ query: string }` parameter that runs `run` (default: echoes the query). */
export function stubTool(
  name: string,
  run: (args: Record<string, unknown>, context: ToolContext) => Promise<string> = async (args) => `${name}(${String(args.query)})`,
  extra: Partial<Omit<Tool, 'name' | 'run'>> = {},
): Tool {
  return {
    name,
    description: `Stub tool ${name}.`,
    parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'], additionalProperties: false },
    sideEffects: false,
    ...extra,
    run,
  };
}

/** The fast path: the substituted input becomes `{ query }`, no model. */
export async function fastPathDispatch({ tool, input }: SchedulerDispatchRequest): Promise<DispatchRecord> {
  return { call: { name: tool.name, arguments: { query: input } }, path: 'fast-path', attempts: 0, durationMs: 0 };
}

/** `#E1 = tool[input]`, with `deps` from the input as the parser computes them. */
export function planStep(id: string, tool: string, input: string, extra: Partial<PlanStep> = {}): PlanStep {
  return { id, tool, input, deps: findReferences(input), ...extra };
}

/** A promise with its resolve and reject exposed. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}
