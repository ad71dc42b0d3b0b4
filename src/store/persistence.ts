import { createStore, del, get, set as setItem, type UseStore } from 'idb-keyval';
import type { StateStorage } from 'zustand/middleware';
import type { RunEvent } from '../core/run/events.ts';

/** zustand `persist` storage over IndexedDB. */
export const indexedDbStorage: StateStorage = {
  getItem: async (name) => (await get<string>(name)) ?? null,
  setItem: (name, value) => setItem(name, value),
  removeItem: (name) => del(name),
};

const promisify = <T>(request: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

// Batches of one run sort together and in order: `runId`, a NUL, then a zero-padded number.
const batchKey = (runId: string, sequence: number) => `${runId}\u0000${String(sequence).padStart(10, '0')}`;
const runRange = (runId: string) => IDBKeyRange.bound(`${runId}\u0000`, `${runId}\u0000\uffff`);

/**
 * Appends a run's events to IndexedDB as they happen: each burst of events is one `put` of a
 * new record (no read-modify-write), so an event is on disk a few milliseconds after it
 * happened and a reload loses at most that burst.
 */
export class EventLog {
  private readonly store: UseStore = createStore('stepwise-events', 'batches');
  private pending = new Map<string, RunEvent[]>();
  private sequence = new Map<string, number>();
  private writing: Promise<void> = Promise.resolve();
  private scheduled = false;

  append(runId: string, event: RunEvent): void {
    const queue = this.pending.get(runId) ?? [];
    queue.push(event);
    this.pending.set(runId, queue);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => void this.flush());
    }
  }

  /** Resolves when everything appended so far is on disk. */
  flush(): Promise<void> {
    this.scheduled = false;
    const batches = [...this.pending];
    this.pending.clear();
    if (batches.length === 0) return this.writing;
    this.writing = this.writing.then(() =>
      this.store('readwrite', async (store) => {
        for (const [runId, events] of batches) {
          const next = this.sequence.get(runId) ?? (await this.lastSequence(store, runId)) + 1;
          this.sequence.set(runId, next + 1);
          store.put(events, batchKey(runId, next));
        }
      }),
    );
    return this.writing;
  }

  private async lastSequence(store: IDBObjectStore, runId: string): Promise<number> {
    const keys = await promisify(store.getAllKeys(runRange(runId)));
    const last = keys.at(-1);
    return typeof last === 'string' ? Number(last.slice(runId.length + 1)) : -1;
  }

  async read(runId: string): Promise<RunEvent[]> {
    await this.writing;
    const batches = await this.store('readonly', (store) => promisify(store.getAll(runRange(runId)) as IDBRequest<RunEvent[][]>));
    return batches.flat();
  }

  async remove(runId: string): Promise<void> {
    await this.writing;
    this.sequence.delete(runId);
    await this.store('readwrite', (store) => promisify(store.delete(runRange(runId))));
  }
}
