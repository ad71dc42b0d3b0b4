import { expect, test, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { validateToolArguments } from '../src/core/dispatch/validate.ts';
import { toolByName } from '../toolkit/index.ts';
import { configurePlanner, plannerRequests, routeWikipedia, scriptPlanner, showPanel } from './support/app.ts';

/** No test reaches the internet: everything but the local servers is refused. */
async function blockInternet(context: BrowserContext): Promise<void> {
  await context.route('**/*', (route) => {
    const { hostname } = new URL(route.request().url());
    return hostname === '127.0.0.1' || hostname === 'localhost' ? route.fallback() : route.abort('internetdisconnected');
  });
}

async function openSettings(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Settings' }).click();
  return page.getByRole('region', { name: 'In-browser models' });
}

// Every call here is one the fast path cannot take: an empty input leaves nothing to read, and
// save_file has two required parameters, so the planner's free text never fits its schema.
const plan = [
  'Plan: Look something up; the planner left the input empty.',
  '#E1 = search_wiki[]',
  'Plan: Save a note; file name and text are in one free-text input.',
  '#E2 = save_file[notes.txt with a short summary of the trip]',
  'Plan: Work something out.',
  '#E3 = calculator[]',
].join('\n');

test('CPU engine: the tiny model in the page writes every call the fast path cannot take, each schema-valid and executed', async ({ page, context }) => {
  test.setTimeout(180_000);
  await blockInternet(context);
  await scriptPlanner({ rules: [{ match: 'make plans', reply: plan }, { match: 'Solve the following task', reply: 'Done [#E1].' }] });
  await routeWikipedia(page, { delayMs: 50 });
  await page.goto('/');
  await configurePlanner(page);

  const manager = await openSettings(page);
  // Fewer tools, shorter prompt: the tiny model's vocabulary spends about one token per character.
  for (const name of ['search_web', 'search_bilibili', 'fetch_url', 'llm']) await page.getByRole('checkbox', { name, exact: true }).uncheck();
  await page.getByRole('combobox', { name: 'Tool caller' }).selectOption('cpu');
  await manager.getByRole('radio', { name: /Tiny random Llama/ }).check();
  await manager.getByRole('button', { name: 'Load CPU model' }).click();
  const loaded = manager.getByRole('status').filter({ hasText: /^Loaded .* in [\d.]+ s\.$/ });
  await expect(loaded).toBeVisible({ timeout: 60_000 });
  test.info().annotations.push({ type: 'tiny model load', description: (await loaded.textContent()) ?? '' });
  await expect(manager.getByRole('region', { name: 'Cached models' })).toContainText('Tiny random Llama');
  await page.getByRole('button', { name: 'Close' }).click();

  await page.getByRole('textbox', { name: 'Task' }).fill('Look something up, save a note and work something out.');
  await page.getByRole('button', { name: 'Run' }).click();

  const planList = page.getByRole('list', { name: 'Plan' });
  await expect(planList.getByRole('listitem')).toHaveCount(3);
  const finished = planList.getByRole('listitem', { name: / (done|failed|skipped)$/ });
  // The random model may choose save_file for any step: approve whatever asks.
  const deadline = Date.now() + 150_000;
  while ((await finished.count()) < 3) {
    expect(Date.now(), 'every step finishes').toBeLessThan(deadline);
    const approve = page.getByRole('button', { name: 'Approve', exact: true });
    if ((await approve.count()) > 0) await approve.first().click();
    else await page.waitForTimeout(200);
  }

  for (const id of ['#E1', '#E2', '#E3']) {
    const card = planList.getByRole('listitem', { name: new RegExp(`^${id} `) });
    await expect(card, `${id} ran`).toHaveAccessibleName(/ (done|failed)$/);
    await expect(card).toContainText('Call via tool-caller model (wllama:tiny-random-llama)');
    await expect(card).not.toContainText('planner fast path');
    const callText = (await card.locator('.mono').filter({ hasText: /^\{"name":/ }).first().textContent()) ?? '';
    const call = JSON.parse(callText) as { name: string; arguments: Record<string, unknown> };
    const tool = toolByName.get(call.name);
    expect(tool, `${id} calls a known tool: ${callText}`).toBeDefined();
    if (tool) expect(validateToolArguments(tool, call.arguments), `${id} ${callText}`).toEqual([]);
    const name = await card.getAttribute('aria-label');
    if (name?.endsWith('failed')) {
      // Failed by the tool (random arguments), never by the arguments' shape.
      await expect(card.getByRole('alert')).not.toContainText(/Invalid arguments|does not match its parameters/);
    } else {
      await expect(card).toContainText('Evidence');
    }
  }
  // Only the planner and the solver used the endpoint: no tool call went to it.
  const chat = (await plannerRequests()).filter((request) => request.path.endsWith('/chat/completions') && request.method === 'POST');
  expect(chat.length).toBeLessThanOrEqual(2);
});

test('WebGPU: detection with SwiftShader offers the q4f32 builds, and a failed web-llm load offers the CPU engine or the endpoint', async ({ page, context }) => {
  await blockInternet(context);
  await page.goto('/');
  const manager = await openSettings(page);

  const device = manager.getByLabel('Device capabilities');
  await expect(device).toContainText('available');
  await expect(device).not.toContainText('not available');
  await expect(device).toContainText(/swiftshader/i);
  await expect(device).toContainText('no (q4f32 builds only)');
  await expect(device).toContainText(/Max buffer size\s*\d/);

  const table = manager.getByRole('table', { name: 'WebGPU models' });
  await expect(table).toContainText('since this GPU has no shader-f16');
  const radios = table.getByRole('radio');
  expect(await radios.count()).toBeGreaterThanOrEqual(9);
  for (const label of await table.getByRole('row').allTextContents()) expect(label).not.toContain('q4f16');
  await expect(table.getByRole('row', { name: /recommended/ })).toContainText('q4f32');
  await expect(manager.getByText(/Recommended for this device: .*q4f32/)).toContainText('no shader-f16, so the q4f32 build');
  const chosen = table.getByRole('radio', { checked: true });
  await expect(chosen).toHaveCount(1);

  // Every build on request; the f16 ones cannot be chosen here.
  await manager.getByRole('checkbox', { name: 'Show every build' }).check();
  await expect(table.getByRole('radio', { name: /q4f16/ }).first()).toBeDisabled();
  await manager.getByRole('checkbox', { name: 'Show every build' }).uncheck();

  await manager.getByRole('button', { name: 'Load WebGPU model' }).click();
  const failure = manager.getByRole('alert');
  await expect(failure).toContainText(/The WebGPU engine could not load .*q4f32.*: the download failed/, { timeout: 30_000 });
  await expect(failure).toContainText('The model could not be downloaded');
  await failure.getByRole('button', { name: 'Use the CPU engine' }).click();
  await expect(page.getByRole('combobox', { name: 'Tool caller' })).toHaveValue('cpu');
  await expect(manager.getByText(/now uses? the CPU engine/)).toBeVisible();
  await failure.getByRole('button', { name: 'Use the planner endpoint' }).click();
  await expect(page.getByRole('combobox', { name: 'Tool caller' })).toHaveValue('planner-endpoint');
  await expect(manager.getByText(/Enter the Planner URL and Planner model above/)).toBeVisible();
});

test('CPU engine: a self-hosted GGUF file loads from its URL, and a wrong URL says so and offers a way forward', async ({ page, context }) => {
  await blockInternet(context);
  await page.goto('/');
  const manager = await openSettings(page);
  await manager.getByText('Self-hosted models').click();

  await manager.getByRole('textbox', { name: 'GGUF file URL' }).fill('/models/no-such-model.gguf');
  await manager.getByRole('button', { name: 'Use this GGUF file' }).click();
  await expect(manager.getByRole('radio', { name: 'Self-hosted: no-such-model.gguf' })).toBeChecked();
  await manager.getByRole('button', { name: 'Load CPU model' }).click();
  const failure = manager.getByRole('alert');
  await expect(failure).toContainText(/The CPU engine could not load .*no-such-model\.gguf: the (model file was not found|model is not supported)/, { timeout: 30_000 });
  await expect(failure).toContainText('Check the model URL');
  await expect(failure.getByRole('button', { name: 'Use the WebGPU engine' })).toBeVisible();
  await expect(failure.getByRole('button', { name: 'Use the planner endpoint' })).toBeVisible();

  // The generated test model, served by this app, stands in for a self-hosted file.
  await manager.getByRole('textbox', { name: 'GGUF file URL' }).fill(new URL('/models/tiny-random-llama.gguf', page.url()).href);
  await manager.getByRole('button', { name: 'Use this GGUF file' }).click();
  await expect(manager.getByRole('radio', { name: 'Self-hosted: tiny-random-llama.gguf' })).toBeChecked();
  await manager.getByRole('button', { name: 'Load CPU model' }).click();
  await expect(manager.getByRole('status').filter({ hasText: /^Loaded CPU: tiny-random-llama\.gguf in [\d.]+ s\.$/ })).toBeVisible({ timeout: 60_000 });
  await expect(manager.getByRole('alert')).toHaveCount(0);
});

test('zero-server default: with no planner endpoint the recommended in-browser engine takes every role, and gives them back once an endpoint is set up', async ({ page, context }) => {
  await blockInternet(context);
  await page.goto('/');
  await expect(page.getByText(/No planner endpoint is set up, so .* runs in this page/)).toBeVisible();
  await expect(page.getByText(/planner endpoint is recommended/).first()).toBeVisible();
  await page.getByRole('button', { name: 'Settings' }).click();
  // SwiftShader: WebGPU works, so the recommendation is a web-llm model.
  for (const role of ['Planner', 'Tool caller', 'Solver']) await expect(page.getByRole('combobox', { name: role, exact: true })).toHaveValue('webgpu');
  await page.getByRole('button', { name: 'Close' }).click();

  await configurePlanner(page);
  await page.getByRole('button', { name: 'Settings' }).click();
  for (const role of ['Planner', 'Tool caller', 'Solver']) await expect(page.getByRole('combobox', { name: role, exact: true })).toHaveValue('planner-endpoint');
});

test('no WebGPU adapter: Load WebGPU model is disabled and says why, and the CPU engine stays on offer', async ({ page, context }) => {
  await blockInternet(context);
  // A browser without WebGPU (Firefox on Linux, an old Safari, a blocklisted GPU).
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
  });
  await page.goto('/');
  const manager = await openSettings(page);
  const load = manager.getByRole('button', { name: 'Load WebGPU model' });
  await expect(load).toBeDisabled();
  await expect(load).toHaveAccessibleDescription(/^This browser has no WebGPU adapter: use the CPU engine/);
  await expect(manager.getByRole('button', { name: 'Load CPU model' })).toBeEnabled();
});

