import { strToU8, zipSync } from 'fflate';
import type { PlannerExample, ReceivedPrompt, SolverExample, ToolCallerExample, TrainingSet, TrainingTool } from './examples.ts';

/**
 * The training-data files (issue 12), in the shapes their readers publish:
 * - Alpaca JSON (`instruction`, `input`, `output`, optional `system`), as LLaMA-Factory reads it;
 * - OpenAI chat fine-tuning JSONL (`{"messages": [...]}` per line), which LLaMA-Factory also
 *   reads as sharegpt with role/content tags;
 * - OpenAI chat JSONL with `tools` and an assistant `tool_calls` message;
 * - a LLaMA-Factory bundle: the data files, `dataset_info.json` naming each one's format and
 *   columns, a LoRA training config for the planner and one for the tool caller, and a short README, zipped with fflate.
 */

export type TrainingFormat = 'planner-alpaca' | 'chat-jsonl' | 'tool-caller-jsonl' | 'llama-factory';

export const trainingFormats: readonly { value: TrainingFormat; label: string; description: string }[] = [
  { value: 'planner-alpaca', label: 'Planner — Alpaca JSON', description: 'One record per run: instruction = the planner prompt as it was sent, input = "", output = the plan as corrected.' },
  { value: 'chat-jsonl', label: 'Planner and solver — chat JSONL', description: 'OpenAI fine-tuning lines: system, user and assistant messages, one line per planner and per solver request.' },
  { value: 'tool-caller-jsonl', label: 'Tool caller — chat JSONL with tools', description: 'One line per step: the tools as JSON Schema, the step as the user message, the validated call as the assistant\'s tool call.' },
  { value: 'llama-factory', label: 'LLaMA-Factory bundle (.zip)', description: 'All three datasets with a dataset_info.json, LoRA configs and a README: unzip and run llamafactory-cli train.' },
];

/** One Alpaca record (LLaMA-Factory: prompt = instruction, query = input, response = output). */
export interface AlpacaRecord {
  instruction: string;
  input: string;
  output: string;
  system?: string;
}

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

/** An assistant message that calls a tool (OpenAI chat format). */
export interface ToolCallMessage {
  role: 'assistant';
  tool_calls: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
}

export interface ChatRecord {
  messages: ChatMessage[];
}

export interface ToolCallerRecord {
  messages: (ChatMessage | ToolCallMessage)[];
  tools: { type: 'function'; function: TrainingTool }[];
}

/** A file to save. */
export interface TrainingFile {
  name: string;
  type: string;
  data: string | Uint8Array;
}

export function alpacaRecord(example: PlannerExample): AlpacaRecord {
  return { instruction: example.prompt.user, input: '', output: example.plan, ...(example.prompt.system !== undefined ? { system: example.prompt.system } : {}) };
}

function chatMessages(prompt: ReceivedPrompt, answer: string): ChatMessage[] {
  return [...(prompt.system !== undefined ? [{ role: 'system' as const, content: prompt.system }] : []), { role: 'user', content: prompt.user }, { role: 'assistant', content: answer }];
}

export function chatRecords(set: Pick<TrainingSet, 'planner' | 'solver'>): ChatRecord[] {
  return [
    ...set.planner.map((example) => ({ messages: chatMessages(example.prompt, example.plan) })),
    ...set.solver.map((example: SolverExample) => ({ messages: chatMessages(example.prompt, example.answer) })),
  ];
}

export function toolCallerRecord(example: ToolCallerExample, tools: readonly TrainingTool[], index: number): ToolCallerRecord {
  return {
    messages: [
      { role: 'user', content: example.prompt },
      { role: 'assistant', tool_calls: [{ id: `call_${index + 1}`, type: 'function', function: { name: example.call.name, arguments: JSON.stringify(example.call.arguments) } }] },
    ],
    tools: tools.map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } })),
  };
}

const jsonl = (records: readonly unknown[]) => records.map((record) => JSON.stringify(record)).join('\n') + (records.length > 0 ? '\n' : '');

/** LLaMA-Factory's sharegpt tool-calling shape: human, then function_call with `{"name", "arguments"}`; `tools` is a JSON string. */
function sharegptToolCaller(set: TrainingSet) {
  const tools = JSON.stringify(set.tools);
  return set.toolCaller.map((example) => ({
    conversations: [
      { from: 'human', value: example.prompt },
      { from: 'function_call', value: JSON.stringify({ name: example.call.name, arguments: example.call.arguments }) },
    ],
    tools,
  }));
}

/** The names the bundle registers in dataset_info.json. */
export const bundleDatasets = { planner: 'stepwise_planner', chat: 'stepwise_planner_solver', toolCaller: 'stepwise_tool_caller' } as const;

