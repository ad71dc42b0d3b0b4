import { describe, expect, it } from 'vitest';
import type { Tool } from '../tools/types.ts';
import { buildPlannerMessages } from './planner-prompt.ts';

const tool = (name: string, description: string): Tool => ({
  name,
  description,
  parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
  sideEffects: false,
  run: async () => '',
});

describe('planner prompt', () => {
  it('lists the enabled tools with the first sentence of their description and asks for independent steps', () => {
    const tools = [tool('search_wiki', 'Searches Wikipedia for a topic. Returns the top 3 intros.'), tool('llm', 'Asks a language model a question. Slow.')];
    const [system, user] = buildPlannerMessages('Who directed Goodfellas?', tools);
    expect(system?.content).toContain('search_wiki[input]: Searches Wikipedia for a topic.');
    expect(system?.content).not.toContain('Returns the top 3');
    expect(system?.content).toContain('llm[input]: Asks a language model a question.');
    expect(system?.content).toMatch(/independent/);
    expect(system?.content).toContain('#E1 = search_wiki[Eiffel Tower]');
    expect(user?.content).toBe('Task: Who directed Goodfellas?');
  });

  it('builds its example from whatever tools are enabled and carries a replanning note', () => {
    const [system, user] = buildPlannerMessages('t', [tool('lookup', 'Looks up.')], 'Use a different source.');
    expect(system?.content).toContain('#E1 = lookup[<input>]');
    expect(system?.content).not.toContain('search_wiki');
    expect(user?.content).toContain('Note from the person: Use a different source.');
  });
});
