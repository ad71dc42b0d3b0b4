import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../core/run/events.ts';
import type { CustomToolDefinition } from '../../toolkit/custom-tool.ts';
import { knownSecrets } from './known-secrets.ts';
import { defaultSettings } from './settings-slice.ts';
import { migrate, useAppStore } from './store.ts';
import type { RunSummary } from './runs-slice.ts';

describe('store', () => {
  it('migrates version 0 state (no run index) and keeps settings', () => {
    const migrated = migrate({ settings: { ...defaultSettings, concurrency: 7 } }, 0);
    expect(migrated.runIndex).toEqual([]);
    expect(migrated.settings.concurrency).toBe(7);
  });

  it('never persists the API key unless the person asks', () => {
    const { partialize } = useAppStore.persist.getOptions();
    useAppStore.getState().updatePlanner({ apiKey: 'sk-secret', rememberKey: false });
    expect(JSON.stringify(partialize?.(useAppStore.getState()))).not.toContain('sk-secret');
    useAppStore.getState().updatePlanner({ rememberKey: true });
    expect(JSON.stringify(partialize?.(useAppStore.getState()))).toContain('sk-secret');
  });

  it('never persists OpenTelemetry headers, and scrubs their credentials from exports', () => {
    const { partialize } = useAppStore.persist.getOptions();
    useAppStore.getState().updateSettings({ otlp: { url: 'http://127.0.0.1:4318', headers: 'Authorization: Basic cGs6c2stbGYtc2VjcmV0LTEyMzQ1Ng==\nx-tenant: acme' } });
    const persisted = JSON.stringify(partialize?.(useAppStore.getState()));
    expect(persisted).toContain('http://127.0.0.1:4318');
    expect(persisted).not.toContain('cGs6c2stbGYtc2VjcmV0LTEyMzQ1Ng==');
    const secrets = knownSecrets(useAppStore.getState());
    expect(secrets).toEqual(expect.arrayContaining(['Basic cGs6c2stbGYtc2VjcmV0LTEyMzQ1Ng==', 'cGs6c2stbGYtc2VjcmV0LTEyMzQ1Ng==', 'sk-lf-secret-123456']));
    expect(secrets).not.toContain('acme');
    useAppStore.getState().updateSettings({ otlp: { url: '', headers: '' } });
  });

  it('folds the events of the run on screen and keeps the history entry in step with its phase', () => {
    const store = useAppStore.getState();
    store.showRun('run-1', [], { id: 'run-1', task: 'Task', createdAt: '2026-11-24T00:00:00Z' });
    const events: RunEvent[] = [
      { type: 'run-start', at: 0, runId: 'run-1', task: 'Task', startedAt: '2026-11-24T00:00:00Z' },
      { type: 'step-added', at: 1, step: { id: '#E1', tool: 'calculator', input: '1+1', deps: [] }, errors: [] },
      { type: 'evidence', at: 2, id: '#E1', text: '2', originalLength: 1, truncated: false },
    ];
    for (const event of events) useAppStore.getState().applyEvent('run-1', event);
    // Events of another run do not touch the one on screen.
    useAppStore.getState().applyEvent('run-2', { type: 'run-end', at: 3, status: 'failed' });
    const state = useAppStore.getState();
    expect(state.activeRun?.steps[0]).toMatchObject({ id: '#E1', status: 'done', evidence: '2' });
    // The history entry follows the phase, and takes the step count when the phase changes.
    expect(state.runIndex.find((run) => run.id === 'run-1')).toMatchObject({ status: 'planning', stepCount: 0 });
    useAppStore.getState().applyEvent('run-1', { type: 'run-end', at: 4, status: 'done' });
    expect(useAppStore.getState().runIndex.find((run) => run.id === 'run-1')).toMatchObject({ status: 'done', stepCount: 1 });
  });
});

