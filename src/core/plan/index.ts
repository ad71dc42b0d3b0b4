export type { ParsedPlan, PlanProblem, PlanStep, StreamedStep } from './types.ts';
export { parsePlan } from './plan-parser.ts';
export { PlanStreamParser } from './plan-stream.ts';
export { formatPlanText } from './plan-text.ts';
export { buildPlanSchema, parseJsonPlan, parseJsonPlanSteps } from './json-plan.ts';
export { checkPlan, PlanChecker, suggestTool } from './plan-checks.ts';
export { buildPlannerMessages } from './planner-prompt.ts';
