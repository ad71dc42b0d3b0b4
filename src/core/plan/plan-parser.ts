import { errorMessage } from '../errors.ts';
import { PlanStreamParser } from './plan-stream.ts';
import type { ParsedPlan } from './types.ts';

/**
 * Parses a planner's text into steps. Never throws. Reads the ReWOO format (`Plan: …` then
 * `#E1 = tool[input]`) and what real planners write instead: numbered `Plan 1:`/`Step 1:`/`1.`
 * lines, `tool("x")` calls, markdown fences and bold, `<think>` blocks (ignored), lost line
 * breaks, nested brackets, multi-line inputs, `#E1 := tool[x]` and `E1 = tool[x]`.
 *
 * `steps` are in plan order, `tool` spelled as in `toolNames` (matched case-insensitively;
 * unknown tools are kept as written so the step can be shown and edited), `deps` the variables
 * the input refers to. `errors` block running the plan (unknown tool, reference to an undefined
 * or later variable, duplicate variable, no steps, a step cut off); `warnings` do not. Line
 * numbers are 1-based lines of the original text.
 */
export function parsePlan(text: string, toolNames: readonly string[]): ParsedPlan {
  try {
    const parser = new PlanStreamParser(Array.isArray(toolNames) ? toolNames.filter((name) => typeof name === 'string') : []);
    parser.push(typeof text === 'string' ? text : String(text ?? ''));
    return parser.finish().plan;
  } catch (error) {
    return { steps: [], errors: [{ message: `The plan could not be read: ${errorMessage(error)}.` }], warnings: [] };
  }
}
