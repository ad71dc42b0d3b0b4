// Takes the README's screenshots from the built app: the Tokyo and Paris demo replayed instantly,
// at 1,400 px (light) and at 390 px (dark), written to docs/.
//
//   npm run build && npx vite preview --port 4173 &   then   npx tsx scripts/screenshots.ts
//
// Options: --url (default http://127.0.0.1:4173/), --chromium PATH (default /usr/bin/chromium,
// or STEPWISE_CHROMIUM).
import { parseArgs } from 'node:util';
import { chromium, type Page } from '@playwright/test';

const { values } = parseArgs({ options: { url: { type: 'string', default: 'http://127.0.0.1:4173/' }, chromium: { type: 'string' } } });
const executablePath = values.chromium ?? process.env.STEPWISE_CHROMIUM ?? '/usr/bin/chromium';

async function replayDemo(page: Page): Promise<void> {
  // Nothing leaves the machine: the demo replays from its trace.
  await page.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) => route.abort('blockedbyclient'));
  await page.goto(values.url);
  await page.getByRole('combobox', { name: 'Replay speed' }).selectOption({ label: 'instant' });
  await page.getByRole('combobox', { name: 'Demos' }).selectOption({ label: 'Tokyo and Paris: local time and population' });
  await page.getByRole('region', { name: 'Summary' }).getByText('Tokyo').first().waitFor();
  await page.locator('.run-status', { hasText: 'Done' }).waitFor();
  await page.getByRole('figure', { name: 'Plan graph' }).waitFor();
  await page.mouse.move(0, 0);
}

const browser = await chromium.launch({ executablePath });
try {
  const wide = await browser.newPage({ viewport: { width: 1400, height: 1000 }, colorScheme: 'light' });
  await replayDemo(wide);
  await wide.screenshot({ path: 'docs/stepwise.png' });
  const narrow = await browser.newPage({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', deviceScaleFactor: 2 });
  await replayDemo(narrow);
  await narrow.screenshot({ path: 'docs/stepwise-narrow-dark.png' });
  console.log('wrote docs/stepwise.png and docs/stepwise-narrow-dark.png');
} finally {
  await browser.close();
}