describe('event log', () => {
  it('appends events in order across bursts and reads them back after a fresh start', async () => {
    const { EventLog } = await import('./persistence.ts');
    const log = new EventLog();
    const event = (at: number): RunEvent => ({ type: 'plan-delta', at, text: `t${at}` });
    log.append('run-a', event(1));
    log.append('run-a', event(2));
    log.append('run-b', event(1));
    await log.flush();
    log.append('run-a', event(3));
    await log.flush();
    // A new instance (a reload) continues the sequence instead of overwriting it.
    const reloaded = new EventLog();
    reloaded.append('run-a', event(4));
    await reloaded.flush();
    expect((await reloaded.read('run-a')).map((item) => item.at)).toEqual([1, 2, 3, 4]);
    expect(await reloaded.read('run-b')).toHaveLength(1);
    await reloaded.remove('run-a');
    expect(await reloaded.read('run-a')).toEqual([]);
    expect(await reloaded.read('run-b')).toHaveLength(1);
  });

  it('writes a burst when its schedule says, as one batch', async () => {
    const { EventLog } = await import('./persistence.ts');
    const writes: (() => void)[] = [];
    const log = new EventLog({ schedule: (write) => writes.push(write) });
    const event = (at: number): RunEvent => ({ type: 'plan-delta', at, text: `t${at}` });
    log.append('run-paced', event(1));
    log.append('run-paced', event(2));
    // One write asked for the burst, and nothing on disk before it runs.
    expect(writes).toHaveLength(1);
    expect(await new EventLog().read('run-paced')).toEqual([]);
    writes[0]?.();
    await log.flush();
    expect((await new EventLog().read('run-paced')).map((item) => item.at)).toEqual([1, 2]);
    // An explicit flush before the scheduled write leaves that write nothing to do.
    log.append('run-paced', event(3));
    await log.flush();
    writes[1]?.();
    await log.flush();
    expect((await new EventLog().read('run-paced')).map((item) => item.at)).toEqual([1, 2, 3]);
  });

  it('stores a text of megabytes as a Blob (the page does not serialise it) and reads it back as text', async () => {
    const { EventLog } = await import('./persistence.ts');
    const { createStore, entries } = await import('idb-keyval');
    const log = new EventLog({ secrets: () => ['sk-page-secret-1'] });
    // Longer than a slice, with a surrogate pair on a slice's edge and a secret to scrub first.
    const text = `${'évidence '.repeat(40_000)}🙂 key sk-page-secret-1 ${'b'.repeat(300_000)}`;
    const events: RunEvent[] = [
      { type: 'blob', at: 1, key: '0123456789abcdef', text },
      { type: 'plan-delta', at: 2, text: 'short' },
    ];
    for (const event of events) log.append('run-large', event);
    await log.flush();
    const stored = (await entries(createStore('stepwise-events', 'batches'))).filter(([key]) => String(key).startsWith('run-large'));
    const batch = stored[0]?.[1] as { text: unknown }[];
    expect(batch[0]?.text).toBeInstanceOf(Blob);
    expect(batch[1]?.text).toBe('short');
    const { events: read, problems } = await new EventLog().readChecked('run-large');
    expect(problems).toEqual([]);
    expect(read.map((event) => event.type)).toEqual(['blob', 'plan-delta']);
    // Compared as a boolean: a failure would print megabytes.
    expect(read[0]?.type === 'blob' && read[0].text === text.replace('sk-page-secret-1', '[redacted]')).toBe(true);
  });
});

