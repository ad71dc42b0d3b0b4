import { describe, expect, it } from 'vitest';
import { findReferences } from '../run/evidence.ts';
import { parsePlan } from './plan-parser.ts';
import type { ParsedPlan } from './types.ts';

const tools = ['search_wiki', 'search_web', 'search_bilibili', 'get_current_time', 'save_file', 'calculator', 'fetch_url', 'llm'];

function stepsOf(text: string, toolNames: readonly string[] = tools) {
  return parsePlan(text, toolNames).steps.map(({ id, tool, input, deps }) => ({ id, tool, input, deps }));
}

function messages(plan: ParsedPlan): { errors: string[]; warnings: string[] } {
  return { errors: plan.errors.map((error) => error.message), warnings: plan.warnings.map((warning) => warning.message) };
}

describe('parsePlan: the ReWOO format', () => {
  it('reads Plan lines and #E calls into steps with thoughts, deps and line numbers', () => {
    const plan = parsePlan(
      [
        'Plan: Find the director of Killers of the Flower Moon.',
        '#E1 = search_wiki[Killers of the Flower Moon]',
        'Plan: Find the movies they directed.',
        '#E2 = search_web[movies directed by #E1]',
      ].join('\n'),
      tools,
    );
    expect(plan).toEqual({
      steps: [
        { id: '#E1', tool: 'search_wiki', input: 'Killers of the Flower Moon', deps: [], thought: 'Find the director of Killers of the Flower Moon.', line: 2 },
        { id: '#E2', tool: 'search_web', input: 'movies directed by #E1', deps: ['#E1'], thought: 'Find the movies they directed.', line: 4 },
      ],
      errors: [],
      warnings: [],
    });
  });

  it('spells tools as declared, whatever case the planner used', () => {
    expect(stepsOf('#E1 = SEARCH_WIKI[x]\n#E2 = Llm[#E1]').map((step) => step.tool)).toEqual(['search_wiki', 'llm']);
    expect(stepsOf('#E1 = searchwiki[x]', ['SearchWiki'])[0]?.tool).toBe('SearchWiki');
    expect(stepsOf('#E1 = SEARCHWIKI[x]', ['SearchWiki'])[0]?.tool).toBe('SearchWiki');
  });

  it('tells #E1 from #E10 in deps', () => {
    const lines = Array.from({ length: 10 }, (_, index) => `#E${index + 1} = llm[step ${index + 1}]`);
    lines.push('#E11 = llm[#E10 and #E1, then #E10 again]');
    const last = parsePlan(lines.join('\n'), tools).steps.at(-1);
    expect(last?.deps).toEqual(['#E10', '#E1']);
  });

  it('keeps a thought only when a Plan/Step/number marker precedes the call', () => {
    const steps = parsePlan('Some preamble.\n#E1 = llm[a]\nStep 2: Second.\n#E2 = llm[b]\n3. Third\n#E3 = llm[c]\n#E4 = llm[d]', tools).steps;
    expect(steps.map((step) => step.thought)).toEqual([undefined, 'Second.', 'Third', undefined]);
  });
});

