import type { ChatChunk, ChatEngine, ChatMessage, ChatResult } from '../llm/types.ts';
import { defaultTemplates, renderPrompt } from '../prompts/templates.ts';
import { largeTextChars, yieldToPage } from '../run/slices.ts';

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

const planEntry = (step: SolverStep) => `Plan: ${step.thought ?? `Use ${step.tool}.`}\n${step.id} = ${step.tool}[${step.input}]\nEvidence: ${describeOutcome(step)}`;
const evidenceEntry = (step: SolverStep) => `${step.id}: ${describeOutcome(step)}`;
// Megabytes with large evidence: built only for a template that uses it.
const usesEvidence = (template: string) => template.includes('{{evidence}}');

/**
 * The ReWOO solver prompt: the task, each plan step with its evidence, and the instruction to
 * answer from the evidence and cite the `#E` variables used. `template` replaces the default.
 */
export function buildSolverMessages(task: string, steps: readonly SolverStep[], template: string = defaultTemplates.solver): ChatMessage[] {
  const plan = steps.map(planEntry).join('\n\n');
  const evidence = usesEvidence(template) ? steps.map(evidenceEntry).join('\n\n') : '';
  return renderPrompt(template, { task, plan, evidence });
}

/** The entries joined as `buildSolverMessages` joins them, a slice of about `largeTextChars` per task. */
async function joinInSlices(steps: readonly SolverStep[], entry: (step: SolverStep) => string): Promise<string> {
  let text = '';
  let sliceChars = 0;
  for (const [index, step] of steps.entries()) {
    const part = entry(step);
    text += index === 0 ? part : `\n\n${part}`;
    sliceChars += part.length;
    if (sliceChars >= largeTextChars) {
      sliceChars = 0;
      await yieldToPage();
    }
  }
  return text;
}

/** `buildSolverMessages` for megabytes of evidence: the same messages, built in tasks of their own. */
async function buildLargeSolverMessages(task: string, steps: readonly SolverStep[], template: string = defaultTemplates.solver): Promise<ChatMessage[]> {
  const plan = await joinInSlices(steps, planEntry);
  const evidence = usesEvidence(template) ? await joinInSlices(steps, evidenceEntry) : '';
  await yieldToPage();
  return renderPrompt(template, { task, plan, evidence });
}

/** Streams the solver's answer from any engine. */
export async function solve(
  engine: ChatEngine,
  task: string,
  steps: readonly SolverStep[],
  options: { signal?: AbortSignal; maxTokens?: number; onChunk?: (chunk: ChatChunk) => void; template?: string } = {},
): Promise<ChatResult> {
  // Megabytes of evidence: the prompt is built a slice at a time, and sent in a task of its own.
  const large = steps.reduce((total, step) => total + (step.outcome.status === 'done' ? step.outcome.evidence.length : 0), 0) > largeTextChars;
  const messages = large ? await buildLargeSolverMessages(task, steps, options.template) : buildSolverMessages(task, steps, options.template);
  if (large) await yieldToPage();
  return engine.chat(
    { messages, maxTokens: options.maxTokens ?? 1024, temperature: 0.2, signal: options.signal },
    options.onChunk,
  );
}
