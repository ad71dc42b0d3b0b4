/**
 * The public surface of the Stepwise agent core: plan parsing, the scheduler and its events,
 * the distributor, the solver, engines and the one-call orchestrator. No React, DOM or storage.
 */
export * from './plan/index.ts';
export * from './run/index.ts';
export * from './dispatch/index.ts';
export * from './solve/index.ts';
export * from './llm/index.ts';
export * from './errors.ts';
export type { JsonSchema, Tool, ToolCall, ToolContext } from './tools/types.ts';
export { startRun, type AgentEngines, type AgentOptions, type AgentOutcome, type AgentRun } from './agent.ts';
export * from './trace/trace.ts';
export * from './trace/redact.ts';
export * from './trace/replay.ts';
