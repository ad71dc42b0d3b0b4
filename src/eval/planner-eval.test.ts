import { describe, expect, it } from 'vitest';
import type { ChatEngine, ChatRequest } from '../core/llm/types.ts';
import { defaultTemplates } from '../core/prompts/templates.ts';
import { stubTool } from '../core/run/scheduler-stubs.ts';
import { measuresToCsv, parseTaskList, planWidth, runPlannerEval, summarise } from './planner-eval.ts';

describe('parseTaskList', () => {
  it('reads plain lines and JSON Lines, skips blanks and comments, and names bad lines', () => {
    const { tasks, problems } = parseTaskList('What is 6 * 7?\n\n# a comment\n{"task": "Who directed Goodfellas?", "expectedTools": ["search_wiki"]}\n{"task": 3}\n{oops\n{"task": "x", "expectedTools": "search_wiki"}');
    expect(tasks).toEqual([{ task: 'What is 6 * 7?' }, { task: 'Who directed Goodfellas?', expectedTools: ['search_wiki'] }]);
    expect(problems).toEqual(['line 5: needs a "task" string', 'line 6: not valid JSON', 'line 7: "expectedTools" must be a list of tool names']);
  });
});

describe('planWidth', () => {
  it('is the widest layer of the dependency graph', () => {
    expect(planWidth([])).toBe(0);
    expect(planWidth([{ id: '#E1', deps: [] }, { id: '#E2', deps: [] }, { id: '#E3', deps: ['#E1', '#E2'] }])).toBe(2);
    expect(planWidth([{ id: '#E1', deps: [] }, { id: '#E2', deps: ['#E1'] }, { id: '#E3', deps: ['#E2'] }])).toBe(1);
  });
});

describe('runPlannerEval', () => {
  const tools = [stubTool('search_wiki'), stubTool('calculator')];
  /** A planner that plans by task, and says which preset asked it. */
  function planner(asked: string[]): ChatEngine {
    return {
      id: 'stub',
      label: 'stub planner',
      async chat(request: ChatRequest, onChunk) {
        const text = request.messages.map((message) => message.content).join('\n');
        asked.push(text.includes('BRIEF') ? 'brief' : 'default');
        const plan = text.includes('broken')
          ? '#E1 = no_such_tool[x]'
          : text.includes('two things')
            ? 'Plan: a\n#E1 = search_wiki[a]\nPlan: b\n#E2 = search_wiki[b]\nPlan: c\n#E3 = calculator[#E1 + #E2]'
            : 'Plan: look\n#E1 = search_wiki[x]';
        onChunk?.({ type: 'text', text: plan });
        return { text: plan, reasoning: '', finishReason: 'stop', usage: { promptTokens: 100, completionTokens: 20 }, timing: { totalMs: 5 } };
      },
    };
  }

  it('plans five tasks with two presets, runs no tool, and sums up each configuration', async () => {
    const asked: string[] = [];
    const engine = planner(asked);
    const brief = { name: 'Brief', templates: { ...defaultTemplates, planner: defaultTemplates.planner.replace('Rules:', 'BRIEF. Rules:') } };
    const configurations = [
      { id: 'a', label: 'stub · Default', planner: engine, prompts: { name: 'Default', templates: defaultTemplates } },
      { id: 'b', label: 'stub · Brief', planner: engine, prompts: brief },
    ];
    const { tasks } = parseTaskList(['one', 'do two things', 'broken plan', '{"task": "four", "expectedTools": ["search_wiki", "calculator"]}', 'five'].join('\n'));
    let id = 0;
    const progress: number[] = [];
    const measures = await runPlannerEval({ tasks, configurations, tools, mode: 'plan-only', concurrency: 3, runId: () => `run-${++id}`, onResult: (_measure, done) => progress.push(done) });

    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(asked.filter((preset) => preset === 'brief')).toHaveLength(5);
    expect(measures.map((measure) => measure.status)).toEqual(Array(10).fill('done'));
    const summary = summarise(configurations[0] as (typeof configurations)[number], measures);
    expect(summary).toMatchObject({ tasks: 5, parsed: 4, meanSteps: 7 / 5, meanWidth: 6 / 5, tools: { search_wiki: 4, calculator: 1, no_such_tool: 1 }, meanPlanTokens: 20, meanRecall: 0.5 });
    const broken = measures.find((measure) => measure.configurationId === 'a' && measure.task === 'broken plan');
    expect(broken).toMatchObject({ parsed: false, problem: expect.stringContaining('no_such_tool') });
    const two = measures.find((measure) => measure.configurationId === 'b' && measure.task === 'do two things');
    expect(two).toMatchObject({ parsed: true, steps: 3, width: 2, tools: ['search_wiki', 'calculator'] });
    expect(two?.planMs).toBeGreaterThanOrEqual(0);

    const csv = measuresToCsv(measures, new Map(configurations.map((configuration) => [configuration.id, configuration.label])));
    expect(csv.split('\n')[0]).toBe('configuration,task,parsed,steps,width,tools,plan_tokens,first_step_ms,plan_ms,recall,gold_exact,gold_same_tools,gold_same_structure,problem,run_id');
    expect(csv.split('\n')).toHaveLength(12);
  });

  it('Stop aborts the runs in flight and starts no more', async () => {
    const controller = new AbortController();
    const slow: ChatEngine = {
      id: 'slow',
      label: 'slow',
      chat: (request) =>
        new Promise((_resolve, reject) => {
          controller.abort();
          request.signal?.addEventListener('abort', () => reject(new DOMException('stopped', 'AbortError')));
        }),
    };
    const measures = await runPlannerEval({
      tasks: [{ task: 'a' }, { task: 'b' }, { task: 'c' }],
      configurations: [{ id: 'a', label: 'slow', planner: slow, prompts: { name: 'Default', templates: defaultTemplates } }],
      tools,
      mode: 'plan-only',
      concurrency: 1,
      signal: controller.signal,
    });
    expect(measures).toHaveLength(1);
    expect(measures[0]?.status).toBe('aborted');
  });
});
