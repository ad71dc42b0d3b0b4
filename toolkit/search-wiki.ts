import { z } from 'zod';
import type { Tool, ToolContext } from '../src/core/tools/types.ts';
import { fetchJson } from './shared/http.ts';
import { settingPlace } from './shared/places.ts';
import { readStringSetting } from './shared/settings.ts';
import { capOutput, formatResults, fragmentText, shorten } from './shared/text.ts';
import { ToolError } from './shared/tool-error.ts';

const toolName = 'search_wiki';
const defaultLimit = 3;
const extractLimit = 1_500;

const mediaWikiError = z.looseObject({ code: z.string().optional(), info: z.string().optional() });

const searchResponseSchema = z.looseObject({
  error: mediaWikiError.optional(),
  query: z
    .looseObject({
      searchinfo: z.looseObject({ totalhits: z.number().optional(), suggestion: z.string().optional() }).optional(),
      search: z.array(z.looseObject({ title: z.string(), pageid: z.number().optional(), snippet: z.string().optional() })),
    })
    .optional(),
});

const extractsResponseSchema = z.looseObject({
  error: mediaWikiError.optional(),
  query: z
    .looseObject({
      pages: z.array(z.looseObject({ title: z.string(), extract: z.string().optional(), missing: z.boolean().optional() })),
    })
    .optional(),
});

/** Wikipedia language codes: `en`, `zh`, `simple`, `zh-yue`, `be-tarask`. */
const languagePattern = /^[a-z]{2,3}(-[a-z]{2,8})*$|^simple$/;

function languageFrom(context: ToolContext): string {
  const language = (readStringSetting(context.settings, 'wikiLanguage') ?? 'en').toLowerCase();
  if (!languagePattern.test(language)) {
    throw new ToolError(toolName, `"${language}" is not a Wikipedia language code.`, {
      hint: `Set ${settingPlace('wikiLanguage')} to a code such as en, de, zh or ja.`,
    });
  }
  return language;
}

function apiError(detail: { code?: string; info?: string }, host: string): ToolError {
  return new ToolError(toolName, `${host} answered with a MediaWiki error: ${detail.info ?? detail.code ?? 'unknown error'}.`);
}

/** The article URL for a title, readable where the URL allows it (`/wiki/Eiffel_Tower`). */
export function articleUrl(language: string, title: string): string {
  const path = encodeURIComponent(title.replaceAll(' ', '_')).replaceAll('%2F', '/').replaceAll('%3A', ':');
  return `https://${language}.wikipedia.org/wiki/${path}`;
}

/**
 * `search_wiki`: full-text search on Wikipedia (MediaWiki Action API, `origin=*` for CORS), then
 * the plain-text introductions of the top results. Reads `wikiLanguage` (default `en`).
 */
export const searchWiki: Tool = {
  name: toolName,
  description:
    'Searches Wikipedia for a short query (a name, place, event or concept, not a whole question) and returns the title, link and introduction of the best matching articles. ' +
    'Use it for facts about well-known subjects; results are in the Wikipedia language chosen in Settings.',
  parameters: {
    type: 'object',
    properties: {
      query: { type: 'string', minLength: 1, description: 'What to look up, for example "Eiffel Tower" or "2008 Summer Olympics".' },
      limit: { type: 'integer', minimum: 1, maximum: 10, description: `How many articles to return (default ${defaultLimit}).` },
    },
    required: ['query'],
    additionalProperties: false,
  },
  sideEffects: false,
  timeoutMs: 20_000,
  async run(args, context) {
    const query = String(args.query ?? '').trim();
    if (query === '') throw new ToolError(toolName, 'the query is empty.', { hint: 'Give a topic to look up.' });
    const limit = typeof args.limit === 'number' ? Math.min(10, Math.max(1, Math.round(args.limit))) : defaultLimit;
    const language = languageFrom(context);
    const endpoint = `https://${language}.wikipedia.org/w/api.php`;
    const host = `${language}.wikipedia.org`;
    const unreachableHint =
      `Wikipedia allows every origin with origin=*, so this is most likely the network: check the connection, or that ${settingPlace('wikiLanguage')} is the code of an existing Wikipedia.`;

    const searchParameters = new URLSearchParams({
      action: 'query',
      list: 'search',
      srsearch: query,
      srlimit: String(limit),
      srprop: 'snippet',
      format: 'json',
      formatversion: '2',
      origin: '*',
    });
    const search = await fetchJson({ toolName, url: `${endpoint}?${searchParameters}`, unreachableHint }, context, searchResponseSchema);
    if (search.error) throw apiError(search.error, host);
    const hits = search.query?.search ?? [];
    if (hits.length === 0) {
      const suggestion = search.query?.searchinfo?.suggestion;
      return `No Wikipedia (${language}) article matches "${query}".${suggestion ? ` Wikipedia suggests searching for "${suggestion}" instead.` : ''}`;
    }

    const extractParameters = new URLSearchParams({
      action: 'query',
      prop: 'extracts',
      exintro: '1',
      explaintext: '1',
      exlimit: String(hits.length),
      titles: hits.map((hit) => hit.title).join('|'),
      format: 'json',
      formatversion: '2',
      origin: '*',
    });
    const extracts = await fetchJson({ toolName, url: `${endpoint}?${extractParameters}`, unreachableHint }, context, extractsResponseSchema);
    if (extracts.error) throw apiError(extracts.error, host);
    const extractByTitle = new Map((extracts.query?.pages ?? []).map((page) => [page.title, page.extract?.trim() ?? '']));

    const entries = hits.map((hit) => {
      const extract = extractByTitle.get(hit.title) || fragmentText(hit.snippet ?? '', extractLimit);
      return { title: hit.title, lines: [articleUrl(language, hit.title), extract === '' ? '(no introduction available)' : shorten(extract, extractLimit)] };
    });
    return capOutput(`Wikipedia (${language}) results for "${query}":\n\n${formatResults(entries)}`);
  },
};
