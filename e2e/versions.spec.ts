import { expect, test, type Page } from '@playwright/test';
import { startSinkServer } from './fixtures/sink-server.ts';
import { configurePlanner, importCustomTools, plannerRequests, scriptPlanner, showPanel } from './support/app.ts';

const rules = [
  { match: 'Solve the following task', reply: 'The Statue of Liberty is older [#E3].' },
  { match: 'make plans', reply: 'Plan: Tower.\n#E1 = search_wiki[Eiffel Tower]\nPlan: Statue.\n#E2 = search_wiki[Statue of Liberty]\nPlan: Compare.\n#E3 = llm[Which is older? #E1 or #E2]' },
  { match: 'Which is older', reply: 'The statue.' },
];

const card = (page: Page, id: string) => page.getByRole('list', { name: 'Plan' }).getByRole('listitem', { name: new RegExp(`^${id} `) });

/** Answers Wikipedia with one article per query, named after it; records the queries. */
async function routeWikipedia(page: Page): Promise<{ queries: string[] }> {
  const queries: string[] = [];
  await page.route('https://*.wikipedia.org/w/api.php**', (route) => {
    const url = new URL(route.request().url());
    const search = url.searchParams.get('srsearch');
    if (search !== null) queries.push(search);
    const body =
      search !== null
        ? { query: { search: [{ title: search, pageid: 1, snippet: `About ${search}` }] } }
        : { query: { pages: [{ title: url.searchParams.get('titles') ?? '', extract: `${url.searchParams.get('titles') ?? ''} was built long ago.` }] } };
    return route.fulfill({ status: 200, contentType: 'application/json', headers: { 'access-control-allow-origin': '*' }, body: JSON.stringify(body) });
  });
  return { queries };
}

/** Requests the fixture planner got since the last scriptPlanner, by role. */
async function modelRequests() {
  const bodies = (await plannerRequests()).filter((request) => request.path.endsWith('/chat/completions')).map((request) => JSON.stringify(request.body ?? ''));
  return { planner: bodies.filter((body) => body.includes('make plans')).length, solver: bodies.filter((body) => body.includes('Solve the following task')).length };
}

test.beforeEach(async ({ page }) => {
  await page.route(/^https?:\/\/(?!127\.0\.0\.1|[a-z]+\.wikipedia\.org)/, (route) => route.abort('blockedbyclient'));
});

