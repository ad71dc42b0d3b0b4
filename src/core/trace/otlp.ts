import { readText, textKey } from '../run/calls.ts';
import type { ErrorInfo, ModelInfo, ModelRole, RecordedRequest, RunEvent, RunParent, TextRef } from '../run/events.ts';
import type { ChatTiming, ChatUsage, FinishReason } from '../llm/types.ts';
import type { ToolCall } from '../tools/types.ts';
import { redactKnownSecrets } from './redact.ts';

/**
 * A run as OpenTelemetry traces: the OTLP/JSON `ExportTraceServiceRequest` that an OTLP/HTTP
 * endpoint (an OpenTelemetry Collector, Phoenix, Langfuse, Jaeger …) takes at `/v1/traces`.
 *
 * The spans follow the OpenTelemetry GenAI semantic conventions, with OpenInference attributes
 * beside them so that Phoenix shows the kinds it knows:
 *
 *     invoke_agent Stepwise            the run (AGENT)
 *     ├── plan                         each time the planner is asked (CHAIN)
 *     │   └── chat <model>             the planner's request (LLM)
 *     ├── execute_tool <tool>          each run of a step (TOOL)
 *     │   └── chat <model>             the tool caller, its fallback, or the `llm` tool's request
 *     └── solve                        the solver (CHAIN)
 *         └── chat <model>
 *
 * Steps run while the plan still streams, so `execute_tool` spans sit under the run, beside the
 * plan. Steps that never ran (skipped, restored from a parent run, set by hand, failed before
 * they started) are events on the run span; every planned step is an event on its plan span.
 *
 * Ids are derived from the run id and each span's identity (`c3`, `#E2` run 1 …), so the same
 * run exported twice gives the same trace; times are `run-start.startedAt` plus each event's
 * `at`. Every string that comes from the run passes through the known-secrets redaction first.
 *
 * Why not `@opentelemetry/otlp-transformer`: its one JSON entry point, `JsonTraceSerializer`,
 * takes the SDK's `ReadableSpan` objects (span contexts, `HrTime` tuples, a `Resource` from
 * `@opentelemetry/resources`), which a finished recording would have to fake; once ids, times
 * and parents are computed (the work here) what is left is a field-for-field copy. The package
 * also pulls in the SDK's core, resources, trace, logs and metrics packages and, in its current
 * line, wants Node 22.15 where this project supports 20.19. So the JSON is written here, and the
 * tests check it against the official protobuf definitions instead.
 */

// ---------------------------------------------------------------------------------------------
// OTLP/JSON shapes (protobuf JSON mapping: lowerCamelCase, 64-bit integers as decimal strings,
// enums as integers, trace and span ids as lower-case hex as the OTLP/JSON spec says).

export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: OtlpAnyValue[] } };

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export interface OtlpSpanEvent {
  timeUnixNano: string;
  name: string;
  attributes: OtlpKeyValue[];
}

export interface OtlpLink {
  traceId: string;
  spanId: string;
  attributes: OtlpKeyValue[];
}

/** `opentelemetry.proto.trace.v1.Status.StatusCode`. */
export const otlpStatusCode = { unset: 0, ok: 1, error: 2 } as const;

/** `opentelemetry.proto.trace.v1.Span.SpanKind`. */
export const otlpSpanKind = { internal: 1, server: 2, client: 3 } as const;

export interface OtlpStatus {
  code: (typeof otlpStatusCode)[keyof typeof otlpStatusCode];
  message?: string;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  /** Absent on the root span. */
  parentSpanId?: string;
  name: string;
  kind: (typeof otlpSpanKind)[keyof typeof otlpSpanKind];
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  events: OtlpSpanEvent[];
  links: OtlpLink[];
  status: OtlpStatus;
}

/** An OTLP/JSON `ExportTraceServiceRequest`, ready for `JSON.stringify`. */
export interface OtlpExport {
  resourceSpans: {
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[];
  }[];
}

