import { describe, expect, it } from 'vitest';
import { EndpointError } from '../errors.ts';
import type { ChatEngine, ChatRequest } from '../llm/types.ts';
import { blobThreshold, callAsCurl, callAsJson, CallRecorder, readText, textKey } from './calls.ts';
import type { RunEvent, RunEventInput } from './events.ts';
import { replayEvents } from './run-state.ts';

const longPrompt = `You call tools. ${'Tool list. '.repeat(blobThreshold)}`;

/** Streams `reasoning` then `answer`, or fails after streaming `answer` when `fail` is set. */
function stubEngine(answer: string, options: { fail?: Error; describe?: boolean } = {}): ChatEngine {
  return {
    id: 'endpoint',
    label: 'stub (127.0.0.1)',
    async chat(_request, onChunk) {
      onChunk?.({ type: 'reasoning', text: 'thinking' });
      onChunk?.({ type: 'text', text: answer });
      if (options.fail) throw options.fail;
      return { text: answer, reasoning: 'thinking', finishReason: 'stop', usage: { promptTokens: 10, completionTokens: 2 }, timing: { firstTokenMs: 5, totalMs: 9 } };
    },
    ...(options.describe ? { describe: (request: ChatRequest) => ({ url: 'http://127.0.0.1:8000/v1/chat/completions', model: 'm', body: { model: 'm', max_tokens: request.maxTokens, stream: true } }) } : {}),
  };
}

function recording(previous: RunEvent[] = []) {
  const events: RunEvent[] = [...previous];
  let at = previous.length;
  const recorder = new CallRecorder((event: RunEventInput) => events.push({ ...event, at: at++ } as RunEvent), previous);
  return { events, recorder };
}

describe('CallRecorder', () => {
  it('records each request and answer, stores a long prompt once, and keeps reasoning apart', async () => {
    const { events, recorder } = recording([{ type: 'run-start', at: 0, runId: 'r', task: 't', startedAt: '' }]);
    const engine = recorder.wrap(stubEngine('{"name":"search"}', { describe: true }), 'tool-caller');
    const request = (step: string): ChatRequest => ({ messages: [{ role: 'system', content: longPrompt }, { role: 'user', content: `Call search for ${step}` }], jsonSchema: { type: 'object' }, maxTokens: 64, step });
    await engine.chat(request('#E1'));
    await engine.chat(request('#E2'));

    expect(events.filter((event) => event.type === 'blob')).toHaveLength(1);
    const state = replayEvents(events);
    expect(state.calls.map((call) => [call.callId, call.role, call.step, call.status])).toEqual([
      ['c1', 'tool-caller', '#E1', 'done'],
      ['c2', 'tool-caller', '#E2', 'done'],
    ]);
    const [first] = state.calls;
    expect(first?.request.messages[0]).toEqual({ role: 'system', blob: textKey(longPrompt) });
    expect(readText(first?.request.messages[0] ?? { text: '' }, state.blobs)).toBe(longPrompt);
    expect(first?.request.messages[1]).toEqual({ role: 'user', text: 'Call search for #E1' });
    expect(first?.request.schema).toEqual({ text: '{"type":"object"}' });
    expect(first?.model).toEqual({ id: 'endpoint', label: 'stub (127.0.0.1)', url: 'http://127.0.0.1:8000/v1/chat/completions', model: 'm' });
    expect(readText(first?.request.body ?? { text: '' }, state.blobs)).toBe('{"model":"m","max_tokens":64,"stream":true}');
    expect(first).toMatchObject({ text: '{"name":"search"}', reasoning: 'thinking', finishReason: 'stop', usage: { promptTokens: 10, completionTokens: 2 } });
  });

  it('records a failed request with what had streamed, and rethrows', async () => {
    const { events, recorder } = recording();
    const error = new EndpointError('server', 'The server answered 503.', { hint: 'Try again.' });
    const engine = recorder.wrap(stubEngine('half an ans', { fail: error }), 'planner');
    await expect(engine.chat({ messages: [{ role: 'user', content: 'plan' }] })).rejects.toBe(error);
    const call = replayEvents(events).calls[0];
    expect(call).toMatchObject({ status: 'failed', text: 'half an ans', reasoning: 'thinking', error: { name: 'EndpointError', message: 'The server answered 503.', hint: 'Try again.' } });
  });

  it('goes on from a resumed run: new call ids and no blob stored twice', async () => {
    const first = recording();
    await first.recorder.wrap(stubEngine('a'), 'planner').chat({ messages: [{ role: 'system', content: longPrompt }] });
    const resumed = recording(first.events);
    await resumed.recorder.wrap(stubEngine('b'), 'solver').chat({ messages: [{ role: 'system', content: longPrompt }] });
    expect(resumed.events.filter((event) => event.type === 'blob')).toHaveLength(1);
    expect(replayEvents(resumed.events).calls.map((call) => call.callId)).toEqual(['c1', 'c2']);
  });

  it('a missing blob reads as a note, not as an empty prompt', () => {
    expect(readText({ blob: 'abc' }, new Map())).toBe('[text abc is missing from this run]');
  });

  it('copies a call as JSON and as a curl command that sends the recorded body with the key left as a variable', async () => {
    const { events, recorder } = recording();
    await recorder.wrap(stubEngine("it's done", { describe: true }), 'solver').chat({ messages: [{ role: 'system', content: longPrompt }, { role: 'user', content: "what's next?" }], maxTokens: 99 });
    await recorder.wrap(stubEngine('x'), 'tool-caller').chat({ messages: [{ role: 'user', content: 'hi' }] });
    const state = replayEvents(events);
    const [http, inPage] = state.calls;
    if (!http || !inPage) throw new Error('two calls expected');

    const json = JSON.parse(callAsJson(http, state.blobs)) as { request: { messages: { content: string }[]; httpBody: unknown }; response: { text: string } };
    expect(json.request.messages[0]?.content).toBe(longPrompt);
    expect(json.request.httpBody).toEqual({ model: 'm', max_tokens: 99, stream: true });
    expect(json.response.text).toBe("it's done");

    const curl = callAsCurl(http, state.blobs) ?? '';
    expect(curl).toContain("curl -N 'http://127.0.0.1:8000/v1/chat/completions'");
    expect(curl).toContain('Authorization: Bearer $STEPWISE_API_KEY');
    // The body is one single-quoted word: quotes inside are closed, escaped and reopened.
    const quoted = /-d '((?:[^']|'\\'')*)'$/.exec(curl)?.[1] ?? '';
    expect(JSON.parse(quoted.replaceAll("'\\''", "'"))).toEqual({ model: 'm', messages: [{ role: 'system', content: longPrompt }, { role: 'user', content: "what's next?" }], max_tokens: 99, stream: true });
    expect(callAsCurl(inPage, state.blobs)).toBeUndefined();
  });
});
