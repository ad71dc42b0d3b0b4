import { expect, test, type Locator, type Page } from '@playwright/test';
import { configurePlanner, scriptPlanner } from './support/app.ts';

// 30 steps that need nothing, then one that uses three of them: one wide layer of the DAG.
const independentCount = 30;
const widePlan = [
  ...Array.from({ length: independentCount }, (_, index) => `Plan: Add ${index + 1}.\n#E${index + 1} = calculator[1 + ${index + 1}]`),
  `Plan: Add the first three.\n#E${independentCount + 1} = calculator[#E1 + #E2 + #E3]`,
].join('\n');

test.beforeEach(async ({ page }) => {
  // The fixture planner and the app are on this machine; anything else is refused.
  await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort('blockedbyclient'));
});

/** Runs the wide plan to its end and returns the graph's figure, laid out for all 31 steps. */
async function runWidePlan(page: Page): Promise<Locator> {
  await scriptPlanner({
    rules: [
      { match: 'make plans', reply: widePlan },
      { match: 'Solve the following task', reply: 'The first three add up to 9 [#E31].' },
    ],
  });
  await page.goto('/');
  await configurePlanner(page);
  await page.getByRole('textbox', { name: 'Task' }).fill('Add one to each of the numbers 1 to 30, then add the first three results.');
  await page.getByRole('button', { name: 'Run' }).click();
  const plan = page.getByRole('list', { name: 'Plan' });
  await expect(plan.getByRole('listitem', { name: /^#E31 calculator done/ })).toBeVisible();
  await expect(plan.getByRole('listitem', { name: / done$/ })).toHaveCount(independentCount + 1);
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('add up to 9');
  const figure = page.getByRole('figure', { name: 'Plan graph' });
  await expect(figure.locator('.plan-graph-node')).toHaveCount(independentCount + 1);
  await expect(figure.locator('.plan-graph-edge')).toHaveCount(3);
  await figure.scrollIntoViewIfNeeded();
  return figure;
}

type Box = { x: number; y: number; width: number; height: number };

async function boxOf(locator: Locator): Promise<Box> {
  const box = await locator.boundingBox();
  expect(box, 'the element has a box').not.toBeNull();
  return box as Box;
}

/** The nodes that are not wholly inside `outer` (a pixel of rounding allowed). */
async function nodesOutside(figure: Locator, outer: Box): Promise<string[]> {
  const outside: string[] = [];
  for (const node of await figure.locator('.plan-graph-node').all()) {
    const box = await boxOf(node);
    const inside = box.x >= outer.x - 1 && box.y >= outer.y - 1 && box.x + box.width <= outer.x + outer.width + 1 && box.y + box.height <= outer.y + outer.height + 1;
    if (!inside) outside.push((await node.getAttribute('data-step-id')) ?? '?');
  }
  return outside;
}

async function expectPageNotWiderThanViewport(page: Page): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

test('a plan of 31 steps fits the graph panel at 1,400 px; Zoom in enlarges it and Fit shows it all again', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  const figure = await runWidePlan(page);
  // The graph's visible area: the figure less its buttons, scrolling nothing out of sight.
  const view = figure.getByRole('group', { name: 'Graph view' });

  // Fitted, wrapped into rows: every node in sight, none shrunk below a readable size.
  expect(await nodesOutside(figure, await boxOf(figure))).toEqual([]);
  expect(await nodesOutside(figure, await boxOf(view))).toEqual([]);
  expect(Number(await figure.locator('svg').getAttribute('data-scale'))).toBeGreaterThanOrEqual(0.75);
  const rows = new Set(await figure.locator('.plan-graph-node').evaluateAll((nodes) => nodes.map((node) => Math.round(node.getBoundingClientRect().top))));
  expect(rows.size).toBeGreaterThan(3);
  await expectPageNotWiderThanViewport(page);

  // Zoom in: the nodes grow (the viewBox shrinks), and some leave the view.
  const first = figure.locator('.plan-graph-node[data-step-id="#E1"]');
  const before = await boxOf(first);
  await figure.getByRole('button', { name: 'Zoom in' }).click();
  await figure.getByRole('button', { name: 'Zoom in' }).click();
  await expect.poll(async () => (await boxOf(first)).width).toBeGreaterThan(before.width * 1.4);
  expect((await nodesOutside(figure, await boxOf(view))).length).toBeGreaterThan(0);
  await expectPageNotWiderThanViewport(page);

  // Dragging and the arrow keys move the zoomed graph.
  const zoomedViewBox = await figure.locator('svg').getAttribute('viewBox');
  await view.focus();
  await page.keyboard.press('ArrowRight');
  await expect(figure.locator('svg')).not.toHaveAttribute('viewBox', zoomedViewBox ?? '');

  // Fit: everything back in view, at the size it had.
  await figure.getByRole('button', { name: 'Fit' }).click();
  await expect.poll(async () => (await boxOf(first)).width).toBeCloseTo(before.width, 0);
  expect(await nodesOutside(figure, await boxOf(view))).toEqual([]);

  // A node still takes you to its step card.
  await figure.getByRole('link', { name: /^#E31 calculator/ }).click();
  await expect(page.getByRole('list', { name: 'Plan' }).getByRole('listitem', { name: /^#E31 / })).toBeFocused();
});

test('at 800 px the graph stays inside the page', async ({ page }) => {
  await page.setViewportSize({ width: 800, height: 900 });
  const figure = await runWidePlan(page);
  await expectPageNotWiderThanViewport(page);
  const box = await boxOf(figure);
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(800);
  // Nothing is cut off sideways: every node lies within the figure's width.
  for (const node of await figure.locator('.plan-graph-node').all()) {
    const nodeBox = await boxOf(node);
    expect(nodeBox.x).toBeGreaterThanOrEqual(box.x - 1);
    expect(nodeBox.x + nodeBox.width).toBeLessThanOrEqual(box.x + box.width + 1);
  }
  await figure.getByRole('button', { name: 'Zoom in' }).click();
  await expectPageNotWiderThanViewport(page);
});
