/**
 * Writes the demo traces in public/demos/ by running real runs: `startRun` with the real
 * scheduler, plan parser, distributor and toolkit tools. Only the outside world is stood in
 * for: the models are replay engines that stream recorded answers at a realistic pace, and the
 * tools' `fetch` answers like Wikipedia, SearXNG and a bilibili proxy do, after a realistic
 * delay. The event logs are therefore genuine: same order, same shapes, real timing.
 *
 *   npx tsx scripts/make-demo-traces.ts
 *
 * Takes about 20 seconds (the runs play in real time). Then run
 * `npx vitest run src/core/trace` to check the files.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startRun } from '../src/core/agent.ts';
import { createReplayEngine, type RecordedChunk } from '../src/core/llm/replay-engine.ts';
import type { ChatEngine, ChatRequest, ChatUsage } from '../src/core/llm/types.ts';
import type { RunEvent } from '../src/core/run/events.ts';
import { replayEvents } from '../src/core/run/run-state.ts';
import { exportTrace, importTrace, type DemoEntry, type TraceSettingsSource } from '../src/core/trace/trace.ts';
import { standardTools } from '../toolkit/index.ts';
import { createFakeFetch, jsonResponse, textResponse, type RecordedRequest } from '../toolkit/testing/fake-fetch.ts';

const demosFolder = fileURLToPath(new URL('../public/demos/', import.meta.url));

// ---------------------------------------------------------------------------------------------
// Models: recorded answers streamed at the pace of real ones.

interface ModelAnswer {
  text: string;
  /** Delay before the first piece (prompt processing). */
  firstTokenMs: number;
  /** Delay between pieces (one piece is a word or up to 8 characters). */
  pieceMs: number;
}

/** The same pieces the replay engine makes: word-sized, joining back to exactly the text. */
function pieces(text: string): string[] {
  return text.match(/\s*\S{1,8}|\s+/g) ?? [];
}

function chunksOf(answer: ModelAnswer): RecordedChunk[] {
  return pieces(answer.text).map((text, index) => ({ at: answer.firstTokenMs + index * answer.pieceMs, text }));
}

/** About four characters a token, as for English text with Llama tokenizers. */
function estimateTokens(text: string): number {
  return Math.max(1, Math.round(text.length / 4));
}

/**
 * A model that answers each request with `answer(request)`, streamed with recorded timing; the
 * answer may read the request, as a model reads the evidence in its prompt.
 */
function scriptedModel(id: string, label: string, answer: (request: ChatRequest) => ModelAnswer): ChatEngine {
  return {
    id,
    label,
    chat(request, onChunk) {
      const chosen = answer(request);
      const promptText = request.messages.map((message) => message.content).join('\n');
      const usage: ChatUsage = { promptTokens: estimateTokens(promptText) + 12 * request.messages.length, completionTokens: estimateTokens(chosen.text) };
      return createReplayEngine([{ text: chosen.text, usage, chunks: chunksOf(chosen) }], { id, label }).chat(request, onChunk);
    },
  };
}

