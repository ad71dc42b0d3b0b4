import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../run/events.ts';
import { replayEvents } from '../run/run-state.ts';
import {
  createTrace,
  parseStoredEvents,
  exportTrace,
  importTrace,
  maximumTraceEvents,
  maximumTraceSteps,
  migrateTrace,
  parseDemoIndex,
  traceVersion,
  type TraceInput,
} from './trace.ts';
import { redactKnownSecrets, redactSecrets, redactText } from './redact.ts';

const plannedKey = 'sk-proj-PLANTED0123456789abcdefXYZ';

const events: RunEvent[] = [
  { type: 'run-start', at: 0, runId: 'run-1', task: 'Who directed Killers of the Flower Moon?', startedAt: '2025-01-01T10:00:00.000Z' },
  { type: 'plan-delta', at: 12, text: 'Plan: look it up.\n#E1 = search_wiki[Killers of the Flower Moon]\n' },
  { type: 'step-added', at: 13, step: { id: '#E1', tool: 'search_wiki', input: 'Killers of the Flower Moon', deps: [], thought: 'look it up.', line: 2 }, errors: [] },
  { type: 'step-ready', at: 13.5, id: '#E1' },
  { type: 'call-start', at: 14, id: '#E1', input: 'Killers of the Flower Moon', substitutions: [] },
  { type: 'call-resolved', at: 15, id: '#E1', dispatch: { call: { name: 'search_wiki', arguments: { query: 'Killers of the Flower Moon' } }, path: 'fast-path', attempts: 0, durationMs: 0.2 } },
  { type: 'tool-start', at: 15, id: '#E1', attempt: 1 },
  { type: 'call-end', at: 420, id: '#E1', durationMs: 406 },
  { type: 'evidence', at: 420, id: '#E1', text: 'Killers of the Flower Moon is a 2023 film directed by Martin Scorsese.', originalLength: 70, truncated: false },
  { type: 'plan-end', at: 430, errors: [], warnings: [], usage: { promptTokens: 900, completionTokens: 40 }, durationMs: 429 },
  { type: 'solve-start', at: 431 },
  { type: 'solve-delta', at: 500, text: 'Martin Scorsese (#E1).' },
  { type: 'solve-end', at: 510, durationMs: 79 },
  { type: 'run-end', at: 511, status: 'done' },
];

function input(overrides: Partial<TraceInput> = {}): TraceInput {
  return {
    run: { id: 'run-1', task: 'Who directed Killers of the Flower Moon?', createdAt: '2025-01-01T10:00:00.000Z' },
    settings: {
      planner: { url: 'http://127.0.0.1:8000/v1', model: 'llama-3.3-70b', apiKey: '', structuredOutput: 'json_schema' },
      roles: { planner: 'planner-endpoint', toolCaller: 'webgpu', solver: 'planner-endpoint' },
      models: { webgpu: 'Qwen3-0.6B-q4f32_1-MLC', cpu: '' },
      concurrency: 4,
      evidenceLimit: 8000,
      toolTimeoutMs: 30_000,
      pauseBeforeEachStep: false,
      toolBreakpoints: [],
    },
    tools: ['search_wiki', 'search_web', 'llm'],
    events,
    exportedAt: '2025-01-01T10:05:00.000Z',
    ...overrides,
  };
}

function withEvents(list: unknown[]): string {
  return JSON.stringify({ format: 'stepwise-trace', version: 1, exportedAt: '', run: { id: 'r', task: 't', createdAt: '' }, settings: {}, events: list });
}

function problemsOf(text: string): string[] {
  const result = importTrace(text);
  if (result.ok) throw new Error('expected the import to fail');
  return result.problems;
}

