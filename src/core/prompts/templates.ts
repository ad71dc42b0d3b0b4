import type { ChatMessage } from '../llm/types.ts';

/**
 * The prompts of the three model roles as templates a person can edit. A template is one text:
 * the system message, a line `=== user ===`, then the user message (without that line the whole
 * text is sent as the user message). `{{name}}` puts in a value; `{{#name}}…{{/name}}` keeps its
 * text only when `name` has a non-empty value. Nothing else is special, so JSON in a prompt
 * (`{"name": …}`) is left alone.
 */

export type PromptRole = 'planner' | 'solver' | 'toolCaller';

export type PromptTemplates = Record<PromptRole, string>;

/** The line that separates the system message from the user message. */
export const userMarker = '=== user ===';

/** What each template can use; a required placeholder that is missing is warned about. */
export const promptPlaceholders: Record<PromptRole, { required: readonly string[]; optional: readonly string[]; help: Record<string, string> }> = {
  planner: {
    required: ['tools', 'task'],
    optional: ['example', 'note'],
    help: { tools: 'the enabled tools, one per line', task: 'the task', example: 'a worked example plan', note: 'the note to the planner (Replan)' },
  },
  solver: {
    required: ['task', 'plan'],
    optional: ['evidence'],
    help: { task: 'the task', plan: 'each step with its evidence', evidence: 'only the evidence, one step per paragraph' },
  },
  toolCaller: {
    required: ['function', 'input'],
    optional: ['tool', 'thought'],
    help: { function: 'the planned tool as a JSON function description', input: 'the step input, evidence put in', tool: 'the tool name', thought: 'the plan line of the step' },
  },
};

export const promptNames: Record<PromptRole, string> = { planner: 'Planner prompt', solver: 'Solver prompt', toolCaller: 'Tool caller prompt' };

export const defaultTemplates: PromptTemplates = {
  planner: [
    'For the following task, make plans that can solve the problem step by step. For each plan, indicate which external tool, together with its input, retrieves evidence. You can store the evidence in a variable #E that later tools can use. (Plan, #E1, Plan, #E2, Plan, ...)',
    '',
    'Tools can be one of the following:',
    '{{tools}}',
    '',
    'Rules:',
    '- Write each step as two lines: "Plan: <reasoning>" then "#En = tool_name[input]".',
    '- Refer to earlier evidence only by its variable (#E1), never to later ones.',
    "- Make steps independent of each other wherever possible: steps that do not use each other's evidence run at the same time.",
    "- Use only the tools above. Do not answer the task yourself; the last step's evidence is summarised later.",
    '',
    'For example:',
    '{{example}}',
    userMarker,
    'Task: {{task}}{{#note}}',
    'Note from the person: {{note}}{{/note}}',
  ].join('\n'),
  solver: [
    'Solve the following task or problem. To solve it, a step-by-step plan was made and evidence was retrieved for each step. ' +
      'Use the evidence with caution: long evidence may contain irrelevant information, and some steps may have failed. ' +
      'Cite the evidence you rely on by its variable in square brackets, for example [#E1]. ' +
      'If the evidence is not enough, say what is missing instead of guessing.',
    userMarker,
    '{{plan}}',
    '',
    'Now solve the task according to the evidence above. Answer directly.',
    '',
    'Task: {{task}}',
    'Response:',
  ].join('\n'),
  toolCaller: [
    'You turn one step of a plan into one function call. Available functions:',
    '{{function}}',
    'Answer with a single JSON object {"name": <function name>, "arguments": {...}} whose arguments match that function\'s parameters. No other text.',
    userMarker,
    '{{#thought}}Plan: {{thought}}',
    '{{/thought}}Call {{tool}} with this input:',
    '{{input}}',
  ].join('\n'),
};

const tagPattern = /\{\{([#/]?)([a-z_]+)\}\}/g;

/** The template with its values put in, as text (the marker line still in it). */
export function renderTemplate(template: string, values: Readonly<Record<string, string | undefined>>): string {
  // Sections first (innermost out, so a section may hold placeholders), then placeholders.
  let text = template;
  for (let guard = 0; guard < 20; guard++) {
    const next = text.replace(/\{\{#([a-z_]+)\}\}((?:(?!\{\{#)[\s\S])*?)\{\{\/\1\}\}/g, (_match, name: string, body: string) => (values[name] ? body : ''));
    if (next === text) break;
    text = next;
  }
  return text.replace(tagPattern, (match, kind: string, name: string) => (kind === '' && Object.hasOwn(values, name) ? (values[name] ?? '') : match));
}

/**
 * The messages a rendered template makes: system and user around the marker line, or user alone.
 * The marker is found in the template, not in the rendered text: values can be megabytes of
 * evidence (splitting them into lines costs a long task), and a value that holds a marker line
 * of its own stays text. Each side is rendered alone, so a section cannot span the marker
 * (checkTemplate says so).
 */
export function renderPrompt(template: string, values: Readonly<Record<string, string | undefined>>): ChatMessage[] {
  const lines = template.split('\n');
  const marker = lines.findIndex((line) => line.trim() === userMarker);
  if (marker < 0) return [{ role: 'user', content: renderTemplate(template, values) }];
  const system = renderTemplate(lines.slice(0, marker).join('\n'), values);
  const user = renderTemplate(lines.slice(marker + 1).join('\n'), values);
  return system.trim() === '' ? [{ role: 'user', content: user }] : [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

/** What is wrong with a template: required placeholders it lacks, names it does not know, sections left open. */
export function checkTemplate(role: PromptRole, template: string): string[] {
  const { required, optional } = promptPlaceholders[role];
  const known = new Set([...required, ...optional]);
  const used = new Set<string>();
  const problems: string[] = [];
  const open: { name: string; at: number }[] = [];
  const markerAt = template.split('\n').findIndex((line) => line.trim() === userMarker) < 0 ? -1 : template.indexOf(userMarker);
  for (const match of template.matchAll(tagPattern)) {
    const [, kind, name = ''] = match;
    if (kind === '#') open.push({ name, at: match.index });
    else if (kind === '/') {
      const section = open.at(-1);
      if (section?.name !== name) problems.push(`{{/${name}}} closes a section that is not open.`);
      else {
        open.pop();
        if (markerAt >= 0 && section.at < markerAt && match.index > markerAt) problems.push(`{{#${name}}} … {{/${name}}} spans the "${userMarker}" line: a section stays on one side of it.`);
      }
    } else used.add(name);
    if (!known.has(name)) problems.push(`{{${name}}} is not a placeholder of this prompt; it is sent as written.`);
  }
  for (const { name } of open) problems.push(`{{#${name}}} is never closed with {{/${name}}}.`);
  for (const name of required) if (!used.has(name)) problems.push(`{{${name}}} is missing: the model would not get ${promptPlaceholders[role].help[name] ?? name}.`);
  return problems;
}

/** A named set of the three prompts. */
export interface PromptPreset {
  name: string;
  templates: PromptTemplates;
}

export const defaultPresetName = 'Default';