describe('parsePlan: blocking errors', () => {
  it('names an unknown tool and suggests the closest declared one', () => {
    const plan = parsePlan('Plan: a\nPlan: b\n#E1 = search_wikipedia[Killers of the Flower Moon]', tools);
    expect(plan.errors).toContainEqual({ message: 'Unknown tool "search_wikipedia" on line 3. Did you mean "search_wiki"?', line: 3 });
    expect(plan.steps[0]).toMatchObject({ id: '#E1', tool: 'search_wikipedia', input: 'Killers of the Flower Moon' });
  });

  it('lists the enabled tools when nothing is close', () => {
    expect(messages(parsePlan('#E1 = google[x]', tools)).errors[0]).toContain('Enabled tools: search_wiki, search_web');
    expect(messages(parsePlan('#E1 = google[x]', [])).errors[0]).toContain('No tools are enabled');
  });

  it('rejects references to later and undefined variables, and to a step itself', () => {
    const plan = parsePlan('#E1 = llm[#E2]\n#E2 = llm[#E7]\n#E3 = llm[#E3]', tools);
    expect(plan.errors).toEqual([
      { message: expect.stringContaining('#E1 on line 1 uses #E2, which no earlier step defines'), line: 1 },
      { message: expect.stringContaining('#E2 on line 2 uses #E7, which no earlier step defines'), line: 2 },
      { message: expect.stringContaining('#E3 on line 3 uses its own result #E3'), line: 3 },
    ]);
    expect(plan.steps).toHaveLength(3);
  });

  it('rejects a duplicate variable and proposes a free one', () => {
    const plan = parsePlan('#E1 = llm[a]\n#E2 = llm[b]\n#E2 = llm[c]', tools);
    expect(plan.errors).toEqual([{ message: expect.stringContaining('#E2 on line 3 is already defined on line 2; give this step a new variable such as #E3'), line: 3 }]);
  });

  it.each([
    ["I'm sorry, I can't help with that.", 'It says: "I\'m sorry, I can\'t help with that."'],
    ['', 'empty'],
    ['   \n\n  ', 'empty'],
    ['<think>\nLet me think about #E1 = search_wiki[x]\n', 'ended inside its <think>'],
    ['<think>only reasoning</think>\n', 'only <think> reasoning'],
  ])('reports no steps for %j', (text, phrase) => {
    const plan = parsePlan(text, tools);
    expect(plan.steps).toEqual([]);
    expect(plan.errors).toHaveLength(1);
    expect(plan.errors[0]?.message).toContain(phrase);
  });

  it('keeps the steps before a step cut off mid-input and leaves the cut one out', () => {
    const plan = parsePlan('#E1 = search_wiki[Killers of the Flower Moon]\n#E2 = search_web[movies by #E1 incl', tools);
    expect(stepsOf('#E1 = search_wiki[Killers of the Flower Moon]\n#E2 = search_web[movies by #E1 incl')).toEqual([
      { id: '#E1', tool: 'search_wiki', input: 'Killers of the Flower Moon', deps: [] },
    ]);
    expect(plan.errors).toEqual([{ message: expect.stringContaining('#E2 on line 2 was cut off before its closing "]"'), line: 2 }]);
  });

  it('reports a cut-off step with no complete step before it, and says there are no steps', () => {
    const plan = parsePlan('Plan: Find it.\n#E1 = search_wiki[Killers of', tools);
    expect(plan.steps).toEqual([]);
    expect(messages(plan).errors).toEqual([expect.stringContaining('cut off'), expect.stringContaining('no plan steps')]);
  });

  it('reports a step cut off in its header', () => {
    for (const text of ['#E1 = llm[a]\n#E2 =', '#E1 = llm[a]\n#E2 = search_w', '#E1 = llm[a]\n#E2 = search_web ']) {
      const plan = parsePlan(text, tools);
      expect(plan.steps.map((step) => step.id)).toEqual(['#E1']);
      expect(plan.errors).toEqual([{ message: expect.stringContaining('#E2 on line 2 was cut off before its input'), line: 2 }]);
    }
  });

  it('reads an input whose closing bracket is missing up to the next step, and blocks', () => {
    const plan = parsePlan('Plan: a\n#E1 = search_wiki[Killers of the Flower Moon\nPlan: b\n#E2 = search_web[#E1]', tools);
    expect(plan.steps.map((step) => [step.input, step.thought])).toEqual([
      ['Killers of the Flower Moon', 'a'],
      ['#E1', 'b'],
    ]);
    expect(plan.errors).toEqual([{ message: 'The input of #E1 on line 2 has no closing "]"; it was read up to the next step.', line: 2 }]);
  });

  it('blocks a call written without brackets but keeps it for editing', () => {
    const plan = parsePlan('#E1 = search_wiki Killers of the Flower Moon\n#E2 = llm[#E1]', tools);
    expect(stepsOf('#E1 = search_wiki Killers of the Flower Moon\n#E2 = llm[#E1]')[0]).toEqual({
      id: '#E1',
      tool: 'search_wiki',
      input: 'Killers of the Flower Moon',
      deps: [],
    });
    expect(messages(plan).errors).toEqual(['#E1 on line 1 has no brackets around its input; write search_wiki[Killers of the Flower Moon].']);
  });

  it('blocks a line that starts a step without a tool call, without blaming the steps that use it', () => {
    const plan = parsePlan('#E1 = llm[a]\n#E2 = the director\n#E3 = llm[#E2]', tools);
    expect(plan.steps.map((step) => step.id)).toEqual(['#E1', '#E3']);
    expect(messages(plan).errors).toEqual(['Line 2 starts step #E2 but has no tool call; write it as #E2 = tool_name[input].']);
  });
});

