import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { configurePlanner, scriptPlanner, showPanel, chooseFromOpenMenu } from './support/app.ts';

test.beforeEach(async ({ page }) => {
  // Replays need no model and no network: anything not on this machine is refused.
  await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort('blockedbyclient'));
});

test('export a run without its API key, import it, and replay it', async ({ page }) => {
  const apiKey = 'sk-test-0123456789abcdef';
  await scriptPlanner({
    apiKey,
    rules: [
      { match: 'make plans', reply: 'Plan: Multiply.\n#E1 = calculator[6 * 7]\nPlan: Add.\n#E2 = calculator[#E1 + 1]' },
      { match: 'Solve the following task', reply: 'The answer is 43 [#E2].' },
    ],
  });
  await page.goto('/');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('textbox', { name: 'API key' }).fill(apiKey);
  await page.getByRole('button', { name: 'Close' }).click();
  await configurePlanner(page);
  await page.getByRole('textbox', { name: 'Task' }).fill('What is 6 * 7 + 1?');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('The answer is 43');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export' }).click();
  await page.getByRole('menuitem', { name: 'JSON trace' }).click();
  const path = await (await download).path();
  const text = await readFile(path, 'utf8');
  expect(text).not.toContain(apiKey);
  const trace = JSON.parse(text) as { format: string; version: number; events: { type: string }[] };
  expect(trace).toMatchObject({ format: 'stepwise-trace', version: 3 });
  expect(trace.events.at(0)?.type).toBe('run-start');
  expect(trace.events.at(-1)?.type).toBe('run-end');

  // A new page: import the file, then replay it instantly.
  await page.reload();
  await page.getByLabel('Trace file').setInputFiles(path);
  const plan = page.getByRole('list', { name: 'Plan' });
  await expect(plan.getByRole('listitem', { name: /^#E2 calculator done/ })).toContainText('43');
  await page.getByRole('combobox', { name: 'Replay speed' }).selectOption({ label: 'instant' });
  await chooseFromOpenMenu(page, 'Replay');
  await expect(plan.getByRole('listitem', { name: /^#E2 calculator done/ })).toContainText('43');
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('The answer is 43');
});

test('a bad trace file is explained and loses nothing', async ({ page }, testInfo) => {
  await page.goto('/');
  const path = testInfo.outputPath('bad-trace.json');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path, JSON.stringify({ format: 'stepwise-trace', version: 1, run: { id: 'x', task: 't', createdAt: '' }, settings: {}, events: [{ type: 'teleport', at: 0 }] }));
  const run = page.getByRole('button', { name: 'Run' });
  const before = await run.boundingBox();
  await page.getByLabel('Trace file').setInputFiles(path);
  await expect(page.getByRole('alert')).toContainText('teleport');
  // The message floats below the header: nothing moves.
  expect(await run.boundingBox()).toEqual(before);
});

test('first open offers the demos; the classic one replays with no model and no network', async ({ page }) => {
  await page.goto('/');
  const welcome = page.getByRole('region', { name: 'Welcome' });
  await expect(welcome).toBeVisible();
  await page.getByRole('combobox', { name: 'Replay speed' }).selectOption({ label: 'instant' });
  await chooseFromOpenMenu(page, 'Killers of the Flower Moon: director, films, bilibili');
  const plan = page.getByRole('list', { name: 'Plan' });
  await expect(plan.getByRole('listitem', { name: /search_bilibili done/ })).toBeVisible();
  await expect(plan.getByRole('listitem', { name: /^#E1 search_wiki done/ })).toContainText('Scorsese');
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('Goodfellas');
  await expect(page.getByRole('figure', { name: 'Plan graph' })).toBeVisible();
  await showPanel(page, 'Timeline');
  await expect(page.getByRole('figure', { name: 'Timeline' })).toBeVisible();
});