export interface OtlpOptions {
  /** `service.name` of the resource (default `stepwise`); also Phoenix's project name. */
  serviceName?: string;
  /** Literal values (API keys, tokens in proxy URLs) scrubbed from every string that is exported. */
  secrets?: readonly string[];
  /** Longest text kept in one attribute or message part (default 16 384 characters); longer ones are cut with a note. */
  maxTextLength?: number;
}

/** The instrumentation scope named in the export. */
export const otlpScopeName = 'stepwise';

/** Texts longer than this are cut in the export, unless `maxTextLength` says otherwise. */
export const defaultOtlpTextLimit = 16_384;

// ---------------------------------------------------------------------------------------------
// Ids and times

/** 16 hex digits from `text` (two 32-bit halves of cyrb53); never all zeros (an invalid id). */
function hex64(text: string): string {
  const key = textKey(text);
  return /^0+$/.test(key) ? '0000000000000001' : key;
}

/** The trace id of a run: 32 hex digits derived from its id. */
export function otlpTraceId(runId: string): string {
  return `${hex64(`stepwise-trace:${runId}`)}${hex64(`stepwise-trace-low:${runId}`)}`;
}

/** The span id of one span of a run: 16 hex digits from the run id and the span's identity. */
export function otlpSpanId(runId: string, identity: string): string {
  return hex64(`stepwise-span:${runId}:${identity}`);
}

const rootIdentity = 'run';

function nanosSinceEpoch(startedAt: string | undefined): bigint {
  const millis = startedAt === undefined ? Number.NaN : Date.parse(startedAt);
  return Number.isFinite(millis) ? BigInt(millis) * 1_000_000n : 0n;
}

// ---------------------------------------------------------------------------------------------
// Attributes

type Redact = (text: string) => string;

/** Collects a span's attributes; every string is redacted, then cut to the text limit. */
class AttributeList {
  readonly list: OtlpKeyValue[] = [];
  /** `redact` scrubs secrets; `clean` scrubs them and then cuts the text to the limit. */
  constructor(
    private readonly redact: Redact,
    private readonly clean: Redact,
  ) {}

  text(key: string, value: string | undefined): this {
    return value === undefined ? this : this.set(key, { stringValue: this.clean(value) });
  }

  /** A JSON document (built from cleaned parts): redacted again as a whole, never cut (a cut would break it). */
  json(key: string, value: unknown): this {
    return value === undefined ? this : this.set(key, { stringValue: this.redact(JSON.stringify(value)) });
  }

  int(key: string, value: number | undefined): this {
    return value === undefined || !Number.isFinite(value) ? this : this.set(key, { intValue: String(Math.trunc(value)) });
  }

  double(key: string, value: number | undefined): this {
    return value === undefined || !Number.isFinite(value) ? this : this.set(key, { doubleValue: value });
  }

  bool(key: string, value: boolean | undefined): this {
    return value === undefined ? this : this.set(key, { boolValue: value });
  }

  strings(key: string, values: readonly string[] | undefined): this {
    return values === undefined ? this : this.set(key, { arrayValue: { values: values.map((value) => ({ stringValue: this.clean(value) })) } });
  }

  /** Keys are unique in OTLP: a later value replaces an earlier one. */
  private set(key: string, value: OtlpAnyValue): this {
    const existing = this.list.find((item) => item.key === key);
    if (existing) existing.value = value;
    else this.list.push({ key, value });
    return this;
  }
}

/** `text` cut to `limit` characters (never inside a surrogate pair), with a note of how much was left out. */
function cut(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(limit - 1)) ? limit - 1 : limit;
  return `${text.slice(0, end)}… [${text.length - end} more ${text.length - end === 1 ? 'character' : 'characters'}]`;
}

/** GenAI message JSON (`gen_ai.input.messages` / `gen_ai.output.messages`). */
interface GenAiPart {
  type: 'text' | 'reasoning';
  content: string;
}
interface GenAiMessage {
  role: string;
  parts: GenAiPart[];
  finish_reason?: string;
}

// ---------------------------------------------------------------------------------------------
// Span records while the events are read

interface SpanRecord {
  identity: string;
  parent?: SpanRecord;
  name: string;
  kind: OtlpSpan['kind'];
  start: number;
  end?: number;
  attributes: AttributeList;
  events: OtlpSpanEvent[];
  links: OtlpLink[];
  status: OtlpStatus;
}

