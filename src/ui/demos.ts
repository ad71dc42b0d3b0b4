import type { DemoEntry, TraceImportResult } from '../core/trace/trace.ts';
import { startReplay } from '../store/run-actions.ts';
import { useAppStore } from '../store/store.ts';

// The demos the app ships (`public/demos/`): one home for reading their list and their traces,
// for the Welcome panel, Watch a demo and the Open menu.

/** Where the list of demos is; each demo's file is named relative to it. */
export const demoIndexUrl = `${import.meta.env.BASE_URL}demos/index.json`;

/** The demos listed at `indexUrl`; a missing or damaged list throws, saying why. */
export async function loadDemoIndex(indexUrl = demoIndexUrl, signal?: AbortSignal): Promise<DemoEntry[]> {
  const response = await fetch(indexUrl, signal ? { signal } : undefined);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const { parseDemoIndex } = await import('../core/trace/trace.ts');
  const index = parseDemoIndex(await response.json());
  if (!index.ok) throw new Error(index.problems.join('; '));
  return index.demos;
}

/** A demo's trace, read next to the list at `indexUrl`: the import's result, with its problems when the file is damaged. */
export async function loadDemo(demo: DemoEntry, indexUrl = demoIndexUrl): Promise<TraceImportResult> {
  const response = await fetch(new URL(demo.file, new URL(indexUrl, document.baseURI)));
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const { importTrace } = await import('../core/trace/trace.ts');
  return importTrace(await response.text());
}

/** Replays a demo at the speed chosen in the speed menu. */
export async function playDemo(demo: DemoEntry): Promise<void> {
  const imported = await loadDemo(demo);
  if (!imported.ok) throw new Error(imported.problems[0] ?? 'the demo is damaged');
  startReplay(imported.trace, useAppStore.getState().replaySpeed);
}
