import { expect, test } from '@playwright/test';
import { configurePlanner, plannerUrl, routeWikipediaPage, scriptPlanner } from './support/app.ts';

test('XSS payloads in evidence and in the answer stay inert', async ({ page }) => {
  const payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><a href="javascript:window.__xss=3">click</a>';
  await routeWikipediaPage(page, `Evil ${payload}`, payload);
  await scriptPlanner({
    rules: [
      { match: 'make plans', reply: `Plan: Look it up.\n#E1 = search_wiki[${payload}]` },
      { match: 'Solve the following task', reply: `Here: ${payload} [#E1] <svg onload="window.__xss=4"></svg> [link](javascript:window.__xss=5)` },
    ],
  });
  await page.goto('/');
  await configurePlanner(page);
  await page.getByRole('textbox', { name: 'Task' }).fill('Look up something evil.');
  await page.getByRole('button', { name: 'Run' }).click();
  const summary = page.getByRole('region', { name: 'Summary' });
  await expect(summary).toContainText('Here:');
  await expect(page.getByRole('list', { name: 'Plan' }).getByRole('listitem', { name: /^#E1 search_wiki done/ })).toContainText('onerror');

  // Click every link the answer rendered; none may run script.
  for (const link of await summary.getByRole('link').all()) await link.click({ noWaitAfter: true }).catch(() => {});
  expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
  expect(await summary.locator('script, img[onerror], svg[onload], [href^="javascript:"]').count()).toBe(0);
});

test('Test connection against a server without CORS names the flag that fixes it', async ({ page }) => {
  await scriptPlanner({ profile: 'lmstudio', rules: [] });
  await page.goto('/');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('textbox', { name: 'Planner URL' }).fill(plannerUrl);
  await page.getByRole('textbox', { name: 'Planner model' }).fill('stepwise-planner');
  await page.getByRole('button', { name: 'Test connection' }).click();
  const result = page.getByRole('status');
  await expect(result).toContainText(/CORS|origin/i);
  await expect(result).toContainText('OLLAMA_ORIGINS');
  await expect(result).toContainText('--allowed-origins');
  await expect(result).toContainText(/LM Studio/);
});

test('Test connection lists the server\'s models and flags a wrong model name', async ({ page }) => {
  await scriptPlanner({ profile: 'vllm', models: ['llama-3.3-70b', 'qwen3-32b'], rules: [] });
  await page.goto('/');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('textbox', { name: 'Planner URL' }).fill(plannerUrl);
  await page.getByRole('textbox', { name: 'Planner model' }).fill('llama-70b');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('status')).toContainText('no model "llama-70b"');
  await page.getByRole('combobox', { name: 'Models on the server' }).selectOption('qwen3-32b');
  await expect(page.getByRole('textbox', { name: 'Planner model' })).toHaveValue('qwen3-32b');
});
