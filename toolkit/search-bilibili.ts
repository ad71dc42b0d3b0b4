import { z } from 'zod';
import type { Tool } from '../src/core/tools/types.ts';
import { fetchJson } from './shared/http.ts';
import { settingPlace } from './shared/places.ts';
import { fillUrlTemplate, readStringSetting } from './shared/settings.ts';
import { capOutput, countOf, formatResults, fragmentText, shorten } from './shared/text.ts';
import { ToolError } from './shared/tool-error.ts';

const toolName = 'search_bilibili';
const defaultLimit = 5;
const titleLimit = 300;
const descriptionLimit = 200;

const countSchema = z.union([z.number(), z.string()]).optional().catch(undefined);

const videoSchema = z.looseObject({
  type: z.string().optional(),
  title: z.string().catch(''),
  author: z.string().optional().catch(undefined),
  bvid: z.string().optional().catch(undefined),
  arcurl: z.string().optional().catch(undefined),
  play: countSchema,
  duration: z.union([z.string(), z.number()]).optional().catch(undefined),
  description: z.string().optional().catch(undefined),
});

/** `search/type` puts videos in `data.result`; `search/all/v2` groups them by `result_type`. */
const groupSchema = z.looseObject({ result_type: z.string(), data: z.array(z.unknown()) });

const responseSchema = z.looseObject({
  code: z.number(),
  message: z.string().optional(),
  data: z
    .looseObject({ numResults: z.number().optional(), result: z.array(z.unknown()).nullish() })
    .nullish(),
});

/** The page a person opens to see bilibili's results for a query. */
export function bilibiliSearchPageUrl(query: string): string {
  return `https://search.bilibili.com/all?keyword=${encodeURIComponent(query)}`;
}

function videosFrom(result: readonly unknown[]): z.output<typeof videoSchema>[] {
  const grouped = result.map((item) => groupSchema.safeParse(item));
  const items = grouped.length > 0 && grouped.every((group) => group.success)
    ? grouped.flatMap((group) => (group.success && group.data.result_type === 'video' ? group.data.data : []))
    : result;
  return items.flatMap((item) => {
    const parsed = videoSchema.safeParse(item);
    return parsed.success && (parsed.data.type === undefined || parsed.data.type === 'video') ? [parsed.data] : [];
  });
}

function formatCount(value: number | string | undefined): string | undefined {
  if (value === undefined || value === '' || value === '--') return undefined;
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? countOf(number, 'play') : `${value} plays`;
}

/**
 * `search_bilibili`: video search on bilibili. bilibili's API sends no CORS headers and wants
 * cookies, so without `bilibiliProxyUrl` (a URL template with `{query}` that forwards to
 * `api.bilibili.com/x/web-interface/search/type?search_type=video&keyword=…`) the tool returns
 * only a labelled link to the search page.
 */
export const searchBilibili: Tool = {
  name: toolName,
  description:
    'Searches bilibili, the Chinese video site, for videos matching a short query and returns each video\'s title, uploader, link and play count. ' +
    'Without a bilibili proxy in Settings it cannot read results and returns only a link to the search page.',
  parameters: {
    type: 'object',
    properties: {
      query: { type: 'string', minLength: 1, description: 'Keywords to search for, in any language, for example "原神 攻略".' },
      limit: { type: 'integer', minimum: 1, maximum: 20, description: `How many videos to return (default ${defaultLimit}).` },
    },
    required: ['query'],
    additionalProperties: false,
  },
  sideEffects: false,
  timeoutMs: 20_000,
  async run(args, context) {
    const query = String(args.query ?? '').trim();
    if (query === '') throw new ToolError(toolName, 'the query is empty.', { hint: 'Give keywords to search for.' });
    const limit = typeof args.limit === 'number' ? Math.min(20, Math.max(1, Math.round(args.limit))) : defaultLimit;
    const pageUrl = bilibiliSearchPageUrl(query);
    const template = readStringSetting(context.settings, 'bilibiliProxyUrl');
    if (!template) {
      return [
        `No bilibili results were read for "${query}": bilibili's API refuses requests from other sites' pages and needs cookies, and ${settingPlace('bilibiliProxyUrl')} is empty.`,
        `Link to the bilibili search page (a link, not results): ${pageUrl}`,
      ].join('\n');
    }
    const url = fillUrlTemplate(toolName, 'bilibiliProxyUrl', template, { query });
    const answer = await fetchJson(
      {
        toolName,
        url,
        unreachableHint: `The bilibili proxy could not be reached: check ${settingPlace('bilibiliProxyUrl')}, that the proxy is running, and that it allows this page's origin (CORS).`,
        setting: settingPlace('bilibiliProxyUrl'),
      },
      context,
      responseSchema,
    );
    if (answer.code !== 0) {
      throw new ToolError(toolName, `bilibili answered with error ${answer.code}${answer.message ? `: ${answer.message}` : ''}.`, {
        hint:
          answer.code === -412
            ? 'bilibili blocked the request: make the proxy send browser-like headers and a buvid3 cookie.'
            : `Check that the proxy in ${settingPlace('bilibiliProxyUrl')} forwards to api.bilibili.com/x/web-interface/search/type?search_type=video.`,
      });
    }
    const videos = videosFrom(answer.data?.result ?? []).slice(0, limit);
    if (videos.length === 0) return `No bilibili videos match "${query}". Search page: ${pageUrl}`;
    const entries = videos.map((video) => {
      const link = video.bvid ? `https://www.bilibili.com/video/${video.bvid}` : (video.arcurl ?? '').replace(/^http:/, 'https:');
      const facts = [video.author ? `by ${video.author}` : undefined, formatCount(video.play), video.duration ? `length ${video.duration}` : undefined];
      return {
        title: fragmentText(video.title, titleLimit) || '(untitled)',
        lines: [link, facts.filter((fact) => fact !== undefined).join(' · '), shorten(fragmentText(video.description ?? '', descriptionLimit), descriptionLimit)],
      };
    });
    return capOutput(`bilibili videos for "${query}":\n\n${formatResults(entries)}`);
  },
};