interface PlanRecord {
  span: SpanRecord;
  text: string;
  reasoning: string;
  steps: number;
}

interface StepInfo {
  tool: string;
  input: string;
  deps: readonly string[];
  thought?: string;
  runs: number;
}

interface StepRun {
  span: SpanRecord;
  stepId: string;
  run: number;
  tool: string;
  substitutedInput: string;
  call?: ToolCall;
  dispatch?: { path: string; attempts: number; engineId?: string };
  toolAttempts: number;
}

function providerName(model: ModelInfo): string {
  if (model.url !== undefined) {
    try {
      const host = new URL(model.url).hostname.toLowerCase();
      if (host === 'api.openai.com') return 'openai';
    } catch {
      // Not a URL: fall through.
    }
    return 'openai_compatible';
  }
  const colon = model.id.indexOf(':');
  return colon > 0 ? model.id.slice(0, colon) : model.id;
}

function requestModel(model: ModelInfo): string {
  if (model.model !== undefined && model.model !== '') return model.model;
  const colon = model.id.indexOf(':');
  return colon > 0 ? model.id.slice(colon + 1) : model.id;
}

/**
 * The events of one run as an OTLP/JSON `ExportTraceServiceRequest` (see the module comment
 * for the span tree). Works on finished and interrupted runs alike: spans still open end at the
 * time of the last event.
 */
