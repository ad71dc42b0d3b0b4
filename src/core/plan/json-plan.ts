import { z } from 'zod';
import { validateAgainstSchema } from '../dispatch/validate.ts';
import { errorMessage } from '../errors.ts';
import { findReferences, findReferencesInValue } from '../run/evidence.ts';
import type { JsonSchema, Tool } from '../tools/types.ts';
import { PlanChecker, planProblem, unknownToolProblem } from './plan-checks.ts';
import { blankOut, ThinkFilter } from './think-filter.ts';
import type { ParsedPlan, PlanProblem, PlanStep, StreamedStep } from './types.ts';

const stepIdPattern = '^#E[0-9]+$';

/**
 * The JSON Schema of a JSON plan, `{ "steps": [ { "id": "#E1", "thought": "…", "tool": "…",
 * "args": { … } } ] }`, for planners that decode under a schema constraint. Each step is an
 * `anyOf` with one branch per tool: `tool` fixed by `const` and `args` that tool's parameter
 * schema, so a constrained planner can only write calls the tools accept.
 */
export function buildPlanSchema(tools: readonly Tool[]): JsonSchema {
  const branches = tools.map((tool) => ({
    type: 'object',
    properties: {
      id: { type: 'string', pattern: stepIdPattern, description: 'The evidence variable this step fills: #E1, #E2, …' },
      thought: { type: 'string', description: 'Why this step is needed.' },
      tool: { const: tool.name },
      args: tool.parameters,
    },
    required: ['id', 'thought', 'tool', 'args'],
    additionalProperties: false,
  }));
  return {
    type: 'object',
    properties: {
      // With no tools there is no valid step; `anyOf: []` would not be valid JSON Schema.
      steps: { type: 'array', minItems: 1, items: branches.length > 0 ? { anyOf: branches } : false },
    },
    required: ['steps'],
    additionalProperties: false,
  };
}

const stepEnvelope = z.object({
  id: z.union([z.string(), z.number()]),
  thought: z.string().optional(),
  tool: z.string().min(1),
  args: z.record(z.string(), z.unknown()).optional(),
  input: z.string().optional(),
});

/** The first balanced `{…}` or `[…]` starting at or after `from`, skipping brackets inside JSON strings. */
function extractJsonValue(text: string, opener: '{' | '['): { json: string; start: number } | undefined {
  const start = text.indexOf(opener);
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const character = text[index];
    if (inString) {
      if (character === '\\') index++;
      else if (character === '"') inString = false;
    } else if (character === '"') inString = true;
    else if (character === '{' || character === '[') depth++;
    else if ((character === '}' || character === ']') && --depth === 0) return { json: text.slice(start, index + 1), start };
  }
  return undefined;
}

function cleanText(text: string): string {
  const filter = new ThinkFilter();
  let cleaned = '';
  for (const part of [filter.push(text), filter.finish()]) {
    if (part.resetAt !== undefined) cleaned = blankOut(cleaned + part.text.slice(0, part.resetAt)) + part.text.slice(part.resetAt);
    else cleaned += part.text;
  }
  return cleaned;
}

type ParsedJson = { value: unknown; start: number } | { problem: string };

/**
 * The plan's JSON value: the first `{…}` or `[…]` (whichever comes first) that parses and holds
 * a step list; prose such as "the plan [JSON]:" before it is skipped.
 */
function readJson(text: string): ParsedJson {
  const candidates = [extractJsonValue(text, '{'), extractJsonValue(text, '[')]
    .filter((found) => found !== undefined)
    .sort((first, second) => first.start - second.start);
  let firstParsed: { value: unknown; start: number } | undefined;
  let firstProblem: string | undefined;
  for (const candidate of candidates) {
    try {
      const value = JSON.parse(candidate.json) as unknown;
      if (stepList(value) !== undefined) return { value, start: candidate.start };
      firstParsed ??= { value, start: candidate.start };
    } catch (error) {
      firstProblem ??= `The planner's JSON plan is not valid JSON (${errorMessage(error)}).`;
    }
  }
  if (firstParsed) return firstParsed;
  return { problem: firstProblem ?? 'The planner\'s answer holds no JSON plan (expected {"steps": [ … ]}).' };
}

function stepList(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (Array.isArray(record.steps)) return record.steps;
    if (Array.isArray(record.plan)) return record.plan;
  }
  return undefined;
}

/** `args` with one string property is read as that string; anything else as its JSON. */
function inputFromArgs(args: Record<string, unknown>): string {
  const values = Object.values(args);
  if (values.length === 1 && typeof values[0] === 'string') return values[0];
  return JSON.stringify(args);
}

/** Line numbers for increasing positions, counting each line feed once. */
function lineCounter(text: string): (position: number) => number {
  let counted = 0;
  let line = 1;
  return (position) => {
    for (let index = text.indexOf('\n', counted); index >= 0 && index < position; index = text.indexOf('\n', index + 1)) {
      line++;
      counted = index + 1;
    }
    return line;
  };
}

/**
 * Reads a JSON plan (see `buildPlanSchema`) from planner text. Never throws. Strips `<think>`
 * blocks and code fences, parses without eval, checks each step's shape and its `args` against
 * the tool's schema, and runs the same order checks as the text parser (duplicate variables,
 * references to undefined or later variables). Arguments that do not match the tool's schema
 * are warnings: the tool caller repairs them when the step runs.
 */