test('a run that has ended changes by versions: Edit re-runs only what changed, Compare shows it, Set evidence runs no tool, Redo works after a reload', async ({ page }) => {
  const wiki = await routeWikipedia(page);
  await scriptPlanner({ rules });
  await page.goto('/');
  await configurePlanner(page);
  await page.getByRole('textbox', { name: 'Task' }).fill('Which is older, the Eiffel Tower or the Statue of Liberty?');
  await page.getByRole('button', { name: 'Run' }).click();
  const summary = page.getByRole('region', { name: 'Summary' });
  await expect(summary).toContainText('The Statue of Liberty is older');
  await expect(page.getByRole('button', { name: 'Stop' })).toBeDisabled();
  expect(wiki.queries.sort()).toEqual(['Eiffel Tower', 'Statue of Liberty']);

  // Edit #E2 after the run ended: a version; only #E2 and #E3 (which reads it) run; no planner.
  wiki.queries.length = 0;
  await scriptPlanner({ rules });
  await card(page, '#E2').getByRole('button', { name: 'Edit' }).click();
  await card(page, '#E2').getByRole('textbox', { name: 'Input' }).fill('Big Ben');
  await card(page, '#E2').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('A version of')).toContainText('#E2 edited');
  await expect(card(page, '#E3')).toHaveAttribute('data-status', 'done');
  await expect(summary).toContainText('The Statue of Liberty is older');
  expect(wiki.queries).toEqual(['Big Ben']);
  await expect(card(page, '#E1')).toContainText('reused from the earlier run');
  expect(await modelRequests()).toEqual({ planner: 0, solver: 1 });

  // Compare the version with its parent: the changed step, its evidence as a diff, both answers.
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  const comparison = page.getByRole('region', { name: 'Comparison' });
  await expect(comparison.getByRole('row', { name: /^#E2 changed/ })).toContainText('Big Ben');
  await expect(comparison.getByRole('row', { name: /^#E1 same/ })).toBeVisible();
  await expect(comparison.locator('ins')).toContainText(['Big Ben']);
  await expect(comparison.getByRole('row').filter({ hasText: 'Answer' }).locator('td')).toHaveText([/The Statue of Liberty is older/, /The Statue of Liberty is older/]);
  await comparison.getByRole('button', { name: 'Close' }).click();
  await expect(comparison).toHaveCount(0);

  // Set evidence on #E1: no tool request; #E3 and the solver run again.
  wiki.queries.length = 0;
  await scriptPlanner({ rules });
  await card(page, '#E1').getByRole('button', { name: 'Set evidence' }).click();
  await card(page, '#E1').getByRole('textbox', { name: 'Evidence' }).fill('The Eiffel Tower was completed in 1887.');
  await card(page, '#E1').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('A version of')).toContainText('#E1 evidence set by hand');
  await expect(card(page, '#E1')).toContainText('set by hand');
  await expect(card(page, '#E3')).toHaveAttribute('data-status', 'done');
  await expect(summary).toContainText('The Statue of Liberty is older');
  expect(wiki.queries).toEqual([]);
  expect(await modelRequests()).toEqual({ planner: 0, solver: 1 });

  // History shows the versions under the run they came from.
  await showPanel(page, 'History');
  const history = page.getByRole('region', { name: 'History' });
  await expect(history).toContainText('↳ version (#E2 edited)');
  await expect(history).toContainText('↳ version (#E1 evidence set by hand)');

  // After a reload the latest version is back, and Redo makes another version of it.
  await page.reload();
  await expect(card(page, '#E1')).toContainText('set by hand');
  wiki.queries.length = 0;
  await scriptPlanner({ rules });
  await configurePlanner(page);
  await card(page, '#E2').getByRole('button', { name: 'Redo' }).click();
  await expect(page.getByText('A version of')).toContainText('#E2 run again');
  await expect(card(page, '#E3')).toHaveAttribute('data-status', 'done');
  expect(wiki.queries).toEqual(['Big Ben']);
  // Big Ben's evidence is the same as before: #E3 and the answer are reused.
  await expect(summary).toContainText('no evidence it reads changed');
  expect(await modelRequests()).toEqual({ planner: 0, solver: 0 });
});

test('a side-effect step of a version asks again, with the earlier result as one of the choices', async ({ page }) => {
  const sink = await startSinkServer();
  try {
    await page.goto('/');
    await importCustomTools(page, [
      {
        name: 'post_note',
        description: 'Posts a note.',
        parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
        sideEffects: true,
        request: { method: 'GET', url: `${sink.origin}/notes?text={{text}}` },
        extract: { kind: 'text' },
      },
    ]);
    await scriptPlanner({
      rules: [
        { match: 'Solve the following task', reply: 'Posted 42 [#E2].' },
        { match: 'make plans', reply: 'Plan: Compute.\n#E1 = calculator[6 * 7]\nPlan: Post it.\n#E2 = post_note[#E1]' },
      ],
    });
    await configurePlanner(page);
    await page.getByRole('textbox', { name: 'Task' }).fill('Compute 6 * 7 and post it.');
    await page.getByRole('button', { name: 'Run' }).click();
    await page.getByRole('dialog', { name: 'Approve post_note for #E2?' }).getByRole('button', { name: 'Approve', exact: true }).click();
    await expect(page.getByRole('region', { name: 'Summary' })).toContainText('Posted 42');
    expect(sink.requests.map((request) => request.url)).toEqual(['/notes?text=42']);

    // The same value set by hand: #E2's call is unchanged, but a side effect is never reused silently.
    await card(page, '#E1').getByRole('button', { name: 'Set evidence' }).click();
    await card(page, '#E1').getByRole('textbox', { name: 'Evidence' }).fill('42');
    await card(page, '#E1').getByRole('button', { name: 'Save' }).click();
    const approval = page.getByRole('dialog', { name: 'Approve post_note for #E2?' });
    await approval.getByRole('button', { name: 'Reuse the earlier result' }).click();
    await expect(card(page, '#E2')).toContainText('reused from the earlier run');
    await expect(card(page, '#E2')).toHaveAttribute('data-status', 'done');
    expect(sink.requests).toHaveLength(1);
  } finally {
    await sink.close();
  }
});

test('Set evidence on a live run stops it and makes a version; the stopped run stays as it was', async ({ page }) => {
  const wiki = await routeWikipedia(page);
  await scriptPlanner({ rules });
  await page.goto('/');
  await configurePlanner(page);
  await page.getByRole('textbox', { name: 'Task' }).fill('Which is older, the Eiffel Tower or the Statue of Liberty?');
  const breakAt = page.getByRole('textbox', { name: 'Break at' });
  await breakAt.fill('#E3');
  await breakAt.press('Enter');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(card(page, '#E3')).toHaveAttribute('data-status', 'paused');
  await page.getByRole('button', { name: 'Remove breakpoint at #E3' }).click();

  // While the run is live and held at #E3, set #E1's evidence by hand.
  wiki.queries.length = 0;
  await scriptPlanner({ rules });
  await card(page, '#E1').getByRole('button', { name: 'Set evidence' }).click();
  await card(page, '#E1').getByRole('textbox', { name: 'Evidence' }).fill('The Eiffel Tower was completed in 1887.');
  await card(page, '#E1').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('A version of')).toContainText('#E1 evidence set by hand');
  await expect(card(page, '#E1')).toContainText('set by hand');
  await expect(card(page, '#E2')).toContainText('reused from the earlier run');
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('The Statue of Liberty is older');
  expect(wiki.queries).toEqual([]);
  expect(await modelRequests()).toEqual({ planner: 0, solver: 1 });

  // The run it came from was stopped, not changed: #E1 keeps the tool's evidence.
  await showPanel(page, 'History');
  const history = page.getByRole('region', { name: 'History' });
  await expect(history).toContainText('↳ version (#E1 evidence set by hand)');
  await expect(history.getByRole('listitem').first()).toContainText('aborted');
  await history.getByRole('button', { name: /^Which is older/ }).first().click();
  await expect(card(page, '#E1')).not.toContainText('set by hand');
  await expect(card(page, '#E1')).toContainText('Eiffel Tower');
});
