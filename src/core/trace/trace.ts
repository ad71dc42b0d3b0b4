import { z } from 'zod';
import type { RunEvent, RunEventType } from '../run/events.ts';
import { redactSecrets } from './redact.ts';

/**
 * The versioned run record: the events of one run plus the settings that produced them, so that
 * a run can be shared and replayed exactly, without models or network. Export redacts secrets;
 * import validates every event and explains what is wrong in words a person understands.
 */

/** The `format` field of every trace file. */
export const traceFormat = 'stepwise-trace';

/** The trace version this app writes and reads. Older versions are migrated on import. */
export const traceVersion = 3;

/** Which run a trace records. */
export interface TraceRunInfo {
  id: string;
  task: string;
  /** ISO time the run was created. */
  createdAt: string;
}

/**
 * The settings that produced a run, sanitised: which engine played each role, the models, the
 * limits and the enabled tools. Never an API key, a header or a tool setting (proxy URLs can
 * carry tokens). Every field is optional on import: the settings only inform.
 */
export interface TraceSettings {
  roles?: { planner: string; toolCaller: string; solver: string };
  /** In-browser model ids by engine (`webgpu`, `cpu`). */
  models?: Record<string, string>;
  /** The planner endpoint: base URL (credentials removed) and model name. */
  planner?: { url: string; model: string; structuredOutput?: string };
  concurrency?: number;
  evidenceLimit?: number;
  toolTimeoutMs?: number;
  pauseBeforeEachStep?: boolean;
  toolBreakpoints?: string[];
  /** Names of the tools that were enabled. */
  tools?: string[];
}

/** A run trace, version 1. */
export interface StepwiseTrace {
  format: typeof traceFormat;
  version: typeof traceVersion;
  /** ISO time of the export. */
  exportedAt: string;
  run: TraceRunInfo;
  settings: TraceSettings;
  events: RunEvent[];
}

/**
 * The app's settings as `createTrace` reads them. The store's `Settings` fits this shape; only
 * the fields listed in `TraceSettings` are copied, and `planner.apiKey` is used only to scrub
 * its value from the rest of the trace.
 */
export interface TraceSettingsSource {
  planner: { url: string; model: string; apiKey?: string; structuredOutput?: string };
  roles: { planner: string; toolCaller: string; solver: string };
  models?: Readonly<Record<string, string>>;
  concurrency?: number;
  evidenceLimit?: number;
  toolTimeoutMs?: number;
  pauseBeforeEachStep?: boolean;
  toolBreakpoints?: readonly string[];
}

/** What `createTrace` and `exportTrace` need. */
export interface TraceInput {
  run: TraceRunInfo;
  settings: TraceSettingsSource;
  /** Names of the tools that were enabled for the run. */
  tools: readonly string[];
  events: readonly RunEvent[];
  /** ISO time; default now. */
  exportedAt?: string;
  /** More literal values to scrub wherever they appear (tokens in proxy URLs, …). */
  secrets?: readonly string[];
}

/** The answer of `importTrace`: a valid trace, or what is wrong with the text. */
export type TraceImportResult = { ok: true; trace: StepwiseTrace } | { ok: false; problems: string[] };

// ---------------------------------------------------------------------------------------------
// Export

function sanitiseSettings(settings: TraceSettingsSource, tools: readonly string[]): TraceSettings {
  const result: TraceSettings = {
    roles: { planner: settings.roles.planner, toolCaller: settings.roles.toolCaller, solver: settings.roles.solver },
    planner: { url: settings.planner.url, model: settings.planner.model },
    tools: [...tools],
  };
  if (settings.planner.structuredOutput !== undefined && result.planner) result.planner.structuredOutput = settings.planner.structuredOutput;
  if (settings.models !== undefined) result.models = { ...settings.models };
  if (settings.concurrency !== undefined) result.concurrency = settings.concurrency;
  if (settings.evidenceLimit !== undefined) result.evidenceLimit = settings.evidenceLimit;
  if (settings.toolTimeoutMs !== undefined) result.toolTimeoutMs = settings.toolTimeoutMs;
  if (settings.pauseBeforeEachStep !== undefined) result.pauseBeforeEachStep = settings.pauseBeforeEachStep;
  if (settings.toolBreakpoints !== undefined) result.toolBreakpoints = [...settings.toolBreakpoints];
  return result;
}

