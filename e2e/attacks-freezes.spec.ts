// The attack suite, part two: inputs built to freeze the page. Each case must end with a clear
// message while the page keeps answering clicks within a second (see SECURITY.md).
import { expect, test } from '@playwright/test';
import { configurePlanner, routeWikipediaPage, scriptPlanner } from './support/app.ts';
import { expectResponsive, plan, recordClickLatencies, runTask, traceFile } from './support/attacks.ts';

// The harness's own DOM snapshots (traces) run on the page's thread: measure the app alone.
test.use({ trace: 'off' });

test.beforeEach(async ({ page }) => {
  await recordClickLatencies(page);
  // Nothing may reach the internet.
  await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort('blockedbyclient'));
});

test('6a. a calculator bomb fails with a clear message and the page keeps answering', async ({ page }) => {
  await scriptPlanner({
    rules: [
      { match: 'make plans', reply: 'Plan: Compute.\n#E1 = calculator[size(ones(1500,1500)*ones(1500,1500))]' },
      { match: 'Solve the following task', reply: 'No result.' },
    ],
  });
  await page.goto('/');
  await configurePlanner(page);
  await runTask(page, 'Multiply two big matrices.');
  await expectResponsive(page);
  await expect(plan(page).getByRole('listitem', { name: /^#E1 calculator failed/ })).toContainText(/limited to|too (large|long)/);
  await expectResponsive(page);
});

test('6b. a search result of 1.5 MB of "<" does not freeze the page', async ({ page }) => {
  const flood = '<'.repeat(1_500_000);
  await routeWikipediaPage(page, 'Flood', flood);
  await scriptPlanner({
    rules: [
      { match: 'make plans', reply: 'Plan: Look it up.\n#E1 = search_wiki[flood]' },
      { match: 'Solve the following task', reply: 'Flooded [#E1].' },
    ],
  });
  await page.goto('/');
  await configurePlanner(page);
  await runTask(page, 'Look up the flood.');
  await expectResponsive(page);
  await expect(plan(page).getByRole('listitem', { name: /^#E1 search_wiki (done|failed)/ })).toBeVisible();
  await expectResponsive(page);
});

test('6c. a planner that never stops is cut at the step limit, with one clear message', async ({ page }) => {
  const endless = Array.from({ length: 5000 }, (_, index) => `Plan: Step ${index + 1}.\n#E${index + 1} = calculator[${index} + 1]`).join('\n');
  await scriptPlanner({
    rules: [
      { match: 'make plans', reply: endless, tokensPerSecond: 20_000 },
      { match: 'Solve the following task', reply: 'Never.' },
    ],
  });
  await page.goto('/');
  await configurePlanner(page);
  await runTask(page, 'Count to five thousand.');
  await expectResponsive(page);
  await expect(page.getByText('The plan has more than 300 steps').first()).toBeVisible({ timeout: 30_000 });
  await expect(plan(page).getByRole('listitem')).toHaveCount(300);
  await expectResponsive(page);
});

test('6d. a 20 MB answer and a 20 MB step input are shown cut, and the page keeps answering', async ({ page }) => {
  const huge = `${'[a]('.repeat(2_500_000)}${'x'.repeat(10_000_000)}`;
  const events = [
    { type: 'run-start', at: 0, runId: 'crafted', task: 'Huge', startedAt: new Date().toISOString() },
    { type: 'plan-start', at: 1 },
    { type: 'step-added', at: 2, step: { id: '#E1', tool: 'calculator', input: huge, deps: [] }, errors: [] },
    { type: 'plan-end', at: 3, errors: [], warnings: [] },
    { type: 'step-skipped', at: 4, id: '#E1', reason: 'too big' },
    { type: 'solve-start', at: 5 },
    { type: 'solve-delta', at: 6, text: huge },
    { type: 'solve-end', at: 7, durationMs: 1 },
    { type: 'run-end', at: 8, status: 'done' },
  ];
  await page.goto('/');
  await page.getByLabel('Trace file').setInputFiles(traceFile('Huge', events));
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('too many to format', { timeout: 30_000 });
  await expect(plan(page).getByRole('listitem', { name: /^#E1 calculator/ }).getByRole('button', { name: /^Show all 20,000,0\d\d characters/ })).toBeVisible();
  await expectResponsive(page);
});
