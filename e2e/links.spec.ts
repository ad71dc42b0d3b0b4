import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { expect, test } from '@playwright/test';
import { chooseFromOpenMenu, plannerUrl, scriptPlanner } from './support/app.ts';

const plannerOrigin = new URL(plannerUrl).origin;

const tokyo = 'Tokyo and Paris: local time and population';
const summary = (page: import('@playwright/test').Page) => page.getByRole('region', { name: 'Summary' });

test.beforeEach(async ({ page }) => {
  // Links open runs with no model and no network: anything not on this machine is refused.
  await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort('blockedbyclient'));
});

test('Copy link puts the run into the link itself; the link alone replays it', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/');
  await page.getByRole('combobox', { name: 'Replay speed' }).selectOption({ label: 'instant' });
  await chooseFromOpenMenu(page, tokyo);
  await expect(summary(page)).toContainText('Tokyo');
  await page.getByRole('button', { name: 'Export' }).click();
  await page.getByRole('menuitem', { name: 'Copy link' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Link copied' })).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#trace=[A-Za-z0-9_-]+$/);

  // A fresh browser with nothing stored: the link replays the run, with its calls.
  const other = await context.browser()!.newContext();
  const opened = await other.newPage();
  await opened.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort('blockedbyclient'));
  await opened.goto(link);
  await expect(opened.locator('.run-status')).toHaveText(/Replaying|Done/);
  await expect(summary(opened)).toContainText('Tokyo is the larger city', { timeout: 30_000 });
  await expect(opened.getByRole('list', { name: 'Plan' }).getByRole('listitem')).toHaveCount(6);
  await expect(opened.getByRole('textbox', { name: 'Task' })).toHaveValue(/Compare Tokyo and Paris/);
  await other.close();
});

test('a link that was cut says so, once, and the page still works', async ({ page }) => {
  await page.goto('/#trace=AAAA-this-is-not-a-run');
  await expect(page.getByRole('alert')).toContainText('does not carry a readable run');
  await expect(page.getByRole('alert')).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Run' })).toBeEnabled();
});

test('?trace= opens a trace file from a server that allows it, and explains one that refuses (CORS)', async ({ page }) => {
  const trace = await readFile('public/demos/tokyo-and-paris.json', 'utf8');
  // The fixture server, another origin than the page: first as vLLM (CORS allows any origin).
  await scriptPlanner({ profile: 'vllm', files: { '/runs/tokyo.json': trace } });
  await page.goto(`/?trace=${encodeURIComponent(`${plannerOrigin}/runs/tokyo.json`)}`);
  await expect(summary(page)).toContainText('Tokyo is the larger city', { timeout: 30_000 });

  // As LM Studio (no CORS headers at all): the browser refuses, and the page says why and what to do.
  await scriptPlanner({ profile: 'lmstudio', files: { '/runs/tokyo.json': trace } });
  await page.goto(`/?trace=${encodeURIComponent(`${plannerOrigin}/runs/tokyo.json`)}`);
  // (The page is cross-origin isolated, so it cannot probe whether the server answered at all:
  // the message names both causes.)
  const alert = page.getByRole('alert');
  await expect(alert).toContainText(`Could not load the trace from ${plannerOrigin}/runs/tokyo.json`);
  await expect(alert).toContainText('(CORS)');
  await expect(alert).toContainText('Access-Control-Allow-Origin');

  // The demos open by such links too (the README uses one).
  await page.goto('/?trace=demos/killers-of-the-flower-moon.json');
  await expect(page.getByRole('textbox', { name: 'Task' })).toHaveValue(/Killers of the Flower Moon/);
  await expect(summary(page)).toContainText('Goodfellas', { timeout: 30_000 });
});

