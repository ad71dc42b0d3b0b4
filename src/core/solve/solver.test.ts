import { describe, expect, it } from 'vitest';
import type { ChatChunk, ChatEngine, ChatRequest } from '../llm/types.ts';
import { buildSolverMessages, solve } from './solver.ts';

const steps = [
  { id: '#E1', tool: 'search_wiki', input: 'Killers of the Flower Moon', thought: 'Find the director.', outcome: { status: 'done' as const, evidence: 'Directed by Martin Scorsese.' } },
  { id: '#E2', tool: 'search_web', input: 'Martin Scorsese films', outcome: { status: 'failed' as const, error: 'HTTP 503 from searx' } },
  { id: '#E3', tool: 'search_bilibili', input: '#E2', outcome: { status: 'skipped' as const, reason: '#E2 failed' } },
];

describe('solver', () => {
  it('builds the ReWOO prompt with the task, every step, its evidence and what failed', () => {
    const [system, user] = buildSolverMessages('Who directed it?', steps);
    expect(system?.content).toMatch(/\[#E1\]/);
    expect(user?.content).toContain('Plan: Find the director.\n#E1 = search_wiki[Killers of the Flower Moon]\nEvidence: Directed by Martin Scorsese.');
    expect(user?.content).toContain('the step failed: HTTP 503 from searx');
    expect(user?.content).toContain('the step was skipped: #E2 failed');
    expect(user?.content).toMatch(/Task: Who directed it\?\nResponse:$/);
  });

  it('streams through any engine and passes the abort signal', async () => {
    const seen: ChatRequest[] = [];
    const engine: ChatEngine = {
      id: 'test',
      label: 'test',
      async chat(request, onChunk) {
        seen.push(request);
        onChunk?.({ type: 'text', text: 'Martin Scorsese [#E1]' });
        return { text: 'Martin Scorsese [#E1]', reasoning: '', finishReason: 'stop', timing: { totalMs: 1 } };
      },
    };
    const chunks: ChatChunk[] = [];
    const controller = new AbortController();
    const result = await solve(engine, 'Who directed it?', steps, { signal: controller.signal, onChunk: (chunk) => chunks.push(chunk) });
    expect(result.text).toBe('Martin Scorsese [#E1]');
    expect(chunks).toEqual([{ type: 'text', text: 'Martin Scorsese [#E1]' }]);
    expect(seen[0]?.signal).toBe(controller.signal);
  });

  it('builds a prompt of megabytes in slices, to the same messages as in one go', async () => {
    const large = Array.from({ length: 40 }, (_, index) => ({
      id: `#E${index + 1}`,
      tool: 'fetch_url',
      input: `https://example.org/${index}`,
      outcome: { status: 'done' as const, evidence: `page ${index} `.repeat(6_000) },
    }));
    const template = 'Evidence:\n{{evidence}}\nTask: {{task}}\n{{plan}}';
    const seen: ChatRequest[] = [];
    const engine: ChatEngine = {
      id: 'test',
      label: 'test',
      async chat(request) {
        seen.push(request);
        return { text: 'ok', reasoning: '', finishReason: 'stop', timing: { totalMs: 1 } };
      },
    };
    await solve(engine, 'Compare the pages.', large, { template });
    await solve(engine, 'Compare the pages.', large);
    expect(seen[0]?.messages).toEqual(buildSolverMessages('Compare the pages.', large, template));
    expect(seen[1]?.messages).toEqual(buildSolverMessages('Compare the pages.', large));
    expect(seen[0]?.messages.reduce((total, message) => total + message.content.length, 0)).toBeGreaterThan(2 * 1_000_000);
  });
});