/**
 * The trace of a run, secrets removed: the API key in the settings is never copied, and its
 * value, any `secrets`, bearer tokens, auth headers and URL credentials are scrubbed from the
 * task, the settings and every event.
 */
export function createTrace(input: TraceInput): StepwiseTrace {
  const secrets = [input.settings.planner.apiKey ?? '', ...(input.secrets ?? [])];
  const trace: StepwiseTrace = {
    format: traceFormat,
    version: traceVersion,
    exportedAt: input.exportedAt ?? new Date().toISOString(),
    run: { id: input.run.id, task: input.run.task, createdAt: input.run.createdAt },
    settings: sanitiseSettings(input.settings, input.tools),
    events: [...input.events],
  };
  return redactSecrets(trace, secrets);
}

/** The trace of a run as pretty JSON, ready to save as a `.json` file (see `createTrace`). */
export function exportTrace(input: TraceInput): string {
  return `${JSON.stringify(createTrace(input), null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------
// Schemas: one per RunEvent member. Unknown extra fields are accepted and dropped.

/** The most events a trace may hold: far more than a real run makes, with one event per streamed chunk. */
export const maximumTraceEvents = 200_000;

/** The most steps one plan in a trace may have. */
export const maximumTraceSteps = 2_000;

/** The longest trace file `importTrace` reads, in characters. */
export const maximumTraceCharacters = 100_000_000;

const evidenceVariablePattern = /^#E\d+$/;

function quoted(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/**
 * An evidence variable, `#E` and a number: what names a step everywhere in a trace (step ids,
 * dependencies, substitutions). Nothing else is accepted, so that a crafted name such as
 * `constructor` or `__proto__` never reaches code that looks steps up by name.
 */
const evidenceVariableSchema = z
  .string()
  .regex(evidenceVariablePattern, { error: (issue) => `must be an evidence variable like #E1, not ${quoted(issue.input)}` });

const finiteNumber = z.number().finite();
const nonNegative = finiteNumber.nonnegative();
const count = z.number().int().nonnegative();

const planStepSchema = z.object({
  id: evidenceVariableSchema,
  tool: z.string(),
  input: z.string(),
  deps: z.array(evidenceVariableSchema),
  thought: z.string().optional(),
  args: z.record(z.string(), z.unknown()).optional(),
  line: count.optional(),
});
const planProblemSchema = z.object({ message: z.string(), line: count.optional() });
const usageSchema = z.object({ promptTokens: nonNegative, completionTokens: nonNegative });
const toolCallSchema = z.object({ name: z.string(), arguments: z.record(z.string(), z.unknown()) });
const errorInfoSchema = z.object({ name: z.string(), message: z.string(), hint: z.string().optional() });
const substitutionSchema = z.object({ variable: evidenceVariableSchema, start: count, end: count });
const dispatchSchema = z.object({
  call: toolCallSchema,
  path: z.enum(['fast-path', 'engine', 'fallback', 'edited', 'reused']),
  engineId: z.string().optional(),
  attempts: count,
  usage: usageSchema.optional(),
  durationMs: nonNegative,
});
const pauseReasonSchema = z.enum(['breakpoint-step', 'breakpoint-tool', 'single-step', 'pause-before-each', 'user']);
const runStatusSchema = z.enum(['done', 'failed', 'aborted']);

const at = nonNegative;
const stepId = evidenceVariableSchema;
const runChangeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('edit'), id: stepId, tool: z.string(), input: z.string() }),
  z.object({ type: z.literal('redo'), id: stepId }),
  z.object({ type: z.literal('skip'), id: stepId }),
  z.object({ type: z.literal('set-evidence'), id: stepId, text: z.string() }),
  z.object({ type: z.literal('plan'), text: z.string() }),
  z.object({ type: z.literal('replan'), id: stepId, note: z.string() }),
  z.object({ type: z.literal('prompts'), roles: z.array(z.enum(['planner', 'solver', 'toolCaller'])) }),
]);
const evidenceSourceSchema = z.discriminatedUnion('kind', [z.object({ kind: z.literal('reused'), runId: z.string() }), z.object({ kind: z.literal('by-hand') })]);
const blobKey = z.string().regex(/^[0-9a-f]{1,64}$/, { error: 'must be a blob key (hexadecimal)' });
const callId = z.string().regex(/^c\d{1,9}$/, { error: 'must be a call id like c1' });
const textRefSchema = z.union([z.object({ text: z.string() }), z.object({ blob: blobKey })]);
const recordedRequestSchema = z.object({
  messages: z.array(z.intersection(textRefSchema, z.object({ role: z.enum(['system', 'user', 'assistant']) }))),
  schema: textRefSchema.optional(),
  maxTokens: count.optional(),
  temperature: finiteNumber.optional(),
  stop: z.array(z.string()).optional(),
  body: textRefSchema.optional(),
});
const timingSchema = z.object({
  firstTokenMs: nonNegative.optional(),
  totalMs: nonNegative,
  prefillTokensPerSecond: nonNegative.optional(),
  decodeTokensPerSecond: nonNegative.optional(),
});

