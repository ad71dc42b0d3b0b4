import { expect, test } from '@playwright/test';
import { configurePlanner, scriptPlanner } from './support/app.ts';

test('custom tool round trip: define, try, save, export, delete, import, run in a plan', async ({ page }) => {
  const requests: string[] = [];
  await page.route('https://openlibrary.org/search.json**', (route) => {
    requests.push(route.request().url());
    return route.fulfill({
      status: 200,
      contentType: 'application/json',
      headers: { 'access-control-allow-origin': '*' },
      body: JSON.stringify({ numFound: 2, docs: [{ title: 'Dune' }, { title: 'Dune Messiah' }] }),
    });
  });
  await page.goto('/');
  await page.getByRole('button', { name: 'Tools' }).click();
  const tools = page.getByRole('dialog', { name: 'Tools' });
  const form = tools.getByRole('form', { name: 'Custom tool' });

  // A broken definition is explained, field by field.
  await form.getByRole('textbox', { name: 'URL template' }).fill('https://openlibrary.org/search.json?q={{title}}');
  await form.getByRole('button', { name: 'Try it' }).click();
  await expect(form.getByRole('alert')).toContainText('{{title}} is not a parameter');

  await form.getByRole('textbox', { name: 'URL template' }).fill('https://openlibrary.org/search.json?q={{query}}&limit=5');
  await form.getByRole('button', { name: 'Try it' }).click();
  await expect(form.getByRole('status')).toContainText('Dune Messiah');
  expect(requests.at(-1)).toContain('q=dune');
  await form.getByRole('button', { name: 'Save tool' }).click();
  await expect(tools.getByRole('region', { name: 'Custom tools' })).toContainText('open_library_search');

  const download = page.waitForEvent('download');
  await tools.getByRole('button', { name: 'Export tools' }).click();
  const exported = await download;
  const file = await exported.path();
  await tools.getByRole('button', { name: 'Delete tool open_library_search' }).click();
  await expect(tools.getByRole('region', { name: 'Custom tools' })).toContainText('No custom tools yet.');
  await tools.getByLabel('Import tools').setInputFiles(file);
  await expect(tools.getByRole('region', { name: 'Custom tools' })).toContainText('open_library_search');
  await tools.getByRole('button', { name: 'Done' }).click();

  // The planner now sees the tool and a plan using it runs on the fast path.
  await scriptPlanner({
    rules: [
      { match: 'open_library_search[input]', reply: 'Plan: Look for the book.\n#E1 = open_library_search[frank herbert]' },
      { match: 'Solve the following task', reply: 'Found Dune [#E1].' },
    ],
  });
  await configurePlanner(page);
  await page.getByRole('textbox', { name: 'Task' }).fill('Which books did Frank Herbert write?');
  await page.getByRole('button', { name: 'Run' }).click();
  const step = page.getByRole('list', { name: 'Plan' }).getByRole('listitem', { name: /^#E1 open_library_search done/ });
  await expect(step).toContainText('Dune Messiah');
  expect(requests.at(-1)).toContain('q=frank%20herbert');
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('Found Dune');
});

test('a custom tool with side effects waits for approval, and trusting it skips the next approval', async ({ page }) => {
  let posts = 0;
  await page.route('https://hooks.example.org/notes', (route) => {
    posts++;
    return route.fulfill({ status: 200, contentType: 'text/plain', headers: { 'access-control-allow-origin': '*' }, body: 'stored' });
  });
  await page.goto('/');
  await page.getByRole('button', { name: 'Tools' }).click();
  const form = page.getByRole('dialog', { name: 'Tools' }).getByRole('form', { name: 'Custom tool' });
  await form.getByRole('textbox', { name: 'Name' }).fill('post_note');
  await form.getByRole('textbox', { name: 'Description' }).fill('Posts a note. Input: the note text.');
  await form.getByRole('textbox', { name: 'Parameters (JSON Schema)' }).fill('{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}');
  await form.getByRole('checkbox', { name: /Has side effects/ }).check();
  await form.getByRole('combobox', { name: 'Method' }).selectOption('POST');
  await form.getByRole('textbox', { name: 'URL template' }).fill('https://hooks.example.org/notes');
  await form.getByRole('textbox', { name: 'Body template' }).fill('{"note": "{{text}}"}');
  await form.getByRole('combobox', { name: 'Extract' }).selectOption('text');
  await form.getByRole('button', { name: 'Save tool' }).click();
  await page.getByRole('dialog', { name: 'Tools' }).getByRole('button', { name: 'Done' }).click();

  await scriptPlanner({
    rules: [
      { match: 'make plans', reply: 'Plan: Note one.\n#E1 = post_note[first]\nPlan: Note two.\n#E2 = post_note[second #E1]' },
      { match: 'Solve the following task', reply: 'Posted [#E1] [#E2].' },
    ],
  });
  await configurePlanner(page);
  await page.getByRole('textbox', { name: 'Task' }).fill('Post two notes.');
  await page.getByRole('button', { name: 'Run' }).click();
  const dialog = page.getByRole('dialog', { name: 'Approve post_note for #E1?' });
  await expect(dialog).toBeVisible();
  expect(posts).toBe(0);
  await dialog.getByRole('button', { name: 'Approve and trust post_note for this session' }).click();
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('Posted');
  expect(posts).toBe(2);
  await expect(page.getByRole('dialog', { name: /^Approve/ })).toHaveCount(0);
});

test('an MCP server\'s tools join the toolkit and run through the plan; side-effect tools ask first', async ({ page }) => {
  const { startMcpFixtureServer } = await import('./fixtures/mcp-server.ts');
  const server = await startMcpFixtureServer({ token: 'mcp-secret' });
  try {
    await page.goto('/');
    await page.getByRole('button', { name: 'Tools' }).click();
    const servers = page.getByRole('dialog', { name: 'Tools' }).getByRole('region', { name: 'MCP servers' });
    await servers.getByRole('textbox', { name: 'Server name' }).fill('fixture');
    await servers.getByRole('textbox', { name: 'Server URL' }).fill(server.url);
    await servers.getByRole('textbox', { name: 'Bearer token' }).fill('mcp-secret');
    await servers.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect(servers).toContainText('connected');
    await expect(servers).toContainText('mcp_fixture_get_weather');
    await page.getByRole('dialog', { name: 'Tools' }).getByRole('button', { name: 'Done' }).click();

    await scriptPlanner({
      rules: [
        { match: 'mcp_fixture_get_weather[input]', reply: 'Plan: Weather.\n#E1 = mcp_fixture_get_weather[Paris]\nPlan: Note it.\n#E2 = mcp_fixture_create_note[{"text": "#E1"}]' },
        { match: 'Solve the following task', reply: 'It is sunny [#E1].' },
      ],
    });
    await configurePlanner(page);
    await page.getByRole('textbox', { name: 'Task' }).fill('What is the weather in Paris? Note it.');
    await page.getByRole('button', { name: 'Run' }).click();
    const plan = page.getByRole('list', { name: 'Plan' });
    // The server is not trusted: even its read-only tool asks, and the dialog says why.
    const first = page.getByRole('dialog', { name: 'Approve mcp_fixture_get_weather for #E1?' });
    await expect(first).toContainText('The server marks it read-only');
    await first.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect(plan.getByRole('listitem', { name: /^#E1 mcp_fixture_get_weather done/ })).toContainText('Sunny in Paris');
    const approval = page.getByRole('dialog', { name: 'Approve mcp_fixture_create_note for #E2?' });
    await expect(approval).toBeVisible();
    await approval.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect(plan.getByRole('listitem', { name: /^#E2 mcp_fixture_create_note done/ })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Summary' })).toContainText('It is sunny');
    expect(server.calls.map((call) => call.name)).toEqual(['get_weather', 'create_note']);
  } finally {
    await server.close();
  }
});
