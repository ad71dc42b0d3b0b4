import type { z } from 'zod';
import { errorMessage, isAbortError } from '../../src/core/errors.ts';
import type { ToolContext } from '../../src/core/tools/types.ts';
import { stripTags } from './text.ts';
import { ToolError } from './tool-error.ts';

/** Responses larger than this are cut while reading, so one huge page cannot exhaust the tab. */
export const defaultMaxResponseBytes = 5_000_000;

/** One HTTP request made by a tool. */
export interface ToolRequest {
  /** Named in error messages (`search_wiki failed: …`). */
  toolName: string;
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** What to do when the site cannot be reached from the page (CORS refusal or offline). */
  unreachableHint?: string;
  /**
   * Where the person sets this request's address and any key it carries, named as the app shows
   * it (`Settings → Tool settings → Search proxy URL`); the hints for HTTP 401, 403 and 404 point there.
   */
  setting?: string;
  /** Default `defaultMaxResponseBytes`. */
  maxBytes?: number;
}

/** A successful response, read as text. */
export interface ToolResponse {
  text: string;
  /** Lower-cased media type without parameters (`text/html`), empty when the server sent none. */
  mediaType: string;
  status: number;
  /** The final URL after redirects (the request URL where the fetch does not report one). */
  url: string;
  host: string;
  /** True when the body was longer than `maxBytes` and was cut. */
  cut: boolean;
}

const defaultUnreachableHint =
  'Browsers let a page read only the sites that allow it (CORS): reach the site through a proxy that allows this page\'s origin, or check the network connection.';

/** The host of a URL for messages (`en.wikipedia.org`), or the text itself when it does not parse. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * Fetches a URL through `context.fetch` with `context.signal`, checks the status and reads the
 * body as text. Failures become `ToolError`s whose messages name the tool and the host; an abort
 * is rethrown as it is, so the scheduler sees a stop rather than a failure.
 */
export async function fetchText(request: ToolRequest, context: ToolContext): Promise<ToolResponse> {
  const host = hostOf(request.url);
  let response: Response;
  try {
    response = await context.fetch(request.url, {
      method: request.method ?? 'GET',
      headers: request.headers,
      body: request.body,
      signal: context.signal,
    });
  } catch (error) {
    throw unreachable(request, host, error, context.signal);
  }
  if (!response.ok) throw await statusFailure(request, host, response);
  const mediaType = mediaTypeOf(response);
  let body: { text: string; cut: boolean };
  try {
    body = await readBody(response, request.maxBytes ?? defaultMaxResponseBytes);
  } catch (error) {
    if (context.signal.aborted || isAbortError(error)) throw error;
    throw new ToolError(request.toolName, `the connection to ${host} broke while reading the answer (${errorMessage(error)}).`, {
      transient: true,
      cause: error,
    });
  }
  return { ...body, mediaType, status: response.status, url: response.url || request.url, host };
}

/**
 * Fetches JSON and checks its shape with a zod schema. A body that is not JSON, or JSON of
 * another shape, becomes a `ToolError` that says so.
 */
export async function fetchJson<Schema extends z.ZodType>(
  request: ToolRequest,
  context: ToolContext,
  schema: Schema,
): Promise<z.output<Schema>> {
  const response = await fetchText(request, context);
  return parseJsonResponse(request.toolName, response, schema);
}

/** Parses a text response as JSON of the given shape, with the errors of `fetchJson`. */
export function parseJsonResponse<Schema extends z.ZodType>(toolName: string, response: ToolResponse, schema: Schema): z.output<Schema> {
  const data = parseJsonText(toolName, response);
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new ToolError(toolName, `${response.host} answered with JSON of an unexpected shape (${describeZodError(parsed.error)}).`, {
      hint: 'The API may have changed, or the URL or proxy points at a different service.',
    });
  }
  return parsed.data;
}

/** Parses a text response as JSON of any shape; a body that is not JSON becomes a `ToolError`. */
export function parseJsonText(toolName: string, response: ToolResponse): unknown {
  try {
    return JSON.parse(response.text) as unknown;
  } catch (error) {
    const cut = response.cut ? ' (the response was cut at the size limit)' : '';
    throw new ToolError(toolName, `${response.host} sent a response that is not valid JSON${cut}: ${errorMessage(error)}.`, {
      hint: 'The address may serve a web page instead of an API, or a proxy may have answered with its own error page.',
    });
  }
}

