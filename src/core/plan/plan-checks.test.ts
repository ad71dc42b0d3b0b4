import { describe, expect, it } from 'vitest';
import { checkPlan, suggestTool, unknownToolProblem } from './plan-checks.ts';
import type { PlanStep } from './types.ts';

const tools = ['search_wiki', 'search_web', 'search_bilibili', 'get_current_time', 'save_file', 'calculator', 'fetch_url', 'llm'];

function step(id: string, deps: string[], line?: number): PlanStep {
  return { id, tool: 'llm', input: deps.join(' '), deps, ...(line === undefined ? {} : { line }) };
}

describe('suggestTool', () => {
  it.each([
    ['search_wikipedia', 'search_wiki'],
    ['Search-Wiki', 'search_wiki'],
    ['searchweb', 'search_web'],
    ['bilibili_search', 'search_bilibili'],
    ['bilibili', 'search_bilibili'],
    ['current_time', 'get_current_time'],
    ['calc', 'calculator'],
    ['functions.fetch_url', 'fetch_url'],
    ['LLM', 'llm'],
  ])('suggests a tool for %s', (name, expected) => {
    expect(suggestTool(name, tools)).toBe(expected);
  });

  it.each(['google', 'python_interpreter', 'send_email'])('suggests nothing for the unrelated %s', (name) => {
    expect(suggestTool(name, tools)).toBeUndefined();
  });

  it('suggests nothing when no tools are enabled', () => {
    expect(suggestTool('llm', [])).toBeUndefined();
    expect(unknownToolProblem('llm', []).message).toBe('Unknown tool "llm". No tools are enabled.');
  });
});

describe('checkPlan', () => {
  it('accepts references to earlier steps, in any order of mention', () => {
    expect(checkPlan([step('#E1', []), step('#E2', []), step('#E3', ['#E2', '#E1'])])).toEqual([]);
  });

  it('reports later, undefined and own references, and duplicates, with lines where known', () => {
    expect(checkPlan([step('#E1', ['#E2'], 1), step('#E2', ['#E9']), step('#E2', [], 3), step('#E4', ['#E4'], 4)])).toEqual([
      { message: expect.stringContaining('#E1 on line 1 uses #E2, which no earlier step defines'), line: 1 },
      { message: expect.stringContaining('#E2 uses #E9, which no earlier step defines') },
      { message: expect.stringContaining('#E2 on line 3 is already defined by an earlier step; give this step a new variable such as #E3'), line: 3 },
      { message: expect.stringContaining('#E4 on line 4 uses its own result #E4'), line: 4 },
    ]);
  });
});