/** A schema for every event type; `satisfies` keeps this list and the `RunEvent` union in step. */
const eventSchemas = {
  'run-start': z.object({
    type: z.literal('run-start'),
    at,
    runId: z.string(),
    task: z.string(),
    startedAt: z.string(),
    parent: z.object({ runId: z.string(), change: runChangeSchema }).optional(),
    prompts: z.object({ name: z.string(), templates: z.object({ planner: z.string(), solver: z.string(), toolCaller: z.string() }) }).optional(),
  }),
  'plan-start': z.object({ type: z.literal('plan-start'), at }),
  'plan-delta': z.object({ type: z.literal('plan-delta'), at, text: z.string() }),
  'plan-reasoning-delta': z.object({ type: z.literal('plan-reasoning-delta'), at, text: z.string() }),
  'step-added': z.object({ type: z.literal('step-added'), at, step: planStepSchema, errors: z.array(planProblemSchema) }),
  'plan-end': z.object({
    type: z.literal('plan-end'),
    at,
    errors: z.array(planProblemSchema),
    warnings: z.array(planProblemSchema),
    usage: usageSchema.optional(),
    durationMs: nonNegative.optional(),
  }),
  'plan-failed': z.object({ type: z.literal('plan-failed'), at, error: errorInfoSchema }),
  'step-ready': z.object({ type: z.literal('step-ready'), at, id: stepId }),
  'step-paused': z.object({ type: z.literal('step-paused'), at, id: stepId, reason: pauseReasonSchema }),
  'run-paused': z.object({ type: z.literal('run-paused'), at }),
  'run-resumed': z.object({ type: z.literal('run-resumed'), at }),
  'step-edited': z.object({
    type: z.literal('step-edited'),
    at,
    id: stepId,
    tool: z.string().optional(),
    input: z.string().optional(),
    call: toolCallSchema.optional(),
    deps: z.array(evidenceVariableSchema).optional(),
  }),
  'call-start': z.object({ type: z.literal('call-start'), at, id: stepId, input: z.string(), substitutions: z.array(substitutionSchema) }),
  'call-resolved': z.object({ type: z.literal('call-resolved'), at, id: stepId, dispatch: dispatchSchema }),
  'approval-required': z.object({ type: z.literal('approval-required'), at, id: stepId, call: toolCallSchema, reusableFrom: z.string().optional() }),
  'approval-given': z.object({ type: z.literal('approval-given'), at, id: stepId, call: toolCallSchema, edited: z.boolean(), reused: z.boolean().optional() }),
  'tool-start': z.object({ type: z.literal('tool-start'), at, id: stepId, attempt: count }),
  'step-retry': z.object({
    type: z.literal('step-retry'),
    at,
    id: stepId,
    attempt: count,
    delayMs: nonNegative,
    error: errorInfoSchema,
    phase: z.enum(['dispatch', 'tool']).optional(),
  }),
  'call-end': z.object({ type: z.literal('call-end'), at, id: stepId, durationMs: nonNegative }),
  evidence: z.object({ type: z.literal('evidence'), at, id: stepId, text: z.string(), originalLength: count, truncated: z.boolean(), source: evidenceSourceSchema.optional() }),
  'step-failed': z.object({ type: z.literal('step-failed'), at, id: stepId, error: errorInfoSchema }),
  'step-skipped': z.object({ type: z.literal('step-skipped'), at, id: stepId, reason: z.string() }),
  'step-stale': z.object({ type: z.literal('step-stale'), at, id: stepId, because: stepId }),
  'solve-start': z.object({ type: z.literal('solve-start'), at }),
  'solve-delta': z.object({ type: z.literal('solve-delta'), at, text: z.string() }),
  'solve-reasoning-delta': z.object({ type: z.literal('solve-reasoning-delta'), at, text: z.string() }),
  'solve-end': z.object({ type: z.literal('solve-end'), at, usage: usageSchema.optional(), durationMs: nonNegative, reusedFrom: z.string().optional() }),
  'solve-failed': z.object({ type: z.literal('solve-failed'), at, error: errorInfoSchema }),
  'run-end': z.object({ type: z.literal('run-end'), at, status: runStatusSchema, error: errorInfoSchema.optional() }),
  blob: z.object({ type: z.literal('blob'), at, key: blobKey, text: z.string() }),
  'model-call-start': z.object({
    type: z.literal('model-call-start'),
    at,
    callId,
    role: z.enum(['planner', 'tool-caller', 'fallback', 'solver', 'llm-tool']),
    step: stepId.optional(),
    model: z.object({ id: z.string(), label: z.string(), url: z.string().optional(), model: z.string().optional() }),
    request: recordedRequestSchema,
  }),
  'model-call-end': z.object({
    type: z.literal('model-call-end'),
    at,
    callId,
    text: z.string(),
    reasoning: z.string(),
    finishReason: z.enum(['stop', 'length', 'other']),
    usage: usageSchema.optional(),
    timing: timingSchema,
    backend: z.string().max(200).optional(),
  }),
  'model-call-failed': z.object({ type: z.literal('model-call-failed'), at, callId, error: errorInfoSchema, text: z.string(), reasoning: z.string(), durationMs: nonNegative }),
} satisfies { [Type in RunEventType]: z.ZodType<Extract<RunEvent, { type: Type }>> };