export function runToOtlp(events: readonly RunEvent[], options: OtlpOptions = {}): OtlpExport {
  const secrets = options.secrets ?? [];
  const limit = Math.max(1, options.maxTextLength ?? defaultOtlpTextLimit);
  const redact: Redact = (text) => (secrets.length === 0 ? text : redactKnownSecrets(text, secrets));
  const clean: Redact = (text) => cut(redact(text), limit);
  /** A message part's text: redacted, then cut. */
  const part = (type: GenAiPart['type'], content: string): GenAiPart => ({ type, content: clean(content) });

  const start = events.find((event): event is Extract<RunEvent, { type: 'run-start' }> => event.type === 'run-start');
  const runId = start?.runId ?? 'unknown-run';
  const traceId = otlpTraceId(runId);
  const base = nanosSinceEpoch(start?.startedAt);
  const nanos = (at: number) => (base + BigInt(Math.max(0, Math.round(at * 1_000_000)))).toString();
  const lastAt = events.reduce((latest, event) => Math.max(latest, event.at), 0);

  const blobs = new Map<string, string>();
  for (const event of events) if (event.type === 'blob') blobs.set(event.key, event.text);
  const read = (ref: TextRef) => readText(ref, blobs);

  const spans: SpanRecord[] = [];
  const open = (identity: string, name: string, at: number, parent: SpanRecord | undefined, kind: OtlpSpan['kind'] = otlpSpanKind.internal): SpanRecord => {
    const span: SpanRecord = {
      identity,
      name: redact(name),
      kind,
      start: at,
      attributes: new AttributeList(redact, clean),
      events: [],
      links: [],
      status: { code: otlpStatusCode.unset },
      ...(parent ? { parent } : {}),
    };
    spans.push(span);
    return span;
  };
  const addEvent = (span: SpanRecord, at: number, name: string, fill?: (attributes: AttributeList) => void) => {
    const attributes = new AttributeList(redact, clean);
    fill?.(attributes);
    span.events.push({ timeUnixNano: nanos(at), name, attributes: attributes.list });
  };
  const fail = (span: SpanRecord, at: number, error: ErrorInfo) => {
    span.status = { code: otlpStatusCode.error, message: clean(error.message) };
    span.attributes.text('error.type', error.name);
    addEvent(span, at, 'exception', (attributes) => attributes.text('exception.type', error.name).text('exception.message', error.message).text('stepwise.error.hint', error.hint));
  };

  // The run.
  const root = open(rootIdentity, 'invoke_agent Stepwise', start?.at ?? events[0]?.at ?? 0, undefined);
  const task = start?.task ?? '';
  root.attributes
    .text('gen_ai.operation.name', 'invoke_agent')
    .text('gen_ai.agent.name', 'Stepwise')
    .text('gen_ai.conversation.id', runId)
    .text('stepwise.run.id', runId)
    .text('session.id', runId)
    .text('openinference.span.kind', 'AGENT')
    .text('input.value', task)
    .text('input.mime_type', 'text/plain')
    .json('gen_ai.input.messages', [{ role: 'user', parts: [part('text', task)] }] satisfies GenAiMessage[]);
  const parent: RunParent | undefined = start?.parent;
  if (parent) {
    root.attributes.text('stepwise.run.parent_id', parent.runId).text('stepwise.run.change', parent.change.type);
    const attributes = new AttributeList(redact, clean).text('stepwise.link.type', 'parent-run');
    root.links.push({ traceId: otlpTraceId(parent.runId), spanId: otlpSpanId(parent.runId, rootIdentity), attributes: attributes.list });
  }

  let runStatus: string | undefined;
  let runError: ErrorInfo | undefined;
  let answer = '';
  let answerReasoning = '';
  let answerEnded = false;

  const plans: PlanRecord[] = [];
  let plan: PlanRecord | undefined;
  const endPlan = (at: number) => {
    if (!plan) return;
    plan.span.end = at;
    plan = undefined;
  };

  const stepInfo = new Map<string, StepInfo>();
  /** The open (or just ended, awaiting its outcome) run of each step. */
  const stepRuns = new Map<string, StepRun>();
  const lastRun = new Map<string, StepRun>();
  const runs: StepRun[] = [];
  const closeRun = (run: StepRun, at: number, status: string) => {
    run.span.end ??= at;
    run.span.attributes.text('stepwise.step.status', status);
    stepRuns.delete(run.stepId);
  };

  let solve: SpanRecord | undefined;
  let solves = 0;
  /** The span of each model call, by call id. */
  const calls = new Map<string, SpanRecord>();

  // The scheduler queues its events and the model-call recorder does not, so a tool caller's
  // `model-call-start` can arrive before its step's `call-start`; `at` gives the true order.
  const ordered = [...events].sort((a, b) => a.at - b.at);
  for (const event of ordered) {
    const { at } = event;
    switch (event.type) {
      case 'run-start':
      case 'blob':
      case 'step-ready':
        break;
      case 'run-paused':
        addEvent(root, at, 'stepwise.run.paused');
        break;
      case 'run-resumed':
        addEvent(root, at, 'stepwise.run.resumed');
        break;
      case 'plan-start': {
        endPlan(at);
        const span = open(`plan:${plans.length + 1}`, 'plan', at, root);
        span.attributes.text('openinference.span.kind', 'CHAIN').text('input.value', task).text('input.mime_type', 'text/plain').int('stepwise.plan.attempt', plans.length + 1);
        plan = { span, text: '', reasoning: '', steps: 0 };
        plans.push(plan);
        break;
      }
      case 'plan-delta':
        if (plan) plan.text += event.text;
        break;
      case 'plan-reasoning-delta':
        if (plan) plan.reasoning += event.text;
        break;
      case 'step-added': {
        const { step } = event;
        stepInfo.set(step.id, { tool: step.tool, input: step.input, deps: step.deps, ...(step.thought === undefined ? {} : { thought: step.thought }), runs: stepInfo.get(step.id)?.runs ?? 0 });
        if (plan) plan.steps++;
        addEvent(plan?.span ?? root, at, 'stepwise.step.added', (attributes) =>
          attributes
            .text('stepwise.step.id', step.id)
            .text('gen_ai.tool.name', step.tool)
            .text('stepwise.step.input', step.input)
            .strings('stepwise.step.dependencies', step.deps)
            .text('stepwise.step.thought', step.thought)
            .strings('stepwise.step.problems', event.errors.length > 0 ? event.errors.map((problem) => problem.message) : undefined),
        );
        break;
      }
      case 'plan-end':
        if (plan) {
          plan.span.attributes.int('stepwise.plan.error_count', event.errors.length).int('stepwise.plan.warning_count', event.warnings.length);
          for (const problem of [...event.errors.map((item) => ['error', item] as const), ...event.warnings.map((item) => ['warning', item] as const)]) {
            addEvent(plan.span, at, 'stepwise.plan.problem', (attributes) => attributes.text('stepwise.problem.severity', problem[0]).text('stepwise.problem.message', problem[1].message).int('stepwise.problem.line', problem[1].line));
          }
        }
        endPlan(at);
        break;
      case 'plan-failed':
        if (plan) {
          fail(plan.span, at, event.error);
          endPlan(at);
        } else addEvent(root, at, 'stepwise.plan.failed', (attributes) => attributes.text('error.type', event.error.name).text('exception.message', event.error.message));
        break;
      case 'step-edited': {
        const info = stepInfo.get(event.id);
        if (info) {
          if (event.tool !== undefined) info.tool = event.tool;
          if (event.input !== undefined) info.input = event.input;
          if (event.deps !== undefined) info.deps = event.deps;
        }
        addEvent(root, at, 'stepwise.step.edited', (attributes) => attributes.text('stepwise.step.id', event.id).text('gen_ai.tool.name', event.tool).text('stepwise.step.input', event.input));
        break;
      }
      case 'call-start': {
        const previous = stepRuns.get(event.id);
        if (previous) closeRun(previous, at, 'interrupted');
        const info = stepInfo.get(event.id) ?? { tool: 'unknown', input: event.input, deps: [], runs: 0 };
        stepInfo.set(event.id, info);
        info.runs++;
        const span = open(`step:${event.id}:${info.runs}`, `execute_tool ${info.tool}`, at, root);
        span.attributes
          .text('gen_ai.operation.name', 'execute_tool')
          .text('gen_ai.tool.type', 'function')
          .text('gen_ai.tool.call.id', `${event.id}:${info.runs}`)
          .text('openinference.span.kind', 'TOOL')
          .text('stepwise.step.id', event.id)
          .int('stepwise.step.run', info.runs)
          .text('stepwise.step.input', info.input)
          .text('stepwise.step.substituted_input', event.input)
          .strings('stepwise.step.dependencies', info.deps)
          .text('stepwise.step.thought', info.thought);
        const run: StepRun = { span, stepId: event.id, run: info.runs, tool: info.tool, substitutedInput: event.input, toolAttempts: 0 };
        stepRuns.set(event.id, run);
        lastRun.set(event.id, run);
        runs.push(run);
        break;
      }
      case 'call-resolved': {
        const run = stepRuns.get(event.id);
        if (run) {
          run.call = event.dispatch.call;
          run.dispatch = { path: event.dispatch.path, attempts: event.dispatch.attempts, ...(event.dispatch.engineId === undefined ? {} : { engineId: event.dispatch.engineId }) };
        }
        break;
      }
      case 'approval-required': {
        const run = stepRuns.get(event.id);
        if (run) addEvent(run.span, at, 'stepwise.approval.required', (attributes) => attributes.text('gen_ai.tool.call.arguments', JSON.stringify(event.call.arguments)));
        break;
      }
      case 'approval-given': {
        const run = stepRuns.get(event.id);
        if (run) {
          run.call = event.call;
          addEvent(run.span, at, 'stepwise.approval.given', (attributes) => attributes.bool('stepwise.approval.edited', event.edited).bool('stepwise.approval.reused', event.reused));
        }
        break;
      }
      case 'step-paused': {
        const run = stepRuns.get(event.id);
        addEvent(run?.span ?? root, at, 'stepwise.step.paused', (attributes) => attributes.text('stepwise.step.id', event.id).text('stepwise.pause.reason', event.reason));
        break;
      }
      case 'tool-start': {
        const run = stepRuns.get(event.id);
        if (run) run.toolAttempts = Math.max(run.toolAttempts, event.attempt);
        break;
      }
      case 'step-retry': {
        const run = stepRuns.get(event.id);
        if (run)
          addEvent(run.span, at, 'stepwise.step.retry', (attributes) =>
            attributes.text('stepwise.retry.phase', event.phase ?? 'tool').int('stepwise.retry.attempt', event.attempt).int('stepwise.retry.delay_ms', event.delayMs).text('error.type', event.error.name).text('exception.message', event.error.message),
          );
        break;
      }
      case 'call-end': {
        const run = stepRuns.get(event.id);
        // The outcome (evidence, step-failed, step-skipped, step-stale) follows at once.
        if (run) run.span.end = at;
        break;
      }
      case 'evidence': {
        const run = stepRuns.get(event.id);
        if (run) {
          run.span.attributes
            .text('gen_ai.tool.call.result', event.text)
            .text('output.value', event.text)
            .text('output.mime_type', 'text/plain')
            .int('stepwise.evidence.original_length', event.originalLength)
            .bool('stepwise.evidence.truncated', event.truncated);
          if (event.source) run.span.attributes.text('stepwise.evidence.source', event.source.kind);
          closeRun(run, at, 'done');
        } else {
          addEvent(root, at, 'stepwise.step.restored', (attributes) =>
            attributes
              .text('stepwise.step.id', event.id)
              .text('gen_ai.tool.name', stepInfo.get(event.id)?.tool)
              .text('stepwise.evidence.source', event.source?.kind ?? 'resumed')
              .text('stepwise.evidence.source_run', event.source?.kind === 'reused' ? event.source.runId : undefined)
              .text('gen_ai.tool.call.result', event.text),
          );
        }
        break;
      }
      case 'step-failed': {
        const run = stepRuns.get(event.id);
        if (run) {
          fail(run.span, at, event.error);
          closeRun(run, at, 'failed');
        } else {
          addEvent(root, at, 'stepwise.step.failed', (attributes) =>
            attributes.text('stepwise.step.id', event.id).text('gen_ai.tool.name', stepInfo.get(event.id)?.tool).text('error.type', event.error.name).text('exception.message', event.error.message),
          );
        }
        break;
      }
      case 'step-skipped': {
        const run = stepRuns.get(event.id);
        if (run) {
          run.span.attributes.text('stepwise.step.skip_reason', event.reason);
          addEvent(run.span, at, 'stepwise.step.skipped', (attributes) => attributes.text('stepwise.step.skip_reason', event.reason));
          closeRun(run, at, 'skipped');
        } else {
          addEvent(root, at, 'stepwise.step.skipped', (attributes) =>
            attributes.text('stepwise.step.id', event.id).text('gen_ai.tool.name', stepInfo.get(event.id)?.tool).text('stepwise.step.skip_reason', event.reason),
          );
        }
        break;
      }
      case 'step-stale': {
        const run = stepRuns.get(event.id);
        if (run) {
          run.span.attributes.text('stepwise.step.stale_because', event.because);
          closeRun(run, at, 'stale');
        } else addEvent(root, at, 'stepwise.step.stale', (attributes) => attributes.text('stepwise.step.id', event.id).text('stepwise.step.stale_because', event.because));
        break;
      }
      case 'solve-start': {
        solves++;
        if (solve) solve.end ??= at;
        solve = open(`solve:${solves}`, 'solve', at, root);
        solve.attributes.text('openinference.span.kind', 'CHAIN').text('input.value', task).text('input.mime_type', 'text/plain');
        answer = '';
        answerReasoning = '';
        answerEnded = false;
        break;
      }
      case 'solve-delta':
        answer += event.text;
        break;
      case 'solve-reasoning-delta':
        answerReasoning += event.text;
        break;
      case 'solve-end':
        answerEnded = true;
        if (solve) {
          solve.end = at;
          solve.attributes.text('stepwise.solve.reused_from', event.reusedFrom);
        }
        break;
      case 'solve-failed':
        if (solve) {
          fail(solve, at, event.error);
          solve.end = at;
        }
        break;
      case 'run-end':
        root.end = at;
        runStatus = event.status;
        runError = event.error;
        break;
      case 'model-call-start': {
        let parentSpan: SpanRecord = root;
        if (event.role === 'planner') parentSpan = plan?.span ?? plans.at(-1)?.span ?? root;
        else if (event.role === 'solver') parentSpan = solve ?? root;
        else if (event.step !== undefined) parentSpan = (stepRuns.get(event.step) ?? lastRun.get(event.step))?.span ?? root;
        const modelName = requestModel(event.model);
        const span = open(`call:${event.callId}`, `chat ${modelName}`, at, parentSpan, event.model.url === undefined ? otlpSpanKind.internal : otlpSpanKind.client);
        calls.set(event.callId, span);
        describeRequest(span.attributes, event.callId, event.role, event.step, event.model, event.request, read, part);
        break;
      }
      case 'model-call-end': {
        const span = calls.get(event.callId);
        if (span) {
          span.end = at;
          describeAnswer(span.attributes, event.text, event.reasoning, event.finishReason, event.usage, event.timing, part);
        }
        break;
      }
      case 'model-call-failed': {
        const span = calls.get(event.callId);
        if (span) {
          span.end = at;
          describeAnswer(span.attributes, event.text, event.reasoning, undefined, undefined, { totalMs: event.durationMs }, part);
          fail(span, at, event.error);
        }
        break;
      }
      default: {
        const unknown: never = event;
        void unknown;
      }
    }
  }

  // What the run spans say once every event is read.
  for (const record of plans) {
    record.span.attributes
      .int('stepwise.plan.step_count', record.steps)
      .text('output.value', record.text)
      .text('output.mime_type', 'text/plain')
      .text('stepwise.plan.reasoning', record.reasoning === '' ? undefined : record.reasoning);
  }
  for (const run of runs) {
    if (stepRuns.get(run.stepId) === run) closeRun(run, lastAt, 'interrupted');
    describeStepCall(run);
  }
  if (solve) {
    solve.attributes.text('output.value', answer).text('output.mime_type', 'text/plain').text('stepwise.solve.reasoning', answerReasoning === '' ? undefined : answerReasoning);
  }
  root.attributes.text('stepwise.run.status', runStatus ?? 'interrupted');
  if (answerEnded && runStatus === 'done') {
    root.attributes
      .text('output.value', answer)
      .text('output.mime_type', 'text/plain')
      .json('gen_ai.output.messages', [{ role: 'assistant', parts: [part('text', answer)], finish_reason: 'stop' }] satisfies GenAiMessage[]);
  }
  if (runError && runStatus !== 'done') fail(root, root.end ?? lastAt, runError);

  const serviceName = options.serviceName ?? 'stepwise';
  const resource = new AttributeList(redact, clean).text('service.name', serviceName).text('openinference.project.name', serviceName);
  return {
    resourceSpans: [
      {
        resource: { attributes: resource.list },
        scopeSpans: [{ scope: { name: otlpScopeName }, spans: spans.map((span) => toOtlpSpan(span, runId, traceId, nanos, lastAt)) }],
      },
    ],
  };

  /** Attributes that are known only when the run of a step is over: its call. */
  function describeStepCall(run: StepRun): void {
    const attributes = run.span.attributes;
    const name = run.call?.name ?? run.tool;
    attributes.text('gen_ai.tool.name', name).text('tool.name', name);
    if (run.call) {
      attributes.json('gen_ai.tool.call.arguments', redactArguments(run.call.arguments)).json('input.value', redactArguments(run.call.arguments)).text('input.mime_type', 'application/json');
    } else attributes.text('input.value', run.substitutedInput).text('input.mime_type', 'text/plain');
    if (run.dispatch) {
      attributes.text('stepwise.dispatch.path', run.dispatch.path).int('stepwise.dispatch.attempts', run.dispatch.attempts).text('stepwise.dispatch.engine', run.dispatch.engineId);
    }
    attributes.int('stepwise.tool.attempts', run.toolAttempts);
  }

  /** Tool arguments with every string in them redacted and cut. */
  function redactArguments(value: unknown): unknown {
    if (typeof value === 'string') return clean(value);
    if (Array.isArray(value)) return value.map(redactArguments);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactArguments(item)]));
    return value;
  }
}

