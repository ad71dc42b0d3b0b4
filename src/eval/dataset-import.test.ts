// Training data read back as eval sets: each file Export training data writes, from real runs of
// the agent, becomes planner tasks with gold plans and tool-caller cases; plans are compared with
// the gold plans.
import { describe, expect, it } from 'vitest';
import { strToU8 } from 'fflate';
import { startRun } from '../core/agent.ts';
import type { ChatEngine } from '../core/llm/types.ts';
import type { RunEvent } from '../core/run/events.ts';
import { replayEvents } from '../core/run/run-state.ts';
import { stubTool } from '../core/run/scheduler-stubs.ts';
import { buildTrainingSet } from '../core/training/examples.ts';
import { trainingFile } from '../core/training/formats.ts';
import { readEvalBundle, readEvalDataset, readEvalFile, taskFromPrompt, taskListText } from './dataset-import.ts';
import { compareWithGold, parseTaskList, runPlannerEval, summarise } from './planner-eval.ts';
import { summaryColumns } from './planner-eval-table.ts';

const task = 'Which is older, the Eiffel Tower or the Statue of Liberty?';
const plan = 'Plan: Tower.\n#E1 = search_wiki[Eiffel Tower]\nPlan: Statue.\n#E2 = search_wiki[Statue of Liberty]\nPlan: Compare.\n#E3 = llm[Which is older? #E1 or #E2]';
const tools = [stubTool('search_wiki'), stubTool('llm')];

function engine(planText: string): ChatEngine {
  return {
    id: 'scripted',
    label: 'Scripted',
    async chat(request, onChunk) {
      const text = request.messages.some((message) => message.content.includes('make plans')) ? planText : 'The statue [#E2].';
      onChunk?.({ type: 'text', text });
      return { text, reasoning: '', finishReason: 'stop', timing: { totalMs: 1 } };
    },
  };
}

async function exportedSet() {
  const events: RunEvent[] = [];
  await startRun({ runId: 'r1', task, tools, engines: { planner: engine(plan), solver: engine(plan) }, onEvent: (event) => events.push(event) }).done;
  return buildTrainingSet([{ id: 'r1', task, state: replayEvents(events), ancestors: [] }], { tools });
}

describe('reading training data back as eval sets', () => {
  it('takes the task from a planner prompt: its last Task: line, without a note to the planner', () => {
    expect(taskFromPrompt('Task: What is 6 * 7?')).toBe('What is 6 * 7?');
    expect(taskFromPrompt('Tools…\nTask: Who directed Goodfellas?\nNote from the person: use search_wiki')).toBe('Who directed Goodfellas?');
    expect(taskFromPrompt('no task here')).toBeUndefined();
  });

  it('each exported format reads back: planner records as tasks with gold plans, tool-caller records as cases, solver records skipped', async () => {
    const set = await exportedSet();
    const alpaca = readEvalDataset(trainingFile(set, 'planner-alpaca').data as string, 'alpaca.json');
    expect(alpaca).toEqual({ tasks: [{ task, expectedTools: ['search_wiki', 'llm'], goldPlan: plan }], cases: [], problems: [], skipped: 0 });

    const chat = readEvalDataset(trainingFile(set, 'chat-jsonl').data as string, 'chat.jsonl');
    expect(chat.tasks).toEqual(alpaca.tasks);
    expect(chat.skipped).toBe(1);

    const calls = readEvalDataset(trainingFile(set, 'tool-caller-jsonl').data as string, 'calls.jsonl');
    expect(calls.tasks).toEqual([]);
    expect(calls.cases).toHaveLength(3);
    expect(calls.cases[0]).toMatchObject({ category: 'imported', step: { thought: 'Tower.', tool: 'search_wiki', input: 'Eiffel Tower' }, expected: { name: 'search_wiki', arguments: { query: 'Eiffel Tower' } } });
    expect(calls.cases[0]?.toolkit.map((tool) => tool.name)).toEqual(['search_wiki', 'llm']);

    // The bundle: each planner record is in it twice (Alpaca and chat) and counts once.
    const bundle = readEvalFile('stepwise-llama-factory.zip', trainingFile(set, 'llama-factory').data as Uint8Array);
    expect(bundle.tasks).toEqual(alpaca.tasks);
    expect(bundle.cases.map((evalCase) => [evalCase.id, evalCase.expected])).toEqual(calls.cases.map((evalCase) => [evalCase.id, evalCase.expected]));
    expect(bundle.problems).toEqual([]);

    // In the planner eval's task box, the gold plan travels as a JSON task line.
    expect(parseTaskList(taskListText(bundle.tasks)).tasks).toEqual(alpaca.tasks);
  });

  it('says what it cannot read, once per record', () => {
    const broken = readEvalDataset(['{"messages": [{"role": "user", "content": "no task"}, {"role": "assistant", "content": "#E1 = x[y]"}]}', '{"messages": []}', '{oops'].join('\n'), 'mixed.jsonl');
    expect(broken.problems).toEqual(['mixed.jsonl, line 1: the prompt has no "Task:" line, so its task cannot be told', 'mixed.jsonl, line 2: no assistant answer', 'mixed.jsonl, line 3: not valid JSON']);
    expect(readEvalBundle(strToU8('not a zip')).problems).toEqual(['The file is not a readable .zip.']);
    // A plain task list reads as before.
    expect(readEvalDataset('What is 6 * 7?\n{"task": "Who directed Goodfellas?"}').tasks).toEqual([{ task: 'What is 6 * 7?' }, { task: 'Who directed Goodfellas?' }]);
  });
});