// The other direction: every schema's output is a RunEvent of its own type (a type error names the one that drifted).
type EventSchemas = typeof eventSchemas;
// A field of the event that the schema lacks would be dropped on import, so that counts as drift too.
type SchemaDrift = {
  [Type in keyof EventSchemas]: z.output<EventSchemas[Type]> extends Extract<RunEvent, { type: Type }>
    ? Exclude<keyof Extract<RunEvent, { type: Type }>, keyof z.output<EventSchemas[Type]>> extends never
      ? never
      : Type
    : Type;
}[keyof EventSchemas];
const schemaOutputsAreEvents: [SchemaDrift] extends [never] ? true : SchemaDrift = true;
void schemaOutputsAreEvents;

/** The event types a trace may contain. */
export const runEventTypes: readonly RunEventType[] = Object.keys(eventSchemas) as RunEventType[];

function isEventType(type: string): type is RunEventType {
  return Object.hasOwn(eventSchemas, type);
}

const settingsSchema = z.object({
  roles: z.object({ planner: z.string(), toolCaller: z.string(), solver: z.string() }).optional(),
  models: z.record(z.string(), z.string()).optional(),
  planner: z.object({ url: z.string(), model: z.string(), structuredOutput: z.string().optional() }).optional(),
  concurrency: count.optional(),
  evidenceLimit: count.optional(),
  toolTimeoutMs: nonNegative.optional(),
  pauseBeforeEachStep: z.boolean().optional(),
  toolBreakpoints: z.array(z.string()).optional(),
  tools: z.array(z.string()).optional(),
});

const envelopeSchema = z.object({
  format: z.literal(traceFormat),
  version: z.literal(traceVersion),
  // Hand-written traces (tests, fixtures) may leave out what only informs.
  exportedAt: z.string().default(''),
  run: z.object({ id: z.string().min(1), task: z.string(), createdAt: z.string().default('') }),
  settings: settingsSchema.default({}),
  events: z
    .array(z.unknown())
    .min(1, 'the trace has no events')
    .max(maximumTraceEvents, `the trace has more than ${maximumTraceEvents.toLocaleString('en-US')} events, more than this app opens`),
});

// ---------------------------------------------------------------------------------------------
// Migration

type TraceDocument = Record<string, unknown>;

/**
 * Migrations from version `n` to `n + 1`, keyed by `n`. Version 1 is the first: add an entry
 * here (and raise `traceVersion`) when the format changes, so that older files keep opening.
 */
