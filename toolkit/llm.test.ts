import { describe, expect, it } from 'vitest';
import type { ChatEngine, ChatRequest, ChatResult } from '../src/core/llm/types.ts';
import { llm } from './llm.ts';
import { testContext } from './testing/context.ts';

function fakeEngine(answer: Partial<ChatResult>): ChatEngine & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return {
    id: 'fake',
    label: 'Fake model',
    requests,
    async chat(request) {
      requests.push(request);
      return { text: '', reasoning: '', finishReason: 'stop', timing: { totalMs: 1 }, ...answer };
    },
  };
}

describe('llm', () => {
  it('asks the configured engine with the prompt and context, passing the signal', async () => {
    const engine = fakeEngine({ text: ' 1889 \n' });
    const controller = new AbortController();
    const output = await llm.run(
      { prompt: 'In which year was it finished?', context: 'The tower was built from 1887 to 1889.' },
      testContext({ settings: { llm: engine }, signal: controller.signal }),
    );
    expect(output).toBe('1889');
    const request = engine.requests[0];
    expect(request?.signal).toBe(controller.signal);
    expect(request?.messages[0]?.role).toBe('system');
    expect(request?.messages[1]).toEqual({ role: 'user', content: 'Context:\nThe tower was built from 1887 to 1889.\n\nRequest: In which year was it finished?' });
    expect(request?.maxTokens).toBe(1024);
  });

  it('marks an answer cut at the token limit', async () => {
    const output = await llm.run({ prompt: 'Explain' }, testContext({ settings: { llm: fakeEngine({ text: 'Because', finishReason: 'length' }), llmMaxTokens: '64' } }));
    expect(output).toBe('Because\n[The answer was cut at the token limit (Settings → Tool settings → llm tool max tokens).]');
  });

  it('fails clearly without an engine, or with an empty answer', async () => {
    await expect(llm.run({ prompt: 'Hi' }, testContext())).rejects.toThrow('llm failed: no language model is set up for the llm tool.');
    await expect(llm.run({ prompt: 'Hi' }, testContext({ settings: { llm: fakeEngine({ text: '  ', finishReason: 'length' }) } }))).rejects.toThrow(
      'llm failed: Fake model returned an empty answer (it ran out of tokens while reasoning).',
    );
  });
});