test('CPU engine: free text that is not valid UTF-8 ends the run with one clear message, and the engine serves the next call', async ({ page, context }) => {
  test.setTimeout(180_000);
  await blockInternet(context);
  // An empty input: the fast path cannot take the step, so the tool caller (the CPU engine, under a grammar) writes the call.
  await scriptPlanner({ rules: [{ match: 'make plans', reply: 'Plan: Work it out.\n#E1 = calculator[]' }] });
  await page.goto('/');
  await configurePlanner(page);
  const manager = await openSettings(page);
  for (const name of ['search_web', 'search_bilibili', 'fetch_url', 'llm', 'save_file', 'search_wiki', 'get_current_time']) await page.getByRole('checkbox', { name, exact: true }).uncheck();
  await page.getByRole('combobox', { name: 'Tool caller' }).selectOption('cpu');
  // The tiny model's free text is random tokens: it soon writes bytes that are not UTF-8.
  await page.getByRole('combobox', { name: 'Solver' }).selectOption('cpu');
  await manager.getByRole('radio', { name: /Tiny random Llama/ }).check();
  await manager.getByRole('button', { name: 'Load CPU model' }).click();
  await expect(manager.getByRole('status').filter({ hasText: /^Loaded .* in [\d.]+ s\.$/ })).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Close' }).click();

  const problem = 'The CPU engine failed while generating: the model wrote bytes that are not valid UTF-8 text';
  const planList = page.getByRole('list', { name: 'Plan' });
  for (const attempt of [1, 2]) {
    await page.getByRole('textbox', { name: 'Task' }).fill(`Work something out (${attempt}).`);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    // The run ends (never hangs), with the message once, and the restart said.
    await expect(page.locator('.run-status')).toHaveText('Failed', { timeout: 90_000 });
    await expect(page.getByText(problem)).toHaveCount(1);
    await expect(page.getByText(/The engine was restarted\./)).toHaveCount(1);
    // The tool caller, on the same engine, wrote its call before: on the second run from the new instance.
    await expect(planList.getByRole('listitem', { name: /^#E1 calculator (done|failed)$/ })).toContainText('Call via tool-caller model (wllama:tiny-random-llama)');
  }
  // Each call records what ran it: the CPU here.
  await showPanel(page, 'Calls');
  const calls = page.getByRole('tabpanel', { name: 'Calls' }).getByRole('region', { name: 'Calls' });
  await calls.getByRole('button', { name: /^Call c\d+: Tool caller/ }).first().click();
  await expect(calls.getByRole('definition').filter({ hasText: /^CPU$/ })).toBeVisible();
});

test('SwiftShader: GGUF on WebGPU is not offered, and the reason is shown', async ({ page, context }) => {
  await blockInternet(context);
  await page.goto('/');
  const manager = await openSettings(page);
  const choice = manager.getByRole('checkbox', { name: 'GGUF on WebGPU' });
  await expect(choice).toBeDisabled();
  await expect(choice).not.toBeChecked();
  await expect(choice).toHaveAccessibleDescription("This GPU has no shader-f16, which every llama.cpp WebGPU shader needs: GGUF models run on the CPU.");
});
