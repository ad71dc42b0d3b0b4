import { describe, expect, it } from 'vitest';
import { validateAgainstSchema } from '../core/dispatch/index.ts';
import type { ChatEngine, ChatRequest, ChatResult } from '../core/llm/types.ts';
import { evalCases, seedToolkit, type EvalCase } from './cases.ts';
import { callsMatch, caseStep, formatEvalTable, runEval, runEvalCase, valuesMatch } from './run-eval.ts';

/** An engine that answers from a script and records what it was asked. */
function scriptedEngine(answer: (request: ChatRequest, index: number) => string | Error, options: { finishReason?: ChatResult['finishReason'] } = {}) {
  const requests: ChatRequest[] = [];
  const engine: ChatEngine = {
    id: 'scripted',
    label: 'Scripted engine',
    async chat(request) {
      requests.push(request);
      const text = answer(request, requests.length - 1);
      if (text instanceof Error) throw text;
      return { text, reasoning: '', finishReason: options.finishReason ?? 'stop', usage: { promptTokens: 100, completionTokens: 20 }, timing: { totalMs: 5 } };
    },
  };
  return { engine, requests };
}

const expectedAnswer = (evalCase: EvalCase) => JSON.stringify(evalCase.expected);

describe('the eval suite', () => {
  it('has at least 50 cases with unique ids, the seed tools and unseen tools', () => {
    expect(evalCases.length).toBeGreaterThanOrEqual(50);
    expect(new Set(evalCases.map((evalCase) => evalCase.id)).size).toBe(evalCases.length);
    const toolNames = new Set(evalCases.flatMap((evalCase) => evalCase.toolkit.map((tool) => tool.name)));
    for (const name of ['search_wiki', 'search_bing', 'search_bilibili', 'get_current_time', 'save_file', 'query_mysql', 'book_flight', 'convert_currency', 'create_calendar_event', 'lookup_isbn']) {
      expect(toolNames, name).toContain(name);
    }
    expect(seedToolkit.map((tool) => tool.name)).toEqual(['search_wiki', 'search_bing', 'search_bilibili', 'get_current_time', 'save_file', 'query_mysql']);
    expect(evalCases.filter((evalCase) => evalCase.category === 'unseen').length).toBeGreaterThanOrEqual(25);
  });

  it.each(evalCases.map((evalCase) => [evalCase.id, evalCase] as const))('%s: the step\'s tool is on offer and the expected call validates', (_id, evalCase) => {
    const tool = evalCase.toolkit.find((candidate) => candidate.name === evalCase.step.tool);
    expect(tool).toBeDefined();
    expect(evalCase.expected.name).toBe(evalCase.step.tool);
    expect(validateAgainstSchema(tool?.parameters ?? {}, evalCase.expected.arguments)).toEqual([]);
    // Evidence the input refers to is there.
    for (const variable of evalCase.step.input.match(/#E\d+/g) ?? []) expect(evalCase.evidence?.[variable], variable).toBeDefined();
  });
});

describe('scoring', () => {
  it('compares strings trimmed and without case, numbers by value, arrays in order and objects by keys', () => {
    expect(valuesMatch({ query: '  eiffel TOWER ' }, { query: 'Eiffel Tower' })).toBe(true);
    expect(valuesMatch({ amount: 100 }, { amount: 100.0 })).toBe(true);
    expect(valuesMatch({ amount: '100' }, { amount: 100 })).toBe(false);
    expect(valuesMatch({ to: ['b', 'a'] }, { to: ['a', 'b'] })).toBe(false);
    expect(valuesMatch({ query: 'x', limit: 3 }, { query: 'x' })).toBe(false);
    expect(valuesMatch({ reminder: { method: 'Popup', minutes_before: 60 } }, { reminder: { minutes_before: 60, method: 'popup' } })).toBe(true);
    expect(callsMatch({ name: 'search_wiki', arguments: { query: 'x' } }, { name: 'search_bing', arguments: { query: 'x' } })).toBe(false);
  });

  it('substitutes evidence into the input as the scheduler does', () => {
    const evalCase = evalCases.find((candidate) => candidate.id === 'save-evidence');
    if (!evalCase) throw new Error('missing case');
    const { step, input } = caseStep(evalCase);
    expect(input).toBe('answer.txt with Paris is the capital of France.');
    expect(step.deps).toEqual(['#E1']);
    expect(step.id).toBe('#E2');
  });
});

describe('runEval', () => {
  it('sends the distributor\'s prompt and constraint and scores a perfect engine 100%', async () => {
    const byPrompt = new Map(evalCases.map((evalCase) => [caseStep(evalCase).input, evalCase]));
    const { engine, requests } = scriptedEngine((request) => {
      const user = request.messages.at(-1)?.content ?? '';
      const evalCase = [...byPrompt.entries()].find(([input]) => user.endsWith(`with this input:\n${input}`))?.[1];
      return evalCase ? expectedAnswer(evalCase) : '{}';
    });
    const progress: number[] = [];
    const report = await runEval(engine, evalCases, { onProgress: ({ done }) => progress.push(done) });
    expect(report.total).toBe(evalCases.length);
    expect(report.validityPercent).toBe(100);
    expect(report.accuracyPercent).toBe(100);
    expect(report.toolChoicePercent).toBe(100);
    expect(report.promptTokens).toBe(100 * evalCases.length);
    expect(report.completionTokens).toBe(20 * evalCases.length);
    expect(progress.at(-1)).toBe(evalCases.length);
    const first = requests[0];
    expect(first?.temperature).toBe(0);
    expect(first?.maxTokens).toBe(512);
    expect(first?.schemaName).toBe('tool_call');
    const branches = (first?.jsonSchema as { anyOf: { properties: { name: { const: string } } }[] }).anyOf.map((branch) => branch.properties.name.const);
    // As the distributor does: only the step's own tool is offered.
    expect(branches).toEqual([evalCases[0]?.step.tool]);
    expect(first?.messages[0]?.content).toContain(`"name":"${evalCases[0]?.step.tool}"`);
    expect(first?.messages[0]?.content).not.toContain('"name":"search_bing"');
  });

  it('tells valid-but-wrong, invalid, cut-off and unparsable answers apart', async () => {
    const evalCase = evalCases.find((candidate) => candidate.id === 'flight-cabin');
    if (!evalCase) throw new Error('missing case');
    const answers = [
      '{"name":"book_flight","arguments":{"origin":"LHR","destination":"CDG","date":"2024-12-20"}}',
      '{"name":"book_flight","arguments":{"origin":"lhr","destination":"CDG","date":"2024-12-20","cabin":"business","passengers":2}}',
      '{"name":"book_flight","arguments":{"origin":"LHR","destination":"CDG"}}',
      '{"name":"launch_rocket","arguments":{}}',
      'I would book a flight.',
    ];
    const results = [];
    for (const text of answers) {
      const { engine } = scriptedEngine(() => text);
      results.push(await runEvalCase(engine, evalCase));
    }
    expect(results.map((result) => [result.valid, result.exact, result.rightTool])).toEqual([
      [true, false, true],
      // Valid by pattern? No: "lhr" breaks ^[A-Z]{3}$, so invalid even though it would match case-insensitively.
      [false, false, true],
      [false, false, true],
      [false, false, false],
      [false, false, false],
    ]);
    expect(results[1]?.problems.join()).toContain('origin');
    expect(results[2]?.problems.join()).toContain('date is required');
    expect(results[3]?.problems.join()).toContain('not one of the functions');
    expect(results[4]?.problems.join()).toContain('no JSON object');

    const { engine: cutOff } = scriptedEngine(() => expectedAnswer(evalCase), { finishReason: 'length' });
    const cut = await runEvalCase(cutOff, evalCase);
    expect(cut.valid).toBe(false);
    expect(cut.problems).toEqual(['The answer was cut off at the token limit.']);
  });

  it('repairs once when asked, as the distributor does', async () => {
    const evalCase = evalCases.find((candidate) => candidate.id === 'currency-basic');
    if (!evalCase) throw new Error('missing case');
    const { engine, requests } = scriptedEngine((_request, index) => (index === 0 ? '{"name":"convert_currency","arguments":{"amount":100}}' : expectedAnswer(evalCase)));
    const result = await runEvalCase(engine, evalCase, { repair: true });
    expect(result).toMatchObject({ valid: true, exact: true, attempts: 2 });
    expect(requests[1]?.messages.at(-1)?.content).toContain('from is required');
    expect(result.usage).toEqual({ promptTokens: 200, completionTokens: 40 });
  });

  it('counts engine errors as invalid cases, and stops when the engine never answers', async () => {
    const cases = evalCases.slice(0, 6);
    const { engine: flaky } = scriptedEngine((_request, index) => (index === 1 ? new Error('HTTP 503') : expectedAnswer(cases[index] as EvalCase)));
    const report = await runEval(flaky, cases);
    expect(report.valid).toBe(5);
    expect(report.results[1]?.error).toBe('HTTP 503');

    const { engine: broken, requests } = scriptedEngine(() => new Error('Failed to fetch'));
    await expect(runEval(broken, cases)).rejects.toThrow('Scripted engine failed 3 times in a row: Failed to fetch');
    expect(requests).toHaveLength(3);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const { engine, requests } = scriptedEngine(() => {
      controller.abort();
      return '{}';
    });
    await expect(runEval(engine, evalCases, { signal: controller.signal })).rejects.toBeDefined();
    expect(requests).toHaveLength(1);
  });

  it('prints a table with one row per engine', async () => {
    const { engine } = scriptedEngine(() => '{"name":"search_wiki","arguments":{"query":"Killers of the Flower Moon"}}');
    const report = await runEval(engine, evalCases.slice(0, 2));
    const table = formatEvalTable([report]);
    expect(table.split('\n')).toHaveLength(3);
    expect(table).toContain('Scripted engine');
    expect(table).toMatch(/Scripted engine\s+2\s+100\.0%\s+50\.0%\s+100\.0%/);
  });
});