const migrations: Readonly<Record<number, (document: TraceDocument) => TraceDocument>> = {
  // Version 2 records versions: a run's parent and change (`run-start.parent`), evidence reused
  // or set by hand (`evidence.source`), a reused answer (`solve-end.reusedFrom`) and approvals
  // that offered an earlier result. Every new fact is optional: a version 1 trace is valid as it is.
  1: (document) => document,
  // Version 3 records every model request (`model-call-start`/`-end`/`-failed`) and the long
  // texts they share (`blob`). Older traces simply have none.
  2: (document) => document,
};

/** An older trace cannot be brought up to the current version. */
export class TraceMigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceMigrationError';
  }
}

/**
 * Brings a parsed trace document of `fromVersion` up to `traceVersion`, one version at a time.
 * Throws `TraceMigrationError` for a version newer than this app or one without a migration.
 */
export function migrateTrace(document: TraceDocument, fromVersion: number): TraceDocument {
  if (!Number.isInteger(fromVersion) || fromVersion < 1) throw new TraceMigrationError(`version ${String(fromVersion)} is not a trace version`);
  if (fromVersion > traceVersion) throw new TraceMigrationError(`version ${fromVersion} is newer than this app supports (${traceVersion}); update Stepwise to open it`);
  let current = document;
  for (let version = fromVersion; version < traceVersion; version++) {
    const migrate = migrations[version];
    if (!migrate) throw new TraceMigrationError(`version ${version} traces can no longer be opened`);
    current = { ...migrate(current), version: version + 1 };
  }
  return current;
}

// ---------------------------------------------------------------------------------------------
// Import

const maximumProblems = 20;

function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : `${text === '' ? '' : '.'}${String(part)}`;
  return text;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const message = issue.message.replace(/^Invalid (input|option): /, '');
  if (issue.code === 'invalid_type') {
    const received = /received (\w+)/.exec(issue.message)?.[1];
    if (received === 'undefined') return `missing (expected ${issue.expected})`;
    return `expected ${issue.expected}${received ? `, got ${received}` : ''}`;
  }
  if ((issue.code === 'too_small' || issue.code === 'too_big') && /^Too (small|big)/.test(issue.message)) {
    const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
    const bound = issue.code === 'too_small' ? (issue.inclusive ? 'at least' : 'more than') : issue.inclusive ? 'at most' : 'less than';
    const unit = issue.origin === 'string' ? ' characters long' : issue.origin === 'array' ? ' items long' : '';
    return `must be ${bound} ${String(limit)}${unit}`;
  }
  return message;
}

function issueProblems(error: z.ZodError, prefix: string, suffix = ''): string[] {
  return error.issues.map((issue) => {
    const path = formatPath(issue.path);
    const location = prefix === '' ? path : path === '' ? prefix : path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
    return `${location === '' ? 'the trace' : location}${suffix}: ${describeIssue(issue)}`;
  });
}

function parseEvent(value: unknown, index: number): { event: RunEvent } | { problems: string[] } {
  const where = `events[${index}]`;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { problems: [`${where}: expected an event object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`] };
  }
  const type = (value as { type?: unknown }).type;
  if (type === undefined) return { problems: [`${where}: the event has no "type"`] };
  if (typeof type !== 'string') return { problems: [`${where}: "type" must be text, got ${typeof type}`] };
  if (!isEventType(type)) return { problems: [`${where}: unknown event type ${JSON.stringify(type)}`] };
  const parsed = eventSchemas[type].safeParse(value);
  return parsed.success ? { event: parsed.data as RunEvent } : { problems: issueProblems(parsed.error, where, ` (${type})`) };
}

/**
 * Events read back from the page's own storage, checked like an imported trace's: the valid ones
 * in order, and a sentence for each one left out (a bug or a damaged database must not reach the
 * reducer as a cast).
 */
export function parseStoredEvents(values: readonly unknown[]): { events: RunEvent[]; problems: string[] } {
  const events: RunEvent[] = [];
  const problems: string[] = [];
  values.forEach((value, index) => {
    const parsed = parseEvent(value, index);
    if ('event' in parsed) events.push(parsed.event);
    else problems.push(...parsed.problems);
  });
  return { events, problems: capProblems(problems) };
}