function userText(request: ChatRequest): string {
  return request.messages
    .filter((message) => message.role === 'user')
    .map((message) => message.content)
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// The outside world: Wikipedia, SearXNG and a bilibili proxy, answering after realistic delays.

interface WikiArticle {
  title: string;
  pageid: number;
  snippet: string;
  extract: string;
}

type Route = (request: RecordedRequest) => Response | undefined;

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

/** Deterministic latency jitter, so that a regenerated file changes little. */
function jitter(seed: string, base: number, spread: number): number {
  let hash = 2166136261;
  for (const character of seed) hash = Math.imul(hash ^ character.charCodeAt(0), 16777619);
  return base + (Math.abs(hash) % spread);
}

/** MediaWiki search + extracts for each query, the way `search_wiki` asks for them. */
function wikipedia(articlesByQuery: Readonly<Record<string, readonly WikiArticle[]>>): Route {
  return (request) => {
    if (request.url.host !== 'en.wikipedia.org') return undefined;
    const parameters = request.url.searchParams;
    if (parameters.get('list') === 'search') {
      const articles = articlesByQuery[parameters.get('srsearch') ?? ''] ?? [];
      return jsonResponse({
        batchcomplete: true,
        continue: { sroffset: articles.length, continue: '-||' },
        query: { searchinfo: { totalhits: 1200 + articles.length * 517 }, search: articles.map(({ title, pageid, snippet }) => ({ ns: 0, title, pageid, snippet })) },
      });
    }
    if (parameters.get('prop') === 'extracts') {
      const titles = new Set((parameters.get('titles') ?? '').split('|'));
      const pages = Object.values(articlesByQuery)
        .flat()
        .filter((article) => titles.has(article.title));
      return jsonResponse({ batchcomplete: true, query: { pages: pages.map(({ title, pageid, extract }) => ({ pageid, ns: 0, title, extract })) } });
    }
    return undefined;
  };
}

function createWorld(routes: readonly Route[], options: { failFirst?: (request: RecordedRequest) => boolean } = {}) {
  const failed = new Set<string>();
  return createFakeFetch(async (request) => {
    const key = request.url.toString();
    const host = request.url.host;
    const latency = host.endsWith('wikipedia.org') ? jitter(key, 260, 200) : host.endsWith(':8888') ? jitter(key, 950, 400) : jitter(key, 520, 300);
    await sleep(latency, request.signal);
    if (options.failFirst?.(request) && !failed.has(key)) {
      failed.add(key);
      return textResponse(
        '<!DOCTYPE html><html lang="en"><head><title>Wikimedia Error</title></head><body><h1>Error</h1><p>Our servers are currently under maintenance or experiencing a technical issue. Please try again in a few minutes.</p></body></html>',
        'text/html; charset=utf-8',
        { status: 503 },
      );
    }
    for (const route of routes) {
      const response = route(request);
      if (response) return response;
    }
    return textResponse(`No route for ${key}`, 'text/plain', { status: 404 });
  });
}

// ---------------------------------------------------------------------------------------------
// Demo 1: Killers of the Flower Moon → Martin Scorsese → Goodfellas → bilibili.

const killersArticles: Record<string, WikiArticle[]> = {
  'Killers of the Flower Moon (film)': [
    {
      title: 'Killers of the Flower Moon (film)',
      pageid: 58935342,
      snippet: '<span class="searchmatch">Killers</span> <span class="searchmatch">of</span> <span class="searchmatch">the</span> <span class="searchmatch">Flower</span> <span class="searchmatch">Moon</span> is a 2023 American epic western crime drama film directed by Martin Scorsese',
      extract:
        'Killers of the Flower Moon is a 2023 American epic western crime drama film directed by Martin Scorsese, who co-wrote the screenplay with Eric Roth, based on the 2017 book by David Grann. ' +
        'It stars Leonardo DiCaprio, Robert De Niro, and Lily Gladstone, with Jesse Plemons, Tantoo Cardinal, John Lithgow, and Brendan Fraser in supporting roles. ' +
        'Set in 1920s Oklahoma, it focuses on a series of murders of members of the Osage Nation after oil was discovered on tribal land, events known as the Osage Indian murders.\n' +
        'The film premiered at the 76th Cannes Film Festival on May 20, 2023, and was released in theaters by Paramount Pictures on October 20, 2023, before streaming on Apple TV+. ' +
        'It received ten nominations at the 96th Academy Awards, including Best Picture, Best Director and Best Actress for Gladstone.',
    },
    {
      title: 'Killers of the Flower Moon (book)',
      pageid: 53562170,
      snippet: '<span class="searchmatch">Killers</span> <span class="searchmatch">of</span> <span class="searchmatch">the</span> <span class="searchmatch">Flower</span> <span class="searchmatch">Moon</span>: The Osage Murders and the Birth of the FBI is a 2017 nonfiction book',
      extract:
        'Killers of the Flower Moon: The Osage Murders and the Birth of the FBI is a 2017 nonfiction book by American journalist David Grann. ' +
        'It investigates a series of murders of wealthy Osage people in Osage County, Oklahoma, in the early 1920s, after oil was discovered beneath their land.',
    },
    {
      title: 'Osage Indian murders',
      pageid: 25469317,
      snippet: 'The Osage Indian murders were a series of murders of Osage people in Osage County, Oklahoma, in the 1910s–1930s. <span class="searchmatch">Killers</span>',
      extract:
        'The Osage Indian murders were a series of murders of Osage people and their relatives in Osage County, Oklahoma, in the 1910s to 1930s. ' +
        'Newspapers described the increasing number of unsolved killings as the "Reign of Terror", which lasted until about 1925.',
    },
  ],
};

const scorseseSearch = {
  query: 'Martin Scorsese filmography',
  number_of_results: 0,
  results: [
    {
      url: 'https://en.wikipedia.org/wiki/Martin_Scorsese_filmography',
      title: 'Martin Scorsese filmography - Wikipedia',
      content:
        'Martin Scorsese is an American filmmaker. He directed Mean Streets (1973), Taxi Driver (1976), Raging Bull (1980), The King of Comedy (1982), Goodfellas (1990), Casino (1995), ' +
        'Gangs of New York (2002), The Aviator (2004), The Departed (2006), Shutter Island (2010), Hugo (2011), The Wolf of Wall Street (2013), The Irishman (2019) and Killers of the Flower Moon (2023).',
      engine: 'duckduckgo',
      engines: ['duckduckgo', 'brave'],
      score: 4,
      category: 'general',
    },
    {
      url: 'https://www.imdb.com/name/nm0000217/',
      title: 'Martin Scorsese - IMDb',
      content: 'Martin Scorsese, Director: Goodfellas. Martin Charles Scorsese was born on November 17, 1942 in Queens, New York City, to Catherine Scorsese and Charles Scorsese.',
      engine: 'brave',
      engines: ['brave'],
      score: 1.5,
      category: 'general',
    },
    {
      url: 'https://letterboxd.com/director/martin-scorsese/',
      title: 'Films directed by Martin Scorsese • Letterboxd',
      content: 'Killers of the Flower Moon, The Irishman, Silence, The Wolf of Wall Street, Hugo, Shutter Island, The Departed, The Aviator, Gangs of New York, Bringing Out the Dead, Kundun, Casino, The Age of Innocence, Cape Fear, Goodfellas…',
      engine: 'duckduckgo',
      engines: ['duckduckgo'],
      score: 1,
      category: 'general',
    },
    {
      url: 'https://www.bfi.org.uk/lists/martin-scorsese-essential-films',
      title: 'Martin Scorsese: 10 essential films | BFI',
      content: 'From Mean Streets to The Irishman, the films that define the career of the great New York filmmaker, with Taxi Driver, Raging Bull and Goodfellas at their heart.',
      engine: 'brave',
      engines: ['brave'],
      score: 0.8,
      category: 'general',
    },
  ],
  answers: [],
  corrections: [],
  infoboxes: [],
  suggestions: ['martin scorsese movies ranked'],
  unresponsive_engines: [],
};

const goodfellasVideos = {
  code: 0,
  message: '0',
  ttl: 1,
  data: {
    seid: '11536428193617554318',
    page: 1,
    pagesize: 20,
    numResults: 1000,
    numPages: 50,
    result: [
      {
        type: 'video',
        author: '影视剪辑师老K',
        bvid: 'BV1Wx411c7Gm',
        arcurl: 'http://www.bilibili.com/video/av6281453',
        title: '【4K】<em class="keyword">好家伙</em> <em class="keyword">Goodfellas</em> (1990) 马丁·斯科塞斯经典黑帮片 精彩片段合集',
        description: '罗伯特·德尼罗、雷·利奥塔、乔·佩西主演。 马丁·斯科塞斯执导的黑帮史诗，根据亨利·希尔的真实经历改编。',
        play: 1284533,
        duration: '24:17',
      },
      {
        type: 'video',
        author: '电影放映厅',
        bvid: 'BV1js411Q7PN',
        arcurl: 'http://www.bilibili.com/video/av9832212',
        title: '《<em class="keyword">好家伙</em>》<em class="keyword">Goodfellas</em> 一镜到底的Copacabana长镜头 | 影史经典场景解析',
        description: '三分钟的长镜头是怎么拍出来的？拆解斯科塞斯最著名的场面调度。',
        play: 356201,
        duration: '9:48',
      },
      {
        type: 'video',
        author: '木鱼水心',
        bvid: 'BV1Ks41157Gr',
        arcurl: 'http://www.bilibili.com/video/av15374520',
        title: '黑帮片的巅峰之一！《<em class="keyword">好家伙</em>》详细解说',
        description: '用二十分钟讲完《好家伙》：一个想当黑帮的少年，三十年的起落。',
        play: '2103879',
        duration: '21:05',
      },
    ],
  },
};

function killersModels() {
  const planner = scriptedModel('endpoint', 'meta-llama/Llama-3.3-70B-Instruct', () => ({
    firstTokenMs: 620,
    pieceMs: 28,
    text: [
      'Plan: Look the film up on Wikipedia to find out who directed it.',
      '#E1 = search_wiki[Killers of the Flower Moon (film)]',
      'Plan: Pull the director\'s name out of the article.',
      '#E2 = llm[Who directed Killers of the Flower Moon? Answer with the name only. Article: #E1]',
      'Plan: Search the web for the films this director has made.',
      '#E3 = search_web[#E2 filmography]',
      'Plan: Choose one well-known film from the results.',
      '#E4 = llm[Name one famous film directed by #E2 from these search results. Answer with the English title only. Results: #E3]',
      'Plan: Search bilibili for that film.',
      '#E5 = search_bilibili[#E4]',
    ].join('\n'),
  }));
  const tools = scriptedModel('endpoint', 'meta-llama/Llama-3.3-70B-Instruct', (request) => {
    const text = userText(request);
    if (text.includes('Who directed')) return { firstTokenMs: 410, pieceMs: 30, text: 'Martin Scorsese' };
    return { firstTokenMs: 520, pieceMs: 30, text: 'Goodfellas' };
  });
  const solver = scriptedModel('endpoint', 'meta-llama/Llama-3.3-70B-Instruct', () => ({
    firstTokenMs: 780,
    pieceMs: 26,
    text:
      '*Killers of the Flower Moon* (2023) was directed by **Martin Scorsese** [#E1][#E2].\n\n' +
      'His films include *Mean Streets* (1973), *Taxi Driver* (1976), *Raging Bull* (1980), *Goodfellas* (1990), *Casino* (1995), ' +
      '*The Departed* (2006), *The Wolf of Wall Street* (2013) and *The Irishman* (2019) [#E3].\n\n' +
      'One of them is **Goodfellas** [#E4]. On bilibili it is listed as 《好家伙》; the most watched result is ' +
      '"【4K】好家伙 Goodfellas (1990) 马丁·斯科塞斯经典黑帮片 精彩片段合集" (about 1.28 million plays): https://www.bilibili.com/video/BV1Wx411c7Gm [#E5].',
  }));
  return { planner, tools, solver };
}

// ---------------------------------------------------------------------------------------------
// Demo 2: Tokyo and Paris, four lookups at once, one Wikipedia answer failing once.

const cityArticles: Record<string, WikiArticle[]> = {
  Tokyo: [
    {
      title: 'Tokyo',
      pageid: 30057,
      snippet: '<span class="searchmatch">Tokyo</span>, officially the <span class="searchmatch">Tokyo</span> Metropolis, is the capital of Japan',
      extract:
        'Tokyo, officially the Tokyo Metropolis, is the capital of Japan and one of the most populous cities in the world, with a population of over 14 million residents as of 2023. ' +
        'The Greater Tokyo Area, which includes Tokyo and parts of six neighbouring prefectures, is the most populous metropolitan area in the world, with 41 million residents as of 2024.\n' +
        'Located at the head of Tokyo Bay, Tokyo is part of the Kantō region on the central coast of Honshu, Japan\'s largest island.',
    },
    {
      title: 'Greater Tokyo Area',
      pageid: 1640416,
      snippet: 'The Greater <span class="searchmatch">Tokyo</span> Area is the most populous metropolitan area in the world',
      extract: 'The Greater Tokyo Area is the most populous metropolitan area in the world, consisting of the Kantō region of Japan (including Tokyo Metropolis) as well as the prefecture of Yamanashi.',
    },
    {
      title: 'Tokyo Metropolitan Government',
      pageid: 1125614,
      snippet: 'The <span class="searchmatch">Tokyo</span> Metropolitan Government is the government of the <span class="searchmatch">Tokyo</span> Metropolis',
      extract: 'The Tokyo Metropolitan Government (TMG) is the government of the Tokyo Metropolis. One of the 47 prefectures of Japan, it governs the 23 special wards, 26 cities, 5 towns and 8 villages of Tokyo.',
    },
  ],
  Paris: [
    {
      title: 'Paris',
      pageid: 22989,
      snippet: '<span class="searchmatch">Paris</span> is the capital and largest city of France',
      extract:
        'Paris is the capital and largest city of France. With an estimated population of 2,102,650 residents in January 2023 in an area of more than 105 km2, ' +
        'Paris is the fourth-most populous city in the European Union and the 30th most densely populated city in the world in 2022. ' +
        'The City of Paris is the centre of the Île-de-France region, or Paris Region, with an official estimated population of 12,271,794 inhabitants in January 2023.',
    },
    {
      title: 'Paris Saint-Germain FC',
      pageid: 182358,
      snippet: '<span class="searchmatch">Paris</span> Saint-Germain Football Club, commonly referred to as PSG',
      extract: 'Paris Saint-Germain Football Club, commonly referred to as Paris Saint-Germain or PSG, is a professional football club based in Paris, France.',
    },
    {
      title: 'Île-de-France',
      pageid: 156197,
      snippet: 'Île-de-France is the most populous of the eighteen regions of France, centred on the capital <span class="searchmatch">Paris</span>',
      extract: 'Île-de-France is the most populous of the eighteen regions of France, with an official estimated population of 12,271,794 inhabitants in January 2023. Centred on the capital Paris, it is located in the north-central part of the country.',
    },
  ],
};

/** `Tuesday 2025-01-14 18:05:09 in Asia/Tokyo (UTC+09:00)` → its parts, from get_current_time's evidence. */
function readTime(text: string, zone: string): { weekday: string; clock: string; offsetHours: number } | undefined {
  const match = new RegExp(`(\\w+day) \\d{4}-\\d{2}-\\d{2} (\\d{2}:\\d{2}):\\d{2} in ${zone} \\(UTC([+-])(\\d{2}):(\\d{2})\\)`).exec(text);
  if (!match) return undefined;
  const [, weekday = '', clock = '', sign, hours = '0', minutes = '0'] = match;
  return { weekday, clock, offsetHours: (sign === '-' ? -1 : 1) * (Number(hours) + Number(minutes) / 60) };
}

function citiesModels() {
  const planner = scriptedModel('endpoint', 'meta-llama/Llama-3.3-70B-Instruct', () => ({
    firstTokenMs: 580,
    pieceMs: 28,
    text: [
      'Plan: Look up Tokyo on Wikipedia for its population.',
      '#E1 = search_wiki[Tokyo]',
      'Plan: Look up Paris the same way; it does not need #E1.',
      '#E2 = search_wiki[Paris]',
      'Plan: Get the current time in Tokyo.',
      '#E3 = get_current_time[Asia/Tokyo]',
      'Plan: Get the current time in Paris.',
      '#E4 = get_current_time[Europe/Paris]',
      'Plan: Compare the two populations.',
      '#E5 = llm[Give the population of each city and say which is larger and by about how many times. Tokyo: #E1 Paris: #E2]',
      'Plan: Work out the time difference.',
      '#E6 = llm[How many hours ahead of Paris is Tokyo? Tokyo: #E3 Paris: #E4]',
    ].join('\n'),
  }));

  let timeDifference = '';
  const tools = scriptedModel('endpoint', 'meta-llama/Llama-3.3-70B-Instruct', (request) => {
    const text = userText(request);
    if (text.includes('population')) {
      return {
        firstTokenMs: 690,
        pieceMs: 30,
        text: 'Tokyo has over 14 million residents (2023); the City of Paris has about 2.1 million (January 2023). Tokyo is larger, by about 6.7 times. (The wider Paris Region has about 12.3 million.)',
      };
    }
    const tokyo = readTime(text, 'Asia/Tokyo');
    const paris = readTime(text, 'Europe/Paris');
    if (!tokyo || !paris) throw new Error('The time evidence has an unexpected format; update readTime() in make-demo-traces.ts.');
    const hours = tokyo.offsetHours - paris.offsetHours;
    timeDifference = `Tokyo is ${hours} hours ahead of Paris (UTC${tokyo.offsetHours >= 0 ? '+' : ''}${tokyo.offsetHours} against UTC${paris.offsetHours >= 0 ? '+' : ''}${paris.offsetHours}).`;
    return { firstTokenMs: 540, pieceMs: 30, text: `${timeDifference} It is ${tokyo.clock} on ${tokyo.weekday} in Tokyo and ${paris.clock} on ${paris.weekday} in Paris.` };
  });

  const solver = scriptedModel('endpoint', 'meta-llama/Llama-3.3-70B-Instruct', (request) => {
    const text = userText(request);
    const tokyo = readTime(text, 'Asia/Tokyo');
    const paris = readTime(text, 'Europe/Paris');
    return {
      firstTokenMs: 820,
      pieceMs: 26,
      text:
        `**Time.** It is ${tokyo?.clock ?? '?'} (${tokyo?.weekday ?? '?'}) in Tokyo [#E3] and ${paris?.clock ?? '?'} (${paris?.weekday ?? '?'}) in Paris [#E4]. ${timeDifference} [#E6]\n\n` +
        '**Population.** Tokyo has over 14 million residents (2023) [#E1]; the City of Paris has about 2.1 million (January 2023) [#E2]. ' +
        'Tokyo is the larger city, by about 6.7 times [#E5]. Even the whole Paris Region (about 12.3 million) is smaller than Tokyo Metropolis [#E2].',
    };
  });
  return { planner, tools, solver };
}

// ---------------------------------------------------------------------------------------------
// Running and writing

const demoSettings: TraceSettingsSource = {
  planner: { url: 'http://127.0.0.1:8000/v1', model: 'meta-llama/Llama-3.3-70B-Instruct', structuredOutput: 'json_schema' },
  roles: { planner: 'planner-endpoint', toolCaller: 'planner-endpoint', solver: 'planner-endpoint' },
  models: { webgpu: '', cpu: '' },
  concurrency: 4,
  evidenceLimit: 8000,
  toolTimeoutMs: 30_000,
  pauseBeforeEachStep: false,
  toolBreakpoints: [],
};

interface Demo {
  entry: DemoEntry;
  task: string;
  models: { planner: ChatEngine; tools: ChatEngine; solver: ChatEngine };
  fetch: typeof fetch;
  /** Fails the generation when the run did not show what the demo is for. */
  check: (events: readonly RunEvent[]) => string | undefined;
}

async function record(demo: Demo): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  const run = startRun({
    runId: `demo-${demo.entry.id}`,
    task: demo.task,
    tools: standardTools,
    // The llm tool's model is an engine of the run, so its requests are recorded like the others.
    engines: { planner: demo.models.planner, toolCaller: demo.models.tools, solver: demo.models.solver, llmTool: demo.models.tools },
    onEvent: (event) => events.push(event),
    concurrency: demoSettings.concurrency,
    evidenceLimit: demoSettings.evidenceLimit,
    defaultTimeoutMs: demoSettings.toolTimeoutMs,
    toolSettings: {
      wikiLanguage: 'en',
      searxngUrl: 'http://127.0.0.1:8888',
      bilibiliProxyUrl: 'http://127.0.0.1:8790/bilibili?keyword={query}',
    },
    fetch: demo.fetch,
  });
  const outcome = await run.done;
  if (outcome.status !== 'done') throw new Error(`${demo.entry.id}: the run ended ${outcome.status}: ${outcome.error?.message ?? ''}`);
  const problem = demo.check(events);
  if (problem) throw new Error(`${demo.entry.id}: ${problem}`);
  return events;
}

