import { chromium, expect, test, type Browser } from '@playwright/test';
import config, { plannerPort } from '../playwright.config.ts';
import { startMcpFixtureServer } from './fixtures/mcp-server.ts';

// A page on a public address: `stepwise.test` is mapped to 127.0.0.1 for this browser only, so
// the app's origin is a public name while the planner stays on loopback (Local Network Access).
const publicOrigin = 'http://stepwise.test:4173';
let browser: Browser;

test.beforeAll(async () => {
  const launch = config.use?.launchOptions ?? {};
  browser = await chromium.launch({ ...launch, args: [...(launch.args ?? []), '--host-resolver-rules=MAP stepwise.test 127.0.0.1'] });
});
test.afterAll(async () => {
  await browser.close();
});

test('a page on a public address that cannot reach a planner on this computer is told about Local Network Access, with the commands for its exact origin', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route(/^https?:\/\/(?!127\.0\.0\.1|stepwise\.test)/, (route) => route.abort('blockedbyclient'));
  // What the browser does when the person has not allowed local network access: no answer at all.
  await page.route(`http://127.0.0.1:${plannerPort}/**`, (route) => route.abort('blockedbyclient'));
  await page.goto(`${publicOrigin}/`);
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('textbox', { name: 'Planner URL' }).fill(`http://127.0.0.1:${plannerPort}/v1`);
  await settings.getByRole('textbox', { name: 'Planner model' }).fill('stepwise-planner');
  await settings.getByRole('button', { name: 'Test connection' }).click();
  const status = settings.getByRole('status').filter({ hasText: 'before any answer' });
  await expect(status).toContainText(`The browser stopped this page (${publicOrigin}) from reaching http://127.0.0.1:${plannerPort} on this computer before any answer.`);
  await expect(status).toContainText('Local Network Access, Chrome 142 and later');
  // Served over plain http, the page cannot even ask for the permission: the hint says so.
  await expect(status).toContainText('only on pages served over https');
  // Not a CORS or mixed-content diagnosis.
  await expect(status).not.toContainText('(CORS).');
  // Ollama's variable with this page's exact origin, to copy.
  await expect(settings.getByText(`Let a server accept this page (${publicOrigin})`)).toBeVisible();
  await expect(settings.getByRole('listitem').filter({ hasText: 'Ollama:' }).locator('code')).toHaveText(`OLLAMA_ORIGINS=${publicOrigin} ollama serve`);
  await expect(settings.getByRole('listitem').filter({ hasText: 'llama.cpp server:' }).locator('code')).toContainText(`--cors-origins ${publicOrigin}`);
  // A page not served over https has no clipboard: Copy selects the command for Ctrl+C instead.
  await settings.getByRole('button', { name: 'Copy the Ollama command' }).click();
  await expect(settings.getByRole('button', { name: 'Copy the Ollama command' })).toHaveText('Selected: press Ctrl+C');
  expect(await page.evaluate(() => globalThis.getSelection()?.toString())).toBe(`OLLAMA_ORIGINS=${publicOrigin} ollama serve`);
  await context.close();
});

test('an MCP server that does not expose Mcp-Session-Id or allow mcp-protocol-version is told so, with both headers named', async () => {
  const server = await startMcpFixtureServer({ hideSessionHeaders: true });
  const context = await browser.newContext({ baseURL: 'http://127.0.0.1:4173' });
  const page = await context.newPage();
  try {
    await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort('blockedbyclient'));
    await page.goto('/');
    await page.getByRole('button', { name: 'Tools' }).click();
    const servers = page.getByRole('dialog', { name: 'Tools' }).getByRole('region', { name: 'MCP servers' });
    await servers.getByRole('textbox', { name: 'Server name' }).fill('plain');
    await servers.getByRole('textbox', { name: 'Server URL' }).fill(server.url);
    await servers.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect(servers).toContainText('answered the first request, but this page cannot carry on the session with it');
    await expect(servers).toContainText('Access-Control-Expose-Headers: Mcp-Session-Id');
    await expect(servers).toContainText('mcp-protocol-version');
  } finally {
    await context.close();
    await server.close();
  }
});
