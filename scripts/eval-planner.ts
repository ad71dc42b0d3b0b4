// Runs the planner eval against an OpenAI-compatible endpoint and prints one table per prompt
// preset (plan-only by default: no tool and no solver runs).
//
//   npm run eval:planner -- --url http://127.0.0.1:8000/v1 --model Qwen/Qwen3-32B --tasks tasks.txt
//
// Tasks: one per line, or JSON Lines {"task": "…", "expectedTools": ["search_wiki"], "goldPlan": "…"},
// or training data from Export training data (Alpaca JSON, chat JSONL, the LLaMA-Factory .zip):
// its planner records become tasks whose plans are compared with the exported (gold) plans.
// Options: --api-key KEY (or STEPWISE_API_KEY), --structured-output json_schema|json_object|none,
// --presets FILE (a prompts file exported from Settings → Prompts; every preset in it is tried,
// with Default), --concurrency N (default 2), --csv FILE, --json FILE (every plan's figures).
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { standardTools } from '../toolkit/index.ts';
import { createOpenAIEngine } from '../src/core/llm/openai-engine.ts';
import { defaultPresetName, defaultTemplates, type PromptPreset } from '../src/core/prompts/templates.ts';
import { importPresets } from '../src/core/prompts/presets-file.ts';
import { formatSummaryTable } from '../src/eval/planner-eval-table.ts';
import { measuresToCsv, runPlannerEval, summarise } from '../src/eval/planner-eval.ts';
import { readEvalFile } from '../src/eval/dataset-import.ts';

const usage =
  'Usage: npm run eval:planner -- --url <base URL ending in /v1> --model <model> --tasks FILE [--api-key KEY] [--structured-output json_schema|json_object|none] [--presets FILE] [--concurrency N] [--csv FILE] [--json FILE]';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    model: { type: 'string' },
    tasks: { type: 'string' },
    'api-key': { type: 'string' },
    'structured-output': { type: 'string', default: 'json_schema' },
    presets: { type: 'string' },
    concurrency: { type: 'string', default: '2' },
    csv: { type: 'string' },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help || !values.url || !values.model || !values.tasks) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}
const structuredOutput = values['structured-output'];
if (structuredOutput !== 'json_schema' && structuredOutput !== 'json_object' && structuredOutput !== 'none') {
  console.error(`--structured-output must be json_schema, json_object or none, not ${structuredOutput}.`);
  process.exit(2);
}
const concurrency = Number(values.concurrency);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error('--concurrency must be a positive whole number.');
  process.exit(2);
}

const { tasks, problems } = readEvalFile(values.tasks, readFileSync(values.tasks));
for (const problem of problems) console.error(`${values.tasks}: ${problem} (left out)`);
if (tasks.length === 0) {
  console.error(`${values.tasks} has no tasks.`);
  process.exit(2);
}
const presets: PromptPreset[] = [{ name: defaultPresetName, templates: defaultTemplates }];
if (values.presets) {
  const imported = importPresets(readFileSync(values.presets, 'utf8'));
  if (!imported.ok) {
    console.error(`${values.presets} could not be read: ${imported.problem}.`);
    process.exit(2);
  }
  presets.push(...imported.presets.filter((preset) => preset.name !== defaultPresetName));
}

const planner = createOpenAIEngine({
  baseUrl: values.url.replace(/\/+$/, ''),
  model: values.model,
  apiKey: values['api-key'] ?? process.env.STEPWISE_API_KEY,
  structuredOutput,
  label: values.model,
});
const configurations = presets.map((prompts, index) => ({ id: `c${index + 1}`, label: `${values.model} · ${prompts.name}`, planner, prompts }));
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());

const measures = await runPlannerEval({
  tasks,
  configurations,
  tools: standardTools,
  mode: 'plan-only',
  concurrency,
  signal: controller.signal,
  onResult: (measure, done, total) => process.stderr.write(`\r${done}/${total} plans${measure.parsed ? '' : ` (last: ${measure.problem ?? 'not parsed'})`}`.padEnd(80)),
});
process.stderr.write('\n');
const summaries = configurations.map((configuration) => summarise(configuration, measures));
console.log(formatSummaryTable(summaries));
if (values.csv) writeFileSync(values.csv, measuresToCsv(measures, new Map(configurations.map((configuration) => [configuration.id, configuration.label]))));
if (values.json) writeFileSync(values.json, JSON.stringify({ summaries, measures }, null, 2));
if (controller.signal.aborted) process.exitCode = 130;
