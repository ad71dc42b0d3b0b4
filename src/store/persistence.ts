import { createStore, del, get, set as setItem, type UseStore } from 'idb-keyval';
import type { StateStorage } from 'zustand/middleware';
import type { RunEvent } from '../core/run/events.ts';
import { largeTextChars, textBlob } from '../core/run/slices.ts';
import { redactKnownSecrets } from '../core/trace/redact.ts';

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

const isObject = (value: unknown): value is object => value !== null && typeof value === 'object' && !(value instanceof Blob);
const isLongText = (value: unknown): value is string => typeof value === 'string' && value.length > largeTextChars;
const isBlob = (value: unknown): value is Blob => value instanceof Blob;

function contains(value: unknown, test: (leaf: unknown) => boolean): boolean {
  if (test(value)) return true;
  return isObject(value) && Object.values(value).some((child) => contains(child, test));
}

/** `value` with each leaf that `test` picks replaced by `convert(leaf)`, one after another; parts without one are shared. */
async function mapLeaves<T>(value: unknown, test: (leaf: unknown) => leaf is T, convert: (leaf: T) => Promise<unknown>): Promise<unknown> {
  if (test(value)) return convert(value);
  if (!isObject(value) || !contains(value, test)) return value;
  const entries: [string, unknown][] = [];
  for (const [key, child] of Object.entries(value)) entries.push([key, await mapLeaves(child, test, convert)]);
  return Array.isArray(value) ? entries.map(([, child]) => child) : Object.fromEntries(entries);
}

/** Options of `EventLog`. */
export interface EventLogOptions {
  /** The literal secrets to scrub from every event before it is written (default: none). */
  secrets?: () => readonly string[];
  /**
   * When to write what was appended: calls `write` once per burst (default: at the end of the
   * task that appended, `queueMicrotask`). The page passes the clock of its updates, so a run's
   * events reach the disk with the update that shows them: one write per update, not per token.
   */
  schedule?: (write: () => void) => void;
}

/**
 * Appends a run's events to IndexedDB as they happen: each burst of events (as `schedule` groups
 * them) is one `put` of a new record (no read-modify-write), so a reload loses at most that
 * burst. Known secrets (an API key or a token that a server echoed into evidence or an error)
 * are replaced by `[redacted]` on the way; the events in memory stay as they are. A text of
 * megabytes (a solver prompt in its `blob` event) is stored as a Blob encoded a slice per task:
 * an IndexedDB put serialises a string on the page (30–80 ms for 2 MB on a slow machine), a
 * Blob it only refers to. Reading turns the Blobs back into text.
 */
export class EventLog {
  private readonly store: UseStore = createStore('stepwise-events', 'batches');
  private readonly secrets: () => readonly string[];
  private pending = new Map<string, RunEvent[]>();
  private sequence = new Map<string, number>();
  private writing: Promise<void> = Promise.resolve();
  private scheduled = false;
  private readonly schedule: (write: () => void) => void;

  constructor(options: EventLogOptions = {}) {
    this.secrets = options.secrets ?? (() => []);
    this.schedule = options.schedule ?? queueMicrotask;
  }

  append(runId: string, event: RunEvent): void {
    const queue = this.pending.get(runId) ?? [];
    queue.push(event);
    this.pending.set(runId, queue);
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => {
        if (this.scheduled) void this.flush();
      });
    }
  }

  /** Resolves when everything appended so far is on disk. */
  flush(): Promise<void> {
    this.scheduled = false;
    const pending = [...this.pending];
    this.pending.clear();
    if (pending.length === 0) return this.writing;
    const secrets = this.secrets();
    const batches = pending.map(([runId, events]) => [runId, redactKnownSecrets(events, secrets)] as const);
    this.writing = this.writing.then(async () => {
      const stored: [string, unknown][] = [];
      for (const [runId, events] of batches) stored.push([runId, await mapLeaves(events, isLongText, (text) => textBlob(text))]);
      await this.store('readwrite', async (store) => {
        for (const [runId, events] of stored) {
          const next = this.sequence.get(runId) ?? (await this.lastSequence(store, runId)) + 1;
          this.sequence.set(runId, next + 1);
          store.put(events, batchKey(runId, next));
        }
      });
    });
    return this.writing;
  }

  private async lastSequence(store: IDBObjectStore, runId: string): Promise<number> {
    const keys = await promisify(store.getAllKeys(runRange(runId)));
    const last = keys.at(-1);
    return typeof last === 'string' ? Number(last.slice(runId.length + 1)) : -1;
  }

  /** A run's events, each checked against the trace schemas; one left out is named in `problems`. */
  async readChecked(runId: string): Promise<{ events: RunEvent[]; problems: string[] }> {
    await this.writing;
    // The trace schemas load with the first read, not with the page.
    const [batches, { parseStoredEvents }] = await Promise.all([
      this.store('readonly', (store) => promisify(store.getAll(runRange(runId)) as IDBRequest<unknown[]>)),
      import('../core/trace/trace.ts'),
    ]);
    const events = await mapLeaves(batches.flatMap((batch) => (Array.isArray(batch) ? batch : [batch])), isBlob, (blob) => blob.text());
    return parseStoredEvents(events as unknown[]);
  }

  /** A run's valid events (see `readChecked`). */
  async read(runId: string): Promise<RunEvent[]> {
    return (await this.readChecked(runId)).events;
  }

  async remove(runId: string): Promise<void> {
    await this.writing;
    this.sequence.delete(runId);
    await this.store('readwrite', (store) => promisify(store.delete(runRange(runId))));
  }
}
