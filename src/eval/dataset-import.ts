import { strFromU8, unzipSync } from 'fflate';
import type { JsonSchema, ToolCall } from '../core/tools/types.ts';
import type { EvalCase, EvalToolDefinition } from './cases.ts';
import { parseTaskList, type EvalTask } from './planner-eval.ts';

/**
 * Training data read back as eval sets (issue 12 §3): the files Export training data writes (and
 * the same shapes from elsewhere) become planner eval tasks with their gold plans, and
 * tool-caller eval cases. Planner records: Alpaca (`instruction` holds the prompt's `Task:` line,
 * `output` the plan) or chat messages whose answer is a plan. Tool-caller records: OpenAI chat
 * with `tools` and `tool_calls`, or LLaMA-Factory's sharegpt with a `function_call` turn. A
 * LLaMA-Factory bundle is read through its dataset_info.json. Plain task lists read as before.
 */

export interface EvalSet {
  tasks: EvalTask[];
  cases: EvalCase[];
  /** Records that could not be read, with where and why. */
  problems: string[];
  /** Records that are neither (solver answers), counted. */
  skipped: number;
}

/** The task of a planner prompt: the text after its last `Task:` line, up to a note to the planner. */
export function taskFromPrompt(prompt: string): string | undefined {
  const at = Math.max(prompt.lastIndexOf('\nTask: '), prompt.startsWith('Task: ') ? 0 : -1);
  if (at < 0) return undefined;
  const rest = prompt.slice(prompt.startsWith('Task: ', at) ? at + 6 : at + 7);
  const task = rest.split(/\nNote from the person:/)[0]?.trim();
  return task ? task : undefined;
}

