import { errorMessage } from '../src/core/errors.ts';
import type { Tool } from '../src/core/tools/types.ts';
import { capOutput } from './shared/text.ts';
import { ToolError } from './shared/tool-error.ts';

const toolName = 'calculator';
const maxExpressionChars = 2_000;

interface Calculator {
  evaluate(expression: string): unknown;
  format(value: unknown): string;
}

let calculatorPromise: Promise<Calculator> | undefined;

/**
 * A mathjs instance for untrusted input, as the mathjs security notes recommend: `evaluate` is
 * kept for us, and the functions that could re-enter the parser or change the instance are
 * replaced by ones that throw. mathjs is imported on first use so it stays out of the first load.
 */
function loadCalculator(): Promise<Calculator> {
  calculatorPromise ??= import('mathjs').then(({ create, all }) => {
    if (!all) throw new ToolError(toolName, 'the mathjs library did not load its functions.');
    const math = create(all);
    const limitedEvaluate = math.evaluate.bind(math);
    const format = math.format.bind(math);
    const disabled = (name: string) => () => {
      throw new Error(`the function ${name} is disabled in the calculator`);
    };
    const blocked = ['import', 'createUnit', 'evaluate', 'parse', 'simplify', 'derivative', 'compile', 'resolve', 'reviver', 'parser'];
    math.import(Object.fromEntries(blocked.map((name) => [name, disabled(name)])), { override: true });
    return {
      // A fresh scope per call: variables assigned in one step never leak into another.
      evaluate: (expression: string) => limitedEvaluate(expression, {}),
      format: (value: unknown) => format(value, { precision: 14 }),
    };
  });
  return calculatorPromise;
}

/** Typographic symbols that planners copy from text, mapped to what mathjs reads. */
function normaliseExpression(expression: string): string {
  return expression
    .replace(/[×✕·]/g, '*')
    .replace(/÷/g, '/')
    .replace(/[−–]/g, '-')
    .replace(/\*\*/g, '^')
    .trim();
}

function describeResult(value: unknown, format: (value: unknown) => string): string {
  if (typeof value === 'function') {
    throw new ToolError(toolName, 'the expression defines a function instead of computing a value.', {
      hint: 'Write the calculation itself, for example 3^2 + 4^2.',
    });
  }
  // Several expressions separated by ";" or new lines give a ResultSet: show each result.
  if (typeof value === 'object' && value !== null && 'entries' in value && Array.isArray(value.entries)) {
    return value.entries.map((entry: unknown) => format(entry)).join('; ');
  }
  return format(value);
}

/**
 * `calculator`: evaluates a math expression with mathjs (numbers, units, matrices, complex
 * numbers) in a restricted instance; never `eval`. Reads no settings.
 */
export const calculator: Tool = {
  name: toolName,
  description:
    'Evaluates a math expression (for example 12 * (3 + 4) / 2, sqrt(2) ^ 3 or 5 km to mile) and returns the result. ' +
    'The input must be the expression itself, with numbers from earlier evidence written in, not a question in words.',
  parameters: {
    type: 'object',
    properties: {
      expression: { type: 'string', minLength: 1, description: 'A mathjs expression, for example "(1889 - 1886) * 12".' },
    },
    required: ['expression'],
    additionalProperties: false,
  },
  sideEffects: false,
  timeoutMs: 5_000,
  async run(args) {
    const expression = normaliseExpression(String(args.expression ?? ''));
    if (expression === '') throw new ToolError(toolName, 'the expression is empty.', { hint: 'Give an expression such as 2 * (3 + 4).' });
    if (expression.length > maxExpressionChars) {
      throw new ToolError(toolName, `the expression has ${expression.length} characters; the calculator takes at most ${maxExpressionChars}.`);
    }
    const math = await loadCalculator();
    let value: unknown;
    try {
      value = math.evaluate(expression);
    } catch (error) {
      throw new ToolError(toolName, `could not evaluate "${expression}": ${errorMessage(error)}.`, {
        hint: 'Write a plain math expression with numbers and operators (for example 2 * (3 + 4) or 5 km to mile); words other than function names and units are not understood.',
        cause: error,
      });
    }
    // A large matrix formats to megabytes of text.
    // The bare result, so a later step can use it in its own expression (`#E1 * 10`).
    return capOutput(describeResult(value, math.format));
  },
};
