import { z } from 'zod';

// What the page and the calculator's worker say to each other, and the calculator's limits: small
// enough for the first load, while the mathjs set-up (math.ts) loads with the calculator.

/** The longest expression the calculator takes. */
export const maxExpressionChars = 2_000;

/**
 * The most elements one matrix, array or range may have in the calculator (200 x 200). At this
 * size a product of two matrices costs at most 8 million multiply-adds and an inverse or a
 * determinant stays well under a second, so evaluation without a worker (in Node) stays short;
 * in the page, the worker and the step's timeout bound the slow functions as well.
 */
export const maxMatrixElements = 40_000;

/** What evaluating one expression gave; plain data, so it can cross the worker boundary. */
export const calculationOutcomeSchema = z.discriminatedUnion('type', [
  /** The formatted result. */
  z.object({ type: z.literal('value'), text: z.string() }),
  /** The expression defines a function instead of computing a value. */
  z.object({ type: z.literal('function') }),
  /** A matrix, array or range would exceed `maxMatrixElements`. */
  z.object({ type: z.literal('too-large'), message: z.string() }),
  /** mathjs could not evaluate the expression (syntax, unknown symbol, a disabled function). */
  z.object({ type: z.literal('invalid'), message: z.string() }),
  /** mathjs could not be loaded. */
  z.object({ type: z.literal('unavailable'), message: z.string() }),
]);

/** What evaluating one expression gave. */
export type CalculationOutcome = z.infer<typeof calculationOutcomeSchema>;

/** A request from the page to the calculator worker. */
export const calculationRequestSchema = z.object({
  id: z.number().int().nonnegative(),
  expression: z.string().max(maxExpressionChars),
});

/** A request from the page to the calculator worker. */
export type CalculationRequest = z.infer<typeof calculationRequestSchema>;

/** The calculator worker's answer to the request with the same `id`. */
export const calculationAnswerSchema = z.object({ id: z.number().int().nonnegative(), outcome: calculationOutcomeSchema });

/** The calculator worker's answer to the request with the same `id`. */
export type CalculationAnswer = z.infer<typeof calculationAnswerSchema>;
