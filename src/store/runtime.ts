/**
 * What runs an agent: the core's agent and scheduler, the engines, the toolkit (with its schema
 * validator). The page loads it with the first run or the first look at the tools, never with
 * its first paint; `loadRuntime` is the one way in.
 */
export { startRun } from '../core/agent.ts';
export { parsePlan } from '../core/plan/plan-parser.ts';
export { validatorFor } from '../core/dispatch/validate.ts';
export { buildEngines } from './engines.ts';
export { allTools, enabledTools, requiresApproval } from './toolkit-actions.ts';
export { warmCalculator } from '../../toolkit/calculator.ts';
