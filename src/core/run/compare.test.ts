import { describe, expect, it } from 'vitest';
import { compareSteps } from './compare.ts';
import { createRunState, type RunState, type StepState } from './run-state.ts';

const step = (id: string, tool: string, input: string, evidence?: string): StepState => ({ id, tool, input, deps: [], planErrors: [], status: 'done', attempts: 1, ...(evidence === undefined ? {} : { evidence }) });
const run = (steps: StepState[]): RunState => ({ ...createRunState(), steps });

describe('compareSteps', () => {
  it('aligns steps by variable and says what changed, was added or removed', () => {
    const left = run([step('#E1', 'search_wiki', 'Eiffel Tower', 'Built in 1889.'), step('#E2', 'llm', 'x', 'a'), step('#E10', 'llm', 'old', 'b')]);
    const right = run([step('#E1', 'search_wiki', 'Eiffel Tower', 'Built in 1889.'), step('#E2', 'llm', 'x', 'c'), step('#E3', 'calculator', '1 + 1', '2')]);
    expect(compareSteps(left, right).map(({ id, difference, changed }) => [id, difference, changed])).toEqual([
      ['#E1', 'same', []],
      ['#E2', 'changed', ['evidence']],
      ['#E3', 'added', []],
      ['#E10', 'removed', []],
    ]);
  });
});
