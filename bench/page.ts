/**
 * The page bench (issue 3 §7, "speed of the page"): what the browser downloads before the first
 * paint, and whether the page stays responsive while a large run streams.
 *
 *   npx tsx bench/page.ts      (also the last part of `npm run bench`)
 *
 * (a) First-load JavaScript: builds the app into its own folder (so that it never touches the
 *     `dist` that Playwright serves), reads the built `index.html`, and follows what it loads on
 *     first paint: the entry `<script type="module">`, every `<link rel="modulepreload">` and,
 *     through the build manifest, their static imports (never dynamic `import()` chunks). Each
 *     file is gzipped at level 9. The sourcemaps say which packages and folders the bytes come
 *     from, so the table names what to cut.
 *     The replay page (Export → Replay page, vite.replay.config.ts) is built into the same
 *     folder and its one file weighed the same way (goal: its own code ≤ 250 KB gzip).
 * (b) Responsiveness: `vite preview` of that build and the fixture planner server (child
 *     processes on free ports, apart from the 4173 and 8787 that the e2e tests use), headless
 *     Chromium through Playwright, the planner set in Settings as a person would. A task whose
 *     plan has 200 steps (search_wiki with 20–50 KB extracts, fetch_url with 20–50 KB pages,
 *     calculator steps that use earlier evidence) streams at 200 tokens/s; the evidence limit is
 *     raised so that the large evidence reaches the page. A `PerformanceObserver` for `longtask`
 *     entries, installed before any script of the page runs, records every task over 50 ms from
 *     the click on Run to the last sentence of the summary. A light Chromium trace of the run
 *     gives each long task's main-thread CPU time (bench/main-thread-cpu.ts): the goal is judged
 *     on duration, as the Long Tasks API reports it; the CPU time says how much of that was the
 *     page's own work. On Linux it also gives the share of the run in which some thread waited
 *     for a core (`/proc/pressure/cpu`): how busy the machine was.
 *
 * KB here are 1,024 bytes (Vite's build log prints kB of 1,000). Set STEPWISE_PAGE_TRACE=file.json
 * to also write a Chromium performance trace of the run, or STEPWISE_PAGE_PROFILE=file.cpuprofile
 * for a CPU profile (open either in Chrome DevTools → Performance; both slow the page a little),
 * STEPWISE_CHROMIUM to use another Chromium. It is a measurement, not a test: it exits 0 whether
 * or not the goals are met.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Page, type Route } from '@playwright/test';
import { tokenize, type ScriptRule } from '../e2e/fixtures/planner-server.ts';
import { cpuOfLongTasks, cpuTraceCategories, runMark } from './main-thread-cpu.ts';

// ── Settings ────────────────────────────────────────────────────────────────────────────

const goals = { firstLoadGzipKb: 120, longestTaskMs: 50, replayPageGzipKb: 250 };
/** Model runtimes: loaded only when a model is used, never in the first load (issue 3 §7). */
const modelRuntimes = ['@mlc-ai/web-llm', '@wllama/wllama'];
const stepCount = 200;
const tokensPerSecond = 200;
/** Characters of each Wikipedia extract and each fetched page (the tools cut them further). */
const largeTextChars = { min: 20_000, max: 50_000 };
const evidenceLimit = 100_000;
const toolLatencyMs = { min: 30, max: 150 };
/** Where the fetch_url steps read their large pages (answered by `page.route`). */
const pagesOrigin = 'https://example.org';

const root = resolve(import.meta.dirname, '..');
const outDir = join(root, 'node_modules', '.cache', 'stepwise-page-bench');
const viteBin = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
const chromiumPath = process.env.STEPWISE_CHROMIUM ?? '/usr/bin/chromium';
const chromiumArgs = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

// ── Results ─────────────────────────────────────────────────────────────────────────────

export interface Contributor {
  /** A package (`react-dom`, `@scope/name`) or a source folder (`src/ui`). */
  name: string;
  minifiedBytes: number;
  /** Its share of the gzipped size: each group gzipped alone, scaled so the shares add up. */
  gzipBytes: number;
}

export interface FirstLoadResult {
  files: { file: string; bytes: number; gzipBytes: number }[];
  totalBytes: number;
  totalGzipBytes: number;
  contributors: Contributor[];
}