function describeRequest(
  attributes: AttributeList,
  callId: string,
  role: ModelRole,
  step: string | undefined,
  model: ModelInfo,
  request: RecordedRequest,
  read: (ref: TextRef) => string,
  part: (type: GenAiPart['type'], content: string) => GenAiPart,
): void {
  const modelName = requestModel(model);
  const provider = providerName(model);
  const messages = request.messages.map((message) => ({ role: message.role, content: read(message) }));
  attributes
    .text('gen_ai.operation.name', 'chat')
    .text('gen_ai.provider.name', provider)
    .text('gen_ai.request.model', modelName)
    .int('gen_ai.request.max_tokens', request.maxTokens)
    .double('gen_ai.request.temperature', request.temperature)
    .strings('gen_ai.request.stop_sequences', request.stop)
    .text('gen_ai.output.type', request.schema === undefined ? 'text' : 'json')
    .json('gen_ai.input.messages', messages.map((message): GenAiMessage => ({ role: message.role, parts: [part('text', message.content)] })))
    .text('openinference.span.kind', 'LLM')
    .text('llm.model_name', modelName)
    .text('llm.provider', provider)
    .json('llm.invocation_parameters', {
      ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.stop === undefined ? {} : { stop: request.stop }),
    })
    .text('stepwise.call.id', callId)
    .text('stepwise.model.role', role)
    .text('stepwise.model.engine', model.id)
    .text('stepwise.model.label', model.label)
    .text('stepwise.step.id', step);
  messages.forEach((message, index) => {
    attributes.text(`llm.input_messages.${index}.message.role`, message.role).text(`llm.input_messages.${index}.message.content`, message.content);
  });
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  attributes.text('input.value', lastUser?.content ?? messages.at(-1)?.content ?? '').text('input.mime_type', 'text/plain');
  if (request.schema !== undefined) attributes.text('stepwise.request.json_schema', read(request.schema));
  if (model.url !== undefined) {
    attributes.text('url.full', model.url);
    try {
      const url = new URL(model.url);
      const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
      attributes.text('server.address', url.hostname).int('server.port', port);
    } catch {
      // Not a URL: no server attributes.
    }
  }
}

