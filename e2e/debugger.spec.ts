import { expect, test, type Page } from '@playwright/test';
import { configurePlanner, plannerRequests, scriptPlanner } from './support/app.ts';

const chainPlan = [
  'Plan: Start with a number.',
  '#E1 = calculator[1 + 1]',
  'Plan: Scale it.',
  '#E2 = calculator[#E1 * 10]',
  'Plan: Add one.',
  '#E3 = calculator[#E2 + 1]',
  'Plan: Something independent.',
  '#E4 = calculator[2 + 2]',
].join('\n');

async function setup(page: Page, plan: string, answer = 'Done [#E1].') {
  await scriptPlanner({ rules: [{ match: 'make plans', reply: plan }, { match: 'Solve the following task', reply: answer }] });
  await page.goto('/');
  await configurePlanner(page);
  await page.getByRole('textbox', { name: 'Task' }).fill('Do some arithmetic.');
}

async function setPauseBeforeEveryStep(page: Page, enabled: boolean) {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('checkbox', { name: 'Pause before every step' }).setChecked(enabled);
  await page.getByRole('button', { name: 'Close' }).click();
}

const step = (page: Page, id: string) => page.getByRole('list', { name: 'Plan' }).getByRole('listitem', { name: new RegExp(`^${id} `) });
const doneSteps = (page: Page) => page.getByRole('list', { name: 'Plan' }).getByRole('listitem', { name: / done$/ });

test('a breakpoint stops before its step and Step runs exactly one step', async ({ page }) => {
  await setup(page, chainPlan);
  await setPauseBeforeEveryStep(page, true);
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(step(page, '#E1')).toHaveAccessibleName(/paused$/);
  await expect(doneSteps(page)).toHaveCount(0);

  await page.getByRole('button', { name: 'Step' }).click();
  await expect(step(page, '#E1')).toHaveAccessibleName(/done$/);
  await expect(step(page, '#E1')).toContainText('2');
  // Exactly one: the next ready step waits.
  await expect(step(page, '#E2')).toHaveAccessibleName(/paused$/);
  await expect(doneSteps(page)).toHaveCount(1);

  // A breakpoint on #E3, then run freely: everything before it runs, #E3 stops.
  await step(page, '#E3').getByRole('button', { name: 'Add breakpoint on #E3' }).click();
  await setPauseBeforeEveryStep(page, false);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(step(page, '#E2')).toHaveAccessibleName(/done$/);
  await expect(step(page, '#E4')).toHaveAccessibleName(/done$/);
  await expect(step(page, '#E3')).toHaveAccessibleName(/paused$/);
  await expect(step(page, '#E3')).toContainText('breakpoint');

  await page.keyboard.press('F10');
  await expect(step(page, '#E3')).toHaveAccessibleName(/done$/);
  await expect(step(page, '#E3')).toContainText('21');
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('Done');
});

test('editing a step before it runs changes the call', async ({ page }) => {
  await setup(page, chainPlan);
  await setPauseBeforeEveryStep(page, true);
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(step(page, '#E1')).toHaveAccessibleName(/paused$/);
  await step(page, '#E1').getByRole('button', { name: 'Edit' }).click();
  await step(page, '#E1').getByRole('textbox', { name: 'Input' }).fill('6 * 7');
  await step(page, '#E1').getByRole('button', { name: 'Save' }).click();
  await setPauseBeforeEveryStep(page, false);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(step(page, '#E1')).toHaveAccessibleName(/done$/);
  await expect(step(page, '#E1')).toContainText('{"name":"calculator","arguments":{"expression":"6 * 7"}}');
  await expect(step(page, '#E2')).toHaveAccessibleName(/done$/);
  await expect(step(page, '#E2')).toContainText('420');
});

test('save_file waits for approval; the person edits the arguments and approves', async ({ page }) => {
  // No save dialog in this test: the tool falls back to a download that Playwright catches.
  await page.addInitScript(() => {
    delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
  });
  await setup(page, 'Plan: Save a note.\n#E1 = save_file[{"filename": "notes.txt", "content": "hello"}]', 'Saved [#E1].');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(step(page, '#E1')).toHaveAccessibleName(/waiting for approval$/);
  const dialog = page.getByRole('dialog', { name: 'Approve save_file for #E1?' });
  await expect(dialog).toBeVisible();
  // A modal dialog that takes focus; the status line says what the run waits for; Escape does not dismiss it.
  await expect(dialog.locator(':focus')).toHaveCount(1);
  await expect(page.locator('.run-status')).toHaveText('Waiting for approval of #E1');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeVisible();
  await dialog.getByRole('textbox', { name: 'Arguments' }).fill('{"filename": "notes.txt", "content": "edited by a person"}');
  const download = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('notes.txt');
  expect(await (await file.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString())).toBe('edited by a person');
  await expect(step(page, '#E1')).toHaveAccessibleName(/done$/);
  await expect(dialog).toHaveCount(0);
  // The card says the arguments were the person's, not the planner's.
  await expect(step(page, '#E1')).toContainText('Call edited by you at approval');
});

