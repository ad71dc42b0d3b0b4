import type { ChatMessage } from '../llm/types.ts';
import type { Tool } from '../tools/types.ts';
import { defaultTemplates, renderPrompt } from '../prompts/templates.ts';

function firstSentence(text: string): string {
  const match = /^[\s\S]*?[.!?](\s|$)/.exec(text.trim());
  return (match ? match[0] : text).trim().replace(/\s+/g, ' ');
}

function exampleStep(tools: readonly Tool[]): string {
  const names = new Set(tools.map((tool) => tool.name));
  if (names.has('search_wiki') && names.has('llm')) {
    return [
      'Task: Which is older, the Eiffel Tower or the Statue of Liberty, and by how many years?',
      'Plan: Find when the Eiffel Tower was completed.',
      '#E1 = search_wiki[Eiffel Tower]',
      'Plan: Find when the Statue of Liberty was dedicated. This does not depend on #E1, so both can run at once.',
      '#E2 = search_wiki[Statue of Liberty]',
      'Plan: Compare the two dates.',
      '#E3 = llm[Which was finished first, and how many years apart? Eiffel Tower: #E1 Statue of Liberty: #E2]',
    ].join('\n');
  }
  const [first, second] = tools;
  return [
    'Task: <the task>',
    `Plan: <what to find first>`,
    `#E1 = ${first?.name ?? 'tool'}[<input>]`,
    `Plan: <what to do with it>`,
    `#E2 = ${(second ?? first)?.name ?? 'tool'}[<input that uses #E1>]`,
  ].join('\n');
}

/**
 * The ReWOO planner prompt, built from the enabled tools: each plan names one tool and its
 * input and stores the result in `#E1`, `#E2`, …; independent steps are asked for so the
 * scheduler can run them in parallel. `template` replaces the default (see src/core/prompts).
 */
export function buildPlannerMessages(task: string, tools: readonly Tool[], note?: string, template: string = defaultTemplates.planner): ChatMessage[] {
  const toolLines = tools.map((tool) => `${tool.name}[input]: ${firstSentence(tool.description)}`).join('\n');
  return renderPrompt(template, { tools: toolLines, task, example: exampleStep(tools), note });
}
