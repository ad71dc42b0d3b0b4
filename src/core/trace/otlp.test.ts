// The OTLP export of a real run (startRun with stub tools and stub engines), checked against the
// official OpenTelemetry protobuf definitions, and the sender against a fake fetch and a real
// receiver over a socket.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startOtlpReceiver, validateOtlpTraceJson } from '../../../e2e/fixtures/otlp-receiver.ts';
import { llm } from '../../../toolkit/llm.ts';
import { startRun } from '../agent.ts';
import type { ChatEngine, ChatRequest, ChatResult } from '../llm/types.ts';
import type { RunEvent } from '../run/events.ts';
import { stubTool } from '../run/scheduler-stubs.ts';
import type { Tool } from '../tools/types.ts';
import { otlpSpanId, otlpTraceId, runToOtlp, type OtlpAnyValue, type OtlpExport, type OtlpSpan } from './otlp.ts';
import { OtlpSendError, otlpTracesUrl, sendOtlp } from './otlp-send.ts';

const secret = 'hunter2-Secret-Value-42';
const task = `Is the Eiffel Tower older than 5 years? (account ${secret})`;
const answer = 'Yes: it was finished in 1889 [#E1] [#E3].';

/** Two independent steps, one that uses both, a step that fails and one that needs it. */
const plan = [
  'Plan: Look up the tower.',
  `#E1 = search[Eiffel Tower ${secret}]`,
  'Plan: Add the numbers.',
  '#E2 = calc[two plus three]',
  'Plan: Compare.',
  '#E3 = llm[Is the tower (#E1) older than #E2 years?]',
  'Plan: A lookup that fails.',
  '#E4 = search[Broken]',
  'Plan: Needs the failed one.',
  '#E5 = llm[Summarise #E4]',
].join('\n');

function result(text: string, usage = { promptTokens: 100, completionTokens: 20 }): ChatResult {
  return { text, reasoning: '', finishReason: 'stop', usage, timing: { firstTokenMs: 2, totalMs: 4 } };
}

/** A stub engine; `chunk` streams the answer in pieces of that many characters. */
function engine(id: string, answerFor: (request: ChatRequest) => string | Error, options: { chunk?: number; http?: string; reasoning?: string } = {}): ChatEngine {
  return {
    id,
    label: `stub ${id}`,
    async chat(request, onChunk) {
      const text = answerFor(request);
      if (text instanceof Error) throw text;
      if (options.reasoning) onChunk?.({ type: 'reasoning', text: options.reasoning });
      const size = options.chunk ?? text.length;
      for (let index = 0; index < text.length; index += Math.max(1, size)) onChunk?.({ type: 'text', text: text.slice(index, index + size) });
      return { ...result(text), reasoning: options.reasoning ?? '' };
    },
    ...(options.http
      ? { describe: (request: ChatRequest) => ({ url: 'http://127.0.0.1:8000/v1/chat/completions', model: options.http as string, body: { model: options.http, max_tokens: request.maxTokens } }) }
      : {}),
  };
}

const calc: Tool = {
  name: 'calc',
  description: 'Adds a and b.',
  parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'], additionalProperties: false },
  sideEffects: false,
  run: async (args) => String(Number(args.a) + Number(args.b)),
};

const tools: Tool[] = [
  stubTool('search', async (args) => {
    if (args.query === 'Broken') throw new Error('The index is down.');
    return `The Eiffel Tower was finished in 1889. (${String(args.query)})`;
  }),
  calc,
  llm,
];

/** Runs the plan through the real agent; `solver` may fail the run. */
async function recordRun(options: { runId?: string; solverFails?: boolean } = {}): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  const run = startRun({
    task,
    tools,
    runId: options.runId ?? 'run-otlp-1',
    concurrency: 2,
    engines: {
      // Streams the plan in 7-character pieces: the secret in it is split across plan-delta events.
      planner: engine('endpoint', () => plan, { chunk: 7, http: 'planner-model', reasoning: 'I should look it up.' }),
      toolCaller: engine('webllm:Qwen3-0.6B', () => '{"name":"calc","arguments":{"a":2,"b":3}}'),
      solver: engine('endpoint', () => (options.solverFails ? new Error('The solver is down.') : answer), { http: 'solver-model' }),
      llmTool: engine('wllama:tiny', (request) => `Yes. ${request.messages.at(-1)?.content.includes(secret) ? secret : ''}`),
    },
    onEvent: (event) => events.push(event),
  });
  await run.done;
  return events;
}