/** The first few problems of a zod error, as `path: message`. */
export function describeZodError(error: z.ZodError): string {
  const problems = error.issues.slice(0, 3).map((issue) => {
    const path = issue.path.map(String).join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  const more = error.issues.length > 3 ? `; ${error.issues.length - 3} more` : '';
  return problems.join('; ') + more;
}

function unreachable(request: ToolRequest, host: string, error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted || isAbortError(error)) return error;
  if (error instanceof TypeError) {
    const cause = (error as { cause?: unknown }).cause;
    const code = typeof cause === 'object' && cause !== null && 'code' in cause ? ` ${String((cause as { code: unknown }).code)}` : '';
    return new ToolError(
      request.toolName,
      `could not reach ${host} (${error.message}${code}): the site refused this page's origin (CORS) or is offline, and a proxy is needed to read it from the browser.`,
      { hint: request.unreachableHint ?? defaultUnreachableHint, transient: true, cause: error },
    );
  }
  return new ToolError(request.toolName, `the request to ${host} failed: ${errorMessage(error)}`, { cause: error });
}

async function statusFailure(request: ToolRequest, host: string, response: Response): Promise<ToolError> {
  const excerpt = await errorExcerpt(response);
  const status = response.status;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  const detail = `HTTP ${status} from ${host}${excerpt ? `: ${excerpt}` : ''}`;
  if (status === 429 || status === 408) {
    return new ToolError(request.toolName, detail, {
      status,
      retryAfterMs,
      transient: true,
      hint: `${host} is limiting requests: wait${retryAfterMs ? ` ${Math.ceil(retryAfterMs / 1000)} s` : ' a little'} and re-run the step.`,
    });
  }
  if (status >= 500) {
    return new ToolError(request.toolName, detail, { status, retryAfterMs, transient: true, hint: `${host} had a problem of its own: re-run the step later.` });
  }
  if (status === 401 || status === 403) {
    const check = request.setting ? `check ${request.setting} (the address, and any API key or token in it)` : 'check the API key or token, if the site needs one';
    return new ToolError(request.toolName, detail, { status, hint: `${host} refused access: ${check}.` });
  }
  if (status === 404) {
    return new ToolError(request.toolName, detail, { status, hint: `Nothing is at that address: check ${request.setting ?? 'the URL'}.` });
  }
  return new ToolError(request.toolName, detail, { status });
}

/** A short reason from an error body (JSON `error`/`message` fields or short plain text). */
async function errorExcerpt(response: Response): Promise<string> {
  let text: string;
  try {
    text = (await readBody(response, 4_000)).text.trim();
  } catch {
    return '';
  }
  if (text === '') return '';
  const mediaType = mediaTypeOf(response);
  if (mediaType.includes('json') || text.startsWith('{')) {
    try {
      const reason = reasonFromJson(JSON.parse(text) as unknown);
      if (reason) return limit(reason);
    } catch {
      // Not JSON after all: fall through to plain text.
    }
  }
  if (mediaType.includes('html') || /^\s*</.test(text)) return '';
  return limit(text);
}

function reasonFromJson(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (typeof data !== 'object' || data === null) return undefined;
  const record = data as Record<string, unknown>;
  for (const key of ['message', 'info', 'error_description', 'detail', 'error']) {
    const value = record[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
    if (key === 'error' && typeof value === 'object') {
      const nested = reasonFromJson(value);
      if (nested) return nested;
    }
  }
  return undefined;
}

function limit(text: string): string {
  const plain = stripTags(text);
  return plain.length > 200 ? `${plain.slice(0, 200)}…` : plain;
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function mediaTypeOf(response: Response): string {
  return (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function charsetOf(response: Response): string {
  const match = /charset\s*=\s*"?([^";\s]+)/i.exec(response.headers.get('content-type') ?? '');
  return match?.[1] ?? 'utf-8';
}

function decoderFor(response: Response): TextDecoder {
  try {
    return new TextDecoder(charsetOf(response));
  } catch {
    return new TextDecoder('utf-8');
  }
}

async function readBody(response: Response, maxBytes: number): Promise<{ text: string; cut: boolean }> {
  const decoder = decoderFor(response);
  if (!response.body) {
    const all = new Uint8Array(await response.arrayBuffer());
    return { text: decoder.decode(all.subarray(0, maxBytes)), cut: all.byteLength > maxBytes };
  }
  const reader = response.body.getReader();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = maxBytes - bytes;
    if (value.byteLength > room) {
      text += decoder.decode(value.subarray(0, room));
      await reader.cancel().catch(() => undefined);
      return { text, cut: true };
    }
    bytes += value.byteLength;
    text += decoder.decode(value, { stream: true });
  }
  return { text: text + decoder.decode(), cut: false };
}