describe('exportTrace and importTrace', () => {
  it('round-trips a run: the imported events fold to the same state as the originals', () => {
    const text = exportTrace(input());
    expect(text).toContain('\n  "format": "stepwise-trace",');
    const result = importTrace(text);
    if (!result.ok) throw new Error(result.problems.join('\n'));
    expect(result.trace.version).toBe(traceVersion);
    expect(result.trace.run).toEqual(input().run);
    expect(result.trace.events).toEqual(events);
    expect(replayEvents(result.trace.events)).toEqual(replayEvents(events));
    expect(result.trace.settings).toEqual({
      roles: { planner: 'planner-endpoint', toolCaller: 'webgpu', solver: 'planner-endpoint' },
      planner: { url: 'http://127.0.0.1:8000/v1', model: 'llama-3.3-70b', structuredOutput: 'json_schema' },
      models: { webgpu: 'Qwen3-0.6B-q4f32_1-MLC', cpu: '' },
      tools: ['search_wiki', 'search_web', 'llm'],
      concurrency: 4,
      evidenceLimit: 8000,
      toolTimeoutMs: 30_000,
      pauseBeforeEachStep: false,
      toolBreakpoints: [],
    });
  });

  it('never writes the API key: not from the settings, an error message, evidence, a call or the task', () => {
    const leaky: RunEvent[] = [
      ...events.slice(0, 4),
      { type: 'step-added', at: 20, step: { id: '#E2', tool: 'fetch_url', input: `https://api.example.com/v1/me?api_key=${plannedKey}`, deps: [] }, errors: [] },
      {
        type: 'call-resolved',
        at: 21,
        id: '#E2',
        dispatch: {
          call: { name: 'fetch_url', arguments: { url: 'https://api.example.com', headers: { Authorization: `Bearer ${plannedKey}`, 'X-Api-Key': plannedKey }, nested: [{ token: 'tok_live_42' }] } },
          path: 'engine',
          attempts: 1,
          durationMs: 50,
        },
      },
      { type: 'step-failed', at: 30, id: '#E2', error: { name: 'EndpointError', message: `401 Unauthorized: the key ${plannedKey} was rejected`, hint: 'Check the API key in Settings.' } },
      { type: 'evidence', at: 31, id: '#E1', text: `curl -H "Authorization: Bearer ${plannedKey}" https://user:hunter2pass@example.com/x`, originalLength: 99, truncated: false },
    ];
    const settings = { ...input().settings, planner: { ...input().settings.planner, apiKey: plannedKey } };
    const text = exportTrace(input({ settings, events: leaky, run: { id: 'r', task: `use key ${plannedKey} please`, createdAt: '' } }));
    expect(text).not.toContain(plannedKey);
    expect(text).not.toContain('PLANTED');
    expect(text).not.toContain('hunter2pass');
    expect(text).not.toContain('tok_live_42');
    expect(text).not.toMatch(/"apiKey"/);
    expect(text).toContain('Bearer [redacted]');
    expect(text).toContain('401 Unauthorized: the key [redacted] was rejected');
    // Redaction keeps the trace valid.
    expect(importTrace(text).ok).toBe(true);
  });

  it('scrubs secret-named keys at any depth and leaves ordinary fields and prose alone', () => {
    const value = {
      api_key: 'abc123def',
      deep: { list: [{ password: 'p@ssw0rd!', Secret: 'shh-very' }], authorization: 'Basic dXNlcjpwYXNz', clientSecret: 'cs_1234567' },
      usage: { promptTokens: 10, completionTokens: 5 },
      apiKey: '',
      text: 'The bearer of bad news. A token limit was reached.',
    };
    expect(redactSecrets(value)).toEqual({
      api_key: '[redacted]',
      deep: { list: [{ password: '[redacted]', Secret: '[redacted]' }], authorization: '[redacted]', clientSecret: '[redacted]' },
      usage: { promptTokens: 10, completionTokens: 5 },
      apiKey: '',
      text: 'The bearer of bad news. A token limit was reached.',
    });
    expect(redactText('GET https://x.test/search?q=cats&api_key=zz99&page=2')).toBe('GET https://x.test/search?q=cats&api_key=[redacted]&page=2');
    expect(redactText('authorization: Basic dXNlcjpwYXNz')).toBe('authorization: Basic [redacted]');
    expect(redactText('hf_abcdefghijklmnopqrstuvwx and ghp_abcdefghijklmnopqrstuvwx')).toBe('[redacted] and [redacted]');
    // A literal secret is scrubbed URL-encoded too; short values are not treated as secrets.
    expect(redactText('?k=a%2Fb%2Bsecret%3D', ['a/b+secret='])).toBe('?k=[redacted]');
    expect(redactText('the word test stays', ['test'])).toBe('the word test stays');
  });

  it('scrubs the secrets it is given, such as a custom tool\'s x-api-key and an MCP token that a server echoed', () => {
    const toolKey = 'c0ffee-4a1b-9d2e-customtool';
    const mcpToken = 'mcp-session-token-7f3a';
    const echoed: RunEvent[] = [
      ...events.slice(0, 8),
      // An API that echoes the request headers into its answer, which becomes the evidence.
      { type: 'evidence', at: 420, id: '#E1', text: JSON.stringify({ headers: { 'X-Custom': toolKey, Via: `mcp ${mcpToken}` }, url: `https://api.example/v1?k=${encodeURIComponent(toolKey)}` }), originalLength: 120, truncated: false },
      { type: 'step-failed', at: 421, id: '#E1', error: { name: 'McpToolError', message: `the server refused ${mcpToken}` } },
      ...events.slice(9),
    ];
    const text = exportTrace(input({ events: echoed, secrets: [toolKey, mcpToken] }));
    expect(text).not.toContain(toolKey);
    expect(text).not.toContain(encodeURIComponent(toolKey));
    expect(text).not.toContain(mcpToken);
    expect(text).toContain('the server refused [redacted]');
    expect(importTrace(text).ok).toBe(true);
  });

  it('keeps a "__proto__" field of an event a field while redacting', () => {
    const value = JSON.parse('{"arguments": {"__proto__": {"token": "abc123456"}, "query": "x"}}') as { arguments: Record<string, unknown> };
    const redacted = redactSecrets(value);
    expect(Object.getPrototypeOf(redacted.arguments)).toBe(Object.prototype);
    expect(JSON.stringify(redacted)).toBe('{"arguments":{"__proto__":{"token":"[redacted]"},"query":"x"}}');
  });

  it('keeps the trace envelope fixed: format, version, run and sanitised settings only', () => {
    const trace = createTrace(input());
    expect(Object.keys(trace)).toEqual(['format', 'version', 'exportedAt', 'run', 'settings', 'events']);
    expect(trace.settings.planner).not.toHaveProperty('apiKey');
  });
});