/** `dataset_info.json` entries (keys as LLaMA-Factory's data/README.md documents them). */
export function datasetInfo(): Record<string, unknown> {
  return {
    [bundleDatasets.planner]: {
      file_name: 'stepwise_planner.json',
      columns: { prompt: 'instruction', query: 'input', response: 'output', system: 'system' },
    },
    [bundleDatasets.chat]: {
      file_name: 'stepwise_planner_solver.jsonl',
      formatting: 'sharegpt',
      columns: { messages: 'messages' },
      tags: { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant', system_tag: 'system' },
    },
    [bundleDatasets.toolCaller]: {
      file_name: 'stepwise_tool_caller.json',
      formatting: 'sharegpt',
      columns: { messages: 'conversations', tools: 'tools' },
    },
  };
}

const bundleFolder = 'stepwise-data';

const trainingConfig = (dataset: string, file: string, output: string) =>
  [
    `# LoRA fine-tuning of a small instruct model on ${dataset}.`,
    `# Run from the folder that holds ${bundleFolder}/: llamafactory-cli train ${bundleFolder}/${file}`,
    'model_name_or_path: Qwen/Qwen2.5-1.5B-Instruct',
    'template: qwen',
    'stage: sft',
    'do_train: true',
    'finetuning_type: lora',
    'lora_target: all',
    `dataset: ${dataset}`,
    `dataset_dir: ${bundleFolder}`,
    'cutoff_len: 4096',
    `output_dir: saves/stepwise-${output}`,
    'per_device_train_batch_size: 1',
    'gradient_accumulation_steps: 8',
    'learning_rate: 1.0e-4',
    'num_train_epochs: 3.0',
    'lr_scheduler_type: cosine',
    'warmup_ratio: 0.1',
    'bf16: true',
    'logging_steps: 10',
    'save_steps: 500',
    'plot_loss: true',
    'overwrite_output_dir: true',
    '',
  ].join('\n');

function bundleReadme(set: TrainingSet): string {
  return [
    '# Stepwise training data',
    '',
    `- ${bundleDatasets.planner} (stepwise_planner.json, Alpaca): ${set.planner.length} planner records.`,
    `- ${bundleDatasets.chat} (stepwise_planner_solver.jsonl, OpenAI messages): ${set.planner.length + set.solver.length} planner and solver records.`,
    `- ${bundleDatasets.toolCaller} (stepwise_tool_caller.json, sharegpt with tools): ${set.toolCaller.length} tool-caller records.`,
    '',
    'Train a LoRA adapter with LLaMA-Factory (https://github.com/hiyouga/LLaMA-Factory), from the folder that holds stepwise-data/:',
    '',
    '    llamafactory-cli train stepwise-data/train_planner.yaml',
    '    llamafactory-cli train stepwise-data/train_tool_caller.yaml',
    '',
    'or name a dataset on the command line:',
    '',
    `    llamafactory-cli train --stage sft --do_train --model_name_or_path Qwen/Qwen2.5-1.5B-Instruct --template qwen --finetuning_type lora --lora_target all --dataset_dir stepwise-data --dataset ${bundleDatasets.planner} --output_dir saves/stepwise-planner`,
    '',
  ].join('\n');
}

/** The LLaMA-Factory bundle's files, by path in the zip. */
export function bundleFiles(set: TrainingSet): Record<string, string> {
  return {
    [`${bundleFolder}/dataset_info.json`]: `${JSON.stringify(datasetInfo(), null, 2)}\n`,
    [`${bundleFolder}/stepwise_planner.json`]: `${JSON.stringify(set.planner.map(alpacaRecord), null, 2)}\n`,
    [`${bundleFolder}/stepwise_planner_solver.jsonl`]: jsonl(chatRecords(set)),
    [`${bundleFolder}/stepwise_tool_caller.json`]: `${JSON.stringify(sharegptToolCaller(set), null, 2)}\n`,
    [`${bundleFolder}/train_planner.yaml`]: trainingConfig(bundleDatasets.planner, 'train_planner.yaml', 'planner'),
    [`${bundleFolder}/train_tool_caller.yaml`]: trainingConfig(bundleDatasets.toolCaller, 'train_tool_caller.yaml', 'tool-caller'),
    [`${bundleFolder}/README.md`]: bundleReadme(set),
  };
}

/** The number of records a format writes from the set. */
export function recordCount(set: TrainingSet, format: TrainingFormat): number {
  if (format === 'planner-alpaca') return set.planner.length;
  if (format === 'chat-jsonl') return set.planner.length + set.solver.length;
  if (format === 'tool-caller-jsonl') return set.toolCaller.length;
  return set.planner.length + set.solver.length + set.toolCaller.length;
}

/** The file a format makes from the set. */
export function trainingFile(set: TrainingSet, format: TrainingFormat): TrainingFile {
  switch (format) {
    case 'planner-alpaca':
      return { name: 'stepwise-planner-alpaca.json', type: 'application/json', data: `${JSON.stringify(set.planner.map(alpacaRecord), null, 2)}\n` };
    case 'chat-jsonl':
      return { name: 'stepwise-planner-solver.jsonl', type: 'application/jsonl', data: jsonl(chatRecords(set)) };
    case 'tool-caller-jsonl':
      return { name: 'stepwise-tool-caller.jsonl', type: 'application/jsonl', data: jsonl(set.toolCaller.map((example, index) => toolCallerRecord(example, set.tools, index))) };
    case 'llama-factory': {
      const files = Object.fromEntries(Object.entries(bundleFiles(set)).map(([path, text]) => [path, strToU8(text)]));
      return { name: 'stepwise-llama-factory.zip', type: 'application/zip', data: zipSync(files, { level: 6 }) };
    }
  }
}
