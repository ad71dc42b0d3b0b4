import { expect, test } from '@playwright/test';
import { chooseFromOpenMenu, showPanel } from './support/app.ts';

test.beforeEach(async ({ page }) => {
  await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort('blockedbyclient'));
});

test('a run is judged Good or Bad with a note; the verdict stays after a reload and History filters by it', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('combobox', { name: 'Replay speed' }).selectOption({ label: 'instant' });
  await chooseFromOpenMenu(page, 'Tokyo and Paris: local time and population');
  await expect(page.locator('.run-status')).toHaveText('Done');
  const judge = page.getByRole('region', { name: 'Judge this run' });
  const good = judge.getByRole('button', { name: 'Good' });
  await good.click();
  await expect(good).toHaveAttribute('aria-pressed', 'true');
  await judge.getByRole('textbox', { name: 'Note on the judgement' }).fill('Both lookups cited');
  await judge.getByRole('textbox', { name: 'Note on the judgement' }).press('Enter');

  // A second run, judged Bad; then the first again, after a reload.
  await chooseFromOpenMenu(page, 'Killers of the Flower Moon: director, films, bilibili');
  await expect(page.locator('.run-status')).toHaveText('Done');
  await judge.getByRole('button', { name: 'Bad' }).click();
  await expect(judge.getByRole('button', { name: 'Bad' })).toHaveAttribute('aria-pressed', 'true');
  await expect(judge.getByRole('button', { name: 'Good' })).toHaveAttribute('aria-pressed', 'false');
  await page.reload();
  await showPanel(page, 'History');
  const history = page.getByRole('region', { name: 'History' });
  await history.getByRole('combobox', { name: 'Judgement' }).selectOption('good');
  await expect(history.getByRole('listitem')).toHaveCount(1);
  await expect(history.getByRole('listitem')).toContainText('Compare Tokyo and Paris');
  await history.getByRole('button', { name: /^Compare Tokyo and Paris/ }).click();
  await expect(judge.getByRole('button', { name: 'Good' })).toHaveAttribute('aria-pressed', 'true');
  await expect(judge.getByRole('textbox', { name: 'Note on the judgement' })).toHaveValue('Both lookups cited');
  await history.getByRole('combobox', { name: 'Judgement' }).selectOption('bad');
  await expect(history.getByRole('listitem')).toContainText('Killers of the Flower Moon');
  // The same verdict again takes it back.
  await judge.getByRole('button', { name: 'Good' }).click();
  await expect(judge.getByRole('button', { name: 'Good' })).toHaveAttribute('aria-pressed', 'false');
  await history.getByRole('combobox', { name: 'Judgement' }).selectOption('none');
  await expect(history.getByRole('listitem')).toContainText('Compare Tokyo and Paris');
});