describe('importTrace problems', () => {
  it('explains text that is not JSON or not a trace', () => {
    expect(problemsOf('')).toEqual(['not JSON: the file is empty']);
    expect(problemsOf('{"format": ')[0]).toMatch(/^not JSON: /);
    expect(problemsOf('[1, 2]')).toEqual(['not a Stepwise trace: expected a JSON object with "format": "stepwise-trace"']);
    expect(problemsOf('{"hello": "world"}')).toEqual(['not a Stepwise trace: it has no "format" field, expected "stepwise-trace"']);
    expect(problemsOf('{"format": "har", "version": 1}')).toEqual(['not a Stepwise trace: its format is "har", expected "stepwise-trace"']);
  });

  it('refuses versions it does not know, newer ones with advice', () => {
    const newer = JSON.parse(exportTrace(input())) as Record<string, unknown>;
    newer.version = 4;
    expect(problemsOf(JSON.stringify(newer))).toEqual(['version 4 is newer than this app supports (3); update Stepwise to open it']);
    newer.version = 0;
    expect(problemsOf(JSON.stringify(newer))).toEqual(['version 0 is not a trace version']);
    newer.version = '1';
    expect(problemsOf(JSON.stringify(newer))).toEqual(['the trace has no version number (found "1")']);
  });

  it('names the event and the field that is wrong', () => {
    const list: unknown[] = events.slice(0, 5).map((event) => ({ ...event }));
    list[3] = { type: 'foo', at: 1 };
    expect(problemsOf(withEvents(list))).toEqual(['events[3]: unknown event type "foo"']);

    list[3] = { type: 'step-ready', at: -1 };
    expect(problemsOf(withEvents(list))).toEqual(['events[3].at (step-ready): must be at least 0', 'events[3].id (step-ready): missing (expected string)']);

    list[3] = { type: 'step-added', at: 2, step: { id: '#E1', tool: 'x', input: 'y', deps: [7] }, errors: [] };
    expect(problemsOf(withEvents(list))).toEqual(['events[3].step.deps[0] (step-added): expected string, got number']);

    list[3] = { type: 'run-end', at: 2, status: 'exploded' };
    expect(problemsOf(withEvents(list))).toEqual(['events[3].status (run-end): expected one of "done"|"failed"|"aborted"']);

    expect(problemsOf(withEvents([null, 'x', { at: 1 }, { type: 3, at: 1 }]))).toEqual([
      'events[0]: expected an event object, got null',
      'events[1]: expected an event object, got string',
      'events[2]: the event has no "type"',
      'events[3]: "type" must be text, got number',
    ]);
    expect(problemsOf(withEvents([]))).toEqual(['events: the trace has no events']);
  });

  it('reports the envelope fields that are missing', () => {
    expect(problemsOf(JSON.stringify({ format: 'stepwise-trace', version: 1 }))).toEqual(['run: missing (expected object)', 'events: missing (expected array)']);
  });

  it('caps a flood of problems at 20 plus a count', () => {
    const problems = problemsOf(withEvents(Array.from({ length: 50 }, () => ({ type: 'nope', at: 0 }))));
    expect(problems).toHaveLength(21);
    expect(problems[20]).toBe('… and 30 more problems');
  });

  it('accepts unknown extra fields and drops them', () => {
    const extra = events.map((event) => ({ ...event, addedLater: { x: 1 } }));
    const result = importTrace(JSON.stringify({ format: 'stepwise-trace', version: 1, run: { id: 'r', task: 't' }, events: extra, futureField: true }));
    if (!result.ok) throw new Error(result.problems.join('\n'));
    expect(result.trace.events).toEqual(events);
    expect(result.trace.settings).toEqual({});
    expect(result.trace).not.toHaveProperty('futureField');
  });

  it('never throws, whatever the input', () => {
    const samples = ['null', '0', '"text"', 'true', '{"format":"stepwise-trace"}', '{"format":"stepwise-trace","version":1e309}', '{"format":"stepwise-trace","version":1,"run":null,"events":{}}', '\u0000', '{"__proto__":{"x":1}}'];
    for (let seed = 1; seed < 200; seed++) {
      let text = '';
      let value = seed;
      for (let index = 0; index < 40; index++) {
        value = (value * 1103515245 + 12345) % 2147483648;
        text += '{}[]":,0123stepwise-trace version events type at'.charAt(value % 48);
      }
      samples.push(text);
    }
    for (const sample of samples) {
      const result = importTrace(sample);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problems.length).toBeGreaterThan(0);
    }
  });
});

