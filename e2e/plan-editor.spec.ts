import { expect, test } from '@playwright/test';
import { configurePlanner, plannerRequests, routeWikipedia, scriptPlanner } from './support/app.ts';

test('Write a plan: the editor names the closest tool for an unknown one, and Run plan runs it without the planner', async ({ page }) => {
  await page.route(/^https?:\/\/(?!127\.0\.0\.1|[a-z]+\.wikipedia\.org)/, (route) => route.abort('blockedbyclient'));
  const wiki = await routeWikipedia(page, { delayMs: 10 });
  await scriptPlanner({ rules: [{ match: 'Solve the following task', reply: 'Reported [#E1] and [#E2].' }] });
  await page.goto('/');
  await configurePlanner(page);
  await page.getByRole('button', { name: 'Write a plan' }).click();
  const editorPanel = page.getByRole('region', { name: 'Plan editor' });
  const editor = editorPanel.getByRole('textbox', { name: 'Plan text' });
  await editor.fill('Plan: Look it up.\n#E1 = serch_wiki[Eiffel Tower]\n#E2 = calculator[6 * 7]');
  // The parser's problem sits on its line and offers the closest tool as a fix.
  await editorPanel.locator('.cm-lint-marker-error').first().hover();
  const tooltip = page.locator('.cm-tooltip-lint');
  await expect(tooltip).toContainText('Did you mean "search_wiki"?');
  await tooltip.getByRole('button', { name: 'Use search_wiki' }).click();
  await expect(editor).toContainText('#E1 = search_wiki[Eiffel Tower]');
  await expect(editorPanel.locator('.cm-lint-marker-error')).toHaveCount(0);

  await editorPanel.getByRole('button', { name: 'Run plan' }).click();
  const plan = page.getByRole('list', { name: 'Plan' });
  await expect(plan.getByRole('listitem', { name: /^#E1 search_wiki done/ })).toBeVisible();
  await expect(plan.getByRole('listitem', { name: /^#E2 calculator done/ })).toContainText('42');
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('Reported');
  const bodies = (await plannerRequests()).map((request) => JSON.stringify(request.body ?? ''));
  expect(bodies.filter((body) => body.includes('make plans'))).toHaveLength(0);

  // Edit plan opens this run's plan; running it is a version that keeps #E1's evidence.
  await page.getByRole('button', { name: 'Edit plan' }).click();
  await expect(editorPanel.getByRole('textbox', { name: 'Plan text' })).toContainText('#E2 = calculator[6 * 7]');
  wiki.queries.length = 0;
  await editorPanel.getByRole('textbox', { name: 'Plan text' }).fill('Plan: Look it up.\n#E1 = search_wiki[Eiffel Tower]\n#E2 = calculator[6 * 8]');
  await editorPanel.getByRole('button', { name: 'Run plan' }).click();
  await expect(page.getByText('A version of')).toContainText('plan edited');
  await expect(plan.getByRole('listitem', { name: /^#E2 calculator done/ })).toContainText('48');
  await expect(plan.getByRole('listitem', { name: /^#E1 search_wiki done/ })).toContainText('reused from the earlier run');
  expect(wiki.queries).toEqual([]);
});