function overlaps(events: readonly RunEvent[]): number {
  const state = replayEvents(events);
  let count = 0;
  for (const [index, step] of state.steps.entries()) {
    for (const other of state.steps.slice(index + 1)) {
      if (step.startedAt === undefined || step.endedAt === undefined || other.startedAt === undefined || other.endedAt === undefined) continue;
      if (step.startedAt < other.endedAt && other.startedAt < step.endedAt) count++;
    }
  }
  return count;
}

const demos: Demo[] = [
  {
    entry: {
      id: 'killers-of-the-flower-moon',
      title: 'Killers of the Flower Moon: director, films, bilibili',
      description: 'Wikipedia finds the director (Martin Scorsese), a web search lists his films, one of them (Goodfellas) is searched on bilibili. Five steps in a chain.',
      file: 'killers-of-the-flower-moon.json',
    },
    task: "What movies did the director of 'Killers of the Flower Moon' direct? List one of them and search it on bilibili.",
    models: killersModels(),
    fetch: createWorld([
      wikipedia(killersArticles),
      (request) => (request.url.port === '8888' ? jsonResponse(scorseseSearch) : undefined),
      (request) => (request.url.port === '8790' ? jsonResponse(goodfellasVideos) : undefined),
    ]).fetch,
    check: (events) => {
      const state = replayEvents(events);
      if (state.steps.length !== 5 || state.steps.some((step) => step.status !== 'done')) return 'expected five finished steps';
      if (!state.steps[4]?.evidence?.includes('BV1Wx411c7Gm')) return 'the bilibili step did not find Goodfellas';
      return undefined;
    },
  },
  {
    entry: {
      id: 'tokyo-and-paris',
      title: 'Tokyo and Paris: local time and population',
      description: 'Lookups run side by side while the plan is still streaming; the Paris Wikipedia request fails once with HTTP 503 and is retried; two llm calls combine the results. Six steps.',
      file: 'tokyo-and-paris.json',
    },
    task: 'Compare Tokyo and Paris: what time is it in each city right now, and which has the larger population?',
    models: citiesModels(),
    fetch: createWorld([wikipedia(cityArticles)], {
      failFirst: (request) => request.url.searchParams.get('srsearch') === 'Paris',
    }).fetch,
    check: (events) => {
      const state = replayEvents(events);
      if (state.steps.length !== 6 || state.steps.some((step) => step.status !== 'done')) return 'expected six finished steps';
      if (!events.some((event) => event.type === 'step-retry' && event.id === '#E2')) return 'expected #E2 to fail once and be retried';
      if (overlaps(events) < 3) return 'expected the lookups to overlap in time';
      return undefined;
    },
  },
];

async function main(): Promise<void> {
  await mkdir(demosFolder, { recursive: true });
  const exportedAt = new Date().toISOString();
  for (const demo of demos) {
    const events = await record(demo);
    const start = events.find((event) => event.type === 'run-start');
    const text = exportTrace({
      run: { id: `demo-${demo.entry.id}`, task: demo.task, createdAt: start?.type === 'run-start' ? start.startedAt : exportedAt },
      settings: demoSettings,
      tools: standardTools.map((tool) => tool.name),
      events,
      exportedAt,
    });
    const check = importTrace(text);
    if (!check.ok) throw new Error(`${demo.entry.id}: the trace does not import:\n${check.problems.join('\n')}`);
    await writeFile(new URL(demo.entry.file, `file://${demosFolder}`), text);
    const last = events.at(-1);
    console.log(`${demo.entry.file}: ${events.length} events, ${((last?.at ?? 0) / 1000).toFixed(1)} s`);
  }
  const index = { demos: demos.map((demo) => demo.entry) };
  await writeFile(new URL('index.json', `file://${demosFolder}`), `${JSON.stringify(index, null, 2)}\n`);
  console.log(`index.json: ${demos.length} demos`);
}

await main();