export function parseJsonPlan(text: string, tools: readonly Tool[]): ParsedPlan {
  return parseJsonPlanSteps(text, tools).plan;
}

/**
 * `parseJsonPlan` with each step's own blocking errors beside it, in the shape of
 * `PlanStreamParser.finish()`, so the scheduler can fail just the steps concerned.
 */
export function parseJsonPlanSteps(text: string, tools: readonly Tool[]): { steps: StreamedStep[]; plan: ParsedPlan } {
  try {
    return readJsonPlan(typeof text === 'string' ? text : String(text ?? ''), Array.isArray(tools) ? tools : []);
  } catch (error) {
    return { steps: [], plan: { steps: [], errors: [{ message: `The JSON plan could not be read: ${errorMessage(error)}.` }], warnings: [] } };
  }
}

function readJsonPlan(text: string, tools: readonly Tool[]): { steps: StreamedStep[]; plan: ParsedPlan } {
  const cleaned = cleanText(text);
  const errors: PlanProblem[] = [];
  const warnings: PlanProblem[] = [];
  const failed = (message: string) => ({ steps: [], plan: { steps: [], errors: [{ message }], warnings } });
  const parsed = readJson(cleaned);
  if ('problem' in parsed) return failed(parsed.problem);
  const items = stepList(parsed.value);
  if (items === undefined) return failed('The JSON plan has no "steps" list (expected {"steps": [ … ]}).');

  const toolsByLowered = new Map(tools.map((tool) => [tool.name.toLowerCase(), tool]));
  const toolNames = tools.map((tool) => tool.name);
  const checker = new PlanChecker();
  const steps: PlanStep[] = [];
  const streamed: StreamedStep[] = [];
  let searchFrom = parsed.start;
  const lineAt = lineCounter(cleaned);
  // A step whose id cannot be read still needs a variable (runs and traces name steps by one):
  // it gets the first `#E<n>` that no step of the plan wrote, and stays blocked.
  const readableIds = new Set(
    items.flatMap((item) => {
      const written = stepEnvelope.safeParse(item);
      const digits = written.success ? /^#?E?(\d+)$/i.exec(String(written.data.id).trim())?.[1] : undefined;
      return digits === undefined ? [] : [`#E${digits}`];
    }),
  );
  const standInId = (number: number) => {
    let candidate = number;
    while (readableIds.has(`#E${candidate}`)) candidate++;
    readableIds.add(`#E${candidate}`);
    return `#E${candidate}`;
  };

  items.forEach((item, index) => {
    const number = index + 1;
    const envelope = stepEnvelope.safeParse(item);
    if (!envelope.success) {
      const fields = [...new Set(envelope.error.issues.map((issue) => String(issue.path[0] ?? 'step')))].join(', ');
      errors.push({ message: `Step ${number} of the JSON plan is not a step object with "id", "tool" and "args" (check: ${fields}).` });
      return;
    }
    const { thought, input: writtenInput } = envelope.data;
    const writtenId = String(envelope.data.id);
    const located = cleaned.indexOf(JSON.stringify(envelope.data.id), searchFrom);
    if (located >= 0) searchFrom = located + 1;
    const line = located >= 0 ? lineAt(located) : undefined;

    let id = writtenId;
    const stepErrors: PlanProblem[] = [];
    if (!new RegExp(stepIdPattern).test(id)) {
      const digits = /^#?E?(\d+)$/i.exec(id.trim())?.[1];
      if (digits !== undefined) {
        id = `#E${digits}`;
        warnings.push(planProblem(`Step ${number} has the id "${writtenId}"; it was read as ${id}.`, line));
      } else {
        id = standInId(number);
        stepErrors.push(planProblem(`Step ${number} has the id "${writtenId}"; ids look like #E${number} (it is shown as ${id}).`, line));
      }
    }

    const tool = toolsByLowered.get(envelope.data.tool.toLowerCase());
    if (tool === undefined) stepErrors.push(unknownToolProblem(envelope.data.tool, toolNames, line));

    const args = envelope.data.args ?? (writtenInput === undefined ? {} : undefined);
    const input = args !== undefined ? inputFromArgs(args) : (writtenInput ?? '');
    const step: PlanStep = {
      id,
      tool: tool?.name ?? envelope.data.tool,
      input,
      deps: args !== undefined ? findReferencesInValue(args) : findReferences(input),
    };
    if (thought !== undefined && thought.trim() !== '') step.thought = thought.trim();
    if (args !== undefined) step.args = args;
    if (line !== undefined) step.line = line;

    if (tool !== undefined && args !== undefined) {
      const problems = validateAgainstSchema(tool.parameters, args);
      if (problems.length > 0) {
        warnings.push(planProblem(`${id} (${tool.name}): ${problems.join('; ')}; the tool caller will be asked to fix the arguments.`, line));
      }
    }
    stepErrors.push(...checker.check(step));
    errors.push(...stepErrors);
    steps.push(step);
    streamed.push({ step, errors: stepErrors });
  });

  if (steps.length === 0) errors.push({ message: 'The JSON plan holds no steps.' });
  return { steps: streamed, plan: { steps, errors, warnings } };
}