describe('known secrets', () => {
  const toolKey = 'k3y-9f8e7d6c5b4a-custom';
  const bearer = 'bearer-2c4e6a8b0d1f3h5j';
  const bodySecret = 'body-secret-77a1b2c3';
  const mcpToken = 'mcp-token-31415926535';
  const weatherTool: CustomToolDefinition = {
    name: 'weather_lookup',
    description: 'Weather for a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    sideEffects: false,
    request: {
      method: 'POST',
      url: 'https://weather.example/v1/now?city={{city}}&appid=owm0123456789abcdef&units=metric',
      headers: { 'x-api-key': toolKey, Authorization: `Bearer ${bearer}`, Accept: 'application/json', 'X-Trace': '{{city}}' },
      body: `{"city": "{{city}}", "client_secret": "${bodySecret}", "format": "json"}`,
    },
    extract: { kind: 'text' },
  };

  function withSecrets(): void {
    const state = useAppStore.getState();
    state.updatePlanner({ apiKey: 'sk-planner-key-0123456789' });
    state.saveCustomTool(weatherTool);
    state.saveMcpServer({ name: 'notes', url: 'https://mcp.example/mcp', token: mcpToken });
  }

  const echo = (text: string): RunEvent => ({ type: 'evidence', at: 2, id: '#E1', text, originalLength: text.length, truncated: false });
  // What a server that echoes the request sends back, and an error that quotes the token.
  const echoed = () => [
    { type: 'run-start', at: 0, runId: 'run-echo', task: 'Weather?', startedAt: '2026-11-24T00:00:00Z' },
    { type: 'step-added', at: 1, step: { id: '#E1', tool: 'weather_lookup', input: 'Paris', deps: [] }, errors: [] },
    echo(`{"headers": {"x-api-key": "${toolKey}", "authorization": "Bearer ${bearer}"}, "url": "/v1/now?appid=owm0123456789abcdef", "body": {"client_secret": "${bodySecret}"}}`),
    { type: 'step-failed', at: 3, id: '#E1', error: { name: 'McpToolError', message: `The server said: unknown session for token ${mcpToken}` } },
  ] satisfies RunEvent[];

  it('are the API key, custom tool credentials and MCP tokens, not the ordinary values or the per-call parameters', () => {
    withSecrets();
    const secrets = knownSecrets(useAppStore.getState());
    expect(secrets).toEqual(expect.arrayContaining(['sk-planner-key-0123456789', toolKey, `Bearer ${bearer}`, bearer, 'owm0123456789abcdef', bodySecret, mcpToken]));
    for (const ordinary of ['application/json', 'metric', 'json', '{{city}}', 'https://mcp.example/mcp']) expect(secrets).not.toContain(ordinary);
  });

  it('never reach an export, even when a server echoed them into the evidence', async () => {
    withSecrets();
    const { eventLog, exportActiveTrace } = await import('./run-actions.ts');
    for (const event of echoed()) eventLog.append('run-echo', event);
    useAppStore.getState().showRun('run-echo', echoed(), { id: 'run-echo', task: 'Weather?', createdAt: '2026-11-24T00:00:00Z' });
    const text = await exportActiveTrace();
    expect(text).toContain('"type": "evidence"');
    for (const secret of [toolKey, bearer, 'owm0123456789abcdef', bodySecret, mcpToken]) expect(text).not.toContain(secret);
    expect(text).toContain('unknown session for token [redacted]');
  });

  it('are scrubbed from events before they reach IndexedDB; the events in memory stay as they were', async () => {
    withSecrets();
    const { EventLog } = await import('./persistence.ts');
    // The app's own log, which reads the secrets the page knows.
    const { eventLog } = await import('./run-actions.ts');
    const events = echoed();
    for (const event of events) eventLog.append('run-stored', event);
    await eventLog.flush();
    const stored = JSON.stringify(await new EventLog().read('run-stored'));
    expect(stored).toContain('"id":"#E1"');
    for (const secret of [toolKey, bearer, bodySecret, mcpToken]) expect(stored).not.toContain(secret);
    expect(JSON.stringify(events)).toContain(toolKey);
    // Without known secrets the events are stored exactly as they are.
    const plain = new EventLog({ secrets: () => [] });
    for (const event of events) plain.append('run-plain', event);
    await plain.flush();
    expect(await plain.read('run-plain')).toEqual(events);
  });
});

describe('the run history read back from storage', () => {
  it('keeps valid entries and leaves out the ones that fail the schema', async () => {
    const { parseRunIndex } = await import('./run-index-schema.ts');
    const valid = { id: 'a', task: 'T', createdAt: '2026-12-01T00:00:00Z', status: 'done', stepCount: 2, parentId: 'p', change: '#E2 edited' };
    expect(parseRunIndex([valid, { id: 'b', task: 3 }, null, { ...valid, id: 'c', status: 'exploded' }])).toEqual([valid]);
    expect(parseRunIndex('not a list')).toEqual([]);
  });
});