function describeAnswer(
  attributes: AttributeList,
  text: string,
  reasoning: string,
  finishReason: FinishReason | undefined,
  usage: ChatUsage | undefined,
  timing: ChatTiming,
  part: (type: GenAiPart['type'], content: string) => GenAiPart,
): void {
  const parts = [...(reasoning === '' ? [] : [part('reasoning', reasoning)]), part('text', text)];
  const reason = finishReason ?? 'error';
  attributes
    .json('gen_ai.output.messages', [{ role: 'assistant', parts, finish_reason: reason }] satisfies GenAiMessage[])
    .text('output.value', text)
    .text('output.mime_type', 'text/plain')
    .text('llm.output_messages.0.message.role', 'assistant')
    .text('llm.output_messages.0.message.content', text)
    .double('stepwise.timing.first_token_ms', timing.firstTokenMs)
    .double('stepwise.timing.total_ms', timing.totalMs);
  if (finishReason !== undefined) attributes.strings('gen_ai.response.finish_reasons', [finishReason]);
  if (usage) {
    attributes
      .int('gen_ai.usage.input_tokens', usage.promptTokens)
      .int('gen_ai.usage.output_tokens', usage.completionTokens)
      .int('llm.token_count.prompt', usage.promptTokens)
      .int('llm.token_count.completion', usage.completionTokens)
      .int('llm.token_count.total', usage.promptTokens + usage.completionTokens);
  }
}

function toOtlpSpan(span: SpanRecord, runId: string, traceId: string, nanos: (at: number) => string, lastAt: number): OtlpSpan {
  const end = Math.max(span.end ?? lastAt, span.start);
  return {
    traceId,
    spanId: otlpSpanId(runId, span.identity),
    ...(span.parent ? { parentSpanId: otlpSpanId(runId, span.parent.identity) } : {}),
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: nanos(span.start),
    endTimeUnixNano: nanos(end),
    attributes: span.attributes.list,
    events: span.events,
    links: span.links,
    status: span.status,
  };
}
