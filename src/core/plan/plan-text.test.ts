import { describe, expect, it } from 'vitest';
import { parsePlan } from './plan-parser.ts';
import { formatPlanText } from './plan-text.ts';

describe('formatPlanText', () => {
  it('writes steps that the plan parser reads back as they were', () => {
    const steps = [
      { id: '#E1', tool: 'search_wiki', input: 'Killers of the Flower Moon', thought: 'Find the director.' },
      { id: '#E2', tool: 'llm', input: 'Which film of #E1 [in brackets] is best?', thought: 'Pick one\nfilm.' },
      { id: '#E3', tool: 'search_bilibili', input: '#E2' },
    ];
    const parsed = parsePlan(formatPlanText(steps), ['search_wiki', 'llm', 'search_bilibili']);
    expect(parsed.errors).toEqual([]);
    expect(parsed.steps.map(({ id, tool, input, deps }) => ({ id, tool, input, deps }))).toEqual([
      { id: '#E1', tool: 'search_wiki', input: 'Killers of the Flower Moon', deps: [] },
      { id: '#E2', tool: 'llm', input: 'Which film of #E1 [in brackets] is best?', deps: ['#E1'] },
      { id: '#E3', tool: 'search_bilibili', input: '#E2', deps: ['#E2'] },
    ]);
    expect(parsed.steps[1]?.thought).toBe('Pick one film.');
  });
});
