import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { JsonSchema, Tool } from '../tools/types.ts';

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

/** Compiles (once) the validator of a schema; called ahead of time for the tools while the page is idle. */
export function validatorFor(schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

function describe(error: ErrorObject): string {
  const field = error.instancePath ? error.instancePath.slice(1).replaceAll('/', '.') : 'arguments';
  if (error.keyword === 'required') return `${field === 'arguments' ? '' : `${field}.`}${String(error.params.missingProperty)} is required`;
  if (error.keyword === 'additionalProperties') return `${field} has unexpected property "${String(error.params.additionalProperty)}"`;
  if (error.keyword === 'enum') return `${field} must be one of ${(error.params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`;
  return `${field} ${error.message ?? 'is invalid'}`;
}

/**
 * Validates arguments against a JSON Schema. Returns the problems for a person
 * ("query is required", "limit must be integer"); empty when valid.
 */
export function validateAgainstSchema(schema: JsonSchema, value: unknown): string[] {
  const validate = validatorFor(schema);
  if (validate(value)) return [];
  return (validate.errors ?? []).map(describe);
}

/** Validates a tool call's arguments against the tool's parameter schema. */
export function validateToolArguments(tool: Tool, args: unknown): string[] {
  return validateAgainstSchema(tool.parameters, args);
}