describe('importTrace of crafted traces', () => {
  const crafted = (name: string): unknown[] => [
    events[0],
    { type: 'step-added', at: 1, step: { id: '#E1', tool: 'llm', input: 'x', deps: [] }, errors: [] },
    { type: 'step-added', at: 2, step: { id: '#E2', tool: 'llm', input: 'x', deps: ['#E1', name] }, errors: [] },
  ];

  it('refuses a dependency that is not an evidence variable, naming the event, the field and the value', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(problemsOf(withEvents(crafted(name)))).toEqual([`events[2].step.deps[1] (step-added): must be an evidence variable like #E1, not "${name}"`]);
    }
  });

  it('refuses every other place that names a step: ids, edited dependencies, substitutions, stale causes', () => {
    const list: unknown[] = [
      events[0],
      { type: 'step-added', at: 1, step: { id: 'constructor', tool: 'llm', input: 'x', deps: [] }, errors: [] },
      { type: 'step-ready', at: 2, id: '__proto__' },
      { type: 'step-edited', at: 3, id: '#E1', deps: ['toString'] },
      { type: 'call-start', at: 4, id: '#E1', input: 'x', substitutions: [{ variable: 'hasOwnProperty', start: 0, end: 1 }] },
      { type: 'step-stale', at: 5, id: '#E1', because: 'valueOf' },
      { type: 'evidence', at: 6, id: '#E1 ', text: 'x', originalLength: 1, truncated: false },
    ];
    expect(problemsOf(withEvents(list))).toEqual([
      'events[1].step.id (step-added): must be an evidence variable like #E1, not "constructor"',
      'events[2].id (step-ready): must be an evidence variable like #E1, not "__proto__"',
      'events[3].deps[0] (step-edited): must be an evidence variable like #E1, not "toString"',
      'events[4].substitutions[0].variable (call-start): must be an evidence variable like #E1, not "hasOwnProperty"',
      'events[5].because (step-stale): must be an evidence variable like #E1, not "valueOf"',
      'events[6].id (evidence): must be an evidence variable like #E1, not "#E1 "',
    ]);
  });

  it('shortens a long crafted name in the message', () => {
    const [problem] = problemsOf(withEvents(crafted('x'.repeat(5000))));
    expect(problem).toBe(`events[2].step.deps[1] (step-added): must be an evidence variable like #E1, not "${'x'.repeat(40)}…"`);
  });

  it('refuses traces with more events, or plans with more steps, than the app opens', () => {
    const flood = Array.from({ length: maximumTraceEvents + 1 }, () => ({ type: 'run-paused', at: 0 }));
    expect(problemsOf(withEvents(flood))).toEqual(['events: the trace has more than 200,000 events, more than this app opens']);

    const steps = (count: number) => Array.from({ length: count }, (_, index) => ({ type: 'step-added', at: index, step: { id: `#E${index + 1}`, tool: 'llm', input: 'x', deps: [] }, errors: [] }));
    expect(importTrace(withEvents([events[0], ...steps(maximumTraceSteps)])).ok).toBe(true);
    // A replan starts a new plan: the count starts over.
    expect(importTrace(withEvents([events[0], ...steps(maximumTraceSteps), { type: 'plan-start', at: 0 }, ...steps(maximumTraceSteps)])).ok).toBe(true);
    expect(problemsOf(withEvents([events[0], ...steps(maximumTraceSteps + 1)]))).toEqual([
      `events[${maximumTraceSteps + 1}] (step-added): the plan has more than 2,000 steps, more than this app opens`,
    ]);
  });

  it('refuses a file too large to be a trace before reading it', () => {
    expect(problemsOf(' '.repeat(100_000_001))).toEqual(['the file is too large for a trace: it has 100,000,001 characters, and this app opens traces of up to 100,000,000']);
  });
});

