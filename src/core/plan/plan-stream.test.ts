import { describe, expect, it } from 'vitest';
import { parsePlan } from './plan-parser.ts';
import { PlanStreamParser } from './plan-stream.ts';
import { ThinkFilter } from './think-filter.ts';
import type { StreamedStep } from './types.ts';

const tools = ['search_wiki', 'search_web', 'search_bilibili', 'get_current_time', 'save_file', 'calculator', 'fetch_url', 'llm'];

function ids(steps: readonly StreamedStep[]): string[] {
  return steps.map((item) => item.step.id);
}

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

describe('PlanStreamParser', () => {
  it('emits each step as soon as its closing bracket arrives, before the stream ends', () => {
    const parser = new PlanStreamParser(tools);
    expect(parser.push('Plan: Find the director.\n#E1 = search_wiki[Killers of the')).toEqual([]);
    expect(parser.push(' Flower Moon')).toEqual([]);
    const first = parser.push(']\nPlan: Films.\n#E2 = search_web[films by #E1');
    expect(first).toEqual([
      {
        step: { id: '#E1', tool: 'search_wiki', input: 'Killers of the Flower Moon', deps: [], thought: 'Find the director.', line: 2 },
        errors: [],
      },
    ]);
    expect(ids(parser.push(']'))).toEqual(['#E2']);
    const end = parser.finish();
    expect(end.steps).toEqual([]);
    expect(end.plan.steps.map((step) => step.id)).toEqual(['#E1', '#E2']);
  });

  it('never emits a step whose input may still grow', () => {
    const parser = new PlanStreamParser(tools);
    // The inner "]" closes a nested bracket, not the input.
    expect(parser.push('#E1 = llm[pick [one]')).toEqual([]);
    expect(parser.push(' of them')).toEqual([]);
    expect(parser.push(']').map((item) => item.step.input)).toEqual(['pick [one] of them']);
    // A call in parentheses with a quoted ")" inside.
    expect(parser.push('\n#E2 = llm("a ) b')).toEqual([]);
    expect(parser.push('")').map((item) => item.step.input)).toEqual(['a ) b']);
    // A step written without brackets ends with its line.
    expect(parser.push('\n#E3 = search_web Scorsese')).toEqual([]);
    expect(parser.push(' films\n').map((item) => item.step.input)).toEqual(['Scorsese films']);
  });

  it('waits at a chunk boundary inside #E, **, <think> and \\r\\n', () => {
    const text = '<think>#E1 = llm[draft]</think>\r\n**Plan:** a\r\n**#E1** = llm[x]\r\n#E2 = llm[#E1]\r\n';
    for (let split = 1; split < text.length; split++) {
      const parser = new PlanStreamParser(tools);
      const emitted = [...parser.push(text.slice(0, split)), ...parser.push(text.slice(split))];
      const end = parser.finish();
      expect([...emitted, ...end.steps].map((item) => [item.step.id, item.step.input, item.step.line])).toEqual([
        ['#E1', 'x', 3],
        ['#E2', '#E1', 4],
      ]);
      expect(end.plan).toEqual(parsePlan(text, tools));
    }
  });

  it('attaches the blocking errors that concern a step to that step', () => {
    const parser = new PlanStreamParser(tools);
    const emitted = parser.push('#E1 = search_wikipedia[x]\n#E2 = llm[#E5]\n#E1 = llm[y]\n#E3 = llm[#E1]\n');
    expect(emitted.map((item) => [item.step.id, item.errors.map((error) => error.message)])).toEqual([
      ['#E1', ['Unknown tool "search_wikipedia" on line 1. Did you mean "search_wiki"?']],
      ['#E2', [expect.stringContaining('#E2 on line 2 uses #E5, which no earlier step defines')]],
      ['#E1', [expect.stringContaining('#E1 on line 3 is already defined on line 1')]],
      ['#E3', []],
    ]);
    const { plan } = parser.finish();
    expect(plan.errors).toEqual(emitted.flatMap((item) => item.errors));
  });

  it('returns the cut-off step as an error of the plan, not as a step', () => {
    const parser = new PlanStreamParser(tools);
    expect(ids(parser.push('#E1 = llm[a]\n#E2 = llm[cut'))).toEqual(['#E1']);
    const end = parser.finish();
    expect(end.steps).toEqual([]);
    expect(end.plan.steps.map((step) => step.id)).toEqual(['#E1']);
    expect(end.plan.errors).toEqual([{ message: expect.stringContaining('#E2 on line 2 was cut off'), line: 2 }]);
  });

  it('returns from finish the steps the stream could not complete earlier', () => {
    const parser = new PlanStreamParser(tools);
    expect(parser.push('#E1 = search_web Scorsese films')).toEqual([]);
    const end = parser.finish();
    expect(ids(end.steps)).toEqual(['#E1']);
    expect(end.steps[0]?.errors[0]?.message).toContain('has no brackets around its input');
  });

  it('drops the reasoning before a </think> that had no <think> from the final plan', () => {
    const parser = new PlanStreamParser(tools);
    const early = parser.push('Draft: #E1 = search_wiki[draft]\n');
    expect(ids(early)).toEqual(['#E1']);
    expect(ids(parser.push('</think>\n#E1 = search_wiki[real]\n'))).toEqual(['#E1']);
    const { plan } = parser.finish();
    expect(plan.steps.map((step) => step.input)).toEqual(['real']);
    expect(plan.errors).toEqual([]);
  });

  it('ignores pushes after finish and answers finish again with the same plan', () => {
    const parser = new PlanStreamParser(tools);
    parser.push('#E1 = llm[a]');
    const first = parser.finish();
    expect(parser.push('\n#E2 = llm[b]')).toEqual([]);
    expect(parser.finish()).toEqual({ steps: [], plan: first.plan });
  });

  it('matches parsePlan on fuzzed text split at random places', () => {
    const fragments = [
      '#E1', '#E2', '#E10', '#E', 'E3', '=', ' = ', ':=', ':', ' ', '  ', '\n', '\r\n', '\r', '[', ']', '(', ')', '"', "'", '\\',
      'search_wiki', 'LLM', 'llm', 'foo', 'Plan:', 'Plan 2:', 'Step 3:', 'Step', 'Thought:', '1.', '2)', '**', '`', '```',
      '<think>', '</think>', '<thi', 'nk>', '</', 'x', 'Killers of the Flower Moon', '-', '>', '#', 'query="a"', ',', '计划：',
    ];
    const random = seededRandom(424242);
    for (let round = 0; round < 2000; round++) {
      let text = '';
      const pieces = 1 + Math.floor(random() * 50);
      for (let index = 0; index < pieces; index++) text += fragments[Math.floor(random() * fragments.length)];
      const whole = parsePlan(text, tools);
      const parser = new PlanStreamParser(tools);
      const emitted: StreamedStep[] = [];
      for (let index = 0; index < text.length; ) {
        const size = 1 + Math.floor(random() * 6);
        emitted.push(...parser.push(text.slice(index, index + size)));
        index += size;
      }
      const end = parser.finish();
      expect(end.plan, JSON.stringify(text)).toEqual(whole);
      const filter = new ThinkFilter();
      const unopenedClose = filter.push(text).resetAt !== undefined || filter.finish().resetAt !== undefined;
      if (!unopenedClose) expect([...emitted, ...end.steps].map((item) => item.step), JSON.stringify(text)).toEqual(whole.steps);
    }
  });

  it('streams a 1000-step plan one character at a time in linear time (hang guard)', () => {
    const lines: string[] = [];
    for (let index = 1; index <= 1000; index++) {
      lines.push(`Plan: Step number ${index} uses the previous result.`);
      lines.push(`#E${index} = llm[Combine ${index > 1 ? `#E${index - 1}` : 'nothing'} with [more] text]`);
    }
    const text = lines.join('\n');
    const started = performance.now();
    const parser = new PlanStreamParser(tools);
    let emitted = 0;
    for (const character of text) emitted += parser.push(character).length;
    const end = parser.finish();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(emitted + end.steps.length).toBe(1000);
    expect(emitted).toBe(1000);
    expect(end.plan.errors).toEqual([]);
    expect(end.plan.steps[999]?.deps).toEqual(['#E999']);
  });
});
