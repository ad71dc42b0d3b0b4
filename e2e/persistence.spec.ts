import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { configurePlanner, plannerRequests, scriptPlanner, showPanel } from './support/app.ts';

const fixture = (name: string) => readFileSync(new URL(`../toolkit/__fixtures__/${name}`, import.meta.url), 'utf8');

test('reload mid-run: the run shows as interrupted and resumes without repeating a finished step', async ({ page }) => {
  await scriptPlanner({
    rules: [
      { match: 'make plans', reply: 'Plan: First.\n#E1 = search_wiki[Eiffel Tower]\nPlan: Second.\n#E2 = search_wiki[Statue of Liberty]\nPlan: Third.\n#E3 = calculator[2 * 21]' },
      { match: 'Solve the following task', reply: 'Both looked up [#E1] [#E2].' },
    ],
  });
  const searches: string[] = [];
  let holdSecond = true;
  await page.route('https://*.wikipedia.org/w/api.php**', async (route) => {
    const url = new URL(route.request().url());
    const search = url.searchParams.get('srsearch');
    if (search) searches.push(search);
    // The second lookup hangs the first time, so the page reloads while it is in flight.
    if (search === 'Statue of Liberty' && holdSecond) return new Promise(() => {});
    const body = url.searchParams.get('list') === 'search' ? fixture('wiki-search.json') : fixture('wiki-extracts.json');
    await route.fulfill({ status: 200, contentType: 'application/json', headers: { 'access-control-allow-origin': '*' }, body });
  });
  await page.goto('/');
  await configurePlanner(page);
  await page.getByRole('textbox', { name: 'Task' }).fill('Look up two landmarks.');
  await page.getByRole('button', { name: 'Run' }).click();

  const plan = page.getByRole('list', { name: 'Plan' });
  await expect(plan.getByRole('listitem', { name: /^#E1 search_wiki done/ })).toBeVisible();
  await expect(plan.getByRole('listitem', { name: /^#E3 calculator done/ })).toBeVisible();
  await expect(plan.getByRole('listitem', { name: /^#E2 search_wiki running/ })).toBeVisible();

  await page.reload();
  await expect(page.getByRole('status').filter({ hasText: 'interrupted' })).toBeVisible();
  await expect(plan.getByRole('listitem', { name: /^#E1 search_wiki done/ })).toContainText('Evidence');
  // The step that was in flight, and the run, read "interrupted", not "running".
  await expect(plan.getByRole('listitem', { name: /^#E2 search_wiki interrupted/ })).toBeVisible();
  await expect(plan.getByRole('listitem', { name: /running/ })).toHaveCount(0);
  await expect(page.locator('.run-status')).toHaveText(/^Interrupted/);
  // The Task box shows the task of the run on screen.
  await expect(page.getByRole('textbox', { name: 'Task' })).toHaveValue('Look up two landmarks.');
  await showPanel(page, 'History');
  await expect(page.getByRole('region', { name: 'History' })).toContainText('interrupted');

  holdSecond = false;
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(plan.getByRole('listitem', { name: /^#E2 search_wiki done/ })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('Both looked up');
  await expect(plan.getByRole('listitem')).toHaveCount(3);

  // Nothing done ran twice: one search for each finished step, two for the interrupted one.
  expect(searches.filter((query) => query === 'Eiffel Tower')).toHaveLength(1);
  expect(searches.filter((query) => query === 'Statue of Liberty')).toHaveLength(2);
  // The complete plan was reused, not asked for again.
  const planning = (await plannerRequests()).filter((request) => JSON.stringify(request.body ?? '').includes('make plans'));
  expect(planning).toHaveLength(1);
});

test('run history: open an earlier run, search, delete', async ({ page }) => {
  await scriptPlanner({ rules: [{ match: 'make plans', reply: 'Plan: Multiply.\n#E1 = calculator[6 * 7]' }, { match: 'Solve', reply: 'It is 42 [#E1].' }] });
  await page.goto('/');
  await configurePlanner(page);
  for (const task of ['First question', 'Second question']) {
    await page.getByRole('textbox', { name: 'Task' }).fill(task);
    await page.getByRole('button', { name: 'Run' }).click();
    await expect(page.getByRole('region', { name: 'Summary' })).toContainText('It is 42');
  }
  await showPanel(page, 'History');
  const history = page.getByRole('region', { name: 'History' });
  await history.getByRole('searchbox', { name: 'Search runs' }).fill('first');
  await expect(history.getByRole('listitem')).toHaveCount(1);
  await history.getByRole('button', { name: 'First question', exact: true }).click();
  await expect(page.getByRole('list', { name: 'Plan' }).getByRole('listitem', { name: /^#E1 calculator done/ })).toContainText('42');
  await history.getByRole('button', { name: 'Delete: First question' }).click();
  await expect(history).toContainText('No run matches.');
  // Undo brings it back, with its events; deleting again sticks.
  await page.getByRole('alert').filter({ hasText: 'Deleted “First question”' }).getByRole('button', { name: 'Undo' }).click();
  await expect(history.getByRole('listitem')).toHaveCount(1);
  await history.getByRole('button', { name: 'First question', exact: true }).click();
  await expect(page.getByRole('list', { name: 'Plan' }).getByRole('listitem', { name: /^#E1 calculator done/ })).toContainText('42');
  await history.getByRole('button', { name: 'Delete: First question' }).click();
  await expect(history).toContainText('No run matches.');
  await page.reload();
  await showPanel(page, 'History');
  await expect(page.getByRole('region', { name: 'History' }).getByRole('button', { name: 'Second question', exact: true })).toBeVisible();
  await expect(page.getByRole('region', { name: 'History' }).getByRole('button', { name: 'First question', exact: true })).toHaveCount(0);
});