describe('redactKnownSecrets', () => {
  it('replaces only the given values, in every spelling, and shares what it does not change', () => {
    const secret = 'pa"ss/word+1=';
    const untouched = { text: 'nothing here', list: ['Bearer abcdefgh12345', { api_key: 'visible-by-name' }] };
    const value = { untouched, evidence: `key ${secret}, ${encodeURIComponent(secret)} and ${JSON.stringify({ key: secret })}`, nested: [{ header: `x-api-key: ${secret}` }] };
    const redacted = redactKnownSecrets(value, [secret, 'short']);
    expect(redacted).toEqual({ untouched, evidence: 'key [redacted], [redacted] and {"key":"[redacted]"}', nested: [{ header: 'x-api-key: [redacted]' }] });
    expect(redacted.untouched).toBe(untouched);
    expect(redactKnownSecrets(value, [])).toBe(value);
    expect(redactKnownSecrets(value, ['short'])).toBe(value);
  });
});

describe('migrateTrace', () => {
  it('passes the current version through, brings versions 1 and 2 up to 3, and refuses newer ones', () => {
    const current = { format: 'stepwise-trace', version: 3, events: [] };
    expect(migrateTrace(current, 3)).toBe(current);
    expect(migrateTrace({ format: 'stepwise-trace', version: 1, events: [] }, 1)).toEqual(current);
    expect(migrateTrace({ format: 'stepwise-trace', version: 2, events: [] }, 2)).toEqual(current);
    expect(() => migrateTrace(current, 4)).toThrow('version 4 is newer than this app supports (3); update Stepwise to open it');
    expect(() => migrateTrace(current, 1.5)).toThrow('version 1.5 is not a trace version');
  });
});

describe('parseDemoIndex', () => {
  it('reads the demo list and rejects file names that could leave the folder', () => {
    expect(parseDemoIndex({ demos: [{ id: 'a', title: 'A', file: 'a-demo.json' }] })).toEqual({ ok: true, demos: [{ id: 'a', title: 'A', file: 'a-demo.json' }] });
    const bad = parseDemoIndex({ demos: [{ id: 'a', title: 'A', file: '../secrets.json' }] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems).toEqual(['demos[0].file: expected a kebab-case .json file name']);
  });
});

describe('parseStoredEvents', () => {
  it('keeps the valid events of a stored run and names each one it leaves out', () => {
    const stored = [
      { type: 'run-start', at: 0, runId: 'r', task: 't', startedAt: '' },
      { type: 'evidence', at: 1, id: 'constructor', text: 'x', originalLength: 1, truncated: false },
      null,
      { type: 'run-end', at: 2, status: 'done' },
    ];
    const { events, problems } = parseStoredEvents(stored);
    expect(events.map((event) => event.type)).toEqual(['run-start', 'run-end']);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('events[1].id (evidence)');
    expect(problems[1]).toBe('events[2]: expected an event object, got null');
  });
});
