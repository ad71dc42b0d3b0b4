import type { PlanStep } from './types.ts';

/**
 * Plan steps written out as ReWOO text (`Plan: …` then `#E1 = tool[input]`), the form the
 * plan parser reads back. Used where a person sees, and then runs, a plan that did not come
 * from the planner (a plan from an imported trace).
 */
export function formatPlanText(steps: readonly Pick<PlanStep, 'id' | 'tool' | 'input' | 'thought'>[]): string {
  return steps
    .map((step) => `${step.thought ? `Plan: ${step.thought.replace(/\s*\n\s*/g, ' ')}\n` : ''}${step.id} = ${step.tool}[${step.input}]`)
    .join('\n');
}
