import { describe, expect, it } from 'vitest';
import { validateAgainstSchema } from '../dispatch/validate.ts';
import type { JsonSchema, Tool } from '../tools/types.ts';
import { buildPlanSchema, parseJsonPlan, parseJsonPlanSteps } from './json-plan.ts';

function tool(name: string, parameters: JsonSchema): Tool {
  return { name, description: `${name} for tests.`, parameters, sideEffects: false, run: async () => '' };
}

const stringParameter = (name: string): JsonSchema => ({
  type: 'object',
  properties: { [name]: { type: 'string' } },
  required: [name],
  additionalProperties: false,
});

const tools: Tool[] = [
  tool('search_wiki', stringParameter('query')),
  tool('search_bilibili', stringParameter('keyword')),
  tool('llm', stringParameter('prompt')),
  tool('get_current_time', { type: 'object', properties: {}, additionalProperties: false }),
  tool('save_file', {
    type: 'object',
    properties: { path: { type: 'string' }, content: { type: 'string' } },
    required: ['path', 'content'],
    additionalProperties: false,
  }),
];

const classicPlan = {
  steps: [
    { id: '#E1', thought: 'Find the director.', tool: 'search_wiki', args: { query: 'Killers of the Flower Moon' } },
    { id: '#E2', thought: 'Pick one of their films.', tool: 'llm', args: { prompt: 'Name one film directed by the person in #E1.' } },
    { id: '#E3', thought: 'Search it on bilibili.', tool: 'search_bilibili', args: { keyword: '#E2' } },
    { id: '#E4', thought: 'Save both.', tool: 'save_file', args: { path: 'film.md', content: '#E2\n#E3' } },
    { id: '#E5', thought: 'Note the time.', tool: 'get_current_time', args: {} },
  ],
};

describe('buildPlanSchema', () => {
  const schema = buildPlanSchema(tools);

  it('has one anyOf branch per tool, with the tool fixed by const and its parameters as args', () => {
    const items = ((schema.properties as Record<string, JsonSchema>).steps as JsonSchema).items as { anyOf: JsonSchema[] };
    expect(items.anyOf).toHaveLength(tools.length);
    items.anyOf.forEach((branch, index) => {
      const properties = branch.properties as Record<string, JsonSchema>;
      expect(properties.tool).toEqual({ const: tools[index]?.name });
      expect(properties.args).toBe(tools[index]?.parameters);
      expect(properties.id).toMatchObject({ type: 'string', pattern: '^#E[0-9]+$' });
      expect(branch.additionalProperties).toBe(false);
    });
  });

  it('accepts a valid plan and rejects wrong tools, arguments and ids', () => {
    expect(validateAgainstSchema(schema, classicPlan)).toEqual([]);
    const withStep = (step: Record<string, unknown>) => ({ steps: [{ id: '#E1', thought: 't', ...step }] });
    expect(validateAgainstSchema(schema, withStep({ tool: 'google', args: { query: 'x' } }))).not.toEqual([]);
    expect(validateAgainstSchema(schema, withStep({ tool: 'search_wiki', args: { keyword: 'x' } }))).not.toEqual([]);
    expect(validateAgainstSchema(schema, { steps: [{ ...classicPlan.steps[0], id: 'E1' }] })).not.toEqual([]);
    expect(validateAgainstSchema(schema, { steps: [] })).not.toEqual([]);
  });

  it('is valid JSON Schema even with no tools, and then accepts no plan', () => {
    const empty = buildPlanSchema([]);
    expect(validateAgainstSchema(empty, { steps: [{ id: '#E1', thought: 't', tool: 'llm', args: {} }] })).not.toEqual([]);
  });
});

