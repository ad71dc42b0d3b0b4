import type { PlanStep } from '../plan/types.ts';
import { substituteInValue } from '../run/evidence.ts';
import type { JsonSchema, Tool } from '../tools/types.ts';
import { extractJsonObject } from './tool-call-schema.ts';
import { validateToolArguments } from './validate.ts';

interface ObjectSchema {
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

function stringParameterFor(tool: Tool): string | undefined {
  const { properties = {}, required = [] } = tool.parameters as ObjectSchema;
  const isString = (name: string) => properties[name]?.type === 'string';
  const requiredStrings = required.filter(isString);
  if (required.length === 1 && requiredStrings.length === 1) return requiredStrings[0];
  if (required.length === 0) {
    const strings = Object.keys(properties).filter(isString);
    if (strings.length === 1) return strings[0];
  }
  return undefined;
}

/**
 * Candidate arguments read straight from the planner's step, most specific first: structured
 * args of a JSON plan, a JSON object written inside the brackets, or the bracket text as the
 * tool's single string parameter.
 */
function candidates(step: PlanStep, input: string, tool: Tool, evidence: ReadonlyMap<string, string>): unknown[] {
  if (step.args) return [substituteInValue(step.args, evidence)];
  const found: unknown[] = [];
  const trimmed = input.trim();
  if (trimmed.startsWith('{')) {
    const json = extractJsonObject(trimmed);
    if (json !== undefined && json.length === trimmed.length) {
      try {
        found.push(JSON.parse(json));
      } catch {
        // Not JSON after all: treat it as plain text below.
      }
    }
  }
  const parameter = stringParameterFor(tool);
  if (parameter !== undefined && trimmed !== '') found.push({ [parameter]: trimmed });
  if (trimmed === '' && Object.keys((tool.parameters as ObjectSchema).properties ?? {}).length === 0) found.push({});
  return found;
}

/**
 * The planner's own call, when it validates against the tool's schema: no model needed.
 * Returns undefined when the step must go to the tool-caller model.
 */
export function fastPathArguments(
  step: PlanStep,
  input: string,
  tool: Tool,
  evidence: ReadonlyMap<string, string>,
): Record<string, unknown> | undefined {
  for (const candidate of candidates(step, input, tool, evidence)) {
    if (validateToolArguments(tool, candidate).length === 0) return candidate as Record<string, unknown>;
  }
  return undefined;
}
