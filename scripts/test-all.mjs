// `npm test`: every check and every test, then one summary line that CI reads:
// "N passed, N failed[, N skipped]" summed over Vitest and Playwright.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const reports = 'reports';
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

function step(title, command, args, env = {}) {
  console.log(`\n== ${title}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

const failedChecks = [];
if (!step('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'])) failedChecks.push('typecheck');
if (!step('lint', 'npx', ['eslint', '.'])) failedChecks.push('lint');

const unitOk = step('unit tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reports}/vitest.json`]);
const browserPath = process.env.STEPWISE_CHROMIUM ?? '/usr/bin/chromium';
let e2eOk = false;
if (existsSync(browserPath)) {
  e2eOk = step('browser tests', 'npx', ['playwright', 'test'], { PLAYWRIGHT_JSON_OUTPUT_NAME: `${reports}/playwright.json` });
} else {
  console.error(`\nNo Chromium at ${browserPath}: install it (Debian: apt-get install chromium) or set STEPWISE_CHROMIUM.`);
  failedChecks.push('browser tests (no Chromium)');
}

let passed = 0;
let failed = 0;
let skipped = 0;
const vitest = readJson(`${reports}/vitest.json`);
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
  skipped += vitest.numPendingTests + vitest.numTodoTests;
} else if (!unitOk) failedChecks.push('unit tests (no report)');
const playwright = readJson(`${reports}/playwright.json`);
if (playwright) {
  passed += playwright.stats.expected + playwright.stats.flaky;
  failed += playwright.stats.unexpected;
  skipped += playwright.stats.skipped;
} else if (existsSync(browserPath)) failedChecks.push('browser tests (no report)');

if ((!unitOk || !e2eOk) && failed === 0 && failedChecks.length === 0) failedChecks.push('a test runner exited with an error');
if (failedChecks.length > 0) console.log(`\nFailed: ${failedChecks.join(', ')}`);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 && failedChecks.length === 0 ? 0 : 1);
