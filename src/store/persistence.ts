import { del, get, set as setItem, update } from 'idb-keyval';
import type { StateStorage } from 'zustand/middleware';
import type { RunEvent } from '../core/run/events.ts';

/** zustand `persist` storage over IndexedDB. */
export const indexedDbStorage: StateStorage = {
  getItem: async (name) => (await get<string>(name)) ?? null,
  setItem: (name, value) => setItem(name, value),
  removeItem: (name) => del(name),
};

const eventsKey = (runId: string) => `stepwise:run-events:${runId}`;

/**
 * Appends a run's events to IndexedDB as they happen. Writes are chained per run so that a
 * burst of events never interleaves two read-modify-writes of the same key, and batched so a
 * 200-step plan does not cost one transaction per event.
 */
export class EventLog {
  private pending = new Map<string, RunEvent[]>();
  private writing = Promise.resolve();
  private scheduled = false;

  append(runId: string, event: RunEvent): void {
    const queue = this.pending.get(runId) ?? [];
    queue.push(event);
    this.pending.set(runId, queue);
    if (!this.scheduled) {
      this.scheduled = true;
      // A macrotask, not a microtask: lets a burst of synchronous events share one write.
      setTimeout(() => this.flush(), 0);
    }
  }

  /** Resolves when everything appended so far is on disk. */
  flush(): Promise<void> {
    this.scheduled = false;
    const batches = [...this.pending];
    this.pending.clear();
    for (const [runId, events] of batches) {
      this.writing = this.writing.then(() => update<RunEvent[]>(eventsKey(runId), (stored) => [...(stored ?? []), ...events]));
    }
    return this.writing;
  }

  async read(runId: string): Promise<RunEvent[]> {
    await this.writing;
    return (await get<RunEvent[]>(eventsKey(runId))) ?? [];
  }

  async write(runId: string, events: RunEvent[]): Promise<void> {
    await this.writing;
    await setItem(eventsKey(runId), events);
  }

  async remove(runId: string): Promise<void> {
    await this.writing;
    await del(eventsKey(runId));
  }
}
