import { expect, test, type Page } from '@playwright/test';
import { configurePlanner, scriptPlanner, showPanel, chooseFromOpenMenu } from './support/app.ts';

const chainPlan = ['Plan: One.', '#E1 = calculator[1 + 1]', 'Plan: Two.', '#E2 = calculator[#E1 * 10]', 'Plan: Three.', '#E3 = calculator[#E2 + 1]'].join('\n');
const step = (page: Page, id: string) => page.getByRole('list', { name: 'Plan' }).getByRole('listitem', { name: new RegExp(`^${id} `) });
const status = (page: Page) => page.locator('.run-status');

test.beforeEach(async ({ page }) => {
  await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort('blockedbyclient'));
});

test('the status line says where a paused run stopped; F8, Ctrl+\\ and Ctrl+\' continue and step', async ({ page }) => {
  await scriptPlanner({ rules: [{ match: 'make plans', reply: chainPlan }, { match: 'Solve the following task', reply: 'It is 21 [#E3].' }] });
  await page.goto('/');
  await configurePlanner(page);
  await expect(status(page)).toHaveText('Ready');
  await page.getByRole('textbox', { name: 'Task' }).fill('Some arithmetic.');
  const breakAt = page.getByRole('textbox', { name: 'Break at' });
  for (const target of ['#E2', '#E3']) {
    await breakAt.fill(target);
    await breakAt.press('Enter');
  }
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(status(page)).toHaveText('Paused before #E2 (breakpoint)');
  await expect(status(page)).toHaveAttribute('data-state', 'paused');
  await expect(page.getByRole('button', { name: 'Continue' })).toHaveAttribute('title', /F8/);

  // Ctrl+' steps: #E2 runs, #E3 is held again.
  await page.locator('body').press("Control+'");
  await expect(step(page, '#E2')).toHaveAccessibleName(/done$/);
  await expect(status(page)).toHaveText(/^Paused before #E3/);
  // F8 continues to the end.
  await page.locator('body').press('F8');
  await expect(status(page)).toHaveText('Done');
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('It is 21');

  // Ctrl+\ continues too (a fresh run held at #E2 by its Break at).
  await page.getByRole('button', { name: 'Remove breakpoint at #E3' }).click();
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(status(page)).toHaveText('Paused before #E2 (breakpoint)');
  await page.locator('body').press('Control+\\');
  await expect(status(page)).toHaveText('Done');
});

test('the Task box follows the run on screen: History, a demo and the example', async ({ page }) => {
  await scriptPlanner({ rules: [{ match: 'make plans', reply: 'Plan: One.\n#E1 = calculator[1 + 1]' }, { match: 'Solve the following task', reply: 'Two [#E1].' }] });
  await page.goto('/');
  const task = page.getByRole('textbox', { name: 'Task' });
  // The placeholder is clearly an example, and one click uses it.
  await expect(task).toHaveAttribute('placeholder', /^Type a task, for example:/);
  await page.getByRole('button', { name: 'Use the example' }).click();
  await expect(task).toHaveValue(/Killers of the Flower Moon/);
  await expect(page.getByRole('button', { name: 'Use the example' })).toHaveCount(0);

  await configurePlanner(page);
  await task.fill('First question');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('Two');
  await task.fill('Second question');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('Two');
  await task.fill('Something I was typing');
  await showPanel(page, 'History');
  await page.getByRole('region', { name: 'History' }).getByRole('button', { name: 'First question', exact: true }).click();
  await expect(task).toHaveValue('First question');

  // A demo, replayed instantly from the speed menu: the box shows its task, the line says it replays.
  await page.getByRole('combobox', { name: 'Replay speed' }).selectOption({ label: 'instant' });
  await chooseFromOpenMenu(page, 'Killers of the Flower Moon: director, films, bilibili');
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('Goodfellas');
  await expect(task).toHaveValue(/Killers of the Flower Moon/);
});

test('a replay says it is one, and Pause, Step and Continue drive it', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('combobox', { name: 'Replay speed' }).selectOption({ label: '0.5×' });
  // The Welcome panel's demo link plays at the chosen speed.
  await page.getByRole('region', { name: 'Welcome' }).getByRole('button').first().click();
  await expect(status(page)).toHaveText('Replaying (0.5×)');
  await expect(page.getByRole('button', { name: /hold replay/i })).toHaveCount(0);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(status(page)).toHaveText('Replay paused (0.5×)');
  const cards = page.getByRole('list', { name: 'Plan' }).getByRole('listitem');
  const before = await cards.filter({ hasText: 'Evidence' }).count();
  // Step: on to the next step that starts or ends, then paused again.
  for (let index = 0; index < 3; index++) await page.getByRole('button', { name: 'Step' }).click();
  await expect.poll(async () => cards.filter({ hasText: 'Evidence' }).count()).toBeGreaterThan(before);
  await expect(status(page)).toHaveText(/^Replay paused/);
  await page.getByRole('combobox', { name: 'Replay speed' }).selectOption({ label: 'instant' });
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('Goodfellas');
  await expect(status(page)).toHaveText('Done');
});

