import { describe, expect, it } from 'vitest';
import { callKey, rerunSteps, sameEvidence, StepCache, versionPlanText, type VersionParent } from './versions.ts';

const parent: VersionParent = {
  runId: 'parent-run',
  steps: [
    { id: '#E1', tool: 'search_wiki', status: 'done', substitutedInput: 'Eiffel Tower', call: { name: 'search_wiki', arguments: { query: 'Eiffel Tower', limit: 3 } }, evidence: 'Built in 1889.', evidenceLength: 14, truncated: false },
    { id: '#E2', tool: 'llm', status: 'failed', substitutedInput: 'x', call: { name: 'llm', arguments: { query: 'x' } } },
  ],
  answer: 'In 1889 [#E1].',
};

describe('callKey', () => {
  it('ignores argument order and white space, not a changed tool or argument', () => {
    const key = callKey({ name: 'search_wiki', arguments: { query: 'Eiffel  Tower ', limit: 3 } });
    expect(callKey({ name: 'search_wiki', arguments: { limit: 3, query: 'Eiffel Tower' } })).toBe(key);
    expect(callKey({ name: 'search_web', arguments: { limit: 3, query: 'Eiffel Tower' } })).not.toBe(key);
    expect(callKey({ name: 'search_wiki', arguments: { limit: 4, query: 'Eiffel Tower' } })).not.toBe(key);
    expect(callKey({ name: 'search_wiki', arguments: { limit: 3, query: 'Eiffel Towers' } })).not.toBe(key);
    expect(callKey({ name: 'x', arguments: { nested: { b: [1, ' a '], a: 2 } } })).toBe(callKey({ name: 'x', arguments: { nested: { a: 2, b: [1, 'a'] } } }));
  });
});

describe('StepCache', () => {
  it('gives the parent\'s call and evidence for a finished step, never for a failed one or one re-run on purpose', () => {
    const cache = new StepCache(parent);
    expect(cache.callFor('#E1', 'search_wiki', 'Eiffel Tower')).toEqual({ name: 'search_wiki', arguments: { query: 'Eiffel Tower', limit: 3 } });
    expect(cache.callFor('#E1', 'search_wiki', 'Statue of Liberty')).toBeUndefined();
    expect(cache.evidenceFor('#E5', { name: 'search_wiki', arguments: { limit: 3, query: 'Eiffel Tower' } })).toEqual({ text: 'Built in 1889.', originalLength: 14, truncated: false, fromRunId: 'parent-run' });
    expect(cache.evidenceFor('#E2', { name: 'llm', arguments: { query: 'x' } })).toBeUndefined();

    const redo = new StepCache(parent, rerunSteps({ type: 'redo', id: '#E1' }));
    expect(redo.callFor('#E1', 'search_wiki', 'Eiffel Tower')).toBeUndefined();
    expect(redo.evidenceFor('#E1', { name: 'search_wiki', arguments: { query: 'Eiffel Tower', limit: 3 } })).toBeUndefined();
  });
});

describe('versions', () => {
  it('writes the parent\'s plan with the edited step changed', () => {
    const steps = [
      { id: '#E1', tool: 'search_wiki', input: 'Eiffel Tower', thought: 'Look it up.' },
      { id: '#E2', tool: 'llm', input: 'When? #E1' },
    ];
    expect(versionPlanText(steps, { type: 'edit', id: '#E2', tool: 'calculator', input: '#E1 + 1' })).toBe('Plan: Look it up.\n#E1 = search_wiki[Eiffel Tower]\n#E2 = calculator[#E1 + 1]');
    expect(versionPlanText(steps, { type: 'redo', id: '#E2' })).toBe('Plan: Look it up.\n#E1 = search_wiki[Eiffel Tower]\n#E2 = llm[When? #E1]');
  });

  it('reuses the answer only when every step ended with the same evidence', () => {
    const same = parent.steps.map(({ id, status, evidence }) => ({ id, status, evidence }));
    expect(sameEvidence(parent, same)).toBe(true);
    expect(sameEvidence(parent, [{ ...same[0]!, evidence: 'Built in 1887.' }, same[1]!])).toBe(false);
    expect(sameEvidence(parent, [same[0]!])).toBe(false);
  });
});

describe('evidence set by hand', () => {
  it('stays in later versions unless the step is re-run on purpose', () => {
    const handParent: VersionParent = { runId: 'p', steps: [{ id: '#E1', tool: 'search_wiki', status: 'done', evidence: 'By hand.', evidenceSource: { kind: 'by-hand' } }] };
    expect(new StepCache(handParent).handSetEvidence('#E1')).toBe('By hand.');
    expect(new StepCache(handParent, rerunSteps({ type: 'redo', id: '#E1' })).handSetEvidence('#E1')).toBeUndefined();
    expect(new StepCache(parent).handSetEvidence('#E1')).toBeUndefined();
  });
});
