import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../core/run/events.ts';
import { defaultSettings } from './settings-slice.ts';
import { migrate, useAppStore } from './store.ts';

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

  it('folds the events of the run on screen and keeps the history entry in step', () => {
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
    expect(state.runIndex.find((run) => run.id === 'run-1')).toMatchObject({ status: 'planning', stepCount: 1 });
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
});