test('presenter mode: large type, the step being played as a caption, Space pauses, → steps, Escape leaves', async ({ page }) => {
  await page.goto('/?trace=demos/tokyo-and-paris.json&present');
  const caption = page.getByRole('status', { name: 'Presenting' });
  await expect(caption).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('data-presenting', '');
  await page.keyboard.press('Space');
  await expect(page.locator('.run-status')).toHaveText(/^Replay paused/);
  // → plays on to the next step that starts or ends, then holds; the caption follows the step.
  for (let press = 0; press < 20 && !/#E\d/.test((await caption.textContent()) ?? ''); press += 1) await page.keyboard.press('ArrowRight');
  await expect(caption).toContainText(/#E1 Look up Tokyo on Wikipedia/);
  await expect(page.getByRole('region', { name: 'Step details' }).getByRole('heading', { level: 2 })).toHaveText(/#E1/);
  await expect(page.locator('.run-status')).toHaveText(/^Replay paused/);
  await page.keyboard.press('Escape');
  await expect(caption).toHaveCount(0);
  await expect(page.locator('html')).not.toHaveAttribute('data-presenting', /.*/);
  // Present (the button) replays the run on screen the same way.
  await page.getByRole('combobox', { name: 'Replay speed' }).selectOption({ label: 'instant' });
  await page.getByRole('button', { name: 'Stop' }).click();
  await page.getByRole('button', { name: 'Present' }).click();
  await expect(caption).toContainText(/#E\d/);
});

test('embed mode shows the run only: no Settings, no History, no changes to the run', async ({ page }) => {
  await page.setViewportSize({ width: 960, height: 600 });
  await page.goto('/?trace=demos/tokyo-and-paris.json&embed');
  await expect(summary(page)).toContainText('Tokyo is the larger city', { timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Settings' })).toHaveCount(0);
  await expect(page.getByRole('textbox', { name: 'Task' })).toHaveCount(0);
  await expect(page.getByRole('tab', { name: 'History' })).toHaveCount(0);
  await expect(page.getByRole('tab', { name: 'Calls', exact: true })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Plan' }).getByRole('button', { name: 'Edit' })).toHaveCount(0);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(960);
});

test('Export → Replay page writes one file that replays the run from disk, with no network at all', async ({ page, browser }, testInfo) => {
  await page.goto('/');
  await page.getByRole('combobox', { name: 'Replay speed' }).selectOption({ label: 'instant' });
  await chooseFromOpenMenu(page, tokyo);
  await expect(summary(page)).toContainText('Tokyo is the larger city');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export' }).click();
  await page.getByRole('menuitem', { name: 'Replay page' }).click();
  const saved = await download;
  expect(saved.suggestedFilename()).toMatch(/\.replay\.html$/);
  const file = testInfo.outputPath('run.replay.html');
  await saved.saveAs(file);
  const html = await readFile(file, 'utf8');
  expect(html).not.toMatch(/<script[^>]+src=/);
  expect(html).toContain('Compare Tokyo and Paris');

  // Opened from disk in a browser with no network: it replays to the answer, with the graph and the calls.
  const offline = await browser.newContext({ offline: true });
  const opened = await offline.newPage();
  const requests: string[] = [];
  opened.on('request', (request) => {
    if (!/^(file|data|blob):/.test(request.url())) requests.push(request.url());
  });
  await opened.goto(pathToFileURL(file).href);
  await expect(opened.getByRole('heading', { name: 'Stepwise replay' })).toBeVisible();
  await expect(summary(opened)).toContainText('Tokyo is the larger city', { timeout: 30_000 });
  await expect(opened.getByRole('figure', { name: 'Plan graph' }).getByRole('link', { name: /^#E6 / })).toBeVisible();
  await opened.getByRole('tab', { name: 'Calls', exact: true }).click();
  await expect(opened.getByRole('region', { name: 'Calls' }).locator('tbody tr')).toHaveCount(4);
  await expect(opened.getByRole('button', { name: 'Settings' })).toHaveCount(0);
  expect(requests).toEqual([]);
  await offline.close();
});