describe('parseJsonPlan', () => {
  it('maps steps to plan steps: single string argument as input, otherwise JSON; args kept', () => {
    const text = `\`\`\`json\n${JSON.stringify(classicPlan, null, 2)}\n\`\`\``;
    const plan = parseJsonPlan(text, tools);
    expect(plan.errors).toEqual([]);
    expect(plan.warnings).toEqual([]);
    expect(plan.steps.map(({ id, tool: name, input, deps, thought }) => ({ id, tool: name, input, deps, thought }))).toEqual([
      { id: '#E1', tool: 'search_wiki', input: 'Killers of the Flower Moon', deps: [], thought: 'Find the director.' },
      { id: '#E2', tool: 'llm', input: 'Name one film directed by the person in #E1.', deps: ['#E1'], thought: 'Pick one of their films.' },
      { id: '#E3', tool: 'search_bilibili', input: '#E2', deps: ['#E2'], thought: 'Search it on bilibili.' },
      { id: '#E4', tool: 'save_file', input: '{"path":"film.md","content":"#E2\\n#E3"}', deps: ['#E2', '#E3'], thought: 'Save both.' },
      { id: '#E5', tool: 'get_current_time', input: '{}', deps: [], thought: 'Note the time.' },
    ]);
    expect(plan.steps[3]?.args).toEqual({ path: 'film.md', content: '#E2\n#E3' });
    // Lines point at each step's id in the original text (after the fence and the opening lines).
    expect(plan.steps.map((step) => step.line)).toEqual([5, 13, 21, 29, 38]);
  });

  it('skips <think> blocks, including drafts that hold JSON', () => {
    const text = `<think>Draft: {"steps": [{"id": "#E9"}]}</think>\n${JSON.stringify(classicPlan)}`;
    const plan = parseJsonPlan(text, tools);
    expect(plan.errors).toEqual([]);
    expect(plan.steps).toHaveLength(5);
  });

  it('runs the same reference and duplicate checks as the text parser', () => {
    const plan = parseJsonPlan(
      JSON.stringify({
        steps: [
          { id: '#E1', thought: 'a', tool: 'llm', args: { prompt: 'use #E2' } },
          { id: '#E2', thought: 'b', tool: 'llm', args: { prompt: 'x' } },
          { id: '#E2', thought: 'c', tool: 'llm', args: { prompt: 'y' } },
        ],
      }),
      tools,
    );
    expect(plan.errors.map((error) => error.message)).toEqual([
      expect.stringContaining('#E1 on line 1 uses #E2, which no earlier step defines'),
      expect.stringContaining('#E2 on line 1 is already defined on line 1'),
    ]);
  });

  it('gives each step its own blocking errors for the scheduler', () => {
    const text =
      '{"steps": [{"id": "#E1", "tool": "google", "args": {}}, {"id": "#E2", "tool": "llm", "args": {"prompt": "#E1"}}, {"id": "#E3", "tool": "llm", "args": {"prompt": "#E4"}}]}';
    const { steps, plan } = parseJsonPlanSteps(text, tools);
    expect(steps.map((item) => [item.step.id, item.errors.length])).toEqual([
      ['#E1', 1],
      ['#E2', 0],
      ['#E3', 1],
    ]);
    expect(plan).toEqual(parseJsonPlan(text, tools));
    expect(plan.errors).toEqual(steps.flatMap((item) => item.errors));
  });

  it('reports unknown tools with a suggestion, and keeps the step', () => {
    const plan = parseJsonPlan('{"steps": [{"id": "#E1", "thought": "t", "tool": "search_wikipedia", "args": {"query": "x"}}]}', tools);
    expect(plan.errors).toEqual([{ message: 'Unknown tool "search_wikipedia" on line 1. Did you mean "search_wiki"?', line: 1 }]);
    expect(plan.steps[0]?.tool).toBe('search_wikipedia');
  });

  it('matches tool names case-insensitively', () => {
    const plan = parseJsonPlan('{"steps": [{"id": "#E1", "tool": "Search_Wiki", "args": {"query": "x"}}]}', tools);
    expect(plan.steps[0]?.tool).toBe('search_wiki');
    expect(plan.errors).toEqual([]);
  });

  it('warns, without blocking, when arguments do not match the tool schema', () => {
    const plan = parseJsonPlan('{"steps": [{"id": "#E1", "tool": "search_wiki", "args": {"q": "x"}}]}', tools);
    expect(plan.errors).toEqual([]);
    expect(plan.warnings.map((warning) => warning.message)).toEqual([expect.stringContaining('#E1 (search_wiki): query is required')]);
  });

  it('normalises ids like "E1" and 1 with a warning, and rejects other ids', () => {
    const plan = parseJsonPlan(
      '[{"id": "E1", "tool": "llm", "args": {"prompt": "a"}}, {"id": 2, "tool": "llm", "args": {"prompt": "#E1"}}, {"id": "step3", "tool": "llm", "args": {"prompt": "b"}}]',
      tools,
    );
    expect(plan.steps.map((step) => step.id)).toEqual(['#E1', '#E2', '#E3']);
    expect(plan.warnings.map((warning) => warning.message)).toEqual([
      'Step 1 has the id "E1"; it was read as #E1.',
      'Step 2 has the id "2"; it was read as #E2.',
    ]);
    expect(plan.errors.map((error) => error.message)).toEqual(['Step 3 has the id "step3"; ids look like #E3 (it is shown as #E3).']);
  });

  it('gives a step whose id cannot be read a variable no other step wrote, so the run can still be exported', () => {
    const plan = parseJsonPlan('[{"id": "search", "tool": "llm", "args": {"prompt": "a"}}, {"id": "#E1", "tool": "llm", "args": {"prompt": "b"}}]', tools);
    expect(plan.steps.map((step) => step.id)).toEqual(['#E2', '#E1']);
    expect(plan.errors.map((error) => error.message)).toEqual(['Step 1 has the id "search"; ids look like #E1 (it is shown as #E2).']);
  });

  it('accepts an "input" string instead of args', () => {
    const plan = parseJsonPlan('{"steps": [{"id": "#E1", "tool": "llm", "input": "say #E0"}]}', tools);
    expect(plan.steps[0]).toMatchObject({ input: 'say #E0', deps: ['#E0'] });
    expect(plan.steps[0]?.args).toBeUndefined();
  });

  it.each([
    ['', 'holds no JSON plan'],
    ["I'm sorry, I can't do that.", 'holds no JSON plan'],
    ['{"steps": [ {"id": "#E1", "tool": "llm", "args": {"prompt": "cut', 'holds no JSON plan'],
    ['{"steps": [ {"id": "#E1",, } ]}', 'not valid JSON'],
    ['{"plan_steps": 3}', 'no "steps" list'],
    ['{"steps": []}', 'holds no steps'],
    ['{"steps": [42, {"id": "#E1"}]}', 'Step 1 of the JSON plan is not a step object'],
    ['<think>{"steps": []', 'holds no JSON plan'],
  ])('never throws and reports a blocking error for %j', (text, phrase) => {
    const plan = parseJsonPlan(text, tools);
    expect(plan.errors.map((error) => error.message).join('\n')).toContain(phrase);
  });

  it('never throws on fuzzed text', () => {
    let state = 99;
    const random = () => {
      state = (state * 1103515245 + 12345) >>> 0;
      return state / 4294967296;
    };
    const fragments = ['{', '}', '[', ']', '"', '\\', ':', ',', '"steps"', '"id"', '"#E1"', '"tool"', '"llm"', '"args"', 'null', '1', ' ', '<think>', '</think>', '```'];
    for (let round = 0; round < 1000; round++) {
      let text = '';
      for (let index = 0; index < 40; index++) text += fragments[Math.floor(random() * fragments.length)];
      const plan = parseJsonPlan(text, tools);
      expect(Array.isArray(plan.steps)).toBe(true);
      if (plan.steps.length === 0) expect(plan.errors.length).toBeGreaterThan(0);
    }
    expect(parseJsonPlan(undefined as unknown as string, tools).errors).toHaveLength(1);
  });
});
