import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { configurePlanner, plannerUrl, scriptPlanner, showPanel } from './support/app.ts';

test.beforeEach(async ({ page }) => {
  await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort('blockedbyclient'));
});

test('Calls shows every model request of a run; copies hold no key; a step card opens its calls; an imported run keeps them', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const apiKey = 'sk-test-calls-0123456789';
  await scriptPlanner({
    apiKey,
    rules: [
      { match: 'make plans', reply: 'Plan: Multiply.\n#E1 = calculator[6 * 7]\nPlan: Say it.\n#E2 = llm[Say #E1 in words]' },
      { match: 'Solve the following task', reply: 'It is forty-two [#E2].' },
      { match: 'Say 42 in words', reply: 'forty-two' },
    ],
  });
  await page.goto('/');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('textbox', { name: 'API key' }).fill(apiKey);
  await page.getByRole('button', { name: 'Close' }).click();
  await configurePlanner(page);
  await page.getByRole('textbox', { name: 'Task' }).fill('What is 6 * 7, in words?');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('It is forty-two');

  await showPanel(page, 'Calls');
  await expect(page.getByRole('tab', { name: 'Calls', exact: true })).toHaveAttribute('aria-selected', 'true');
  const calls = page.getByRole('tabpanel', { name: 'Calls' }).getByRole('region', { name: 'Calls' });
  const rows = calls.getByRole('table', { name: 'Model calls' }).locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows).toContainText([/Planner/, /llm tool #E2/, /Solver/]);

  // The planner's request: its system prompt and the task, exactly as sent.
  await calls.getByRole('button', { name: 'Call c1: Planner' }).click();
  const detail = calls.getByRole('region', { name: 'Call c1' });
  await detail.getByText(/^system/).click();
  await expect(detail).toContainText('make plans');
  await expect(detail).toContainText('What is 6 * 7, in words?');
  await expect(detail).toContainText('stepwise-planner');

  await detail.getByRole('button', { name: 'Copy as curl' }).click();
  const curl = await page.evaluate(() => navigator.clipboard.readText());
  expect(curl).toContain(`curl -N '${plannerUrl}/chat/completions'`);
  expect(curl).toContain('$STEPWISE_API_KEY');
  expect(curl).toContain('What is 6 * 7, in words?');
  expect(curl).not.toContain(apiKey);
  await detail.getByRole('button', { name: 'Copy as JSON' }).click();
  const json = await page.evaluate(() => navigator.clipboard.readText());
  expect(JSON.parse(json)).toMatchObject({ id: 'c1', role: 'planner', response: { status: 'done' } });
  expect(json).not.toContain(apiKey);

  // From #E2's card, its call is one click away.
  const card = page.getByRole('list', { name: 'Plan' }).getByRole('listitem', { name: /^#E2 / });
  await showPanel(page, 'Graph');
  await card.getByRole('button', { name: 'Model requests of #E2' }).click();
  await expect(calls).toBeFocused();
  await expect(rows).toHaveCount(1);
  await expect(calls.getByRole('region', { name: /^Call c\d+$/ })).toContainText('forty-two');
  await calls.getByRole('button', { name: 'Clear the step filter' }).click();
  await expect(rows).toHaveCount(3);

  // The exported trace carries the calls, without the key; imported, they show again.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export' }).click();
  await page.getByRole('menuitem', { name: 'JSON trace' }).click();
  const path = await (await download).path();
  const text = await readFile(path, 'utf8');
  expect(text).not.toContain(apiKey);
  expect(text).toContain('"model-call-start"');
  await page.reload();
  await page.getByLabel('Trace file').setInputFiles(path);
  await showPanel(page, 'Calls');
  await expect(page.getByRole('region', { name: 'Calls' }).locator('tbody tr')).toHaveCount(3);
});
