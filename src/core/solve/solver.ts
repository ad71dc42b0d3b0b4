import type { ChatChunk, ChatEngine, ChatMessage, ChatResult } from '../llm/types.ts';
import { defaultTemplates, renderPrompt } from '../prompts/templates.ts';
import { largeTextChars, yieldToPage } from '../run/retry.ts';

/** What the solver sees of one step. */
export interface SolverStep {
  id: string;
  tool: string;
  /** The input after substitution. */
  input: string;
  thought?: string;
  outcome: { status: 'done'; evidence: string } | { status: 'failed'; error: string } | { status: 'skipped'; reason: string };
}

function describeOutcome(step: SolverStep): string {
  switch (step.outcome.status) {
    case 'done':
      return step.outcome.evidence;
    case 'failed':
      return `(no evidence: the step failed: ${step.outcome.error})`;
    case 'skipped':
      return `(no evidence: the step was skipped: ${step.outcome.reason})`;
  }
}

/**
 * The ReWOO solver prompt: the task, each plan step with its evidence, and the instruction to
 * answer from the evidence and cite the `#E` variables used. `template` replaces the default.
 */
export function buildSolverMessages(task: string, steps: readonly SolverStep[], template: string = defaultTemplates.solver): ChatMessage[] {
  const plan = steps
    .map((step) => `Plan: ${step.thought ?? `Use ${step.tool}.`}\n${step.id} = ${step.tool}[${step.input}]\nEvidence: ${describeOutcome(step)}`)
    .join('\n\n');
  // Megabytes with large evidence: built only for a template that uses it.
  const evidence = template.includes('{{evidence}}') ? steps.map((step) => `${step.id}: ${describeOutcome(step)}`).join('\n\n') : '';
  return renderPrompt(template, { task, plan, evidence });
}

/** Streams the solver's answer from any engine. */
export async function solve(
  engine: ChatEngine,
  task: string,
  steps: readonly SolverStep[],
  options: { signal?: AbortSignal; maxTokens?: number; onChunk?: (chunk: ChatChunk) => void; template?: string } = {},
): Promise<ChatResult> {
  // Each of these passes over megabytes of evidence: let the page paint in between.
  const large = steps.reduce((total, step) => total + (step.outcome.status === 'done' ? step.outcome.evidence.length : 0), 0) > largeTextChars;
  if (large) await yieldToPage();
  const messages = buildSolverMessages(task, steps, options.template);
  if (large) await yieldToPage();
  return engine.chat(
    { messages, maxTokens: options.maxTokens ?? 1024, temperature: 0.2, signal: options.signal },
    options.onChunk,
  );
}
