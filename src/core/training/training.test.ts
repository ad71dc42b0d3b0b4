// Training data from real runs of the agent (scripted models, stub tools): corrections folded
// in, validation, de-duplication, redaction, and each file in its published shape.
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { startRun, type AgentOptions } from '../agent.ts';
import type { ChatEngine, ChatRequest } from '../llm/types.ts';
import type { RunEvent } from '../run/events.ts';
import { replayEvents, type RunState } from '../run/run-state.ts';
import { stubTool } from '../run/scheduler-stubs.ts';
import { versionPlanText, type RunChange } from '../run/versions.ts';
import type { Tool } from '../tools/types.ts';
import { buildTrainingSet, type TrainingRun } from './examples.ts';
import { bundleFiles, chatRecords, datasetInfo, trainingFile, type AlpacaRecord, type ToolCallerRecord } from './formats.ts';

const task = 'Which is older, the Eiffel Tower or the Statue of Liberty?';
const plan = [
  'Plan: Find when the Eiffel Tower was completed.',
  '#E1 = search_wiki[Eiffel Tower]',
  'Plan: Find when the Statue of Liberty was dedicated.',
  '#E2 = search_wiki[Statue of Liberty]',
  'Plan: Compare the two dates.',
  '#E3 = llm[Which is older? Eiffel Tower: #E1 Statue of Liberty: #E2]',
].join('\n');
const answer = 'The Statue of Liberty (1886) is older [#E1] [#E2].';

const tools: Tool[] = [stubTool('search_wiki', async (args) => `Article about ${String(args.query)}.`), stubTool('llm', async () => 'The Statue of Liberty.')];

/** A model that answers planner requests with `planText` and solver requests with `answer`, streamed in two parts. */
function scriptedEngine(planText: string): ChatEngine {
  return {
    id: 'scripted',
    label: 'Scripted model',
    async chat(request: ChatRequest, onChunk) {
      const asksForPlan = request.messages.some((message) => message.content.includes('make plans that can solve the problem'));
      const text = asksForPlan ? planText : answer;
      const half = Math.floor(text.length / 2);
      onChunk?.({ type: 'text', text: text.slice(0, half) });
      onChunk?.({ type: 'text', text: text.slice(half) });
      return { text, reasoning: '', finishReason: 'stop', timing: { totalMs: 1 } };
    },
  };
}

async function run(options: Partial<AgentOptions> & { planner?: string } = {}): Promise<RunState> {
  const events: RunEvent[] = [];
  const engine = scriptedEngine(options.planner ?? plan);
  const agent = startRun({ task, tools, engines: { planner: engine, solver: engine }, concurrency: 2, ...options, onEvent: (event) => events.push(event) });
  await agent.done;
  return replayEvents(events);
}

/** A version of `parent` made by `change`, as the app makes one. */
function version(parent: RunState, change: RunChange, planner?: string): Promise<RunState> {
  const planText = versionPlanText(parent.steps, change);
  return run({
    runId: `version-${change.type}`,
    ...(planText === undefined ? {} : { planText }),
    ...(planner === undefined ? {} : { planner }),
    version: { parent: { runId: parent.runId ?? 'parent', steps: parent.steps, answer: parent.answer.text }, change },
  });
}

const asTraining = (state: RunState, ancestors: RunState[] = []): TrainingRun => ({ id: state.runId ?? 'run', task: state.task, state, ancestors });

