import { expect, test } from '@playwright/test';

test('eval page: the whole suite on the tiny model (CPU engine) gives 100% schema-valid calls', async ({ page, context }) => {
  test.setTimeout(300_000);
  // No test reaches the internet.
  await context.route('**/*', (route) => {
    const { hostname } = new URL(route.request().url());
    return hostname === '127.0.0.1' || hostname === 'localhost' ? route.fallback() : route.abort('internetdisconnected');
  });
  await page.goto('/eval.html');
  await expect(page.getByRole('heading', { name: 'Tool-calling eval' })).toBeVisible();
  await page.getByRole('combobox', { name: 'Engine' }).selectOption('cpu:tiny-random-llama');
  await page.getByRole('button', { name: 'Run the suite' }).click();
  await expect(page.getByRole('progressbar', { name: 'Suite progress' })).toBeVisible({ timeout: 60_000 });

  const row = page.getByRole('table', { name: 'Results' }).getByRole('row', { name: /Tiny random Llama/ });
  await expect(row).toBeVisible({ timeout: 280_000 });
  const cells = row.getByRole('cell');
  const total = Number(await cells.nth(0).textContent());
  expect(total).toBeGreaterThanOrEqual(50);
  await expect(cells.nth(1), 'validity').toHaveText('100.0%');
  await expect(page.getByRole('alert')).toHaveCount(0);
  test.info().annotations.push({
    type: 'tiny model eval',
    description: `cases ${total}, valid ${await cells.nth(1).textContent()}, exact ${await cells.nth(2).textContent()}, right tool ${await cells.nth(3).textContent()}, mean latency ${await cells.nth(4).textContent()}, tokens ${await cells.nth(5).textContent()}, load ${await cells.nth(6).textContent()}`,
  });
});