describe('parsePlan: what real planners write', () => {
  it('reads call syntax with double, single and no quotes, and keyword arguments', () => {
    expect(
      stepsOf(
        [
          '#E1 = search_wiki("Killers of the Flower Moon")',
          "#E2 = search_web('films by #E1')",
          '#E3 = llm(Pick one (any) from #E2)',
          '#E4 = search_bilibili(keyword="#E3")',
          '#E5 = save_file(path="a.md", content="#E4", append=false)',
          '#E6 = llm("a \\"quoted\\" word and a ) paren")',
        ].join('\n'),
      ),
    ).toEqual([
      { id: '#E1', tool: 'search_wiki', input: 'Killers of the Flower Moon', deps: [] },
      { id: '#E2', tool: 'search_web', input: 'films by #E1', deps: ['#E1'] },
      { id: '#E3', tool: 'llm', input: 'Pick one (any) from #E2', deps: ['#E2'] },
      { id: '#E4', tool: 'search_bilibili', input: '#E3', deps: ['#E3'] },
      { id: '#E5', tool: 'save_file', input: '{"path":"a.md","content":"#E4","append":false}', deps: ['#E4'] },
      { id: '#E6', tool: 'llm', input: 'a "quoted" word and a ) paren', deps: [] },
    ]);
  });

  it('treats an apostrophe inside an unquoted call as text', () => {
    expect(stepsOf("#E1 = search_web(Martin Scorsese's films)\n#E2 = llm[#E1]").map((step) => step.input)).toEqual([
      "Martin Scorsese's films",
      '#E1',
    ]);
  });

  it('reads plans inside code fences and with bold and code markers', () => {
    const text = [
      'Here is my plan:',
      '```',
      '**Plan 1:** Find the director.',
      '**#E1** = search_wiki[Killers of the Flower Moon]',
      '**Plan 2:** Find the films.',
      '`#E2 = search_web[films by #E1]`',
      '**#E3 = llm[Pick one from #E2]**',
      '```',
    ].join('\n');
    const plan = parsePlan(text, tools);
    expect(plan.steps.map(({ id, input, thought, line }) => ({ id, input, thought, line }))).toEqual([
      { id: '#E1', input: 'Killers of the Flower Moon', thought: 'Find the director.', line: 4 },
      { id: '#E2', input: 'films by #E1', thought: 'Find the films.', line: 6 },
      { id: '#E3', input: 'Pick one from #E2', thought: undefined, line: 7 },
    ]);
    expect(plan.errors).toEqual([]);
    expect(plan.warnings).toEqual([]);
  });

  it('ignores <think> blocks entirely and keeps line numbers of the original text', () => {
    const text = '<think>\nDraft:\n#E1 = search_wiki[draft]\n#E2 = llm[#E9]\n</think>\nPlan: Real.\n#E1 = search_wiki[real]';
    const plan = parsePlan(text, tools);
    expect(plan.steps).toEqual([{ id: '#E1', tool: 'search_wiki', input: 'real', deps: [], thought: 'Real.', line: 7 }]);
    expect(plan.errors).toEqual([]);
  });

  it('treats everything before a </think> without <think> as reasoning', () => {
    const plan = parsePlan('Draft: #E1 = search_wiki[draft]\n</think>\n#E1 = search_wiki[real]', tools);
    expect(plan.steps.map((step) => [step.input, step.line])).toEqual([['real', 3]]);
    expect(plan.errors).toEqual([]);
  });

  it('gives the same steps for CRLF, CR and LF line endings', () => {
    const lines = ['Plan: a', '#E1 = llm[x', 'y]', 'Plan: b', '#E2 = llm[#E1]'];
    const unix = parsePlan(lines.join('\n'), tools);
    expect(parsePlan(lines.join('\r\n'), tools)).toEqual(unix);
    expect(parsePlan(lines.join('\r'), tools)).toEqual(unix);
    expect(unix.steps[0]?.input).toBe('x\ny');
  });

  it('keeps nested brackets inside the input', () => {
    expect(stepsOf('#E1 = search_web[the [a] b]')[0]?.input).toBe('the [a] b');
    expect(stepsOf('#E1 = llm[[[x]] [y]]')[0]?.input).toBe('[[x]] [y]');
  });

  it('reads inputs that span several lines, and ignores commentary after the call', () => {
    const plan = parsePlan('#E1 = llm[line one\n\n  line two]  (this summarises)\n#E2 = llm[#E1] // done', tools);
    expect(plan.steps.map((step) => step.input)).toEqual(['line one\n\n  line two', '#E1']);
    expect(plan.warnings).toEqual([]);
  });

  it('accepts spacing and assignment variants and trims the input', () => {
    expect(stepsOf('#E1=Search_Wiki [ x ]\n#E2 := llm[ #E1 ]\n#E3 :llm[y]\n#E4   =   llm   (  z  )')).toEqual([
      { id: '#E1', tool: 'search_wiki', input: 'x', deps: [] },
      { id: '#E2', tool: 'llm', input: '#E1', deps: ['#E1'] },
      { id: '#E3', tool: 'llm', input: 'y', deps: [] },
      { id: '#E4', tool: 'llm', input: 'z', deps: [] },
    ]);
  });

  it('normalises E1 without # and warns', () => {
    const plan = parsePlan('E1 = search_wiki[x]\nE2 = llm[E1 and #E1]', tools);
    expect(plan.steps.map((step) => [step.id, step.deps])).toEqual([
      ['#E1', []],
      ['#E2', ['#E1']],
    ]);
    expect(messages(plan).warnings).toEqual([
      '"E1" on line 1 has no "#"; it was read as #E1.',
      '"E2" on line 2 has no "#"; it was read as #E2.',
      '#E2 on line 2 mentions E1 without "#"; write #E1 so that its result is filled in.',
    ]);
    expect(plan.errors).toEqual([]);
  });

  it('reads the same plan with every line break lost', () => {
    const lines = ['Plan: Find the director.', '#E1 = search_wiki[Killers]', 'Step 2: Films.', '#E2 = search_web[#E1 films]', 'Plan: Pick.', '#E3 = llm[#E2]'];
    const withBreaks = parsePlan(lines.join('\n'), tools).steps.map(({ line: _line, ...step }) => step);
    const oneLine = parsePlan(lines.join(' '), tools).steps.map(({ line: _line, ...step }) => step);
    expect(oneLine).toEqual(withBreaks);
  });

  it('does not mistake prose about variables for steps', () => {
    const plan = parsePlan('Plan: Use #E1 to find more. Note that #E1 = the director.\n#E1 = search_wiki[x]', tools);
    expect(stepsOf('Plan: Use #E1 to find more. Note that #E1 = the director.\n#E1 = search_wiki[x]')).toEqual([
      { id: '#E1', tool: 'search_wiki', input: 'x', deps: [] },
    ]);
    expect(plan.errors).toEqual([]);
  });
});

