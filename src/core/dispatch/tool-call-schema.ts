import { z } from 'zod';
import { splitReasoning } from '../llm/reasoning.ts';
import type { JsonSchema, Tool, ToolCall } from '../tools/types.ts';

/**
 * The constraint for the tool-caller model: one `anyOf` branch per enabled tool, the tool's
 * `name` fixed by `const` and `arguments` its parameter schema. Constrained decoding against
 * this schema is what makes a small model's call well-formed without fine-tuning.
 */
export function buildToolCallSchema(tools: readonly Tool[]): JsonSchema {
  return {
    type: 'object',
    anyOf: tools.map((tool) => ({
      type: 'object',
      properties: { name: { const: tool.name }, arguments: tool.parameters },
      required: ['name', 'arguments'],
      additionalProperties: false,
    })),
  };
}

const toolCallEnvelope = z.object({
  name: z.string().min(1),
  arguments: z.record(z.string(), z.unknown()).default({}),
});
// The seed's function-calling format; some models fall back to it.
const legacyEnvelope = z.object({
  function: z.string().min(1),
  arguments: z.record(z.string(), z.unknown()).default({}),
});

/**
 * Reads a tool call from model text: strips reasoning (`splitReasoning`) and code fences, takes
 * the first complete JSON object, and checks its shape. Returns a problem message instead of
 * throwing.
 */
export function readToolCall(text: string): { call: ToolCall } | { problem: string } {
  const json = extractJsonObject(splitReasoning(text).text);
  if (json === undefined) return { problem: 'The answer holds no JSON object.' };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { problem: `The answer is not valid JSON (${(error as Error).message}).` };
  }
  const call = toolCallEnvelope.safeParse(value);
  if (call.success) return { call: call.data };
  const legacy = legacyEnvelope.safeParse(value);
  if (legacy.success) return { call: { name: legacy.data.function, arguments: legacy.data.arguments } };
  return { problem: 'The JSON object needs a string "name" and an object "arguments".' };
}

/** The first balanced `{…}` in `text`, skipping braces inside JSON strings; linear time. */
export function extractJsonObject(text: string): string | undefined {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const character = text[index];
    if (inString) {
      if (character === '\\') index++;
      else if (character === '"') inString = false;
    } else if (character === '"') inString = true;
    else if (character === '{') depth++;
    else if (character === '}' && --depth === 0) return text.slice(start, index + 1);
  }
  return undefined;
}
