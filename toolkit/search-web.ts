import { z } from 'zod';
import type { Tool, ToolContext } from '../src/core/tools/types.ts';
import { fetchText, parseJsonResponse, parseJsonText } from './shared/http.ts';
import { places, settingLabel, settingPlace } from './shared/places.ts';
import { checkHttpUrl, fillUrlTemplate, readStringSetting } from './shared/settings.ts';
import { capOutput, defaultOutputLimit, formatResults, fragmentText, shorten, tidyText } from './shared/text.ts';
import { ToolError } from './shared/tool-error.ts';

const toolName = 'search_web';
const defaultLimit = 5;
const snippetLimit = 400;

/** One web search result after normalisation. */
export interface WebResult {
  title: string;
  url: string;
  snippet: string;
}

const searxngSchema = z.looseObject({
  results: z.array(
    z.looseObject({ title: z.string().optional(), url: z.string().optional(), content: z.string().nullish(), engine: z.string().optional() }),
  ),
  answers: z.array(z.union([z.string(), z.looseObject({ answer: z.string().optional() })])).optional(),
  suggestions: z.array(z.string()).optional(),
});

const anyString = z.string().optional().catch(undefined);
/** Field names used by common search APIs (SearXNG, Brave, Google CSE, SerpAPI, Bing, Tavily). */
const resultItemSchema = z.looseObject({
  title: anyString,
  name: anyString,
  url: anyString,
  link: anyString,
  href: anyString,
  snippet: anyString,
  content: anyString,
  description: anyString,
  body: anyString,
});

const searxngLabel = settingLabel('searxngUrl');
const proxyLabel = settingLabel('searchProxyUrl');

const notConfiguredMessage =
  `no web search provider is configured: neither ${searxngLabel} nor ${proxyLabel} is set in ${places.toolSettings}.`;
const notConfiguredHint =
  `In ${places.toolSettings}, set ${searxngLabel} to a SearXNG instance with JSON output enabled (for example http://127.0.0.1:8888), ` +
  `or ${proxyLabel} to a proxy URL with a {query} placeholder; until then, plan with search_wiki instead.`;

/** Where a list of results lives in the answers of common search APIs. */
function resultList(data: unknown): unknown[] | undefined {
  if (Array.isArray(data)) return data;
  if (typeof data !== 'object' || data === null) return undefined;
  const record = data as Record<string, unknown>;
  const candidates = [
    record.results,
    record.items,
    record.organic_results,
    record.organic,
    (record.web as Record<string, unknown> | undefined)?.results,
    (record.webPages as Record<string, unknown> | undefined)?.value,
    record.data,
  ];
  return candidates.find((candidate): candidate is unknown[] => Array.isArray(candidate));
}

/**
 * Normalises search API JSON into results with title, URL and snippet. Returns undefined when
 * the JSON holds no recognisable list of results.
 */
export function normaliseWebResults(data: unknown): WebResult[] | undefined {
  const list = resultList(data);
  if (!list) return undefined;
  const results: WebResult[] = [];
  for (const item of list) {
    const parsed = resultItemSchema.safeParse(item);
    if (!parsed.success) continue;
    const fields = parsed.data;
    const url = fields.url ?? fields.link ?? fields.href ?? '';
    const title = fragmentText(fields.title ?? fields.name ?? '', snippetLimit) || url;
    if (title === '' && url === '') continue;
    results.push({ title, url, snippet: fragmentText(fields.snippet ?? fields.content ?? fields.description ?? fields.body ?? '', snippetLimit) });
  }
  return results;
}

function formatWebResults(query: string, source: string, results: readonly WebResult[], answers: readonly string[] = []): string {
  if (results.length === 0 && answers.length === 0) return `No web results for "${query}" (via ${source}).`;
  const answerLines = answers.map((answer) => `Answer: ${answer}`).join('\n');
  const entries = results.map((result) => ({ title: result.title, lines: [result.url, shorten(result.snippet, snippetLimit)] }));
  return [`Web results for "${query}" (via ${source}):`, answerLines, formatResults(entries)].filter((part) => part !== '').join('\n\n');
}

