import { afterEach, describe, expect, it, vi } from 'vitest';
import { isAbortError } from '../errors.ts';
import { createReplayEngine, ReplayExhaustedError } from './replay-engine.ts';
import type { ChatChunk, ChatRequest } from './types.ts';

const ask = (content: string, role: 'user' | 'system' = 'user'): ChatRequest => ({ messages: [{ role, content }] });

afterEach(() => {
  vi.useRealTimers();
});

describe('replay engine', () => {
  it('answers in order, streaming reasoning then text in pieces that add up', async () => {
    const engine = createReplayEngine([
      { text: 'Plan: add.\n#E1 = calculator[1 + 1]', reasoning: 'Easy sum.', usage: { promptTokens: 10, completionTokens: 12 } },
      { text: 'The answer is 2.' },
    ]);
    const chunks: ChatChunk[] = [];
    const first = await engine.chat(ask('plan'), (chunk) => chunks.push(chunk));
    expect(first).toMatchObject({ text: 'Plan: add.\n#E1 = calculator[1 + 1]', reasoning: 'Easy sum.', finishReason: 'stop', usage: { promptTokens: 10, completionTokens: 12 } });
    expect(chunks[0]?.type).toBe('reasoning');
    expect(chunks.filter((chunk) => chunk.type === 'text').length).toBeGreaterThan(1);
    expect(chunks.filter((chunk) => chunk.type === 'text').map((chunk) => chunk.text).join('')).toBe(first.text);
    expect((await engine.chat(ask('solve'))).text).toBe('The answer is 2.');
    expect(engine.remaining).toBe(0);
    expect(engine.requests.map((request) => request.messages[0]?.content)).toEqual(['plan', 'solve']);
  });

  it('picks the first unused answer whose match fits, optionally by role', async () => {
    const engine = createReplayEngine([
      { match: 'Solve', role: 'system', text: 'solver answer' },
      { match: '#E1', text: 'tool call' },
      { text: 'anything' },
    ]);
    expect((await engine.chat(ask('Solve this', 'user'))).text).toBe('anything');
    expect((await engine.chat(ask('Solve this', 'system'))).text).toBe('solver answer');
    expect((await engine.chat(ask('call #E1'))).text).toBe('tool call');
  });

  it('throws a clear error when it runs out of answers', async () => {
    const engine = createReplayEngine([{ text: 'only one' }]);
    await engine.chat(ask('first'));
    const error = await engine.chat(ask('What is the capital of France?')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ReplayExhaustedError);
    expect((error as Error).message).toContain('request 2');
    expect((error as Error).message).toContain('capital of France');
  });

  it('plays recorded chunks with their timing scaled by speed', async () => {
    vi.useFakeTimers();
    const engine = createReplayEngine(
      [
        {
          text: 'Hello',
          chunks: [
            { at: 0, text: 'Hel' },
            { at: 1000, text: 'lo' },
          ],
        },
      ],
      { speed: 2 },
    );
    const chunks: string[] = [];
    const promise = engine.chat(ask('hi'), (chunk) => chunks.push(chunk.text));
    await vi.advanceTimersByTimeAsync(0);
    expect(chunks).toEqual(['Hel']);
    await vi.advanceTimersByTimeAsync(400);
    expect(chunks).toEqual(['Hel']);
    await vi.advanceTimersByTimeAsync(200);
    expect(chunks).toEqual(['Hel', 'lo']);
    expect((await promise).text).toBe('Hello');
  });

  it('stops on abort, before and during playback', async () => {
    const aborted = new AbortController();
    aborted.abort();
    const engine = createReplayEngine([{ text: 'one two three four', finishReason: 'length' }, { text: 'x' }], { chunkDelayMs: 5 });
    expect(isAbortError(await engine.chat({ ...ask('a'), signal: aborted.signal }).catch((error: unknown) => error))).toBe(true);

    const controller = new AbortController();
    const chunks: ChatChunk[] = [];
    const error = await engine
      .chat({ ...ask('b'), signal: controller.signal }, (chunk) => {
        chunks.push(chunk);
        controller.abort();
      })
      .catch((caught: unknown) => caught);
    expect(isAbortError(error)).toBe(true);
    expect(chunks).toHaveLength(1);
  });

  it('keeps a recorded finish reason', async () => {
    const engine = createReplayEngine([{ text: 'half', finishReason: 'length' }]);
    expect((await engine.chat(ask('x'))).finishReason).toBe('length');
  });
});
