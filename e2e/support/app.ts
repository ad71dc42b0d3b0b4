import { readFileSync } from 'node:fs';
import { expect, type Page, type Route } from '@playwright/test';
import { plannerPort } from '../../playwright.config.ts';
import type { PlannerScript } from '../fixtures/planner-server.ts';
import { exportCustomTools, type CustomToolDefinition } from '../../toolkit/custom-tool.ts';

export const plannerUrl = `http://127.0.0.1:${plannerPort}/v1`;
const controlUrl = `http://127.0.0.1:${plannerPort}/__fixture`;

/** Scripts the fixture planner server (a separate process started by Playwright). */
export async function scriptPlanner(script: PlannerScript): Promise<void> {
  const reset = await fetch(`${controlUrl}/reset`, { method: 'POST' });
  expect(reset.ok).toBe(true);
  const response = await fetch(`${controlUrl}/script`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(script) });
  expect(response.ok, await response.text()).toBe(true);
}

/** Requests the fixture planner received. */
export async function plannerRequests(): Promise<{ method: string; path: string; body?: unknown; headers: Record<string, string> }[]> {
  return (await fetch(`${controlUrl}/requests`)).json();
}

/** Sets the planner endpoint through the Settings dialog, as a person would. */
export async function configurePlanner(page: Page, options: { url?: string; model?: string } = {}): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('textbox', { name: 'Planner URL' }).fill(options.url ?? plannerUrl);
  await page.getByRole('textbox', { name: 'Planner model' }).fill(options.model ?? 'stepwise-planner');
  await page.getByRole('button', { name: 'Close' }).click();
}

const fixture = (name: string) => readFileSync(new URL(`../../toolkit/__fixtures__/${name}`, import.meta.url), 'utf8');

/**
 * Answers Wikipedia's API with recorded responses (no test reaches the internet), checks the
 * real request shape, and records how many requests were in flight at once.
 */
export async function routeWikipedia(page: Page, options: { delayMs?: number } = {}): Promise<{ maxInFlight: () => number; queries: string[] }> {
  let inFlight = 0;
  let maxInFlight = 0;
  const queries: string[] = [];
  await page.route('https://*.wikipedia.org/w/api.php**', async (route: Route) => {
    const url = new URL(route.request().url());
    expect(url.searchParams.get('origin')).toBe('*');
    expect(url.searchParams.get('format')).toBe('json');
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    if (url.searchParams.get('list') === 'search') queries.push(url.searchParams.get('srsearch') ?? '');
    await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 400));
    inFlight--;
    const body = url.searchParams.get('list') === 'search' ? fixture('wiki-search.json') : fixture('wiki-extracts.json');
    await route.fulfill({ status: 200, contentType: 'application/json', headers: { 'access-control-allow-origin': '*' }, body });
  });
  return { maxInFlight: () => maxInFlight, queries };
}

/** Answers Wikipedia's API with one page whose title is `title` and whose snippet and extract are `text`. */
export async function routeWikipediaPage(page: Page, title: string, text: string): Promise<void> {
  await page.route('https://*.wikipedia.org/w/api.php**', (route) => {
    const url = new URL(route.request().url());
    const body =
      url.searchParams.get('list') === 'search'
        ? { query: { search: [{ title, pageid: 1, snippet: text }] } }
        : { query: { pages: [{ title, extract: text }] } };
    return route.fulfill({ status: 200, contentType: 'application/json', headers: { 'access-control-allow-origin': '*' }, body: JSON.stringify(body) });
  });
}

/** Adds custom tools through Tools → Import tools, as a person would with a shared file. */
export async function importCustomTools(page: Page, definitions: CustomToolDefinition[]): Promise<void> {
  await page.getByRole('button', { name: 'Tools' }).click();
  const tools = page.getByRole('dialog', { name: 'Tools' });
  await tools.getByLabel('Import tools').setInputFiles({ name: 'tools.json', mimeType: 'application/json', buffer: Buffer.from(exportCustomTools(definitions)) });
  for (const definition of definitions) await expect(tools.getByRole('region', { name: 'Custom tools' })).toContainText(definition.name);
  await tools.getByRole('button', { name: 'Done' }).click();
}

/** Shows one of the workspace's tabbed panels (Graph, Timeline, Calls, Usage, History, Comparison). */
export async function showPanel(page: Page, name: 'Graph' | 'Timeline' | 'Calls' | 'Usage' | 'History' | 'Comparison'): Promise<void> {
  await page.getByRole('tablist', { name: 'Panels' }).getByRole('tab', { name, exact: true }).click();
}

/** Chooses an item of the header's Open menu: Import trace…, Replay, or a demo by its title. */
export async function chooseFromOpenMenu(page: Page, item: string): Promise<void> {
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByRole('menu', { name: 'Open' }).getByRole('menuitem', { name: item, exact: true }).click();
}
