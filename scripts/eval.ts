// Runs the tool-calling eval suite against an OpenAI-compatible endpoint and prints the table.
//
//   npx tsx scripts/eval.ts --url http://127.0.0.1:8000/v1 --model Qwen/Qwen2.5-1.5B-Instruct
//
// Options: --api-key KEY (or STEPWISE_API_KEY), --structured-output json_schema|json_object|none,
// --repair (one repair round, as the distributor does), --cases N (the first N cases),
// --cases-file FILE (tool-caller records from Export training data, .jsonl or the LLaMA-Factory
// .zip, instead of the built-in cases), --json FILE (write the full report), --verbose (one line per case).
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createOpenAIEngine } from '../src/core/llm/openai-engine.ts';
import { evalCases } from '../src/eval/cases.ts';
import { readEvalFile } from '../src/eval/dataset-import.ts';
import { formatEvalTable, runEval } from '../src/eval/run-eval.ts';

const usage = 'Usage: npx tsx scripts/eval.ts --url <base URL ending in /v1> --model <model> [--api-key KEY] [--structured-output json_schema|json_object|none] [--repair] [--cases N] [--cases-file FILE] [--json FILE] [--verbose]';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    model: { type: 'string' },
    'api-key': { type: 'string' },
    'structured-output': { type: 'string', default: 'json_schema' },
    repair: { type: 'boolean', default: false },
    cases: { type: 'string' },
    'cases-file': { type: 'string' },
    json: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help || !values.url || !values.model) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}
const structuredOutput = values['structured-output'];
if (structuredOutput !== 'json_schema' && structuredOutput !== 'json_object' && structuredOutput !== 'none') {
  console.error(`--structured-output must be json_schema, json_object or none, not ${structuredOutput}.`);
  process.exit(2);
}
let suite = evalCases;
if (values['cases-file']) {
  const file = values['cases-file'];
  const loaded = readEvalFile(file, readFileSync(file));
  for (const problem of loaded.problems) console.error(`${file}: ${problem} (left out)`);
  if (loaded.cases.length === 0) {
    console.error(`${file} has no tool-caller records.`);
    process.exit(2);
  }
  suite = loaded.cases;
}
const limit = values.cases === undefined ? suite.length : Number(values.cases);
if (!Number.isInteger(limit) || limit < 1) {
  console.error('--cases must be a positive whole number.');
  process.exit(2);
}

const engine = createOpenAIEngine({
  baseUrl: values.url.replace(/\/+$/, ''),
  model: values.model,
  apiKey: values['api-key'] ?? process.env.STEPWISE_API_KEY,
  structuredOutput,
  label: values.model,
});
const cases = suite.slice(0, limit);
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());

try {
  const report = await runEval(engine, cases, {
    repair: values.repair,
    signal: controller.signal,
    onProgress: ({ done, total, result }) => {
      if (values.verbose) {
        const mark = result.exact ? 'exact' : result.valid ? 'valid' : 'INVALID';
        console.log(`${String(done).padStart(3)}/${total} ${result.caseId.padEnd(22)} ${mark.padEnd(7)} ${Math.round(result.latencyMs)} ms ${result.call ? JSON.stringify(result.call) : result.problems.join('; ')}`);
      } else {
        process.stderr.write(`\r${done}/${total} cases`);
      }
    },
  });
  if (!values.verbose) process.stderr.write('\n');
  console.log(formatEvalTable([report]));
  const invalid = report.results.filter((result) => !result.valid);
  if (invalid.length > 0) {
    console.log(`\nInvalid calls (${invalid.length}):`);
    for (const result of invalid) console.log(`  ${result.caseId}: ${result.problems.join('; ')}`);
  }
  if (values.json) {
    writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nWrote ${values.json}`);
  }
} catch (error) {
  console.error(`\nThe eval stopped: ${error instanceof Error ? error.message : String(error)}`);
  const hint = (error as { hint?: unknown }).hint;
  if (typeof hint === 'string') console.error(hint);
  process.exit(1);
}