describe('training examples from runs', () => {
  it('a run gives one planner record (the prompt as sent, the plan), one per step and one for the solver', async () => {
    const state = await run({ runId: 'plain' });
    const set = buildTrainingSet([asTraining(state)], { tools });
    expect(set.leftOut).toEqual([]);
    expect(set.planner).toHaveLength(1);
    const sent = state.calls.find((call) => call.role === 'planner');
    expect(sent).toBeDefined();
    const [system, user] = sent!.request.messages.map((message) => ('text' in message ? message.text : state.blobs.get(message.blob)));
    expect(set.planner[0]?.prompt).toEqual({ system, user });
    expect(set.planner[0]?.plan).toBe(plan);
    expect(set.toolCaller.map((example) => [example.step, example.call])).toEqual([
      ['#E1', { name: 'search_wiki', arguments: { query: 'Eiffel Tower' } }],
      ['#E2', { name: 'search_wiki', arguments: { query: 'Statue of Liberty' } }],
      ['#E3', { name: 'llm', arguments: { query: 'Which is older? Eiffel Tower: Article about Eiffel Tower. Statue of Liberty: Article about Statue of Liberty.' } }],
    ]);
    // The step as the tool caller is asked about it: its plan line and its input with evidence put in.
    expect(set.toolCaller[2]?.prompt).toBe('Plan: Compare the two dates.\nCall llm with this input:\nWhich is older? Eiffel Tower: Article about Eiffel Tower. Statue of Liberty: Article about Statue of Liberty.');
    expect(set.solver).toHaveLength(1);
    expect(set.solver[0]?.answer).toBe(answer);
    expect(set.solver[0]?.prompt.user).toContain('Now solve the task according to the evidence above');
    expect(set.tools.map((tool) => tool.name)).toEqual(['search_wiki', 'llm']);
  });

  it('a corrected step is folded into the plan and the calls; the prompt is the one the original plan answered', async () => {
    const parent = await run({ runId: 'parent' });
    const edited = await version(parent, { type: 'edit', id: '#E2', tool: 'search_wiki', input: 'Statue of Liberty dedication' });
    const set = buildTrainingSet([asTraining(edited, [parent])], { tools });
    expect(edited.calls.some((call) => call.role === 'planner')).toBe(false);
    expect(set.planner[0]?.prompt.user).toContain(`Task: ${task}`);
    expect(set.planner[0]?.plan).toContain('#E2 = search_wiki[Statue of Liberty dedication]');
    expect(set.toolCaller.find((example) => example.step === '#E2')?.call.arguments).toEqual({ query: 'Statue of Liberty dedication' });
    // The answer was written again from the new evidence: the version's own solver request.
    expect(set.solver[0]?.prompt.user).toContain('Article about Statue of Liberty dedication.');
  });

  it('a hand-edited plan is the output; a replan takes the prompt before the note; a kept answer takes the parent\'s solver prompt', async () => {
    const parent = await run({ runId: 'parent' });
    const handWritten = plan.replace('#E3 = llm[Which is older? Eiffel Tower: #E1 Statue of Liberty: #E2]', '#E3 = llm[Which came first: #E1 or #E2?]');
    const planEdited = await version(parent, { type: 'plan', text: handWritten });
    expect(buildTrainingSet([asTraining(planEdited, [parent])], { tools }).planner[0]?.plan).toBe(handWritten);

    const replanned = await version(parent, { type: 'replan', id: '#E2', note: 'Use the dedication date' }, plan);
    const replanSet = buildTrainingSet([asTraining(replanned, [parent])], { tools });
    expect(replanned.calls.find((call) => call.role === 'planner')).toBeDefined();
    expect(replanSet.planner[0]?.prompt.user).not.toContain('Use the dedication date');
    expect(replanSet.planner[0]?.prompt.user).toContain(`Task: ${task}`);

    const redone = await version(parent, { type: 'redo', id: '#E1' });
    expect(redone.answer.reusedFrom).toBe('parent');
    const redoSet = buildTrainingSet([asTraining(redone, [parent])], { tools });
    expect(redoSet.solver).toHaveLength(1);
    expect(redoSet.solver[0]?.answer).toBe(answer);
  });

  it('records that fail their checks are listed with the reason and left out', async () => {
    const broken = await run({ runId: 'broken', planner: '#E1 = search_web[Eiffel Tower]\n#E2 = search_wiki[#E5]' });
    const set = buildTrainingSet([asTraining(broken)], { tools });
    expect(set.planner).toEqual([]);
    const planReason = set.leftOut.find((entry) => entry.part === 'plan')?.reason;
    expect(planReason).toMatch(/^the plan has 2 errors: /);
    expect(planReason).toContain('search_web');
    // The answer to a broken plan is no example either.
    expect(set.solver).toEqual([]);
    expect(set.leftOut.find((entry) => entry.part === 'answer')?.reason).toBe('it answers a plan with errors');

    // A call that no longer fits its tool's schema (the tool changed since) is left out with the schema's complaint.
    const state = await run({ runId: 'plain' });
    const stricter = [{ ...tools[0]!, parameters: { type: 'object', properties: { query: { type: 'string', maxLength: 5 } }, required: ['query'] } }, tools[1]!];
    const strict = buildTrainingSet([asTraining(state)], { tools: stricter });
    expect(strict.toolCaller.map((example) => example.step)).toEqual(['#E3']);
    expect(strict.leftOut.map((entry) => `${entry.part}: ${entry.reason}`)).toEqual([
      "#E1: its call does not validate against search_wiki's schema: query must NOT have more than 5 characters",
      "#E2: its call does not validate against search_wiki's schema: query must NOT have more than 5 characters",
    ]);

    // A tool that is gone is named, with what to do.
    const gone = buildTrainingSet([asTraining(state)], { tools: [tools[0]!] });
    expect(gone.leftOut.find((entry) => entry.part === '#E3')?.reason).toContain('the tool "llm" is not in the toolkit now');
  });

  it('drops duplicates (same prompt and output) and counts them', async () => {
    const first = await run({ runId: 'first' });
    const second = await run({ runId: 'second' });
    const set = buildTrainingSet([asTraining(first), asTraining(second)], { tools });
    expect(set.planner).toHaveLength(1);
    expect(set.solver).toHaveLength(1);
    expect(set.toolCaller).toHaveLength(3);
    expect(set.duplicates).toBe(5);
  });

  it('keys and tokens never appear: known secrets and key shapes are redacted everywhere', async () => {
    const secretTask = 'Look up the Eiffel Tower with key sk-live-abcdefghijklmnopqrstuvwx and password hunter2-long';
    const state = await run({ runId: 'secret', task: secretTask, planner: '#E1 = search_wiki[Eiffel Tower hunter2-long]' });
    const set = buildTrainingSet([asTraining(state)], { tools, secrets: ['hunter2-long'] });
    const everything = JSON.stringify(set) + ['planner-alpaca', 'chat-jsonl', 'tool-caller-jsonl'].map((format) => trainingFile(set, format as never).data).join('');
    expect(everything).not.toContain('hunter2-long');
    expect(everything).not.toContain('sk-live-abcdefghijklmnopqrstuvwx');
    expect(set.toolCaller[0]?.call.arguments).toEqual({ query: 'Eiffel Tower [redacted]' });
  });
});

