import { expect, test } from '@playwright/test';
import { configurePlanner, plannerRequests, plannerUrl, scriptPlanner, showPanel } from './support/app.ts';

test.beforeEach(async ({ page }) => {
  await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort('blockedbyclient'));
});

test('planner eval: five tasks on two presets give a table with the right counts, and a row opens its run', async ({ page }) => {
  await scriptPlanner({
    rules: [
      { match: 'Task: Broken', reply: 'Plan: oops\n#E1 = no_such_tool[x]' },
      { match: 'Task: Compare', reply: 'Plan: a\n#E1 = search_wiki[Eiffel Tower]\nPlan: b\n#E2 = search_wiki[Statue of Liberty]\nPlan: c\n#E3 = llm[Which is older? #E1 #E2]' },
      { match: 'make plans', reply: 'Plan: look it up\n#E1 = search_wiki[x]' },
    ],
  });
  await page.goto('/');
  await configurePlanner(page);
  // A second preset: the planner prompt with one more rule.
  await page.getByRole('button', { name: 'Settings' }).click();
  const planner = page.getByRole('textbox', { name: 'Planner prompt' });
  await planner.fill((await planner.inputValue()).replace('Rules:', 'Rules:\n- BE BRIEF.'));
  await page.getByRole('textbox', { name: 'Preset name' }).fill('Brief');
  await page.getByRole('button', { name: 'Save as preset' }).click();
  await page.getByRole('link', { name: 'Planner eval' }).click();

  await expect(page.getByRole('heading', { name: 'Planner eval' })).toBeVisible();
  await page.getByRole('textbox', { name: /^Tasks/ }).fill(
    ['Who directed Goodfellas?', '{"task": "Compare the Eiffel Tower and the Statue of Liberty", "expectedTools": ["search_wiki", "calculator"]}', 'Broken task', 'What is 6 * 7?', '# a comment', 'Where is Oslo?'].join('\n'),
  );
  await expect(page.getByText('5 tasks')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Planner URL 1' })).toHaveValue(plannerUrl);
  await page.getByRole('combobox', { name: 'Prompt preset 1' }).selectOption('Default');
  await page.getByRole('button', { name: 'Add configuration' }).click();
  await page.getByRole('combobox', { name: 'Prompt preset 2' }).selectOption('Brief');
  await scriptPlanner({
    rules: [
      { match: 'Task: Broken', reply: 'Plan: oops\n#E1 = no_such_tool[x]' },
      { match: 'Task: Compare', reply: 'Plan: a\n#E1 = search_wiki[Eiffel Tower]\nPlan: b\n#E2 = search_wiki[Statue of Liberty]\nPlan: c\n#E3 = llm[Which is older? #E1 #E2]' },
      { match: 'make plans', reply: 'Plan: look it up\n#E1 = search_wiki[x]' },
    ],
  });
  await page.getByRole('button', { name: 'Run the eval' }).click();
  await expect(page.getByText('10 of 10 plans')).toBeVisible();

  const summary = page.getByRole('table', { name: 'Planner eval summary' });
  for (const preset of ['Default', 'Brief']) {
    const row = summary.getByRole('row', { name: new RegExp(`· ${preset}$`) });
    // Parsed, mean steps (1+3+1+1+1)/5, mean width (1+2+1+1+1)/5, tools, recall 1 of 2 expected.
    await expect(row.getByRole('cell')).toHaveText(['4/5', '1.4', '1.2', 'search_wiki 4, llm 1, no_such_tool 1', /\d+/, /\d+/, /\d+/, '50%', '–', '–', '–']);
  }
  // Plan only: the planner was asked ten times, five of them with the Brief preset; no solver.
  const bodies = (await plannerRequests()).map((request) => JSON.stringify(request.body ?? ''));
  expect(bodies.filter((body) => body.includes('make plans'))).toHaveLength(10);
  expect(bodies.filter((body) => body.includes('BE BRIEF'))).toHaveLength(5);
  expect(bodies.filter((body) => body.includes('Solve the following task'))).toHaveLength(0);

  // A row opens its run in the debugger.
  await page.getByText(/^Plans: .*· Brief$/).click();
  const plans = page.getByRole('table', { name: /^Plans: .*· Brief$/ });
  await expect(plans.getByRole('row', { name: /Broken task/ })).toContainText('no_such_tool');
  const opened = page.waitForEvent('popup');
  await plans.getByRole('row', { name: /Compare the Eiffel Tower/ }).getByRole('link', { name: 'Open' }).click();
  const run = await opened;
  const plan = run.getByRole('list', { name: 'Plan' });
  await expect(plan.getByRole('listitem', { name: /^#E3 llm skipped/ })).toBeVisible();
  await showPanel(run, 'History');
  await expect(run.getByRole('region', { name: 'History' })).toContainText('Compare the Eiffel Tower and the Statue of Liberty');
});
