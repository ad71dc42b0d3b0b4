import { expect, test } from '@playwright/test';
import { configurePlanner, plannerRequests, routeWikipedia, scriptPlanner } from './support/app.ts';

const plan = [
  'Plan: Find out about the Eiffel Tower.',
  '#E1 = search_wiki[Eiffel Tower]',
  'Plan: Find out about the Statue of Liberty; this does not need #E1.',
  '#E2 = search_wiki[Statue of Liberty]',
  'Plan: Compare the two.',
  '#E3 = calculator[1889 - 1886]',
].join('\n');

test('a full run streams the plan, runs independent steps at once, and shows evidence and the summary', async ({ page }) => {
  await scriptPlanner({
    tokensPerSecond: 40,
    rules: [
      { match: 'make plans', reply: plan },
      { match: 'Solve the following task', reply: 'The Eiffel Tower was completed in 1889 [#E1], three years [#E3] after the Statue of Liberty [#E2].' },
    ],
  });
  const wiki = await routeWikipedia(page, { delayMs: 600 });
  await page.goto('/');
  await configurePlanner(page);
  await page.getByRole('textbox', { name: 'Task' }).fill('Which is older, the Eiffel Tower or the Statue of Liberty?');
  await page.getByRole('button', { name: 'Run' }).click();

  const planList = page.getByRole('list', { name: 'Plan' });
  // The first step shows (and runs) while the planner is still writing the rest.
  await expect(planList.getByRole('listitem', { name: /^#E1/ })).toBeVisible();
  await expect(planList.getByRole('listitem', { name: /^#E3/ })).toHaveCount(0);

  await expect(planList.getByRole('listitem', { name: /^#E3 calculator done/ })).toBeVisible();
  await expect(planList.getByRole('listitem')).toHaveCount(3);
  const first = planList.getByRole('listitem', { name: /^#E1 search_wiki done/ });
  await expect(first).toContainText('Eiffel Tower');
  await expect(first).toContainText('Evidence');
  await expect(planList.getByRole('listitem', { name: /^#E3/ })).toContainText('3');

  const summary = page.getByRole('region', { name: 'Summary' });
  await expect(summary).toContainText('The Eiffel Tower was completed in 1889');
  await expect(summary.getByRole('link', { name: '#E1' })).toHaveAttribute('href', '#step-E1');

  expect(wiki.queries.sort()).toEqual(['Eiffel Tower', 'Statue of Liberty']);
  expect(wiki.maxInFlight()).toBeGreaterThan(1);
  const chat = (await plannerRequests()).filter((request) => request.path.endsWith('/chat/completions') && request.method === 'POST');
  expect(chat).toHaveLength(2);
});