const spansOf = (otlp: OtlpExport): OtlpSpan[] => otlp.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));

function plain(value: OtlpAnyValue | undefined): unknown {
  if (value === undefined) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  if ('boolValue' in value) return value.boolValue;
  return value.arrayValue.values.map(plain);
}

const attribute = (span: OtlpSpan | undefined, key: string): unknown => plain(span?.attributes.find((item) => item.key === key)?.value);
const byName = (spans: OtlpSpan[], name: string) => spans.filter((span) => span.name === name);
const only = <T>(items: T[]): T => {
  expect(items).toHaveLength(1);
  return items[0] as T;
};

describe('runToOtlp on a real run', () => {
  it('builds the span tree of the plan: run → plan → planner chat; execute_tool per step run with its tool-caller or llm chat; solve → solver chat', async () => {
    const events = await recordRun();
    const otlp = runToOtlp(events, { secrets: [secret] });
    const spans = spansOf(otlp);
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const parentOf = (span: OtlpSpan) => (span.parentSpanId === undefined ? undefined : byId.get(span.parentSpanId));

    // One trace, one root.
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([otlpTraceId('run-otlp-1')]));
    const roots = spans.filter((span) => span.parentSpanId === undefined);
    const root = only(roots);
    expect(root.name).toBe('invoke_agent Stepwise');
    expect(root.spanId).toBe(otlpSpanId('run-otlp-1', 'run'));
    for (const span of spans) if (span !== root) expect(byId.has(span.parentSpanId ?? ''), span.name).toBe(true);

    const planSpan = only(byName(spans, 'plan'));
    expect(parentOf(planSpan)).toBe(root);
    const chats = spans.filter((span) => span.name.startsWith('chat '));
    const plannerChat = only(chats.filter((span) => attribute(span, 'stepwise.model.role') === 'planner'));
    expect(plannerChat.name).toBe('chat planner-model');
    expect(parentOf(plannerChat)).toBe(planSpan);

    // One execute_tool span per step that ran (#E5 was skipped: an event on the run, no span).
    const tools = spans.filter((span) => span.name.startsWith('execute_tool '));
    expect(tools.map((span) => [span.name, attribute(span, 'stepwise.step.id')]).sort()).toEqual([
      ['execute_tool calc', '#E2'],
      ['execute_tool llm', '#E3'],
      ['execute_tool search', '#E1'],
      ['execute_tool search', '#E4'],
    ]);
    for (const span of tools) expect(parentOf(span)).toBe(root);
    const step = (id: string) => only(tools.filter((span) => attribute(span, 'stepwise.step.id') === id));
    expect(attribute(step('#E3'), 'stepwise.step.dependencies')).toEqual(['#E1', '#E2']);
    expect(attribute(step('#E1'), 'stepwise.step.dependencies')).toEqual([]);

    const toolCallerChat = only(chats.filter((span) => attribute(span, 'stepwise.model.role') === 'tool-caller'));
    expect(parentOf(toolCallerChat)).toBe(step('#E2'));
    expect(toolCallerChat.name).toBe('chat Qwen3-0.6B');
    const llmChat = only(chats.filter((span) => attribute(span, 'stepwise.model.role') === 'llm-tool'));
    expect(parentOf(llmChat)).toBe(step('#E3'));
    const solveSpan = only(byName(spans, 'solve'));
    expect(parentOf(solveSpan)).toBe(root);
    const solverChat = only(chats.filter((span) => attribute(span, 'stepwise.model.role') === 'solver'));
    expect(parentOf(solverChat)).toBe(solveSpan);

    // Children start and end inside their parents.
    for (const span of spans) {
      expect(BigInt(span.endTimeUnixNano) >= BigInt(span.startTimeUnixNano), span.name).toBe(true);
      const parent = parentOf(span);
      if (parent) expect(BigInt(span.startTimeUnixNano) >= BigInt(parent.startTimeUnixNano), span.name).toBe(true);
    }

    // The failed step is an error; the skipped one is recorded on the run.
    expect(step('#E4').status).toEqual({ code: 2, message: 'The index is down.' });
    expect(attribute(step('#E4'), 'error.type')).toBe('Error');
    expect(step('#E4').events.map((event) => event.name)).toContain('exception');
    expect(step('#E1').status.code).toBe(0);
    const skipped = only(root.events.filter((event) => event.name === 'stepwise.step.skipped'));
    expect(plain(skipped.attributes.find((item) => item.key === 'stepwise.step.id')?.value)).toBe('#E5');
    expect(plain(skipped.attributes.find((item) => item.key === 'stepwise.step.skip_reason')?.value)).toMatch(/#E4/);
    expect(root.status.code).toBe(0);
    expect(attribute(root, 'stepwise.run.status')).toBe('done');
    expect(planSpan.events.filter((event) => event.name === 'stepwise.step.added')).toHaveLength(5);
  });

  it('writes the GenAI and OpenInference attributes', async () => {
    const otlp = runToOtlp(await recordRun(), { secrets: [secret], serviceName: 'stepwise-test' });
    const spans = spansOf(otlp);
    const root = only(spans.filter((span) => span.parentSpanId === undefined));
    expect(otlp.resourceSpans[0]?.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'stepwise-test' } });
    expect(attribute(root, 'gen_ai.operation.name')).toBe('invoke_agent');
    expect(attribute(root, 'gen_ai.agent.name')).toBe('Stepwise');
    expect(attribute(root, 'gen_ai.conversation.id')).toBe('run-otlp-1');
    expect(attribute(root, 'openinference.span.kind')).toBe('AGENT');
    expect(JSON.parse(attribute(root, 'gen_ai.input.messages') as string)).toEqual([{ role: 'user', parts: [{ type: 'text', content: task.replace(secret, '[redacted]') }] }]);
    expect(attribute(root, 'output.value')).toBe(answer);

    const calcSpan = only(byName(spans, 'execute_tool calc'));
    expect(attribute(calcSpan, 'gen_ai.operation.name')).toBe('execute_tool');
    expect(attribute(calcSpan, 'gen_ai.tool.name')).toBe('calc');
    expect(JSON.parse(attribute(calcSpan, 'gen_ai.tool.call.arguments') as string)).toEqual({ a: 2, b: 3 });
    expect(attribute(calcSpan, 'gen_ai.tool.call.result')).toBe('5');
    expect(attribute(calcSpan, 'stepwise.dispatch.path')).toBe('engine');
    expect(attribute(calcSpan, 'openinference.span.kind')).toBe('TOOL');
    expect(attribute(calcSpan, 'tool.name')).toBe('calc');
    expect(attribute(calcSpan, 'output.value')).toBe('5');
    expect(calcSpan.kind).toBe(1);

    const planner = only(spans.filter((span) => attribute(span, 'stepwise.model.role') === 'planner'));
    expect(planner.kind).toBe(3);
    expect(attribute(planner, 'gen_ai.operation.name')).toBe('chat');
    expect(attribute(planner, 'gen_ai.provider.name')).toBe('openai_compatible');
    expect(attribute(planner, 'gen_ai.request.model')).toBe('planner-model');
    expect(attribute(planner, 'gen_ai.request.max_tokens')).toBe(4096);
    expect(attribute(planner, 'gen_ai.request.temperature')).toBe(0);
    expect(attribute(planner, 'gen_ai.usage.input_tokens')).toBe(100);
    expect(attribute(planner, 'gen_ai.usage.output_tokens')).toBe(20);
    expect(attribute(planner, 'gen_ai.response.finish_reasons')).toEqual(['stop']);
    expect(attribute(planner, 'server.address')).toBe('127.0.0.1');
    expect(attribute(planner, 'server.port')).toBe(8000);
    const input = JSON.parse(attribute(planner, 'gen_ai.input.messages') as string) as { role: string; parts: { type: string; content: string }[] }[];
    expect(input.map((message) => message.role)).toEqual(['system', 'user']);
    expect(input[1]?.parts[0]?.type).toBe('text');
    const output = JSON.parse(attribute(planner, 'gen_ai.output.messages') as string) as unknown;
    expect(output).toEqual([
      { role: 'assistant', parts: [{ type: 'reasoning', content: 'I should look it up.' }, { type: 'text', content: plan.replace(secret, '[redacted]') }], finish_reason: 'stop' },
    ]);
    expect(attribute(planner, 'openinference.span.kind')).toBe('LLM');
    expect(attribute(planner, 'llm.model_name')).toBe('planner-model');
    expect(attribute(planner, 'llm.token_count.prompt')).toBe(100);
    expect(attribute(planner, 'llm.token_count.completion')).toBe(20);
    expect(attribute(planner, 'llm.input_messages.0.message.role')).toBe('system');
    expect(attribute(planner, 'llm.output_messages.0.message.role')).toBe('assistant');

    const toolCaller = only(spans.filter((span) => attribute(span, 'stepwise.model.role') === 'tool-caller'));
    expect(toolCaller.kind).toBe(1);
    expect(attribute(toolCaller, 'gen_ai.provider.name')).toBe('webllm');
    expect(attribute(toolCaller, 'gen_ai.output.type')).toBe('json');
    expect(attribute(toolCaller, 'stepwise.step.id')).toBe('#E2');
  });

  it('is valid OTLP/JSON by the official protobuf definitions, and round-trips names, ids and parent links', async () => {
    const otlp = runToOtlp(await recordRun(), { secrets: [secret] });
    const wire = JSON.parse(JSON.stringify(otlp)) as unknown;
    const validation = validateOtlpTraceJson(wire);
    if (!validation.ok) throw new Error(validation.problems.join('\n'));
    const spans = spansOf(otlp);
    expect(validation.spanCount).toBe(spans.length);
    const decoded = (validation.decoded as unknown as OtlpExport).resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
    expect(decoded.map((span) => [span.name, span.traceId, span.spanId, span.parentSpanId])).toEqual(spans.map((span) => [span.name, span.traceId, span.spanId, span.parentSpanId]));
    expect(decoded.map((span) => [span.startTimeUnixNano, span.endTimeUnixNano])).toEqual(spans.map((span) => [span.startTimeUnixNano, span.endTimeUnixNano]));
    for (const span of spans) {
      expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(new Set(spans.map((span) => span.spanId)).size).toBe(spans.length);
  });

  it('the protobuf check is not a rubber stamp: base64 ids, enum names, unknown fields and numeric times are refused', () => {
    const good = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 's' } }] },
          scopeSpans: [{ scope: { name: 'x' }, spans: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'n', kind: 1, startTimeUnixNano: '1', endTimeUnixNano: '2', status: { code: 2 } }] }],
        },
      ],
    };
    expect(validateOtlpTraceJson(good).ok).toBe(true);
    const withSpan = (change: Record<string, unknown>) => {
      const copy = structuredClone(good);
      Object.assign(copy.resourceSpans[0]!.scopeSpans[0]!.spans[0]!, change);
      return copy;
    };
    expect(validateOtlpTraceJson(withSpan({ traceId: 'CvdlGRbWQ92ESOshHIAxnA==' })).ok).toBe(false);
    expect(validateOtlpTraceJson(withSpan({ kind: 'SPAN_KIND_INTERNAL' })).ok).toBe(false);
    expect(validateOtlpTraceJson(withSpan({ parentSpanID: 'b7ad6b7169203331' })).ok).toBe(false);
    expect(validateOtlpTraceJson(withSpan({ start_time_unix_nano: '1' })).ok).toBe(false);
    expect(validateOtlpTraceJson(withSpan({ startTimeUnixNano: 1 })).ok).toBe(false);
    expect(validateOtlpTraceJson(withSpan({ spanId: '0000000000000000' })).ok).toBe(false);
    expect(validateOtlpTraceJson(withSpan({ attributes: [{ key: 'a', value: { intValue: 'x' } }] })).ok).toBe(false);
  });

  it('gives the same ids and times for the same run exported twice, and other ids for another run', async () => {
    const events = await recordRun();
    const first = runToOtlp(events);
    const second = runToOtlp(structuredClone(events));
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    const other = runToOtlp(events.map((event) => (event.type === 'run-start' ? { ...event, runId: 'run-otlp-2' } : event)));
    expect(spansOf(other)[0]?.traceId).not.toBe(spansOf(first)[0]?.traceId);
    const started = Date.parse((events[0] as Extract<RunEvent, { type: 'run-start' }>).startedAt);
    expect(spansOf(first)[0]?.startTimeUnixNano).toBe(String(BigInt(started) * 1_000_000n + BigInt(Math.round(events[0]!.at * 1e6))));
  });

  it('links a version to its parent run', async () => {
    const events = (await recordRun()).map((event): RunEvent => (event.type === 'run-start' ? { ...event, parent: { runId: 'parent-run', change: { type: 'redo', id: '#E1' } } } : event));
    const otlp = runToOtlp(events);
    const root = only(spansOf(otlp).filter((span) => span.parentSpanId === undefined));
    expect(root.links).toEqual([{ traceId: otlpTraceId('parent-run'), spanId: otlpSpanId('parent-run', 'run'), attributes: [{ key: 'stepwise.link.type', value: { stringValue: 'parent-run' } }] }]);
    expect(attribute(root, 'stepwise.run.parent_id')).toBe('parent-run');
    expect(validateOtlpTraceJson(JSON.parse(JSON.stringify(otlp))).ok).toBe(true);
  });

  it('never lets a secret through, even one split across streamed pieces', async () => {
    const events = await recordRun();
    expect(JSON.stringify(events)).toContain(secret);
    // The plan streamed in pieces: no single plan-delta holds the secret.
    expect(events.some((event) => event.type === 'plan-delta' && event.text.includes(secret))).toBe(false);
    const json = JSON.stringify(runToOtlp(events, { secrets: [secret] }));
    if (process.env.OTLP_DUMP) (await import('node:fs')).writeFileSync(process.env.OTLP_DUMP, JSON.stringify(JSON.parse(json), null, 1));
    expect(json).not.toContain(secret);
    expect(json).not.toContain(encodeURIComponent(secret));
    expect(json).toContain('[redacted]');
  });

  it('marks a failed run and its solver as errors', async () => {
    const spans = spansOf(runToOtlp(await recordRun({ solverFails: true })));
    const root = only(spans.filter((span) => span.parentSpanId === undefined));
    expect(root.status).toEqual({ code: 2, message: 'The solver is down.' });
    expect(attribute(root, 'stepwise.run.status')).toBe('failed');
    expect(only(byName(spans, 'solve')).status.code).toBe(2);
    expect(only(spans.filter((span) => attribute(span, 'stepwise.model.role') === 'solver')).status.code).toBe(2);
    expect(validateOtlpTraceJson(JSON.parse(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }))).ok).toBe(true);
  });

  it('ends the open spans of an interrupted run at its last event', async () => {
    const events = await recordRun();
    // Cut the run right after #E3's tool started: the page was closed there.
    const cut = events.findIndex((event) => event.type === 'tool-start' && event.id === '#E3');
    const interrupted = events.slice(0, cut + 1);
    const lastAt = Math.max(...interrupted.map((event) => event.at));
    const spans = spansOf(runToOtlp(interrupted));
    const root = only(spans.filter((span) => span.parentSpanId === undefined));
    expect(attribute(root, 'stepwise.run.status')).toBe('interrupted');
    expect(root.status.code).toBe(0);
    const e3 = only(spans.filter((span) => attribute(span, 'stepwise.step.id') === '#E3' && span.name.startsWith('execute_tool')));
    expect(attribute(e3, 'stepwise.step.status')).toBe('interrupted');
    expect(e3.endTimeUnixNano).toBe(root.endTimeUnixNano);
    const started = Date.parse((events[0] as Extract<RunEvent, { type: 'run-start' }>).startedAt);
    expect(root.endTimeUnixNano).toBe(String(BigInt(started) * 1_000_000n + BigInt(Math.round(lastAt * 1e6))));
    expect(validateOtlpTraceJson(JSON.parse(JSON.stringify(runToOtlp(interrupted)))).ok).toBe(true);
  });

  it('cuts long texts with a note', async () => {
    const spans = spansOf(runToOtlp(await recordRun(), { maxTextLength: 40 }));
    const planner = only(spans.filter((span) => attribute(span, 'stepwise.model.role') === 'planner'));
    expect(attribute(planner, 'output.value')).toMatch(/^.{40}… \[\d+ more characters\]$/s);
    // JSON attributes stay JSON: their parts are cut, not the document.
    expect(() => JSON.parse(attribute(planner, 'gen_ai.input.messages') as string) as unknown).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------

const payload: OtlpExport = { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'stepwise' }, spans: [] }] }] };

