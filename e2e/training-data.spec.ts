import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { configurePlanner, routeWikipediaPage, scriptPlanner, showPanel } from './support/app.ts';

const apiKey = 'sk-training-e2e-0123456789abcdefXYZ';
const task = 'Which is older, the Eiffel Tower or the Statue of Liberty?';
const brokenTask = 'Who directed Killers of the Flower Moon?';

const rules = [
  { match: 'Solve the following task', reply: 'The Statue of Liberty is older [#E3].' },
  // The second task's planner writes a plan with an unknown tool.
  { match: `Task: ${brokenTask}`, reply: 'Plan: Look it up.\n#E1 = find_movie[Killers of the Flower Moon]' },
  { match: 'make plans', reply: 'Plan: Tower.\n#E1 = search_wiki[Eiffel Tower]\nPlan: Statue.\n#E2 = search_wiki[Statue of Liberty]\nPlan: Compare.\n#E3 = llm[Which is older? #E1 or #E2]' },
  { match: 'Which is older', reply: 'The statue.' },
];

const card = (page: Page, id: string) => page.getByRole('list', { name: 'Plan' }).getByRole('listitem', { name: new RegExp(`^${id} `) });

/** Chooses a format and downloads it; returns the file's bytes. */
async function download(page: Page, format: string): Promise<{ name: string; bytes: Buffer }> {
  const dialog = page.getByRole('dialog', { name: 'Export training data' });
  await dialog.getByRole('combobox', { name: 'Format' }).selectOption({ label: format });
  const button = dialog.getByRole('button', { name: 'Download' });
  await expect(button).toBeEnabled();
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return { name: file.suggestedFilename(), bytes: readFileSync((await file.path())!) };
}

const lines = (bytes: Buffer) => bytes.toString('utf8').split('\n');

test.beforeEach(async ({ page }) => {
  await page.route(/^https?:\/\/(?!127\.0\.0\.1|[a-z]+\.wikipedia\.org)/, (route) => route.abort('blockedbyclient'));
});