describe('judging runs', () => {
  it('keeps a verdict and its note, takes it back when pressed again, and reads it back from storage', async () => {
    const { judgeRun } = await import('./run-actions.ts');
    const { parseRunIndex } = await import('./run-index-schema.ts');
    const store = useAppStore.getState();
    store.addRunSummary({ id: 'judged', task: 'T', createdAt: '2026-12-02T00:00:00Z', status: 'done', stepCount: 1 });
    const judgement = () => useAppStore.getState().runIndex.find((run) => run.id === 'judged')?.judgement;
    judgeRun('judged', { verdict: 'good' });
    expect(judgement()).toMatchObject({ verdict: 'good' });
    judgeRun('judged', { note: '  cites both  ' });
    expect(judgement()).toMatchObject({ verdict: 'good', note: 'cites both' });
    judgeRun('judged', { verdict: 'bad' });
    expect(judgement()).toMatchObject({ verdict: 'bad', note: 'cites both' });
    const stored = useAppStore.getState().runIndex.find((run) => run.id === 'judged');
    expect(parseRunIndex([stored, { ...stored, id: 'x', judgement: { verdict: 'meh', at: '' } }])).toEqual([stored]);
    judgeRun('judged', { verdict: 'bad' });
    expect(judgement()).toBeUndefined();
  });
});

describe('training data from the history', () => {
  const run = (id: string, extra: Partial<RunSummary> = {}): RunSummary => ({ id, task: `task ${id}`, createdAt: `2026-12-02T00:00:0${id.length}Z`, status: 'done', stepCount: 2, ...extra });
  const good = { verdict: 'good', at: '2026-12-02T00:00:00Z' } as const;
  const bad = { verdict: 'bad', at: '2026-12-02T00:00:00Z' } as const;

  it('picks every run judged good, each in its latest corrected version, and never a private one', async () => {
    const { defaultTrainingRuns, trainingCandidates, isPrivateRun } = await import('./training-actions.ts');
    const index: RunSummary[] = [
      run('a', { judgement: good }),
      // a's versions: the latest that was not judged bad stands for it.
      run('ab', { parentId: 'a', change: '#E2 edited' }),
      run('abc', { parentId: 'ab', change: '#E3 edited', judgement: bad }),
      // A later correction that failed does not stand for it either.
      run('abcd', { parentId: 'ab', change: '#E1 edited', status: 'failed' }),
      run('b', { judgement: bad }),
      run('c'),
      run('p', { judgement: good, private: true }),
      run('pq', { parentId: 'p', judgement: good }),
      run('r', { judgement: good, status: 'running' }),
    ];
    expect(defaultTrainingRuns(index)).toEqual(['ab']);
    expect(trainingCandidates(index).map((entry) => entry.id)).toEqual(['a', 'ab', 'abc', 'abcd', 'b', 'c']);
    // A version of a private run is private too.
    expect(isPrivateRun(index, 'pq')).toBe(true);
    expect(isPrivateRun(index, 'ab')).toBe(false);
  });

  it('keeps the private mark with the run in storage', async () => {
    const { setRunPrivate } = await import('./run-actions.ts');
    const { parseRunIndex } = await import('./run-index-schema.ts');
    useAppStore.getState().addRunSummary(run('secret-run'));
    setRunPrivate('secret-run', true);
    const stored = useAppStore.getState().runIndex.find((entry) => entry.id === 'secret-run');
    expect(stored?.private).toBe(true);
    expect(parseRunIndex(JSON.parse(JSON.stringify([stored])))).toEqual([stored]);
    setRunPrivate('secret-run', false);
    expect(JSON.parse(JSON.stringify(useAppStore.getState().runIndex.find((entry) => entry.id === 'secret-run')))).not.toHaveProperty('private');
  });
});