export interface LongTask {
  /** Milliseconds after the click on Run. */
  start: number;
  duration: number;
  /** The main thread's CPU time in the task (bench/main-thread-cpu.ts); the rest of `duration` it waited. */
  cpuMs?: number;
}

export interface ResponsivenessResult {
  steps: number;
  tokensPerSecond: number;
  evidenceChars: number;
  longTasks: number;
  longestTaskMs: number;
  /** The most main-thread CPU time in any long task: the page's own work in it. */
  longestTaskCpuMs: number;
  /** Long tasks with more than 50 ms of the main thread's CPU time. */
  cpuLongTasks: number;
  /** Linux only: the share of the run during which some thread waited for a core (`/proc/pressure/cpu`). */
  cpuPressurePercent?: number;
  /** Sum over long tasks of (duration − 50 ms). */
  totalBlockingTimeMs: number;
  wallMs: number;
  /** Long tasks while the page loaded and was set up, before the run: not part of the goal. */
  setupLongTasks: number;
  setupLongestTaskMs: number;
  tasks: LongTask[];
}

export interface PageBenchResult {
  generated_at: string;
  first_load: {
    gzip_kb: number;
    minified_kb: number;
    files: { file: string; kb: number; gzip_kb: number }[];
    largest_contributors: { name: string; minified_kb: number; gzip_kb: number }[];
  };
  responsiveness: {
    steps: number;
    planner_tokens_per_second: number;
    evidence_chars: number;
    long_tasks: number;
    longest_task_ms: number;
    longest_task_cpu_ms: number;
    long_tasks_over_50_ms_of_cpu: number;
    cpu_pressure_percent: number | null;
    total_blocking_time_ms: number;
    wall_ms: number;
    setup_long_tasks: number;
    setup_longest_task_ms: number;
  } | { error: string };
  goals: {
    first_load_gzip_kb: { target: number; value: number; met: boolean };
    replay_page_gzip_kb: { target: number; value: number; met: boolean };
    model_runtimes_not_in_first_load: { runtimes: string[]; found: string[]; met: boolean };
    no_long_task_over_ms: { target: number; value: number | null; met: boolean };
  };
}

// ── Processes ───────────────────────────────────────────────────────────────────────────

function runToEnd(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString('utf8')));
    child.stderr.on('data', (data: Buffer) => (output += data.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolveRun(output) : reject(new Error(`${command} ${args.join(' ')} exited with ${String(code)}:\n${output.slice(-4000)}`))));
  });
}

interface Child {
  url: string;
  close(): Promise<void>;
}

