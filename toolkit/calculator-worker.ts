// The calculator's worker: a thin adapter that evaluates one expression per message with the
// shared mathjs instance, so that a long calculation blocks this thread instead of the page, and
// the page can end it with terminate().
import { calculate } from './shared/math.ts';
import { calculationRequestSchema, type CalculationAnswer } from './shared/math-protocol.ts';

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage(message: CalculationAnswer): void;
};

scope.onmessage = (event: MessageEvent) => {
  const request = calculationRequestSchema.safeParse(event.data);
  // Without a valid id there is nothing to answer to; the page's timeout ends such a call.
  if (!request.success) return;
  const { id, expression } = request.data;
  void calculate(expression).then((outcome) => scope.postMessage({ id, outcome }));
};
