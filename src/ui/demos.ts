import type { DemoEntry } from '../core/trace/trace.ts';
import { startReplay } from '../store/run-actions.ts';
import { useAppStore } from '../store/store.ts';

const demosFolder = `${import.meta.env.BASE_URL}demos/`;

/** The demos the app ships (`public/demos/index.json`). */
export async function loadDemoIndex(): Promise<DemoEntry[]> {
  const { parseDemoIndex } = await import('../core/trace/trace.ts');
  const index = parseDemoIndex(await (await fetch(`${demosFolder}index.json`)).json());
  if (!index.ok) throw new Error(index.problems[0] ?? 'the demo list is damaged');
  return index.demos;
}

/** Replays a demo at the speed chosen in the speed menu. */
export async function playDemo(demo: DemoEntry): Promise<void> {
  const { importTrace } = await import('../core/trace/trace.ts');
  const imported = importTrace(await (await fetch(`${demosFolder}${demo.file}`)).text());
  if (!imported.ok) throw new Error(imported.problems[0] ?? 'the demo is damaged');
  startReplay(imported.trace, useAppStore.getState().replaySpeed);
}