describe('parsePlan: warnings', () => {
  it('warns about Plan lines with no call after them', () => {
    const plan = parsePlan('Plan: a\nPlan: b\n#E1 = llm[x]\nPlan: Answer with #E1.', tools);
    expect(plan.warnings).toEqual([
      { message: '"Plan:" on line 1 has no tool call after it; it was ignored.', line: 1 },
      { message: '"Plan:" on line 4 has no tool call after it; it was ignored.', line: 4 },
    ]);
    expect(plan.errors).toEqual([]);
    expect(plan.steps[0]?.thought).toBe('b');
  });

  it('warns about a stray call that stores its result nowhere', () => {
    const plan = parsePlan('#E1 = llm[x]\nsearch_bilibili[#E1]\nThen maybe search_web(#E1) too.', tools);
    expect(messages(plan).warnings).toEqual([
      expect.stringContaining('Line 2 calls search_bilibili without storing its result'),
      expect.stringContaining('Line 3 calls search_web without storing its result'),
    ]);
    expect(plan.errors).toEqual([]);
  });

  it('warns about made-up results assigned to variables that already exist', () => {
    const plan = parsePlan('#E1 = search_wiki[x]\n\n#E1 = Martin Scorsese', tools);
    expect(messages(plan)).toEqual({ errors: [], warnings: ['Line 3 assigns #E1 without a tool call; it was ignored.'] });
  });
});

