import { describe, expect, it } from 'vitest';
import { parsePlan } from './index.ts';

const tools = ['search_wiki', 'search_web', 'search_bilibili', 'get_current_time', 'save_file', 'calculator', 'fetch_url', 'llm'] as const;

describe('parsePlan contract (src/core/index.ts)', () => {
  it('returns steps in plan order with ids, declared tool spelling, raw input and deps', () => {
    const result = parsePlan(
      "Plan: Find the director.\n#E1 = Search_Wiki[Killers of the Flower Moon]\nPlan: His films.\n#E2 = search_web[films directed by #E1]\n#E3 = SEARCH_BILIBILI[#E2 and #E1]",
      tools,
    );
    expect(result.errors).toEqual([]);
    expect(result.steps.map(({ id, tool, input, deps }) => ({ id, tool, input, deps }))).toEqual([
      { id: '#E1', tool: 'search_wiki', input: 'Killers of the Flower Moon', deps: [] },
      { id: '#E2', tool: 'search_web', input: 'films directed by #E1', deps: ['#E1'] },
      { id: '#E3', tool: 'search_bilibili', input: '#E2 and #E1', deps: ['#E2', '#E1'] },
    ]);
    expect(result.steps[0]?.thought).toBe('Find the director.');
  });

  it('never throws and reports blocking problems with a message', () => {
    for (const text of ['', 'I cannot help with that.', '#E1 = nope[x]', '#E1 = llm[#E2]', '#E1 = llm[a', '#E1 = llm[a]\n#E1 = llm[b]', '\u0000[[[#E']) {
      const result = parsePlan(text, tools);
      expect(result.errors.length).toBeGreaterThan(0);
      for (const error of result.errors) expect(typeof error.message).toBe('string');
    }
  });
});