interface Sent {
  url: string;
  init: RequestInit;
}

/** A fetch that answers `status` with `body` and records each request. */
function fakeFetch(status: number, body = '', sent: Sent[] = []): typeof fetch {
  return (async (url: string | URL | Request, init?: RequestInit) => {
    sent.push({ url: String(url), init: init ?? {} });
    return new Response(body, { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

async function failure(promise: Promise<unknown>): Promise<OtlpSendError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OtlpSendError);
  return error as OtlpSendError;
}

describe('sendOtlp', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('posts the JSON to /v1/traces, appending the path to a base URL', async () => {
    const sent: Sent[] = [];
    const fetch = fakeFetch(200, '{"partialSuccess":{}}', sent);
    await sendOtlp('http://collector:4318', payload, { fetch, headers: { Authorization: 'Basic abc123xyz' } });
    await sendOtlp('http://collector:4318/', payload, { fetch });
    await sendOtlp('http://collector:4318/v1/traces', payload, { fetch });
    await sendOtlp(' https://cloud.langfuse.com/api/public/otel ', payload, { fetch });
    expect(sent.map((request) => request.url)).toEqual([
      'http://collector:4318/v1/traces',
      'http://collector:4318/v1/traces',
      'http://collector:4318/v1/traces',
      'https://cloud.langfuse.com/api/public/otel/v1/traces',
    ]);
    const first = sent[0] as Sent;
    expect(first.init.method).toBe('POST');
    const headers = new Headers(first.init.headers);
    expect(headers.get('content-type')).toBe('application/json');
    expect(headers.get('authorization')).toBe('Basic abc123xyz');
    expect(JSON.parse(String(first.init.body))).toEqual(payload);
    expect(otlpTracesUrl('http://localhost:6006/v1/traces/').href).toBe('http://localhost:6006/v1/traces/');
  });

  it('turns HTTP errors into messages with hints, never echoing a header', async () => {
    const headers = { Authorization: 'Bearer phoenix-key-123456' };
    const auth = await failure(sendOtlp('http://collector:4318', payload, { headers, fetch: fakeFetch(401, '{"message":"bad key phoenix-key-123456"}') }));
    expect(auth).toMatchObject({ kind: 'http', status: 401, transient: false });
    expect(auth.message).toContain('HTTP 401');
    expect(auth.message).toContain('bad key');
    expect(auth.message).not.toContain('phoenix-key-123456');
    expect(auth.hint).toMatch(/Authorization/);

    const json = await failure(sendOtlp('http://localhost:6006', payload, { fetch: fakeFetch(415, 'Unsupported content type') }));
    expect(json.hint).toMatch(/Phoenix.*protobuf/);
    expect(json.hint).toMatch(/Collector/);

    const missing = await failure(sendOtlp('http://collector:4318/wrong/v1/traces', payload, { fetch: fakeFetch(404) }));
    expect(missing.hint).toMatch(/4318\/v1\/traces/);

    const busy = await failure(sendOtlp('http://collector:4318', payload, { fetch: fakeFetch(503) }));
    expect(busy).toMatchObject({ status: 503, transient: true });

    const grpc = await failure(sendOtlp('http://collector:4317', payload, { fetch: fakeFetch(400) }));
    expect(grpc.hint).toMatch(/gRPC/);

    const partial = await failure(sendOtlp('http://collector:4318', payload, { fetch: fakeFetch(200, '{"partialSuccess":{"rejectedSpans":"2","errorMessage":"bad span"}}') }));
    expect(partial).toMatchObject({ kind: 'rejected' });
    expect(partial.message).toMatch(/rejected 2 of its spans: bad span/);
  });

  it('explains a refused connection, and CORS in a page', async () => {
    const refused = (async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    }) as typeof fetch;
    const network = await failure(sendOtlp('http://127.0.0.1:4318', payload, { fetch: refused }));
    expect(network).toMatchObject({ kind: 'network', transient: true });
    expect(network.message).toMatch(/Could not reach http:\/\/127\.0\.0\.1:4318 \(ECONNREFUSED\)/);
    expect(network.hint).toMatch(/cors → allowed_origins/);

    // In a page: the POST fails, a no-cors probe gets through, so the collector answered and refused the origin.
    vi.stubGlobal('location', { protocol: 'http:', origin: 'http://localhost:5173' });
    const corsFetch = (async (_url: string | URL | Request, init?: RequestInit) => {
      if (init?.mode === 'no-cors') return new Response(null, { status: 200 });
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const cors = await failure(sendOtlp('http://127.0.0.1:4318', payload, { fetch: corsFetch, headers: { Authorization: 'Bearer abcdef123456' } }));
    expect(cors.kind).toBe('cors');
    expect(cors.hint).toContain('http://localhost:5173');
    expect(cors.hint).toMatch(/receivers → otlp → protocols → http → cors → allowed_origins/);
    expect(cors.hint).toMatch(/Phoenix and Langfuse/);
    expect(`${cors.message} ${cors.hint}`).not.toContain('abcdef123456');

    vi.stubGlobal('location', { protocol: 'https:', origin: 'https://stepwise.example' });
    const mixed = await failure(sendOtlp('http://collector.example:4318', payload, { fetch: corsFetch }));
    expect(mixed.kind).toBe('mixed-content');
  });

  it('refuses a URL that is not http(s) or carries credentials, and rethrows an abort', async () => {
    expect((await failure(sendOtlp('collector:4318', payload, { fetch: fakeFetch(200) }))).kind).toBe('bad-url');
    expect((await failure(sendOtlp('not a url', payload, { fetch: fakeFetch(200) }))).kind).toBe('bad-url');
    const withCredentials = await failure(sendOtlp('http://user:pass@collector:4318', payload, { fetch: fakeFetch(200) }));
    expect(withCredentials.message).not.toContain('user:pass');
    const controller = new AbortController();
    controller.abort();
    const aborting = (async (_url: string | URL | Request, init?: RequestInit) => {
      init?.signal?.throwIfAborted();
      return new Response('');
    }) as typeof fetch;
    await expect(sendOtlp('http://collector:4318', payload, { fetch: aborting, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('reaches a real OTLP receiver over a socket, which checks the body against the protobuf definitions', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const otlp = runToOtlp(await recordRun(), { secrets: [secret] });
      await sendOtlp(receiver.url, otlp, { headers: { Authorization: 'Bearer token-for-test' } });
      expect(receiver.rejected()).toEqual([]);
      expect(receiver.received()).toEqual([JSON.parse(JSON.stringify(otlp))]);
      const listed = (await (await fetch(`${receiver.url}/received`)).json()) as unknown[];
      expect(listed).toHaveLength(1);

      // A preflight from any origin is allowed, with the headers asked for.
      const preflight = await fetch(`${receiver.url}/v1/traces`, {
        method: 'OPTIONS',
        headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization,content-type');

      // A body that is not OTLP is refused with the reason.
      const bad = await failure(sendOtlp(receiver.url, { resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'x', traceId: 'zz' }] }] }] } as unknown as OtlpExport));
      expect(bad).toMatchObject({ kind: 'http', status: 400 });
      expect(bad.message).toMatch(/traceId/);
      expect(receiver.rejected()).toHaveLength(1);

      await fetch(`${receiver.url}/reset`, { method: 'POST' });
      expect(receiver.received()).toEqual([]);
    } finally {
      await receiver.close();
    }
    // The receiver is gone: the port refuses connections.
    const refused = await failure(sendOtlp(receiver.url, payload));
    expect(refused.kind).toBe('network');
    expect(refused.message).toMatch(/^Could not reach http:\/\/127\.0\.0\.1:\d+/);
  });
});
