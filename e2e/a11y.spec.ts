import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { configurePlanner, scriptPlanner } from './support/app.ts';

/** axe's findings, one line each: rule, impact and the first few elements. */
async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map((violation) => `${violation.id} (${violation.impact ?? 'n/a'}): ${violation.nodes.slice(0, 3).map((node) => `${node.target.join(" ")} ${node.failureSummary?.split("\n")[1]?.trim() ?? ""}`).join(" | ")}`);
}

test.beforeEach(async ({ page }) => {
  await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort('blockedbyclient'));
});

for (const scheme of ['light', 'dark'] as const) {
  test(`no axe violations in ${scheme} mode: first open, after a run, with Settings open, with the approval dialog open, with Export training data open`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await scriptPlanner({
      rules: [
        { match: 'Solve the following task', reply: 'It is 42 [#E1].' },
        { match: 'make plans', reply: 'Plan: Multiply.\n#E1 = calculator[6 * 7]\nPlan: Save it.\n#E2 = save_file[{"filename": "n.txt", "content": "#E1"}]' },
      ],
    });
    await page.goto('/');
    await expect(page.getByRole('region', { name: 'Welcome' })).toBeVisible();
    expect(await violations(page), 'first open').toEqual([]);

    await configurePlanner(page);
    await page.getByRole('textbox', { name: 'Task' }).fill('What is 6 * 7? Save it.');
    await page.getByRole('button', { name: 'Run' }).click();
    const approval = page.getByRole('dialog', { name: /^Approve save_file/ });
    await expect(approval).toBeVisible();
    expect(await violations(page), 'approval dialog open').toEqual([]);
    await approval.getByRole('button', { name: 'Skip' }).click();
    await expect(page.getByRole('region', { name: 'Summary' })).toContainText('It is 42');
    expect(await violations(page), 'after a run').toEqual([]);

    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible();
    expect(await violations(page), 'Settings open').toEqual([]);
    await page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Close' }).click();

    // Export training data, over the run judged good, with what was left out shown.
    await page.getByRole('region', { name: 'Judge this run' }).getByRole('button', { name: 'Good' }).click();
    await page.getByRole('button', { name: 'Export' }).click();
    await page.getByRole('menuitem', { name: 'Export training data' }).click();
    const training = page.getByRole('dialog', { name: 'Export training data' });
    await expect(training.getByRole('button', { name: 'Download' })).toBeEnabled();
    await training.getByText(/^Left out/).click();
    await training.getByText('Preview').click();
    expect(await violations(page), 'Export training data open').toEqual([]);
  });
}