describe('plans against gold plans', () => {
  const step = (id: string, tool: string, input: string, deps: string[] = []) => ({ id, tool, input, deps });
  const gold = [step('#E1', 'search_wiki', 'Eiffel Tower'), step('#E2', 'search_wiki', 'Statue of Liberty'), step('#E3', 'llm', 'Which? #E1 #E2', ['#E1', '#E2'])];

  it('tells exact steps, the same tools and the same dependency structure apart', () => {
    expect(compareWithGold(gold, gold)).toEqual({ exact: true, sameTools: true, sameStructure: true });
    expect(compareWithGold([step('#E1', 'search_wiki', ' Eiffel  Tower'), ...gold.slice(1)], gold).exact).toBe(true);
    expect(compareWithGold([step('#E1', 'search_wiki', 'Eiffel'), ...gold.slice(1)], gold)).toEqual({ exact: false, sameTools: true, sameStructure: true });
    const chained = [step('#E1', 'search_wiki', 'Eiffel Tower'), step('#E2', 'search_wiki', 'Statue of Liberty', ['#E1']), step('#E3', 'llm', 'Which? #E2', ['#E2'])];
    expect(compareWithGold(chained, gold)).toEqual({ exact: false, sameTools: true, sameStructure: false });
    expect(compareWithGold([step('#E1', 'search_web', 'Eiffel Tower'), ...gold.slice(1)], gold)).toEqual({ exact: false, sameTools: false, sameStructure: true });
  });

  it('the planner eval scores each configuration against the gold plans it was given', async () => {
    const tasks = [{ task, goldPlan: plan }, { task: 'Another', goldPlan: 'Plan: x\n#E1 = search_wiki[x]\nPlan: y\n#E2 = llm[#E1]' }];
    const configurations = [{ id: 'a', label: 'scripted', planner: engine(plan), prompts: { name: 'Default', templates: (await import('../core/prompts/templates.ts')).defaultTemplates } }];
    const measures = await runPlannerEval({ tasks, configurations, tools, mode: 'plan-only' });
    expect(measures.map((measure) => measure.gold)).toEqual([
      { exact: true, sameTools: true, sameStructure: true },
      { exact: false, sameTools: false, sameStructure: false },
    ]);
    const summary = summarise(configurations[0]!, measures);
    expect(summary.gold).toEqual({ tasks: 2, exact: 1, sameTools: 1, sameStructure: 1 });
    expect(summaryColumns(summary)).toMatchObject({ 'Gold: exact': '1/2', 'Gold: same tools': '1/2', 'Gold: same structure': '1/2' });
  });
});
