import type { Tool } from '../src/core/tools/types.ts';
import { fetchText } from './shared/http.ts';
import { htmlParserFrom, htmlToText } from './shared/html.ts';
import { places, settingLabel, settingPlace } from './shared/places.ts';
import { checkHttpUrl, fillUrlTemplate, readIntegerSetting, readStringSetting } from './shared/settings.ts';
import { capOutput, tidyText } from './shared/text.ts';
import { ToolError } from './shared/tool-error.ts';

const toolName = 'fetch_url';
const defaultMaxChars = 20_000;

function kindOf(mediaType: string, text: string): 'html' | 'text' | 'binary' {
  if (mediaType === 'text/html' || mediaType === 'application/xhtml+xml') return 'html';
  if (mediaType.startsWith('text/') || /json|xml|javascript|yaml|csv|markdown/.test(mediaType)) return 'text';
  if (mediaType === '' || mediaType === 'application/octet-stream') {
    if (/^\s*(<!doctype html|<html)/i.test(text)) return 'html';
    // Text has no NUL bytes; binary files nearly always do early on.
    return text.slice(0, 1000).includes('\u0000') ? 'binary' : 'text';
  }
  return 'binary';
}

/**
 * `fetch_url`: reads a web page or text file and returns readable text: the main article of an
 * HTML page (Readability), else its body text; plain text and JSON as they are. Reads
 * `fetchProxyUrl` (a URL template with `{url}`), `maxFetchChars` (default 20000) and, in tests,
 * `domParser`.
 */
export const fetchUrl: Tool = {
  name: toolName,
  description:
    'Reads the web page or text file at a URL (the input, starting with http:// or https://) and returns its title and readable text. ' +
    'Use it to read a page found by a search; many sites only work through the fetch proxy set in Settings.',
  parameters: {
    type: 'object',
    properties: {
      url: { type: 'string', minLength: 1, description: 'The full address, for example "https://example.org/article".' },
      maxChars: { type: 'integer', minimum: 500, maximum: 200_000, description: `Cut the text after this many characters (default: the ${settingLabel('maxFetchChars')} in ${places.toolSettings}, 20000 unless changed).` },
    },
    required: ['url'],
    additionalProperties: false,
  },
  sideEffects: false,
  timeoutMs: 30_000,
  async run(args, context) {
    const raw = String(args.url ?? '').trim().replace(/^<(.*)>$/, '$1');
    const url = checkHttpUrl(toolName, /^[a-z][a-z0-9+.-]*:/i.test(raw) ? raw : `https://${raw}`, 'the input');
    const proxy = readStringSetting(context.settings, 'fetchProxyUrl');
    const requestUrl = proxy ? fillUrlTemplate(toolName, 'fetchProxyUrl', proxy, { url }) : url;
    // The limit comes from the call's maxChars when the caller gave one, else from the setting;
    // the note on a cut page names whichever one to raise.
    const maxChars =
      typeof args.maxChars === 'number'
        ? Math.max(500, Math.round(args.maxChars))
        : readIntegerSetting(context.settings, 'maxFetchChars', defaultMaxChars, { min: 500, max: 1_000_000 });
    const moreNote =
      typeof args.maxChars === 'number'
        ? '[Call fetch_url again with a larger maxChars (at most 200000) to read more of the page.]'
        : `[Raise ${settingPlace('maxFetchChars')} to read more of the page.]`;
    /** The output cut at `maxChars`, with a note that says how to read more when it was cut. */
    const limited = (output: string) => (output.length <= maxChars ? output : `${capOutput(output, maxChars)}\n${moreNote}`);

    const response = await fetchText(
      {
        toolName,
        url: requestUrl,
        headers: { accept: 'text/html,application/xhtml+xml,application/json;q=0.9,text/plain;q=0.8,*/*;q=0.5' },
        unreachableHint: proxy
          ? `The fetch proxy could not be reached: check ${settingPlace('fetchProxyUrl')}, that the proxy is running, and that it allows this page's origin (CORS).`
          : `Most sites do not let other pages read them (CORS). Set ${settingPlace('fetchProxyUrl')} to a proxy such as https://proxy.example/?url={url}.`,
        ...(proxy ? { setting: settingPlace('fetchProxyUrl') } : {}),
      },
      context,
    );
    const finalUrl = proxy ? url : response.url;
    const kind = kindOf(response.mediaType, response.text);
    if (kind === 'binary') {
      throw new ToolError(toolName, `${finalUrl} is a file of type ${response.mediaType || 'unknown (binary)'}, not a page; fetch_url reads only HTML, text and JSON.`);
    }
    const cutNote = response.cut ? '\n[The download was cut at 5 MB.]' : '';
    if (kind === 'text') {
      return limited(`URL: ${finalUrl}\nType: ${response.mediaType || 'text'}\n\n${response.text.trim()}${cutNote}`);
    }
    const page = await htmlToText(response.text, htmlParserFrom(context.settings));
    const header = [page.title ? `Title: ${page.title}` : '', `URL: ${finalUrl}`, page.byline ? `By: ${page.byline}` : ''].filter((line) => line !== '');
    const body = tidyText(page.text) || '(the page has no readable text; it may need JavaScript to show its content)';
    return limited(`${header.join('\n')}\n\n${body}${cutNote}`);
  },
};
