import { errorMessage } from '../errors.ts';
import { PlanScanner } from './plan-scanner.ts';
import { ThinkFilter } from './think-filter.ts';
import type { ParsedPlan, StreamedStep } from './types.ts';

/**
 * Parses planner text while it streams, so the scheduler can start a step as soon as it is
 * complete. `push` returns the steps that the new chunk completed: a step is complete once its
 * closing bracket (or, for a step written without brackets, its line end) has arrived, and
 * nothing after that point can change it. Chunks may split anywhere (inside `<think>`, `#E1`,
 * `**` or `\r\n`); the total work over a stream is linear in its length. `finish().plan` is
 * exactly `parsePlan(wholeText, toolNames)`.
 *
 * One case cannot be undone: when a `</think>` arrives without a `<think>` (a chat template
 * that opened the reasoning in the prompt), the text before it was reasoning, and steps already
 * returned from it are stale. `finish().plan` leaves them out.
 */
export class PlanStreamParser {
  private readonly filter = new ThinkFilter();
  private readonly scanner: PlanScanner;
  private finalPlan: ParsedPlan | undefined;
  private failure: string | undefined;

  constructor(toolNames: readonly string[]) {
    this.scanner = new PlanScanner([...toolNames]);
  }

  /** Adds a chunk of planner text; returns the steps it completed, in plan order. */
  push(chunk: string): StreamedStep[] {
    if (this.finalPlan !== undefined || this.failure !== undefined) return [];
    try {
      this.feed(this.filter.push(typeof chunk === 'string' ? chunk : ''));
      return this.scanner.advance(false);
    } catch (error) {
      this.failure = errorMessage(error);
      return [];
    }
  }

  /** Ends the stream: the steps not yet returned, and the whole plan with its problems. */
  finish(): { steps: StreamedStep[]; plan: ParsedPlan } {
    if (this.finalPlan !== undefined) return { steps: [], plan: this.finalPlan };
    let steps: StreamedStep[] = [];
    try {
      if (this.failure === undefined) {
        this.feed(this.filter.finish());
        steps = this.scanner.advance(true);
        this.finalPlan = this.scanner.result({ sawThink: this.filter.sawThink, endsInsideThink: this.filter.endsInsideThink });
        return { steps, plan: this.finalPlan };
      }
    } catch (error) {
      this.failure = errorMessage(error);
    }
    this.finalPlan = { steps: [], errors: [{ message: `The plan could not be read: ${this.failure ?? 'unknown error'}.` }], warnings: [] };
    return { steps: [], plan: this.finalPlan };
  }

  private feed(filtered: { text: string; resetAt?: number }): void {
    const offset = this.scanner.length;
    this.scanner.append(filtered.text);
    if (filtered.resetAt !== undefined) this.scanner.resetBefore(offset + filtered.resetAt);
  }
}