/** Deterministic PRNG (mulberry32). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const fragments = [
  '#E1', '#E2', '#E10', '#E', 'E3', '=', ' = ', ':=', ':', ' ', '\n', '\r\n', '\r', '[', ']', '(', ')', '"', "'", '\\',
  'search_wiki', 'LLM', 'foo', 'Plan:', 'Step 3:', '1.', '**', '`', '```', '<think>', '</think>', '<thi', 'x', '计划：', '😀', '\u0000',
];

function randomText(random: () => number, pieces: number): string {
  let text = '';
  for (let index = 0; index < pieces; index++) {
    text += random() < 0.15 ? String.fromCharCode(Math.floor(random() * 0xffff)) : fragments[Math.floor(random() * fragments.length)];
  }
  return text;
}

describe('parsePlan: robustness', () => {
  it('never throws and always returns a well-formed plan on fuzzed input', () => {
    const random = seededRandom(20240601);
    for (let round = 0; round < 1500; round++) {
      const text = randomText(random, 1 + Math.floor(random() * 80));
      const plan = parsePlan(text, tools);
      const lineCount = text.replace(/\r\n?/g, '\n').split('\n').length;
      for (const step of plan.steps) {
        expect(step.id).toMatch(/^#E\d+$/);
        expect(step.deps).toEqual(findReferences(step.input));
        expect(step.line).toBeGreaterThanOrEqual(1);
        expect(step.line).toBeLessThanOrEqual(lineCount);
      }
      for (const problem of [...plan.errors, ...plan.warnings]) {
        expect(typeof problem.message).toBe('string');
        if (problem.line !== undefined) expect(problem.line).toBeLessThanOrEqual(lineCount);
      }
      if (plan.steps.length === 0) expect(plan.errors.length).toBeGreaterThan(0);
    }
  });

  it('never throws on values that are not strings', () => {
    expect(parsePlan(undefined as unknown as string, tools).errors).toHaveLength(1);
    expect(parsePlan('#E1 = llm[x]', undefined as unknown as string[]).errors[0]?.message).toContain('Unknown tool "llm"');
    expect(parsePlan('#E1 = llm[x]', [null, 'llm'] as unknown as string[]).steps[0]?.tool).toBe('llm');
  });

  const size = 200_000;
  const repeat = (pattern: string) => pattern.repeat(Math.ceil(size / pattern.length)).slice(0, size);
  const random = seededRandom(7);
  const alphabet = '#E[]()=: \n*`1.-_"\'\\<>/thinkPlanStep';
  const noise = Array.from({ length: size }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');

  it.each([
    ['random symbols', noise],
    ['opening brackets', repeat('[')],
    ['nested unclosed calls', repeat('#E1 = llm[[[')],
    ['unclosed calls on one line', repeat('#E1 = search_wiki[x ')],
    ['half variables', repeat('#E')],
    ['long variable numbers', repeat('#E123456789 ')],
    ['assignments without calls', repeat('#E1 =           ')],
    ['plan markers', repeat('Plan:')],
    ['quotes and escapes in calls', repeat('#E1 = llm("(\\"')],
    ['an unclosed think block', `<think>${repeat('x #E1 = llm[')}`],
    ['marker punctuation', repeat(`Plan: ${'-'.repeat(1000)}x\n#E1 = llm[a]\n`)],
  ])('returns quickly on 200 KB of %s (hang guard)', (_name, text) => {
    const started = performance.now();
    const plan = parsePlan(text, tools);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(plan.errors.length + plan.steps.length).toBeGreaterThan(0);
  });
});