test('a replay cut short says so: "Stopped" after Stop, interrupted after a reload, never still running', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('combobox', { name: 'Replay speed' }).selectOption({ label: '0.5×' });
  const plan = page.getByRole('list', { name: 'Plan' });
  const underWay = plan.getByRole('listitem', { name: / (running|ready|pending)$/ });
  await page.getByRole('region', { name: 'Welcome' }).getByRole('button').first().click();
  await expect(status(page)).toHaveText('Replaying (0.5×)');
  await expect(plan.getByRole('listitem').first()).toBeVisible();
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(status(page)).toHaveText('Stopped');
  await expect(underWay).toHaveCount(0);

  // The same demo again, and the page closes while it replays.
  await chooseFromOpenMenu(page, 'Killers of the Flower Moon: director, films, bilibili');
  await expect(status(page)).toHaveText('Replaying (0.5×)');
  await expect(plan.getByRole('listitem').first()).toBeVisible();
  await page.reload();
  await expect(status(page)).toHaveText('Interrupted (the page closed while it replayed)');
  await expect(plan.getByRole('listitem').first()).toBeVisible();
  await expect(underWay).toHaveCount(0);
  // It is a replay: nothing to resume, and the stopped one before it still reads "Stopped".
  await expect(page.getByRole('button', { name: 'Resume' })).toHaveCount(0);
  await showPanel(page, 'History');
  const stopped = page.getByRole('region', { name: 'History' }).getByRole('listitem').filter({ hasText: 'aborted' });
  await expect(stopped).toHaveCount(1);
  // Opened again from the History, the stopped replay still reads "Stopped".
  await stopped.getByRole('button', { name: /^What movies did the director/ }).click();
  await expect(status(page)).toHaveText('Stopped');
  await expect(underWay).toHaveCount(0);
});

test('the first run with nothing set up: one message, no stale progress bar, and two ways forward', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Use the example' }).click();
  await page.getByRole('button', { name: 'Run' }).click();
  // The in-browser default cannot download its model here (no internet): said once, in one place.
  const problem = page.getByRole('alert').filter({ hasText: 'could not load' });
  await expect(problem).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(/could not load/)).toHaveCount(1);
  await expect(page.getByRole('progressbar')).toHaveCount(0);
  await expect(page.getByText(/runs in this page/)).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('No answer: the run failed');

  await problem.getByRole('button', { name: 'Open Settings' }).click();
  await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible();
  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('combobox', { name: 'Replay speed' }).selectOption({ label: 'instant' });
  await problem.getByRole('button', { name: 'Watch a demo' }).click();
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('Goodfellas');
});

test('a long input is written out once on its card, not three times', async ({ page }) => {
  const long = `Summarise this carefully ${'and at length '.repeat(30)}`.trim();
  await scriptPlanner({
    rules: [
      { match: 'Solve the following task', reply: 'Done [#E2].' },
      { match: 'Summarise this carefully', reply: 'A summary.' },
      { match: 'make plans', reply: `Plan: One.\n#E1 = calculator[6 * 7]\nPlan: Two.\n#E2 = llm[${long} with #E1]` },
    ],
  });
  await page.goto('/');
  await configurePlanner(page);
  await page.getByRole('textbox', { name: 'Task' }).fill('Summarise.');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(step(page, '#E2')).toHaveAccessibleName(/done$/);
  const text = (await step(page, '#E2').textContent()) ?? '';
  expect(text.split(long).length - 1).toBe(1);
  await expect(step(page, '#E2')).toContainText('‹the input above›');
});