test('run, correct a step, mark Good, and export each training format; a run with an invalid plan is listed as left out', async ({ page }) => {
  await routeWikipediaPage(page, 'Landmarks', 'Built long ago.');
  await scriptPlanner({ rules });
  await page.goto('/');
  await configurePlanner(page);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('textbox', { name: 'API key' }).fill(apiKey);
  await page.getByRole('button', { name: 'Close' }).click();

  // A run, then a correction of #E2 after it ended (a version), judged Good.
  await page.getByRole('textbox', { name: 'Task' }).fill(task);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('The Statue of Liberty is older');
  await card(page, '#E2').getByRole('button', { name: 'Edit' }).click();
  await card(page, '#E2').getByRole('textbox', { name: 'Input' }).fill('Statue of Liberty dedication');
  await card(page, '#E2').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('A version of')).toContainText('#E2 edited');
  await expect(page.locator('.run-status')).toHaveText('Done');
  const judge = page.getByRole('region', { name: 'Judge this run' });
  await judge.getByRole('button', { name: 'Good' }).click();

  // A run whose plan names an unknown tool, judged Good all the same.
  await page.getByRole('textbox', { name: 'Task' }).fill(brokenTask);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(judge).toBeVisible();
  await judge.getByRole('button', { name: 'Good' }).click();
  await expect(judge.getByRole('button', { name: 'Good' })).toHaveAttribute('aria-pressed', 'true');

  // Export → Export training data: the corrected version and the broken run are picked.
  await page.getByRole('button', { name: 'Export' }).click();
  await page.getByRole('menuitem', { name: 'Export training data' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export training data' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('checkbox', { checked: true })).toHaveCount(2);
  await expect(dialog.getByRole('group', { name: /^Runs/ }).getByRole('listitem').filter({ hasText: '#E2 edited' }).getByRole('checkbox')).toBeChecked();
  const summary = dialog.getByRole('region', { name: 'What will be exported' });
  await expect(summary).toContainText('1 planner record, 1 solver record, 3 tool-caller records');
  await summary.getByText(/^Left out: /).click();
  await expect(summary.getByRole('listitem').filter({ hasText: brokenTask }).filter({ hasText: 'plan: the plan has an error' })).toContainText('find_movie');

  // Planner, Alpaca JSON: one record, the prompt as sent, the plan with the correction folded in.
  const alpaca = await download(page, 'Planner — Alpaca JSON');
  expect(alpaca.name).toBe('stepwise-planner-alpaca.json');
  const records = JSON.parse(alpaca.bytes.toString('utf8')) as { instruction: string; input: string; output: string; system?: string }[];
  expect(records).toHaveLength(1);
  expect(Object.keys(records[0]!).sort()).toEqual(['input', 'instruction', 'output', 'system']);
  expect(records[0]!.instruction).toContain(`Task: ${task}`);
  expect(records[0]!.system).toContain('make plans');
  expect(records[0]!.input).toBe('');
  expect(records[0]!.output.split('\n')).toEqual([
    'Plan: Tower.',
    '#E1 = search_wiki[Eiffel Tower]',
    'Plan: Statue.',
    '#E2 = search_wiki[Statue of Liberty dedication]',
    'Plan: Compare.',
    '#E3 = llm[Which is older? #E1 or #E2]',
  ]);

  // Planner and solver, chat JSONL: one JSON object per line.
  const chat = await download(page, 'Planner and solver — chat JSONL');
  expect(chat.name).toBe('stepwise-planner-solver.jsonl');
  const chatLines = lines(chat.bytes);
  expect(chatLines).toHaveLength(3);
  expect(chatLines[2]).toBe('');
  const [plannerLine, solverLine] = chatLines.slice(0, 2).map((line) => JSON.parse(line) as { messages: { role: string; content: string }[] });
  expect(plannerLine!.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant']);
  expect(plannerLine!.messages[2]!.content).toBe(records[0]!.output);
  expect(solverLine!.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant']);
  expect(solverLine!.messages[1]!.content).toContain('Statue of Liberty dedication');
  expect(solverLine!.messages[2]!.content).toBe('The Statue of Liberty is older [#E3].');

  // Tool caller, chat JSONL with tools: one line per step, the call as the person corrected it.
  const toolCaller = await download(page, 'Tool caller — chat JSONL with tools');
  expect(toolCaller.name).toBe('stepwise-tool-caller.jsonl');
  const callLines = lines(toolCaller.bytes).filter(Boolean);
  expect(callLines).toHaveLength(3);
  const calls = callLines.map(
    (line) =>
      JSON.parse(line) as {
        messages: [{ role: 'user'; content: string }, { role: 'assistant'; tool_calls: { type: string; function: { name: string; arguments: string } }[] }];
        tools: { type: string; function: { name: string; parameters: { type: string } } }[];
      },
  );
  for (const call of calls) {
    expect(call.tools.map((tool) => `${tool.type}:${tool.function.name}:${tool.function.parameters.type}`)).toEqual(['function:search_wiki:object', 'function:llm:object']);
    expect(call.messages[1].tool_calls).toHaveLength(1);
    expect(call.messages[1].tool_calls[0]!.type).toBe('function');
  }
  expect(calls[1]!.messages[0].content).toContain('Statue of Liberty dedication');
  expect(calls[1]!.messages[1].tool_calls[0]!.function.name).toBe('search_wiki');
  expect(Object.values(JSON.parse(calls[1]!.messages[1].tool_calls[0]!.function.arguments) as Record<string, unknown>)).toContain('Statue of Liberty dedication');

  // LLaMA-Factory bundle: the zip holds dataset_info.json and the files it names.
  const bundle = await download(page, 'LLaMA-Factory bundle (.zip)');
  expect(bundle.name).toBe('stepwise-llama-factory.zip');
  const entries = unzipSync(new Uint8Array(bundle.bytes));
  const info = JSON.parse(strFromU8(entries['stepwise-data/dataset_info.json']!)) as Record<string, { file_name: string; formatting?: string }>;
  expect(Object.keys(info).sort()).toEqual(['stepwise_planner', 'stepwise_planner_solver', 'stepwise_tool_caller']);
  for (const entry of Object.values(info)) expect(entries[`stepwise-data/${entry.file_name}`]).toBeDefined();
  expect(JSON.parse(strFromU8(entries['stepwise-data/stepwise_planner.json']!))).toEqual(records);

  // The API key is in none of them.
  for (const file of [alpaca, chat, toolCaller]) expect(file.bytes.toString('utf8')).not.toContain(apiKey);
  for (const data of Object.values(entries)) expect(strFromU8(data)).not.toContain(apiKey);

  // Marked private, the version is no longer offered, after a reload too.
  await dialog.getByRole('button', { name: 'Close' }).click();
  await showPanel(page, 'History');
  await page.getByRole('region', { name: 'History' }).getByRole('button', { name: task, exact: true }).last().click();
  await expect(page.getByText('A version of')).toBeVisible();
  await judge.getByRole('checkbox', { name: 'Private' }).check();
  await page.reload();
  await showPanel(page, 'History');
  await page.getByRole('region', { name: 'History' }).getByRole('button', { name: 'Export training data' }).click();
  await expect(dialog.getByRole('checkbox', { checked: true })).toHaveCount(1);
  await expect(dialog).toContainText('1 private run not offered');
  await expect(dialog.getByRole('group', { name: /^Runs/ })).not.toContainText('#E2 edited');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // The bundle read back by the planner eval: the exported plan is the gold plan. The planner
  // writes its original plan again (#E2 uncorrected): same tools and structure, not exact.
  await page.goto('/?view=planner-eval');
  await page.getByLabel('Tasks file').setInputFiles({ name: bundle.name, mimeType: 'application/zip', buffer: bundle.bytes });
  await expect(page.getByRole('status').filter({ hasText: bundle.name })).toContainText('1 task; 3 tool-caller records left for the tool-caller eval');
  await expect(page.getByText('1 task, 1 with a gold plan')).toBeVisible();
  await page.getByRole('button', { name: 'Run the eval' }).click();
  await expect(page.getByText('1 of 1 plans')).toBeVisible();
  const row = page.getByRole('table', { name: 'Planner eval summary' }).getByRole('row', { name: /Default$/ });
  await expect(row.getByRole('cell').filter({ hasText: /^\d+\/1$/ })).toHaveText(['1/1', '0/1', '1/1', '1/1']);

  // The tool-caller records as cases of the tool-calling eval.
  await page.goto('/eval.html');
  await page.getByLabel('Cases file').setInputFiles({ name: toolCaller.name, mimeType: 'application/jsonl', buffer: toolCaller.bytes });
  await expect(page.getByRole('status').filter({ hasText: 'cases from' })).toHaveText('3 cases from stepwise-tool-caller.jsonl.');
  await expect(page.getByRole('spinbutton', { name: 'Cases' })).toHaveValue('3');
});