test('skipping a side-effect step in the approval dialog skips it and its dependents', async ({ page }) => {
  await setup(page, 'Plan: Save.\n#E1 = save_file[{"filename": "a.txt", "content": "x"}]\nPlan: Then.\n#E2 = calculator[#E1]\nPlan: Other.\n#E3 = calculator[3 * 3]');
  await page.getByRole('button', { name: 'Run' }).click();
  await page.getByRole('dialog', { name: 'Approve save_file for #E1?' }).getByRole('button', { name: 'Skip' }).click();
  await expect(step(page, '#E1')).toHaveAccessibleName(/skipped$/);
  await expect(step(page, '#E2')).toHaveAccessibleName(/skipped$/);
  await expect(step(page, '#E3')).toHaveAccessibleName(/done$/);
});

test('replan from a step with a note makes a version: earlier steps keep their evidence, the rest follows the new plan', async ({ page }) => {
  await scriptPlanner({
    rules: [
      { match: 'Use 5 instead', reply: 'Plan: Start with a number.\n#E1 = calculator[1 + 1]\nPlan: Scale it by five.\n#E2 = calculator[#E1 * 5]' },
      { match: 'make plans', reply: 'Plan: Start with a number.\n#E1 = calculator[1 + 1]\nPlan: Scale it.\n#E2 = calculator[#E1 * 10]' },
      { match: 'Solve the following task', reply: 'Done [#E2].' },
    ],
  });
  await page.goto('/');
  await configurePlanner(page);
  await page.getByRole('textbox', { name: 'Task' }).fill('Do some arithmetic.');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(step(page, '#E2')).toContainText('20');
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('Done');

  await step(page, '#E2').getByRole('button', { name: 'Replan' }).click();
  await step(page, '#E2').getByRole('textbox', { name: 'Note to the planner' }).fill('Use 5 instead of 10.');
  await step(page, '#E2').getByRole('button', { name: 'Ask the planner' }).click();
  await expect(step(page, '#E2')).toContainText('#E2 = calculator[#E1 * 5]');
  await expect(step(page, '#E2')).toHaveAccessibleName(/done$/);
  await expect(step(page, '#E2')).toContainText('10');
  await expect(page.getByText('A version of')).toContainText('replanned from #E2');
  // #E1's call did not change: its evidence was reused, the calculator did not run again.
  await expect(step(page, '#E1')).toHaveAccessibleName(/done$/);
  await expect(step(page, '#E1')).toContainText('reused from the earlier run');
  const planning = (await plannerRequests()).filter((request) => JSON.stringify(request.body ?? '').includes('make plans'));
  expect(planning).toHaveLength(2);
  expect(JSON.stringify(planning[1]?.body)).toContain('Keep these steps exactly as they are');
});

test('Break at, set before Run, holds a step that does not exist yet; a tool name holds every step using it', async ({ page }) => {
  await setup(page, chainPlan);
  const breakAt = page.getByRole('textbox', { name: 'Break at' });
  await breakAt.fill('#e3');
  await breakAt.press('Enter');
  await expect(page.getByRole('button', { name: 'Remove breakpoint at #E3' })).toBeVisible();
  await breakAt.fill('no such thing');
  await breakAt.press('Enter');
  await expect(page.getByRole('alert')).toContainText('neither a step variable nor a tool');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(step(page, '#E3')).toHaveAttribute('data-status', 'paused');
  await expect(step(page, '#E3')).toContainText('breakpoint');
  // The breakpoint pauses the run, as a debugger's does: #E4 (independent) ran already if it was
  // ready before #E3, and otherwise waits for Continue too. Either way nothing runs now.
  await expect(page.getByRole('list', { name: 'Plan' }).getByRole('listitem', { name: / running$/ })).toHaveCount(0);
  await page.getByRole('button', { name: 'Remove breakpoint at #E3' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(step(page, '#E3')).toHaveAttribute('data-status', 'done');
  await expect(step(page, '#E4')).toHaveAttribute('data-status', 'done');
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('Done');

  // A tool name holds every step that uses it: the next run stops before its first calculator
  // step, and after Continue before the next one.
  await breakAt.fill('calculator');
  await breakAt.press('Enter');
  await expect(page.getByRole('button', { name: 'Remove breakpoint at calculator' })).toBeVisible();
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('.run-status')).toHaveText('Paused before #E1 (tool breakpoint)');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(step(page, '#E1')).toHaveAttribute('data-status', 'done');
  await expect(page.locator('.run-status')).toContainText(/#E[24] \(tool breakpoint\)/);
  await expect(doneSteps(page)).toHaveCount(1);
});