/** The first `step-added` that makes one plan longer than `maximumTraceSteps`, as a problem. */
function planLengthProblem(events: readonly RunEvent[]): string | undefined {
  let steps = 0;
  for (const [index, event] of events.entries()) {
    if (event.type === 'plan-start' || event.type === 'run-start') steps = 0;
    else if (event.type === 'step-added' && ++steps > maximumTraceSteps) {
      return `events[${index}] (step-added): the plan has more than ${maximumTraceSteps.toLocaleString('en-US')} steps, more than this app opens`;
    }
  }
  return undefined;
}

function capProblems(problems: string[]): string[] {
  if (problems.length <= maximumProblems) return problems;
  return [...problems.slice(0, maximumProblems), `… and ${problems.length - maximumProblems} more problems`];
}

/**
 * Reads a trace file's text. Never throws: the answer is the trace, or the problems found, each
 * a sentence a person understands (`events[3]: unknown event type "foo"`, `not JSON: …`,
 * `version 2 is newer than this app supports (1); update Stepwise to open it`). Older versions
 * are migrated first; unknown extra fields are accepted and dropped. Every name of a step must
 * be an evidence variable (`#E1`), and the file, its events and each plan's steps are bounded
 * (`maximumTraceCharacters`, `maximumTraceEvents`, `maximumTraceSteps`).
 */
export function importTrace(text: string): TraceImportResult {
  try {
    if (text.length > maximumTraceCharacters) {
      const size = (characters: number) => characters.toLocaleString('en-US');
      return { ok: false, problems: [`the file is too large for a trace: it has ${size(text.length)} characters, and this app opens traces of up to ${size(maximumTraceCharacters)}`] };
    }
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return { ok: false, problems: [text.trim() === '' ? 'not JSON: the file is empty' : `not JSON: ${detail}`] };
    }
    if (document === null || typeof document !== 'object' || Array.isArray(document)) {
      return { ok: false, problems: ['not a Stepwise trace: expected a JSON object with "format": "stepwise-trace"'] };
    }
    const raw = document as TraceDocument;
    if (raw.format !== traceFormat) {
      const found = raw.format === undefined ? 'it has no "format" field' : `its format is ${JSON.stringify(raw.format)}`;
      return { ok: false, problems: [`not a Stepwise trace: ${found}, expected "${traceFormat}"`] };
    }
    const version = raw.version;
    if (typeof version !== 'number') return { ok: false, problems: [`the trace has no version number (found ${JSON.stringify(version) ?? 'nothing'})`] };
    let migrated: TraceDocument;
    try {
      migrated = migrateTrace(raw, version);
    } catch (error) {
      return { ok: false, problems: [error instanceof Error ? error.message : String(error)] };
    }

    const envelope = envelopeSchema.safeParse(migrated);
    if (!envelope.success) return { ok: false, problems: capProblems(issueProblems(envelope.error, '')) };

    const problems: string[] = [];
    const events: RunEvent[] = [];
    envelope.data.events.forEach((value, index) => {
      const parsed = parseEvent(value, index);
      if ('event' in parsed) events.push(parsed.event);
      else problems.push(...parsed.problems);
    });
    if (problems.length > 0) return { ok: false, problems: capProblems(problems) };
    const tooLong = planLengthProblem(events);
    if (tooLong !== undefined) return { ok: false, problems: [tooLong] };

    return { ok: true, trace: { ...envelope.data, events } };
  } catch (error) {
    // A bug here must not take the page down: report it like any other problem.
    return { ok: false, problems: [`the trace could not be read: ${error instanceof Error ? error.message : String(error)}`] };
  }
}

// ---------------------------------------------------------------------------------------------
// Demo index (public/demos/index.json)

const demoEntrySchema = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  description: z.string().optional(),
  /** File name next to `index.json`. */
  file: z.string().regex(/^[a-z0-9][a-z0-9-]*\.json$/, 'expected a kebab-case .json file name'),
});

/** One demo trace listed in `public/demos/index.json`. */
export type DemoEntry = z.output<typeof demoEntrySchema>;

const demoIndexSchema = z.object({ demos: z.array(demoEntrySchema) });

/** Reads `public/demos/index.json`; never throws. */
export function parseDemoIndex(value: unknown): { ok: true; demos: DemoEntry[] } | { ok: false; problems: string[] } {
  const parsed = demoIndexSchema.safeParse(value);
  return parsed.success ? { ok: true, demos: parsed.data.demos } : { ok: false, problems: issueProblems(parsed.error, '') };
}
