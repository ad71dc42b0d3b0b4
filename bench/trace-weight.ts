/**
 * What a 200-step run's trace weighs with its model calls recorded: a real run of the agent on a
 * 200-step plan in which every step needs the tool caller (its input does not fit the tool's
 * schema), each lookup returns about 2 KB, and the solver reads it all. Reports the exported
 * trace's size with the calls, without them, and what storing long texts once saves.
 */
import { startRun } from '../src/core/agent.ts';
import type { ChatEngine, ChatRequest } from '../src/core/llm/types.ts';
import type { RunEvent } from '../src/core/run/events.ts';
import { readText } from '../src/core/run/calls.ts';
import { exportTrace } from '../src/core/trace/trace.ts';
import type { Tool } from '../src/core/tools/types.ts';

export interface TraceWeight {
  steps: number;
  modelCalls: number;
  withCallsBytes: number;
  withoutCallsBytes: number;
  /** The calls' events if every message were written out in full instead of stored once. */
  callsInlineBytes: number;
  callsStoredBytes: number;
}

const stepCount = 200;
const lookup: Tool = {
  name: 'lookup',
  description: 'Looks up a city and a year.',
  parameters: { type: 'object', properties: { city: { type: 'string' }, year: { type: 'integer' } }, required: ['city', 'year'], additionalProperties: false },
  sideEffects: false,
  run: async (args) => `${String(args.city)} in ${String(args.year)}: ${'population, area, history and notes. '.repeat(55)}`,
};

/** Answers as each role would: the plan, a tool call, the answer. */
const engine: ChatEngine = {
  id: 'endpoint',
  label: 'bench model (127.0.0.1)',
  describe: (request: ChatRequest) => ({ url: 'http://127.0.0.1:8000/v1/chat/completions', model: 'bench', body: { model: 'bench', max_tokens: request.maxTokens, stream: true } }),
  async chat(request, onChunk) {
    const text = request.messages.map((message) => message.content).join('\n');
    let answer: string;
    if (text.includes('make plans')) {
      answer = Array.from({ length: stepCount }, (_, index) => `Plan: City ${index + 1}.\n#E${index + 1} = lookup[city number ${index + 1} around the year ${1900 + index}]`).join('\n');
    } else if (text.includes('function call')) {
      const number = /city number (\d+)/.exec(text)?.[1] ?? '1';
      answer = JSON.stringify({ name: 'lookup', arguments: { city: `City ${number}`, year: 1900 + Number(number) } });
    } else answer = 'Every city grew [#E1].';
    onChunk?.({ type: 'text', text: answer });
    return { text: answer, reasoning: '', finishReason: 'stop', usage: { promptTokens: Math.round(text.length / 4), completionTokens: Math.round(answer.length / 4) }, timing: { firstTokenMs: 1, totalMs: 2 } };
  },
};

export async function measureTraceWeight(): Promise<TraceWeight> {
  const events: RunEvent[] = [];
  const run = startRun({ task: 'How did these cities grow?', tools: [lookup], engines: { planner: engine, toolCaller: engine, solver: engine }, onEvent: (event) => events.push(event), concurrency: 8 });
  const outcome = await run.done;
  if (outcome.status !== 'done') throw new Error(`The trace-weight run ended ${outcome.status}: ${outcome.error?.message ?? ''}`);
  const size = (list: readonly RunEvent[]) => new TextEncoder().encode(exportTrace({ run: { id: 'bench', task: 'How did these cities grow?', createdAt: '' }, settings: { planner: { url: 'http://127.0.0.1:8000/v1', model: 'bench' }, roles: { planner: 'planner-endpoint', toolCaller: 'planner-endpoint', solver: 'planner-endpoint' } }, tools: ['lookup'], events: list })).length;
  const isCall = (event: RunEvent) => event.type === 'blob' || event.type.startsWith('model-call-');
  const blobs = new Map(events.flatMap((event) => (event.type === 'blob' ? [[event.key, event.text] as const] : [])));
  const inline = events.filter((event) => event.type.startsWith('model-call-')).map((event) => {
    if (event.type !== 'model-call-start') return event;
    const request = event.request;
    return { ...event, request: { ...request, messages: request.messages.map((message) => ({ role: message.role, text: readText(message, blobs) })), ...(request.schema ? { schema: { text: readText(request.schema, blobs) } } : {}), ...(request.body ? { body: { text: readText(request.body, blobs) } } : {}) } };
  });
  const bytes = (list: readonly unknown[]) => new TextEncoder().encode(JSON.stringify(list)).length;
  return {
    steps: stepCount,
    modelCalls: events.filter((event) => event.type === 'model-call-start').length,
    withCallsBytes: size(events),
    withoutCallsBytes: size(events.filter((event) => !isCall(event))),
    callsInlineBytes: bytes(inline),
    callsStoredBytes: bytes(events.filter(isCall)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const weight = await measureTraceWeight();
  const kb = (value: number) => `${(value / 1024).toFixed(1)} KB`;
  console.log(`trace of a ${weight.steps}-step run, ${weight.modelCalls} model calls: ${kb(weight.withCallsBytes)} with calls, ${kb(weight.withoutCallsBytes)} without`);
  console.log(`the calls' events: ${kb(weight.callsStoredBytes)} with long texts stored once, ${kb(weight.callsInlineBytes)} if written out in every request`);
}
