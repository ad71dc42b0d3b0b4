import type { ChatChunk, ChatEngine, ChatMessage, ChatResult } from '../llm/types.ts';

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
 * answer from the evidence and cite the `#E` variables used.
 */
export function buildSolverMessages(task: string, steps: readonly SolverStep[]): ChatMessage[] {
  const plan = steps
    .map((step) => `Plan: ${step.thought ?? `Use ${step.tool}.`}\n${step.id} = ${step.tool}[${step.input}]\nEvidence: ${describeOutcome(step)}`)
    .join('\n\n');
  return [
    {
      role: 'system',
      content:
        'Solve the following task or problem. To solve it, a step-by-step plan was made and evidence was retrieved for each step. ' +
        'Use the evidence with caution: long evidence may contain irrelevant information, and some steps may have failed. ' +
        'Cite the evidence you rely on by its variable in square brackets, for example [#E1]. ' +
        'If the evidence is not enough, say what is missing instead of guessing.',
    },
    { role: 'user', content: `${plan}\n\nNow solve the task according to the evidence above. Answer directly.\n\nTask: ${task}\nResponse:` },
  ];
}

/** Streams the solver's answer from any engine. */
export function solve(
  engine: ChatEngine,
  task: string,
  steps: readonly SolverStep[],
  options: { signal?: AbortSignal; maxTokens?: number; onChunk?: (chunk: ChatChunk) => void } = {},
): Promise<ChatResult> {
  return engine.chat(
    { messages: buildSolverMessages(task, steps), maxTokens: options.maxTokens ?? 1024, temperature: 0.2, signal: options.signal },
    options.onChunk,
  );
}
