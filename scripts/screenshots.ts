// Takes the README's screenshots from the built app: the Tokyo and Paris demo replayed instantly,
// the workspace with a step selected and the Calls tab, at 1,400 px and at 390 px, in light and
// dark, written to docs/.
//
//   npm run build && npx vite preview --port 4173 &   then   npx tsx scripts/screenshots.ts
//
// Options: --url (default http://127.0.0.1:4173/), --chromium PATH (default /usr/bin/chromium,
// or STEPWISE_CHROMIUM).
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from '@playwright/test';

const { values } = parseArgs({ options: { url: { type: 'string', default: 'http://127.0.0.1:4173/' }, chromium: { type: 'string' } } });
const executablePath = values.chromium ?? process.env.STEPWISE_CHROMIUM ?? '/usr/bin/chromium';

async function replayDemo(page: Page): Promise<void> {
  // Nothing leaves the machine: the demo replays from its trace.
  await page.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) => route.abort('blockedbyclient'));
  await page.goto(values.url);
  await page.getByRole('combobox', { name: 'Replay speed' }).selectOption({ label: 'instant' });
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Tokyo and Paris: local time and population' }).click();
  await page.getByRole('region', { name: 'Summary' }).getByText('Tokyo').first().waitFor();
  await page.locator('.run-status', { hasText: 'Done' }).waitFor();
}

/** Selects #E5 (it reads #E1 and #E2 and asked a model), as a person would by clicking its card. */
async function selectStep(page: Page): Promise<void> {
  await page.getByRole('list', { name: 'Plan' }).getByRole('listitem', { name: /^#E5 / }).click({ position: { x: 200, y: 8 } });
  await page.getByRole('region', { name: 'Step details' }).getByRole('heading', { name: /#E5/ }).waitFor();
}

async function shoot(browser: Browser, file: string, options: { width: number; height: number; dark: boolean; tab: 'Graph' | 'Calls' }): Promise<void> {
  const page = await browser.newPage({ viewport: { width: options.width, height: options.height }, colorScheme: options.dark ? 'dark' : 'light', deviceScaleFactor: options.width < 600 ? 2 : 1 });
  await replayDemo(page);
  await selectStep(page);
  await page.getByRole('tab', { name: options.tab, exact: true }).click();
  // The graph is laid out in a worker: wait for its nodes, not only its frame.
  if (options.tab === 'Graph') await page.getByRole('figure', { name: 'Plan graph' }).getByRole('link', { name: /^#E6 / }).waitFor();
  else await page.getByRole('tabpanel', { name: 'Calls' }).getByRole('button', { name: /^Call c4/ }).click();
  // On a phone the panes stack: the Calls picture shows the tabs, the other one the top of the page.
  if (options.width < 600) {
    if (options.tab === 'Calls') await page.getByRole('tablist', { name: 'Panels' }).evaluate((element) => element.scrollIntoView({ block: 'start' }));
    else await page.evaluate(() => window.scrollTo(0, 0));
  }
  await page.mouse.move(0, 0);
  await page.screenshot({ path: file });
  await page.close();
}

const browser = await chromium.launch({ executablePath });
try {
  await shoot(browser, 'docs/stepwise.png', { width: 1400, height: 900, dark: false, tab: 'Graph' });
  await shoot(browser, 'docs/stepwise-calls-dark.png', { width: 1400, height: 900, dark: true, tab: 'Calls' });
  await shoot(browser, 'docs/stepwise-narrow-dark.png', { width: 390, height: 844, dark: true, tab: 'Graph' });
  await shoot(browser, 'docs/stepwise-narrow-calls.png', { width: 390, height: 844, dark: false, tab: 'Calls' });
  console.log('wrote docs/stepwise.png, docs/stepwise-calls-dark.png, docs/stepwise-narrow-dark.png and docs/stepwise-narrow-calls.png');
} finally {
  await browser.close();
}