async function searchSearxng(instance: string, query: string, limit: number, context: ToolContext): Promise<string> {
  const base = checkHttpUrl(toolName, instance, `the ${searxngLabel} setting`, settingPlace('searxngUrl')).replace(/\/+$/, '').replace(/\/search$/, '');
  const url = `${base}/search?${new URLSearchParams({ q: query, format: 'json' })}`;
  let response;
  try {
    response = await fetchText(
      {
        toolName,
        url,
        unreachableHint:
          `Check that the SearXNG instance is running and that ${settingPlace('searxngUrl')} points at it. SearXNG sends no CORS headers by default: put it behind a proxy that adds ` +
          `Access-Control-Allow-Origin for this page, or empty ${searxngLabel} and set ${proxyLabel} instead (both in ${places.toolSettings}).`,
        setting: settingPlace('searxngUrl'),
      },
      context,
    );
  } catch (error) {
    if (error instanceof ToolError && error.status === 403) {
      throw new ToolError(toolName, `the SearXNG instance refused JSON output (HTTP 403 from ${new URL(url).host}).`, {
        status: 403,
        hint: 'Add json to search.formats in the instance\'s settings.yml (formats: [html, json]) and restart it.',
      });
    }
    throw error;
  }
  const data = parseJsonResponse(toolName, response, searxngSchema);
  const results = normaliseWebResults(data.results)?.slice(0, limit) ?? [];
  const answers = (data.answers ?? []).map((answer) => (typeof answer === 'string' ? answer : (answer.answer ?? ''))).filter((answer) => answer !== '');
  return formatWebResults(query, `SearXNG at ${response.host}`, results, answers);
}

async function searchThroughProxy(template: string, query: string, limit: number, context: ToolContext): Promise<string> {
  const url = fillUrlTemplate(toolName, 'searchProxyUrl', template, { query });
  const response = await fetchText(
    {
      toolName,
      url,
      unreachableHint: `The search proxy could not be reached: check ${settingPlace('searchProxyUrl')}, that the proxy is running, and that it allows this page's origin (CORS).`,
      setting: settingPlace('searchProxyUrl'),
    },
    context,
  );
  const looksLikeJson = response.mediaType.includes('json') || /^\s*[[{]/.test(response.text);
  if (!looksLikeJson) {
    const text = tidyText(response.mediaType.includes('html') ? fragmentText(response.text, defaultOutputLimit) : response.text);
    return capOutput(`Web search for "${query}" (via ${response.host}):\n\n${text || '(empty answer)'}`);
  }
  const data = parseJsonText(toolName, response);
  const results = normaliseWebResults(data);
  if (!results) return capOutput(`Web search for "${query}" (via ${response.host}) answered:\n${JSON.stringify(data, null, 2)}`);
  return formatWebResults(query, response.host, results.slice(0, limit));
}

/**
 * `search_web`: web search through a configured provider. Reads `searxngUrl` (a SearXNG
 * instance, `{url}/search?q=…&format=json`) or else `searchProxyUrl` (a URL template with
 * `{query}` whose JSON answer is normalised to title, URL and snippet, or whose text is returned).
 */
export const searchWeb: Tool = {
  name: toolName,
  description:
    'Searches the web for a short query (keywords or a question) and returns the title, link and snippet of the top results. ' +
    'Use it for recent events and subjects Wikipedia does not cover; follow a link with fetch_url to read a page.',
  parameters: {
    type: 'object',
    properties: {
      query: { type: 'string', minLength: 1, description: 'The search query, for example "Rust 1.80 release date".' },
      limit: { type: 'integer', minimum: 1, maximum: 10, description: `How many results to return (default ${defaultLimit}).` },
    },
    required: ['query'],
    additionalProperties: false,
  },
  sideEffects: false,
  timeoutMs: 20_000,
  async run(args, context) {
    const query = String(args.query ?? '').trim();
    if (query === '') throw new ToolError(toolName, 'the query is empty.', { hint: 'Give something to search for.' });
    const limit = typeof args.limit === 'number' ? Math.min(10, Math.max(1, Math.round(args.limit))) : defaultLimit;
    const searxng = readStringSetting(context.settings, 'searxngUrl');
    if (searxng) return capOutput(await searchSearxng(searxng, query, limit, context));
    const proxy = readStringSetting(context.settings, 'searchProxyUrl');
    if (proxy) return capOutput(await searchThroughProxy(proxy, query, limit, context));
    throw new ToolError(toolName, notConfiguredMessage, { hint: notConfiguredHint });
  },
};