for (const width of [360, 800]) {
  test(`at ${width} px wide with a 30-step plan, the page is no wider than the window and every control is on screen`, async ({ page }) => {
    const plan = Array.from({ length: 30 }, (_, index) => `Plan: Sum ${index + 1}.\n#E${index + 1} = calculator[${index} + 1]`).join('\n');
    await scriptPlanner({ rules: [{ match: 'Solve the following task', reply: 'Done [#E1][#E3].' }, { match: 'make plans', reply: plan }] });
    await page.setViewportSize({ width, height: 900 });
    await page.goto('/');
    await configurePlanner(page);
    await page.getByRole('textbox', { name: 'Task' }).fill('Thirty sums.');
    await page.getByRole('button', { name: 'Run' }).click();
    await expect(status(page)).toHaveText('Done');
    await showPanel(page, 'Calls');
    const overflow = await page.evaluate(() => {
      const outside = [...document.querySelectorAll('button, input, select, textarea, a[href]')]
        .filter((element) => element.getClientRects().length > 0 && !element.closest('figure'))
        .filter((element) => {
          const box = element.getBoundingClientRect();
          return box.left < -1 || box.right > window.innerWidth + 1;
        })
        .map((element) => `${element.tagName.toLowerCase()} "${(element.textContent ?? '').trim().slice(0, 30)}"`);
      return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, outside };
    });
    expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.innerWidth);
    expect(overflow.outside).toEqual([]);
    for (const name of ['Run', 'Stop', 'Settings', 'Export']) {
      const button = page.getByRole('button', { name, exact: true });
      await button.scrollIntoViewIfNeeded();
      await expect(button).toBeInViewport({ ratio: 1 });
    }
  });
}

test('the workspace works like DevTools: a selected step in full beside the plan, tabbed panels, resizable panes, a theme switch', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('combobox', { name: 'Replay speed' }).selectOption({ label: 'instant' });
  await chooseFromOpenMenu(page, 'Tokyo and Paris: local time and population');
  await expect(status(page)).toHaveText('Done');
  const details = page.getByRole('region', { name: 'Step details' });
  await expect(details).toContainText('Select a step');

  // A click on a card shows that step in full: what it reads, what reads it, its call, evidence and model requests.
  await step(page, '#E5').click({ position: { x: 300, y: 8 } });
  await expect(step(page, '#E5')).toHaveAttribute('aria-current', 'true');
  await expect(details.getByRole('heading', { level: 2 })).toHaveText(/#E5\s+llm\s+done/);
  await expect(details.getByRole('button', { name: '#E1', exact: true })).toBeVisible();
  await expect(details).toContainText('Evidence');
  // Its model request opens in the Calls tab, selected.
  await details.getByRole('button', { name: /^Open call c\d+ in Calls$/ }).click();
  await expect(page.getByRole('tab', { name: 'Calls', exact: true })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel', { name: 'Calls' }).getByRole('region', { name: /^Call c\d+$/ })).toContainText('llm tool');
  // A dependency link moves the selection; arrow keys move between cards.
  await details.getByRole('button', { name: '#E1', exact: true }).click();
  await expect(details.getByRole('heading', { level: 2 })).toHaveText(/#E1\s+search_wiki/);
  await step(page, '#E1').focus();
  await page.keyboard.press('ArrowDown');
  await expect(step(page, '#E2')).toBeFocused();
  await expect(details.getByRole('heading', { level: 2 })).toHaveText(/#E2\s+search_wiki/);

  // Tabs: arrow keys move between them; only the shown panel is in the page.
  await page.getByRole('tab', { name: 'Calls', exact: true }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Usage', exact: true })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('region', { name: 'Usage' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Calls' })).toHaveCount(0);
  // A node of the graph selects its step too.
  await showPanel(page, 'Graph');
  await page.getByRole('figure', { name: 'Plan graph' }).getByRole('link', { name: /^#E4 / }).click();
  await expect(details.getByRole('heading', { level: 2 })).toHaveText(/#E4\s+get_current_time/);

  // The separator between the plan and the side panes moves with the arrow keys; the size is kept after a reload.
  const planPane = page.locator('[data-panel][id="plan"]');
  const before = (await planPane.boundingBox())?.width ?? 0;
  const separator = page.getByRole('separator', { name: 'Resize the plan and the side panes' });
  await separator.focus();
  for (let press = 0; press < 5; press += 1) await page.keyboard.press('ArrowLeft');
  await expect.poll(async () => (await planPane.boundingBox())?.width ?? 0).toBeLessThan(before - 40);
  const resized = (await planPane.boundingBox())?.width ?? 0;

  // Theme: follows the system until the person chooses; the choice survives a reload.
  await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByRole('combobox', { name: 'Theme' })).toHaveValue('dark');
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe('dark');
  await expect.poll(async () => Math.round((await planPane.boundingBox())?.width ?? 0)).toBe(Math.round(resized));
  await page.getByRole('combobox', { name: 'Theme' }).selectOption('system');
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /./);
});
