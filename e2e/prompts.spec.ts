import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { configurePlanner, plannerRequests, scriptPlanner } from './support/app.ts';

const rules = [
  { match: 'Answer in one short sentence', reply: 'Forty-two [#E1].' },
  { match: 'Solve the following task', reply: 'It is 42 [#E1].' },
  { match: 'make plans', reply: 'Plan: Multiply.\n#E1 = calculator[6 * 7]' },
];

test.beforeEach(async ({ page }) => {
  await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort('blockedbyclient'));
});

test('the planner gets the edited prompt; a missing placeholder warns; presets round-trip; new prompts make a version', async ({ page }) => {
  await scriptPlanner({ rules });
  await page.goto('/');
  await configurePlanner(page);
  await page.getByRole('textbox', { name: 'Task' }).fill('What is 6 * 7?');
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  const planner = settings.getByRole('textbox', { name: 'Planner prompt' });

  // Without {{tools}} the planner would not know the tools: said at once.
  const original = await planner.inputValue();
  await planner.fill(original.replace('{{tools}}', ''));
  await expect(settings.getByRole('list', { name: 'Problems in the Planner prompt' })).toContainText('{{tools}} is missing');
  await planner.fill(original.replace('Tools can be one of the following:', 'PLEASE PLAN BRIEFLY. Tools can be one of the following:'));
  await expect(settings.getByRole('list', { name: 'Problems in the Planner prompt' })).toHaveCount(0);
  await settings.getByRole('button', { name: 'Preview the Planner prompt' }).click();
  const preview = settings.getByRole('region', { name: 'Preview of the Planner prompt' });
  await expect(preview).toContainText('PLEASE PLAN BRIEFLY');
  await expect(preview).toContainText('calculator[input]');
  await expect(preview).toContainText('Task: What is 6 * 7?');

  // Save as a preset, export it, switch back to Default, import it again.
  await settings.getByRole('textbox', { name: 'Preset name' }).fill('Brief');
  await settings.getByRole('button', { name: 'Save as preset' }).click();
  await expect(settings.getByRole('status')).toContainText('Saved as "Brief"');
  const download = page.waitForEvent('download');
  await settings.getByRole('button', { name: 'Export presets' }).click();
  const path = await (await download).path();
  expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ format: 'stepwise-prompts', presets: [{ name: 'Brief' }] });
  await settings.getByRole('button', { name: 'Delete preset' }).click();
  await settings.getByRole('combobox', { name: 'Prompt preset' }).selectOption('Default');
  await expect(planner).not.toHaveValue(/PLEASE PLAN BRIEFLY/);
  await settings.getByLabel('Prompt presets file').setInputFiles(path);
  await expect(settings.getByRole('status')).toContainText('Imported 1 preset: Brief');
  await settings.getByRole('combobox', { name: 'Prompt preset' }).selectOption('Brief');
  await expect(planner).toHaveValue(/PLEASE PLAN BRIEFLY/);
  await settings.getByRole('button', { name: 'Close' }).click();

  // The fixture server receives the edited text.
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('It is 42');
  const planning = (await plannerRequests()).filter((request) => JSON.stringify(request.body ?? '').includes('make plans'));
  expect(planning).toHaveLength(1);
  expect(JSON.stringify(planning[0]?.body)).toContain('PLEASE PLAN BRIEFLY');

  // A new solver prompt, then "run again with these prompts": a version, no tool, no planner.
  await scriptPlanner({ rules });
  await page.getByRole('button', { name: 'Settings' }).click();
  const solver = settings.getByRole('textbox', { name: 'Solver prompt' });
  await solver.fill((await solver.inputValue()).replace('Answer directly.', 'Answer in one short sentence.'));
  await settings.getByRole('button', { name: 'Run the run on screen again with these prompts' }).click();
  await settings.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByText('A version of')).toContainText('solver prompt changed');
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('Forty-two');
  const requests = (await plannerRequests()).map((request) => JSON.stringify(request.body ?? ''));
  expect(requests.filter((body) => body.includes('make plans'))).toHaveLength(0);
  await expect(page.getByRole('list', { name: 'Plan' }).getByRole('listitem', { name: /^#E1 / })).toContainText('reused from the earlier run');

  // Compare names the changed prompt.
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  const comparison = page.getByRole('region', { name: 'Comparison' });
  await expect(comparison.getByRole('row', { name: 'Solver prompt changed', exact: true })).toContainText('Brief → Brief (edited)');
  await expect(comparison.locator('ins')).toContainText(['one short sentence']);
});
