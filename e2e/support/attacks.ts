import { expect, type Page } from '@playwright/test';

/** Records each click's time from the input to the next paint (Event Timing), as a person feels it. */
export async function recordClickLatencies(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const latencies: number[] = [];
    (window as unknown as { clickLatencies: number[] }).clickLatencies = latencies;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (entry.name === 'click' || entry.name === 'pointerdown') latencies.push(entry.duration);
    }).observe({ type: 'event', durationThreshold: 16 } as PerformanceObserverInit);
  });
}

/**
 * The page answers a click within a second: Settings opens and closes, and each click's time
 * from the input to the next paint (the Event Timing API, input delay included; needs
 * `recordClickLatencies`) stays under 1 s. A frozen page holds a click for the whole freeze.
 */
export async function expectResponsive(page: Page): Promise<void> {
  await page.evaluate(() => void (window as unknown as { clickLatencies: number[] }).clickLatencies.splice(0));
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect(settings).toBeVisible();
  await settings.getByRole('button', { name: 'Close' }).click();
  await expect(settings).toBeHidden();
  const latencies = await page.evaluate(() => (window as unknown as { clickLatencies: number[] }).clickLatencies);
  expect(Math.max(0, ...latencies), `click latencies ${latencies.join(', ')} ms`).toBeLessThan(1000);
}

export async function runTask(page: Page, task: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Task' }).fill(task);
  await page.getByRole('button', { name: 'Run' }).click();
}

/** A trace file as the app exports it, with the given events. */
export function traceFile(task: string, events: unknown[]): { name: string; mimeType: string; buffer: Buffer } {
  const trace = { format: 'stepwise-trace', version: 1, exportedAt: new Date().toISOString(), run: { id: 'crafted', task, createdAt: new Date().toISOString() }, events };
  return { name: 'crafted.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(trace)) };
}

/** The Plan list. */
export const plan = (page: Page) => page.getByRole('list', { name: 'Plan' });