const colourCodes = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Starts a long-running child and resolves with the URL it prints (`pattern`'s first group). */
function startChild(args: readonly string[], pattern: RegExp, what: string): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const killChild = () => child.kill('SIGTERM');
  process.once('exit', killChild);
  const close = () =>
    new Promise<void>((resolveClose) => {
      process.off('exit', killChild);
      if (child.exitCode !== null || child.signalCode !== null) return resolveClose();
      child.once('exit', () => resolveClose());
      killChild();
    });
  return new Promise<Child>((resolveStart, reject) => {
    let output = '';
    const fail = (message: string) => {
      void close();
      reject(new Error(`${what}: ${message}\n${output.slice(-2000)}`));
    };
    const timer = setTimeout(() => fail('did not start within 30 s.'), 30_000);
    child.once('exit', (code) => fail(`exited with code ${String(code)}.`));
    const onData = (data: Buffer) => {
      // Colour codes would split the URL.
      output += data.toString('utf8').replace(colourCodes, '');
      const match = pattern.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolveStart({ url: match[1], close });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

// ── (a) First-load JavaScript ───────────────────────────────────────────────────────────

interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
}

/** The JS files `index.html` loads before the first paint: entry, modulepreloads and their static imports. */
export function firstLoadFiles(distDir: string): string[] {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const found: string[] = [];
  for (const tag of html.match(/<script\b[^>]*>/gi) ?? []) {
    if (!/\btype\s*=\s*["']?module\b/i.test(tag)) continue;
    const src = /\bsrc\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1];
    if (src) found.push(src);
  }
  for (const tag of html.match(/<link\b[^>]*>/gi) ?? []) {
    if (!/\brel\s*=\s*["']?modulepreload\b/i.test(tag)) continue;
    const href = /\bhref\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1];
    if (href) found.push(href);
  }
  const manifestPath = join(distDir, '.vite', 'manifest.json');
  const manifest = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, ManifestChunk>) : {};
  const byFile = new Map(Object.entries(manifest).map(([key, chunk]) => [chunk.file, { key, chunk }]));
  const files = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const entry = byFile.get(file);
    if (entry) {
      for (const key of entry.chunk.imports ?? []) {
        const imported = manifest[key];
        if (imported) visit(imported.file);
      }
      return;
    }
    // No manifest entry (a build without --manifest): the static imports of minified ESM.
    const code = readFileSync(join(distDir, file), 'utf8');
    for (const match of code.matchAll(/(?:^|[;}\n])\s*(?:import|export)\s*(?:[\w*${}\s,]*?from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) {
      visit(join(file, '..', match[1] as string).replace(/\\/g, '/'));
    }
  };
  for (const path of found) visit(path.replace(/^\//, ''));
  return [...files];
}

const base64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const base64Values = new Map([...base64].map((character, index) => [character, index]));

/** Decodes one sourcemap segment's VLQ fields. */
function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const character of segment) {
    const digit = base64Values.get(character) ?? 0;
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** `react-dom`, `@scope/name`, `src/ui`, `src/core/plan`, `toolkit`. */
function groupOf(source: string): string {
  const path = source.replace(/\\/g, '/');
  const modules = path.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = path.slice(modules + 'node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? path);
  }
  const local = /(?:^|\/)(src\/core\/[^/]+|src\/[^/]+|toolkit|e2e|bench)\//.exec(path);
  if (local?.[1]) return local[1].replace(/\.tsx?$/, '');
  return path.replace(/^(\.\.\/)+/, '').replace(/^\0/, '');
}

/** Bytes of generated code per source group, from a chunk's sourcemap. */
function attribute(code: string, map: { sources: string[]; sourceRoot?: string; mappings: string }, mapDir: string, into: Map<string, string[]>): void {
  // Sources are relative to the map's folder; from the repository root they group the same wherever the build went.
  const sources = map.sources.map((source) => relative(root, resolve(mapDir, map.sourceRoot ?? '', source)));
  const lines = code.split('\n');
  let sourceIndex = 0;
  const mappingLines = map.mappings.split(';');
  for (let lineIndex = 0; lineIndex < lines.length; lineIndex++) {
    const line = lines[lineIndex] ?? '';
    const segments: { column: number; group: string }[] = [];
    let column = 0;
    for (const segment of (mappingLines[lineIndex] ?? '').split(',')) {
      if (segment === '') continue;
      const fields = decodeSegment(segment);
      column += fields[0] ?? 0;
      let group = '(bundler glue)';
      if (fields.length >= 4) {
        sourceIndex += fields[1] ?? 0;
        group = groupOf(sources[sourceIndex] ?? '?');
      }
      segments.push({ column, group });
    }
    if (segments.length === 0 || (segments[0]?.column ?? 0) > 0) segments.unshift({ column: 0, group: '(bundler glue)' });
    for (let index = 0; index < segments.length; index++) {
      const segment = segments[index] as { column: number; group: string };
      const end = segments[index + 1]?.column ?? line.length;
      const piece = line.slice(segment.column, end);
      if (piece === '') continue;
      let pieces = into.get(segment.group);
      if (!pieces) into.set(segment.group, (pieces = []));
      pieces.push(piece);
    }
  }
}

export function measureFirstLoad(distDir: string): FirstLoadResult {
  const files = firstLoadFiles(distDir).filter((file) => file.endsWith('.js'));
  const pieces = new Map<string, string[]>();
  const measured = files.map((file) => {
    const code = readFileSync(join(distDir, file));
    const mapPath = join(distDir, `${file}.map`);
    if (existsSync(mapPath)) attribute(code.toString('utf8'), JSON.parse(readFileSync(mapPath, 'utf8')) as { sources: string[]; mappings: string }, dirname(mapPath), pieces);
    return { file, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
  });
  const totalGzipBytes = measured.reduce((sum, file) => sum + file.gzipBytes, 0);
  const groups = [...pieces].map(([name, parts]) => {
    const text = parts.join('');
    return { name, minifiedBytes: Buffer.byteLength(text), aloneGzip: gzipSync(text, { level: 9 }).length };
  });
  const aloneTotal = groups.reduce((sum, group) => sum + group.aloneGzip, 0) || 1;
  const contributors = groups
    .map((group) => ({ name: group.name, minifiedBytes: group.minifiedBytes, gzipBytes: (group.aloneGzip / aloneTotal) * totalGzipBytes }))
    .sort((a, b) => b.gzipBytes - a.gzipBytes);
  return { files: measured, totalBytes: measured.reduce((sum, file) => sum + file.bytes, 0), totalGzipBytes, contributors };
}

// ── (b) Responsiveness during a 200-step run ───────────────────────────────────────────

/** A deterministic stream of words, so every run of the bench sees the same text. */
function words(seed: number, chars: number): string {
  const vocabulary = ['tower', 'river', 'population', 'century', 'census', 'museum', 'bridge', 'the', 'of', 'and', 'in', 'was', 'built', 'by', 'its', 'city', 'region', 'northern', 'railway', 'harbour', 'cathedral', 'province', 'was', 'renamed', 'after', 'war', 'treaty', 'university', 'founded', 'about'];
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const parts: string[] = [];
  let length = 0;
  let sentence = 0;
  while (length < chars) {
    let word = vocabulary[Math.floor(next() * vocabulary.length)] as string;
    if (sentence === 0) word = word[0]?.toUpperCase() + word.slice(1);
    sentence++;
    if (sentence > 8 + next() * 12) {
      word += next() < 0.15 ? '.\n\n' : '.';
      sentence = 0;
    } else if (next() < 0.08) word += ` ${Math.floor(next() * 3000)}`;
    parts.push(word);
    length += word.length + 1;
  }
  return parts.join(' ');
}

const sizeFor = (seed: number) => largeTextChars.min + ((seed * 7919) % (largeTextChars.max - largeTextChars.min));
const latencyFor = (seed: number) => toolLatencyMs.min + ((seed * 104_729) % (toolLatencyMs.max - toolLatencyMs.min));

/**
 * 200 steps in groups of four: a Wikipedia lookup (the later ones use a number found before),
 * a calculation, a page fetch, and a calculation on the earlier calculation's evidence. Terse,
 * with a thought every eight steps: the planner's answer is capped at 2048 tokens (src/core/agent.ts),
 * and a plan with a thought on every step would be cut off after about 85 steps.
 */
export function largePlan(count = stepCount): string {
  const lines: string[] = [];
  for (let number = 1; number <= count; number++) {
    switch (number % 4) {
      case 1:
        if (number % 8 === 1) lines.push(`Plan: Look up group ${(number + 7) / 8}.`);
        lines.push(number > 4 ? `#E${number} = search_wiki[tower #E${number - 1}]` : `#E${number} = search_wiki[tower ${number}]`);
        break;
      case 2:
        lines.push(`#E${number} = calculator[1850+${number}*3]`);
        break;
      case 3:
        lines.push(`#E${number} = fetch_url[${pagesOrigin}/${number}]`);
        break;
      default:
        lines.push(`#E${number} = calculator[#E${number - 2}+${number % 17}]`);
    }
  }
  return lines.join('\n');
}

const summaryEnd = 'Every landmark was checked against its page.';
const summaryText = [
  'The landmarks fall into three periods [#E1] [#E5].',
  '',
  '- The earliest was finished in year [#E2], renovated by [#E4].',
  '- The pages read agree with Wikipedia for most entries [#E3] [#E7] [#E11].',
  '- **Later** landmarks were built in the years found in [#E198] and [#E200].',
  '',
  `Across the ${stepCount} steps the figures are consistent. ${summaryEnd}`,
].join('\n');

/** Answers Wikipedia's API and the fetched pages locally, with large texts and small latencies. */
async function routeLargeEvidence(page: Page): Promise<void> {
  const wait = (ms: number) => new Promise((resolveWait) => setTimeout(resolveWait, ms));
  const cors = { 'access-control-allow-origin': '*' };
  // Seeded by what is asked, not by arrival order, so every run of the bench gets the same texts.
  const seedOf = (text: string) => [...text].reduce((hash, character) => Math.imul(hash ^ (character.codePointAt(0) ?? 0), 16_777_619) >>> 0, 2_166_136_261) % 100_000;
  await page.route('https://*.wikipedia.org/w/api.php**', async (route: Route) => {
    const url = new URL(route.request().url());
    const seed = seedOf(`${url.searchParams.get('srsearch') ?? ''}|${url.searchParams.get('titles') ?? ''}`);
    await wait(latencyFor(seed));
    if (url.searchParams.get('list') === 'search') {
      const query = url.searchParams.get('srsearch') ?? '';
      const search = [1, 2, 3].map((index) => ({ ns: 0, title: `${query.slice(0, 40)} (${index})`, pageid: seed * 10 + index, snippet: `<span class="searchmatch">${query.slice(0, 40)}</span> …` }));
      return route.fulfill({ status: 200, contentType: 'application/json', headers: cors, body: JSON.stringify({ batchcomplete: true, query: { searchinfo: { totalhits: 3 }, search } }) });
    }
    const titles = (url.searchParams.get('titles') ?? '').split('|');
    const pages = titles.map((title, index) => ({ pageid: seed * 10 + index, ns: 0, title, extract: words(seed * 3 + index, sizeFor(seed * 3 + index)) }));
    return route.fulfill({ status: 200, contentType: 'application/json', headers: cors, body: JSON.stringify({ batchcomplete: true, query: { pages } }) });
  });
  await page.route(`${pagesOrigin}/**`, async (route: Route) => {
    const seed = seedOf(route.request().url());
    await wait(latencyFor(seed));
    return route.fulfill({ status: 200, contentType: 'text/plain; charset=utf-8', headers: cors, body: words(seed, sizeFor(seed)) });
  });
}

/** Microseconds during which some runnable thread waited for a core, since boot (Linux pressure stall information), or undefined elsewhere. */
function cpuStallMicroseconds(): number | undefined {
  try {
    const some = /^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return some ? Number(some[1]) : undefined;
  } catch {
    return undefined;
  }
}

declare global {
  interface Window {
    __stepwiseLongTasks?: { start: number; duration: number }[];
  }
}

export async function measureResponsiveness(): Promise<ResponsivenessResult> {
  const appPort = await freePort();
  const app = await startChild([viteBin, 'preview', '--outDir', outDir, '--port', String(appPort), '--strictPort', '--host', '127.0.0.1'], /(http:\/\/127\.0\.0\.1:\d+)\//, 'vite preview');
  const planner = await startChild(
    [...process.execArgv, join(root, 'e2e', 'fixtures', 'planner-server-cli.ts'), '--port', '0', '--profile', 'vllm'],
    /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/,
    'the fixture planner server',
  ).catch(async (error: unknown) => {
    await app.close();
    throw error;
  });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const rules: ScriptRule[] = [
      { match: 'Solve the following task', reply: summaryText },
      { match: 'make plans', reply: largePlan() },
    ];
    const scripted = await fetch(planner.url.replace(/\/v1$/, '/__fixture/script'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tokensPerSecond, rules }),
    });
    if (!scripted.ok) throw new Error(`The fixture server refused the script: ${await scripted.text()}`);

    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.addInitScript(() => {
      const tasks: { start: number; duration: number }[] = [];
      window.__stepwiseLongTasks = tasks;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    await routeLargeEvidence(page);
    await page.goto(app.url);

    // Settings, as a person would set them.
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('textbox', { name: 'Planner URL' }).fill(planner.url);
    await page.getByRole('textbox', { name: 'Planner model' }).fill('stepwise-planner');
    for (const role of ['Planner', 'Tool caller', 'Solver']) await page.getByRole('combobox', { name: role, exact: true }).selectOption({ label: 'Planner endpoint' });
    await page.getByRole('spinbutton', { name: 'Evidence limit (characters)' }).fill(String(evidenceLimit));
    await page.getByRole('textbox', { name: 'Page text limit' }).fill(String(evidenceLimit));
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('textbox', { name: 'Task' }).fill(`Check the ${stepCount} landmarks: when was each built, and do the pages agree?`);
    // Let the page settle so that set-up work is not counted as the run's.
    await page.waitForTimeout(500);

    const profilePath = process.env.STEPWISE_PAGE_PROFILE;
    const session = profilePath ? await context.newCDPSession(page) : undefined;
    if (session) {
      await session.send('Profiler.enable');
      await session.send('Profiler.setSamplingInterval', { interval: 200 });
      await session.send('Profiler.start');
    }

    // Always a light trace, for the main thread's CPU time in each long task; STEPWISE_PAGE_TRACE asks for a full one.
    const tracePath = process.env.STEPWISE_PAGE_TRACE;
    const detail = tracePath ? ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute'] : [];
    await browser.startTracing(page, { ...(tracePath && { path: tracePath }), categories: [...detail, ...cpuTraceCategories] });

    const runStart = await page.evaluate((mark) => performance.mark(mark).startTime, runMark);
    const started = Date.now();
    const stallBefore = cpuStallMicroseconds();
    await page.getByRole('button', { name: 'Run' }).click();
    // Not a Playwright locator: its polls compute the role of every element on the page, and
    // with 200 cards each poll is itself a long task of 20–60 ms, counted as the page's. Reading
    // the summary's text every 250 ms forces no style or layout.
    await page.waitForFunction((end) => document.querySelector('section[aria-label="Summary"]')?.textContent?.includes(end), summaryEnd, { polling: 250, timeout: 240_000 });
    const wallMs = Date.now() - started;
    const stallAfter = cpuStallMicroseconds();
    const cpuPressurePercent = stallBefore === undefined || stallAfter === undefined ? undefined : (stallAfter - stallBefore) / 10 / wallMs;
    // A long task still running when the summary appears is reported once it ends.
    await page.waitForTimeout(300);
    // Read before the checks below, whose queries would count as the page's long tasks.
    const observed = await page.evaluate(() => window.__stepwiseLongTasks ?? []);

    const trace = (await browser.stopTracing()).toString('utf8');
    if (tracePath) console.log(`wrote the Chromium trace of the run to ${tracePath}`);
    if (session && profilePath) {
      const { profile } = (await session.send('Profiler.stop')) as { profile: unknown };
      writeFileSync(profilePath, JSON.stringify(profile));
      console.log(`wrote the CPU profile of the run to ${profilePath}`);
    }

    const done = await page.getByRole('list', { name: 'Plan' }).getByRole('listitem', { name: / done$/ }).count();
    if (done !== stepCount) {
      throw new Error(`Only ${done} of ${stepCount} steps are done. The plan is ${tokenize(largePlan()).length} tokens of the fixture server; the planner's answer is capped at 2048 (src/core/agent.ts).`);
    }
    // What the steps returned, from each card's "Evidence (N characters)" heading.
    const evidenceChars = await page
      .getByRole('list', { name: 'Plan' })
      .locator('summary')
      .evaluateAll((nodes) => nodes.reduce((sum, node) => sum + Number(/Evidence \(([\d,]+) characters/.exec(node.textContent ?? '')?.[1]?.replaceAll(',', '') ?? 0), 0));
    const all = observed.map((task) => ({ start: task.start - runStart, duration: task.duration }));
    const cpu = cpuOfLongTasks(trace, all);
    const during = all.map((task, index) => ({ ...task, cpuMs: cpu[index] })).filter((task) => task.start + task.duration > 0);
    const setup = all.filter((task) => task.start + task.duration <= 0);
    await context.close();
    return {
      steps: stepCount,
      tokensPerSecond,
      evidenceChars,
      longTasks: during.length,
      longestTaskMs: Math.max(0, ...during.map((task) => task.duration)),
      longestTaskCpuMs: Math.max(0, ...during.map((task) => task.cpuMs ?? 0)),
      cpuLongTasks: during.filter((task) => (task.cpuMs ?? 0) > goals.longestTaskMs).length,
      cpuPressurePercent,
      totalBlockingTimeMs: during.reduce((sum, task) => sum + Math.max(0, task.duration - 50), 0),
      wallMs,
      setupLongTasks: setup.length,
      setupLongestTaskMs: Math.max(0, ...setup.map((task) => task.duration)),
      tasks: during,
    };
  } finally {
    await browser.close();
    await planner.close();
    await app.close();
  }
}

// ── Report ──────────────────────────────────────────────────────────────────────────────

const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

/** Builds the app, measures first-load JS and responsiveness during a 200-step run, prints both. */
export async function runPageBench(): Promise<PageBenchResult> {
  console.log(`Page bench: building the app into ${outDir} …`);
  await runToEnd(process.execPath, [viteBin, 'build', '--outDir', outDir, '--emptyOutDir', '--manifest', '--logLevel', 'warn']);

  // The replay page (Export → Replay page): one file, its own code without a trace in it.
  await runToEnd(process.execPath, [viteBin, 'build', '--config', join(root, 'vite.replay.config.ts'), '--outDir', outDir, '--logLevel', 'warn']);
  const replayPageHtml = readFileSync(join(outDir, 'replay.html'));
  const replayPage = { bytes: replayPageHtml.length, gzipBytes: gzipSync(replayPageHtml, { level: 9 }).length };
  const replayPageMet = kb(replayPage.gzipBytes) <= goals.replayPageGzipKb;

  const firstLoad = measureFirstLoad(outDir);
  const firstLoadMet = kb(firstLoad.totalGzipBytes) <= goals.firstLoadGzipKb;
  const runtimesFound = firstLoad.contributors.filter((group) => modelRuntimes.includes(group.name)).map((group) => group.name);
  console.log('\nfirst-load JavaScript (what index.html loads before the first paint; dynamic imports excluded):');
  console.log(table(['file', 'KB', 'gzip KB'], [...firstLoad.files.map((file) => [file.file, kb(file.bytes).toFixed(1), kb(file.gzipBytes).toFixed(1)]), ['total', kb(firstLoad.totalBytes).toFixed(1), kb(firstLoad.totalGzipBytes).toFixed(1)]]));
  console.log('\nlargest contributors (from the sourcemaps; gzip KB is each one\'s share of the total):');
  const shown = firstLoad.contributors.slice(0, 15);
  console.log(table(['package or folder', 'KB', 'gzip KB'], shown.map((group) => [group.name, kb(group.minifiedBytes).toFixed(1), kb(group.gzipBytes).toFixed(1)])));
  const rest = firstLoad.contributors.slice(15);
  if (rest.length > 0) console.log(`  … and ${rest.length} more, ${kb(rest.reduce((sum, group) => sum + group.gzipBytes, 0)).toFixed(1)} gzip KB together`);

  console.log(`\nreplay page (one .html file, before a trace is put in): ${kb(replayPage.bytes).toFixed(1)} KB, ${kb(replayPage.gzipBytes).toFixed(1)} KB gzip`);

  console.log(
    `\nresponsiveness: a ${stepCount}-step plan (${tokenize(largePlan()).length} tokens) at ${tokensPerSecond} tokens/s, ` +
      `${largeTextChars.min / 1000}–${largeTextChars.max / 1000} KB texts per lookup, evidence limit ${evidenceLimit.toLocaleString('en-US')} …`,
  );
  let responsiveness: ResponsivenessResult | undefined;
  let failure: string | undefined;
  try {
    responsiveness = await measureResponsiveness();
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
    console.log(`  the run could not be measured: ${failure}`);
  }
  if (responsiveness) {
    console.log(
      table(
        ['measure', 'value'],
        [
          ['steps done', String(responsiveness.steps)],
          ['evidence received (characters)', responsiveness.evidenceChars.toLocaleString('en-US')],
          ['wall time, Run → summary (ms)', String(responsiveness.wallMs)],
          ['long tasks (> 50 ms)', String(responsiveness.longTasks)],
          ['longest task (ms)', responsiveness.longestTaskMs.toFixed(0)],
          ['most main-thread CPU in a long task (ms)', responsiveness.longestTaskCpuMs.toFixed(0)],
          ['long tasks with > 50 ms of CPU', String(responsiveness.cpuLongTasks)],
          ['time some thread waited for a core (%)', responsiveness.cpuPressurePercent === undefined ? 'not known here' : responsiveness.cpuPressurePercent.toFixed(0)],
          ['total blocking time (ms)', responsiveness.totalBlockingTimeMs.toFixed(0)],
          ['long tasks during set-up (not counted)', `${responsiveness.setupLongTasks}, longest ${responsiveness.setupLongestTaskMs.toFixed(0)} ms`],
        ],
      ),
    );
    const worst = [...responsiveness.tasks].sort((a, b) => b.duration - a.duration).slice(0, 8);
    if (worst.length > 0) {
      const cpuOf = (task: LongTask) => (task.cpuMs === undefined ? '' : ` (CPU ${task.cpuMs.toFixed(0)})`);
      console.log(`  longest tasks (ms after Run: duration (main-thread CPU)): ${worst.map((task) => `${task.start.toFixed(0)}: ${task.duration.toFixed(0)}${cpuOf(task)}`).join(', ')}`);
      console.log('  A task\'s duration beyond its CPU time is time the main thread waited: for a core on a busy machine, or for another thread.');
    }
  }
  const responsiveMet = responsiveness !== undefined && responsiveness.longTasks === 0;
  console.log('\ngoals:');
  console.log(`  first-load JS ≤ ${goals.firstLoadGzipKb} KB gzip: ${kb(firstLoad.totalGzipBytes).toFixed(1)} KB — ${verdict(firstLoadMet)}`);
  console.log(`  replay page's own code ≤ ${goals.replayPageGzipKb} KB gzip: ${kb(replayPage.gzipBytes).toFixed(1)} KB — ${verdict(replayPageMet)}`);
  console.log(`  no model runtime (${modelRuntimes.join(', ')}) in the first load: ${runtimesFound.length === 0 ? 'none found' : runtimesFound.join(', ')} — ${verdict(runtimesFound.length === 0)}`);
  console.log(
    `  no long task over ${goals.longestTaskMs} ms during the run: ` +
      (responsiveness ? `${responsiveness.longTasks} long tasks, longest ${responsiveness.longestTaskMs.toFixed(0)} ms` : 'not measured') +
      ` — ${verdict(responsiveMet)}`,
  );

  return {
    generated_at: new Date().toISOString(),
    first_load: {
      gzip_kb: kb(firstLoad.totalGzipBytes),
      minified_kb: kb(firstLoad.totalBytes),
      files: firstLoad.files.map((file) => ({ file: file.file, kb: kb(file.bytes), gzip_kb: kb(file.gzipBytes) })),
      largest_contributors: firstLoad.contributors.slice(0, 15).map((group) => ({ name: group.name, minified_kb: kb(group.minifiedBytes), gzip_kb: kb(group.gzipBytes) })),
    },
    responsiveness: responsiveness
      ? {
          steps: responsiveness.steps,
          planner_tokens_per_second: responsiveness.tokensPerSecond,
          evidence_chars: responsiveness.evidenceChars,
          long_tasks: responsiveness.longTasks,
          longest_task_ms: round(responsiveness.longestTaskMs),
          longest_task_cpu_ms: round(responsiveness.longestTaskCpuMs),
          long_tasks_over_50_ms_of_cpu: responsiveness.cpuLongTasks,
          cpu_pressure_percent: responsiveness.cpuPressurePercent === undefined ? null : round(responsiveness.cpuPressurePercent),
          total_blocking_time_ms: round(responsiveness.totalBlockingTimeMs),
          wall_ms: responsiveness.wallMs,
          setup_long_tasks: responsiveness.setupLongTasks,
          setup_longest_task_ms: round(responsiveness.setupLongestTaskMs),
        }
      : { error: failure ?? 'unknown' },
    goals: {
      first_load_gzip_kb: { target: goals.firstLoadGzipKb, value: kb(firstLoad.totalGzipBytes), met: firstLoadMet },
      replay_page_gzip_kb: { target: goals.replayPageGzipKb, value: kb(replayPage.gzipBytes), met: replayPageMet },
      model_runtimes_not_in_first_load: { runtimes: modelRuntimes, found: runtimesFound, met: runtimesFound.length === 0 },
      no_long_task_over_ms: { target: goals.longestTaskMs, value: responsiveness ? round(responsiveness.longestTaskMs) : null, met: responsiveMet },
    },
  };
}

// On its own: print, and put the figures under `page` in bench-results.json beside the others.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runPageBench()
    .then((result) => {
      const path = join(root, 'bench-results.json');
      const existing = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
      writeFileSync(path, `${JSON.stringify({ ...existing, page: result }, null, 2)}\n`);
      console.log(`\nwrote ${path}`);
    })
    .catch((error: unknown) => {
      console.error(error);
    });
}