describe('training files', () => {
  async function sampleSet() {
    const state = await run({ runId: 'plain' });
    return buildTrainingSet([asTraining(state)], { tools });
  }

  it('Alpaca JSON: an array of {instruction, input: "", output, system}', async () => {
    const set = await sampleSet();
    const file = trainingFile(set, 'planner-alpaca');
    expect(file.name).toBe('stepwise-planner-alpaca.json');
    const records = JSON.parse(file.data as string) as AlpacaRecord[];
    expect(records).toHaveLength(1);
    expect(Object.keys(records[0]!).sort()).toEqual(['input', 'instruction', 'output', 'system']);
    expect(records[0]).toMatchObject({ input: '', output: plan });
    expect(records[0]?.instruction).toContain(`Task: ${task}`);
  });

  it('chat JSONL: one JSON object per line with system, user and assistant messages (OpenAI fine-tuning)', async () => {
    const set = await sampleSet();
    const file = trainingFile(set, 'chat-jsonl');
    const lines = (file.data as string).split('\n');
    expect(lines.at(-1)).toBe('');
    const records = lines.slice(0, -1).map((line) => JSON.parse(line) as { messages: { role: string; content: string }[] });
    expect(records).toHaveLength(2);
    for (const record of records) {
      expect(Object.keys(record)).toEqual(['messages']);
      expect(record.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant']);
      for (const message of record.messages) expect(typeof message.content).toBe('string');
    }
    expect(records[0]?.messages[2]?.content).toBe(plan);
    expect(records[1]?.messages[2]?.content).toBe(answer);
  });

  it('tool-caller JSONL: tools as JSON Schema functions, the step as the user message, the call as tool_calls with JSON arguments', async () => {
    const set = await sampleSet();
    const lines = (trainingFile(set, 'tool-caller-jsonl').data as string).trim().split('\n');
    expect(lines).toHaveLength(3);
    const record = JSON.parse(lines[0]!) as ToolCallerRecord;
    expect(record.tools).toEqual(tools.map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } })));
    expect(record.messages[0]).toEqual({ role: 'user', content: 'Plan: Find when the Eiffel Tower was completed.\nCall search_wiki with this input:\nEiffel Tower' });
    const assistant = record.messages[1] as Extract<ToolCallerRecord['messages'][number], { tool_calls: unknown }>;
    expect(assistant.role).toBe('assistant');
    expect(assistant.tool_calls).toHaveLength(1);
    expect(assistant.tool_calls[0]).toMatchObject({ id: 'call_1', type: 'function', function: { name: 'search_wiki' } });
    expect(JSON.parse(assistant.tool_calls[0]!.function.arguments)).toEqual({ query: 'Eiffel Tower' });
  });

  it('LLaMA-Factory bundle: a zip whose dataset_info.json names each file, its format and its columns', async () => {
    const set = await sampleSet();
    const file = trainingFile(set, 'llama-factory');
    expect(file.name).toBe('stepwise-llama-factory.zip');
    const entries = unzipSync(file.data as Uint8Array);
    const text = (name: string) => strFromU8(entries[`stepwise-data/${name}`]!);
    expect(Object.keys(entries).sort()).toEqual(Object.keys(bundleFiles(set)).sort());
    const info = JSON.parse(text('dataset_info.json')) as Record<string, { file_name: string; formatting?: string; columns: Record<string, string>; tags?: Record<string, string> }>;
    expect(info).toEqual(datasetInfo());
    // Every entry's file is in the bundle, and its columns are fields of its records.
    for (const entry of Object.values(info)) {
      const data = text(entry.file_name);
      const records = (entry.file_name.endsWith('.jsonl') ? data.trim().split('\n').map((line) => JSON.parse(line)) : JSON.parse(data)) as Record<string, unknown>[];
      expect(records.length).toBeGreaterThan(0);
      for (const column of Object.values(entry.columns)) expect(records.every((record) => column in record || column === 'system')).toBe(true);
      expect(['alpaca', 'sharegpt', undefined]).toContain(entry.formatting);
    }
    expect(info.stepwise_planner?.columns).toEqual({ prompt: 'instruction', query: 'input', response: 'output', system: 'system' });
    expect(info.stepwise_planner_solver?.tags).toEqual({ role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant', system_tag: 'system' });
    // sharegpt tool calling: human then function_call ({"name", "arguments"}); tools is a JSON string.
    const [toolRecord] = JSON.parse(text('stepwise_tool_caller.json')) as { conversations: { from: string; value: string }[]; tools: string }[];
    expect(toolRecord?.conversations.map((turn) => turn.from)).toEqual(['human', 'function_call']);
    expect(JSON.parse(toolRecord!.conversations[1]!.value)).toEqual({ name: 'search_wiki', arguments: { query: 'Eiffel Tower' } });
    expect((JSON.parse(toolRecord!.tools) as { name: string }[]).map((tool) => tool.name)).toEqual(['search_wiki', 'llm']);
    expect(text('train_planner.yaml')).toContain('dataset: stepwise_planner\n');
    expect(text('train_tool_caller.yaml')).toContain('dataset: stepwise_tool_caller\n');
    expect(chatRecords(set)).toHaveLength(2);
  });
});