/** The tools a plan's step lines call, in order of first use. */
function planTools(plan: string): string[] {
  return [...new Set([...plan.matchAll(/^\s*#E\d+\s*=\s*([\w.-]+)\s*\[/gm)].map((match) => match[1] as string))];
}

function plannerTask(prompt: string, plan: string, where: string, problems: string[]): EvalTask | undefined {
  const task = taskFromPrompt(prompt);
  if (!task) {
    problems.push(`${where}: the prompt has no "Task:" line, so its task cannot be told`);
    return undefined;
  }
  return { task, expectedTools: planTools(plan), goldPlan: plan.trim() };
}

/** The step of a tool-caller prompt written with Stepwise's template; else the whole message is the input. */
function stepFromPrompt(prompt: string, tool: string): EvalCase['step'] {
  const match = /^(?:Plan: (.*)\n)?Call (\S+) with this input:\n([\s\S]*)$/.exec(prompt);
  if (match) return { thought: match[1] ?? '', tool: match[2] as string, input: match[3] as string };
  return { thought: '', tool, input: prompt };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function toolDefinition(value: unknown): EvalToolDefinition | undefined {
  const tool = isObject(value) && isObject(value.function) ? value.function : value;
  if (!isObject(tool) || typeof tool.name !== 'string' || !isObject(tool.parameters)) return undefined;
  return { name: tool.name, description: typeof tool.description === 'string' ? tool.description : '', parameters: tool.parameters as JsonSchema };
}

function toolCase(prompt: string, call: ToolCall, tools: unknown, index: number, where: string, problems: string[]): EvalCase | undefined {
  const list = typeof tools === 'string' ? safeJson(tools) : tools;
  const toolkit = Array.isArray(list) ? list.map(toolDefinition).filter((tool): tool is EvalToolDefinition => tool !== undefined) : [];
  if (!toolkit.some((tool) => tool.name === call.name)) {
    problems.push(`${where}: the tool "${call.name}" it calls is not among its tools`);
    return undefined;
  }
  return { id: `imported-${index + 1}`, category: 'imported', step: stepFromPrompt(prompt, call.name), toolkit, expected: call };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function readCall(value: unknown): ToolCall | undefined {
  const parsed = typeof value === 'string' ? safeJson(value) : value;
  if (!isObject(parsed) || typeof parsed.name !== 'string') return undefined;
  const args = typeof parsed.arguments === 'string' ? safeJson(parsed.arguments) : parsed.arguments;
  return isObject(args) ? { name: parsed.name, arguments: args } : undefined;
}

/** One record of any of the shapes, added to `set`. */
function readRecord(record: unknown, where: string, set: EvalSet): void {
  if (!isObject(record)) return void set.problems.push(`${where}: not a JSON object`);
  // Alpaca: a planner record.
  if (typeof record.instruction === 'string' && typeof record.output === 'string') {
    const task = plannerTask(record.instruction, record.output, where, set.problems);
    if (task) set.tasks.push(task);
    return;
  }
  // A plain task list line.
  if (typeof record.task === 'string') {
    const parsed = parseTaskList(JSON.stringify(record));
    set.tasks.push(...parsed.tasks);
    set.problems.push(...parsed.problems.map((problem) => `${where}: ${problem.replace(/^line 1: /, '')}`));
    return;
  }
  // OpenAI chat (messages with role/content) or sharegpt (conversations with from/value).
  const turns = Array.isArray(record.messages) ? record.messages : Array.isArray(record.conversations) ? record.conversations : undefined;
  if (!turns) return void set.problems.push(`${where}: neither an Alpaca record nor a chat record`);
  const role = (turn: unknown) => (isObject(turn) ? String(turn.role ?? turn.from ?? '') : '');
  const content = (turn: unknown) => (isObject(turn) ? String(turn.content ?? turn.value ?? '') : '');
  const user = turns.filter((turn) => ['user', 'human'].includes(role(turn))).map(content).join('\n\n');
  const answer = turns.find((turn) => ['assistant', 'gpt', 'function_call'].includes(role(turn)));
  if (!answer) return void set.problems.push(`${where}: no assistant answer`);
  const toolCall = role(answer) === 'function_call' ? readCall(content(answer)) : isObject(answer) && Array.isArray(answer.tool_calls) ? readCall((answer.tool_calls[0] as { function?: unknown })?.function) : undefined;
  if (toolCall) {
    const evalCase = toolCase(user, toolCall, record.tools, set.cases.length, where, set.problems);
    if (evalCase) set.cases.push(evalCase);
    return;
  }
  if ((role(answer) === 'function_call' || (isObject(answer) && 'tool_calls' in answer)) && !toolCall) return void set.problems.push(`${where}: its tool call cannot be read`);
  const text = content(answer);
  if (planTools(text).length > 0) {
    const task = plannerTask(user, text, where, set.problems);
    if (task) set.tasks.push(task);
    return;
  }
  // A solver record: its answer is prose, not a plan.
  set.skipped++;
}

/** Reads one dataset file's text: a JSON array, JSON Lines, or a plain task list. */
export function readEvalDataset(text: string, name = 'the file'): EvalSet {
  const set: EvalSet = { tasks: [], cases: [], problems: [], skipped: 0 };
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    const value = safeJson(trimmed);
    if (!Array.isArray(value)) return { ...set, problems: [`${name}: not valid JSON`] };
    value.forEach((record, index) => readRecord(record, `${name}, record ${index + 1}`, set));
    return set;
  }
  // JSON Lines of records, or a task list (one task per line, JSON task lines among them).
  const lines = text.split(/\r?\n/);
  const isRecordLine = (line: string) => /^\{\s*"(messages|conversations|instruction)"/.test(line.trim());
  if (!lines.some(isRecordLine)) {
    const parsed = parseTaskList(text);
    return { ...set, tasks: parsed.tasks, problems: parsed.problems };
  }
  lines.forEach((line, index) => {
    if (line.trim() === '' || line.trim().startsWith('#')) return;
    const value = safeJson(line);
    if (value === undefined) return void set.problems.push(`${name}, line ${index + 1}: not valid JSON`);
    readRecord(value, `${name}, line ${index + 1}`, set);
  });
  return set;
}

/** Reads a LLaMA-Factory bundle (.zip): every file its dataset_info.json names. */
export function readEvalBundle(bytes: Uint8Array): EvalSet {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch {
    return { tasks: [], cases: [], problems: ['The file is not a readable .zip.'], skipped: 0 };
  }
  const infoPath = Object.keys(entries).find((path) => path === 'dataset_info.json' || path.endsWith('/dataset_info.json'));
  if (!infoPath) return { tasks: [], cases: [], problems: ['The .zip has no dataset_info.json (a LLaMA-Factory dataset folder has one).'], skipped: 0 };
  const folder = infoPath.slice(0, -'dataset_info.json'.length);
  const info = safeJson(strFromU8(entries[infoPath] as Uint8Array));
  if (!isObject(info)) return { tasks: [], cases: [], problems: ['dataset_info.json is not a JSON object.'], skipped: 0 };
  const merged: EvalSet = { tasks: [], cases: [], problems: [], skipped: 0 };
  const seenTasks = new Set<string>();
  for (const [dataset, entry] of Object.entries(info)) {
    const fileName = isObject(entry) && typeof entry.file_name === 'string' ? entry.file_name : undefined;
    const data = fileName === undefined ? undefined : entries[`${folder}${fileName}`];
    if (!fileName || !data) {
      merged.problems.push(`${dataset}: its file ${fileName ?? '(none named)'} is not in the .zip`);
      continue;
    }
    const set = readEvalDataset(strFromU8(data), fileName);
    // The bundle has each planner record twice (Alpaca and chat): a task counts once.
    for (const task of set.tasks) {
      const key = `${task.task}\n${task.goldPlan ?? ''}`;
      if (seenTasks.has(key)) continue;
      seenTasks.add(key);
      merged.tasks.push(task);
    }
    merged.cases.push(...set.cases.map((evalCase, index) => ({ ...evalCase, id: `imported-${merged.cases.length + index + 1}` })));
    merged.problems.push(...set.problems);
    merged.skipped += set.skipped;
  }
  return merged;
}

/** Reads a file chosen by a person or named on the command line: a .zip bundle, or text. */
export function readEvalFile(name: string, data: Uint8Array): EvalSet {
  if (name.toLowerCase().endsWith('.zip')) return readEvalBundle(data);
  return readEvalDataset(strFromU8(data), name);
}

/** Tasks as task-list lines (JSON Lines), gold plans and expected tools kept: what the planner eval's task box holds. */
export function taskListText(tasks: readonly EvalTask[]): string {
  return tasks.map((task) => (task.goldPlan || task.expectedTools ? JSON.stringify(task) : task.task)).join('\n');
}
