import { z } from 'zod';
import { EndpointError, errorMessage } from '../errors.ts';
import { crossesIntoLocalNetwork } from './address-space.ts';

/**
 * How to let each common server accept requests from a page at `origin` (CORS); part of several
 * hints. Without an origin (outside a page) the wildcard is named.
 */
export function corsFlags(origin?: string): string {
  const exact = origin ?? '*';
  return (
    `vLLM is open to every origin by default (otherwise --allowed-origins '["${exact}"]'); ` +
    `llama.cpp server allows every origin in older builds, builds from mid-2026 take --cors-origins ${exact} ` +
    '(add --cors-headers Authorization,Content-Type with an API key) and allow only localhost origins while their server-side tools are on; ' +
    `Ollama needs OLLAMA_ORIGINS=${exact} in its environment; ` +
    'LM Studio needs "Enable CORS" in the server settings (lms server start --cors).'
  );
}

/** The command lines that let each server accept a page at `origin`, to copy (Settings shows them). */
export function corsCommands(origin: string): { server: string; command: string }[] {
  return [
    { server: 'Ollama', command: `OLLAMA_ORIGINS=${origin} ollama serve` },
    { server: 'llama.cpp server', command: `llama-server -m model.gguf --port 8080 --cors-origins ${origin}` },
    { server: 'vLLM', command: `vllm serve MODEL --port 8000 --allowed-origins '["${origin}"]'` },
    { server: 'LM Studio', command: 'lms server start --cors' },
  ];
}

const runningHint =
  'Check that the server is running and listens on that host and port ' +
  '(vLLM and llama.cpp server: --host and --port; Ollama: OLLAMA_HOST).';

/** What an error description needs to know about the request that failed. */
export interface FailureContext {
  url: URL;
  model?: string;
  apiKey?: string;
  /** The request asked for structured output (`response_format`). */
  structured?: boolean;
}

/** The page that runs the app, when there is one (absent in Node and in workers without it). */
export function pageLocation(): { protocol: string; origin: string } | undefined {
  const location: unknown = (globalThis as { location?: unknown }).location;
  if (typeof location !== 'object' || location === null) return undefined;
  const { protocol, origin } = location as { protocol?: unknown; origin?: unknown };
  if (typeof protocol !== 'string' || typeof origin !== 'string') return undefined;
  return { protocol, origin };
}

/** Hosts that browsers treat as trustworthy even over plain http. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Keeps the API key out of anything shown to a person or written to a trace. */
export function redact(text: string, apiKey: string | undefined): string {
  const key = apiKey?.trim();
  if (!key || key.length < 4) return text;
  return text.split(key).join('[API key]');
}

/**
 * Milliseconds to wait from a `Retry-After` header: either delay-seconds or an HTTP date.
 * Undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

const errorDetailSchema = z.union([
  z.string(),
  z.looseObject({ message: z.string().optional(), msg: z.string().optional(), code: z.unknown().optional(), type: z.unknown().optional() }),
]);

const errorBodySchema = z.looseObject({
  error: errorDetailSchema.nullish(),
  message: z.string().nullish(),
  detail: z.union([z.string(), z.array(errorDetailSchema)]).nullish(),
});

function detailText(detail: z.infer<typeof errorDetailSchema>): string | undefined {
  if (typeof detail === 'string') return detail;
  return detail.message ?? detail.msg;
}

/**
 * The error message inside a server's error object (`{"error": {"message": …}}`, vLLM's
 * `{"object": "error", "message": …}`, FastAPI's `{"detail": …}`, TGI's `{"error": "…"}`).
 */
export function serverMessageFromObject(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  const parsed = errorBodySchema.safeParse(value);
  if (!parsed.success) return undefined;
  const { error, message, detail } = parsed.data;
  if (error !== null && error !== undefined) {
    const text = detailText(error);
    if (text) return text;
  }
  if (message) return message;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    const texts = detail.map(detailText).filter((text): text is string => Boolean(text));
    if (texts.length > 0) return texts.join('; ');
  }
  return undefined;
}

/** The error message in an HTTP error body, JSON or plain text (HTML pages are not shown). */
export function serverMessageFromBody(body: string): string | undefined {
  const trimmed = body.trim();
  if (!trimmed) return undefined;
  if (trimmed.startsWith('{')) {
    try {
      const message = serverMessageFromObject(JSON.parse(trimmed));
      if (message) return shorten(message);
    } catch {
      // Not JSON after all: fall through to the plain text.
    }
  }
  if (trimmed.startsWith('<')) return undefined;
  return shorten(trimmed);
}

function shorten(text: string, limit = 300): string {
  const single = text.replace(/\s+/g, ' ').trim();
  return single.length > limit ? `${single.slice(0, limit - 1)}…` : single;
}

function withServerMessage(message: string, serverMessage: string | undefined): string {
  return serverMessage ? `${message}: ${serverMessage}` : `${message}.`;
}

/** Turns an HTTP error answer into an `EndpointError` with a hint a person can act on. */
export function httpError(response: { status: number; statusText?: string; headers: Headers }, body: string, context: FailureContext): EndpointError {
  const { status } = response;
  const serverMessage = serverMessageFromBody(redact(body, context.apiKey));
  const where = context.url.origin;
  const options = { status };
  if (status === 401 || status === 403) {
    return new EndpointError('auth', withServerMessage(`${where} refused the request (HTTP ${status})`, serverMessage), {
      ...options,
      hint:
        'Check the API key in Settings: it is sent as "Authorization: Bearer …" and must match the server\'s --api-key.' +
        (status === 403
          ? ` Ollama also answers 403 to pages from origins it does not allow: start it with OLLAMA_ORIGINS=${pageLocation()?.origin ?? '*'} (or *).`
          : ''),
    });
  }
  if (status === 404) {
    const model = context.model ? ` or the model "${context.model}"` : '';
    return new EndpointError('not-found', withServerMessage(`${where} does not know ${context.url.pathname}${model} (HTTP 404)`, serverMessage), {
      ...options,
      hint:
        'Check the Planner URL: it is the base URL of the OpenAI-compatible API and usually ends in /v1 ' +
        '(for example http://127.0.0.1:8000/v1). Check the model name too: Test connection lists the models the server has.',
    });
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    const wait = retryAfterMs === undefined ? 'a little' : `${Math.ceil(retryAfterMs / 1000)} s`;
    return new EndpointError('rate-limit', withServerMessage(`${where} is rate-limiting requests (HTTP 429)`, serverMessage), {
      ...options,
      retryAfterMs,
      hint: `Wait ${wait} and try again, or lower the number of parallel steps in Settings.`,
    });
  }
  if (status >= 500) {
    let hint = 'The server failed on its side: its log says why. Try again in a moment.';
    if (status === 503) hint = 'The server is busy or still loading the model (Ollama answers 503 when its queue is full: wait, or raise OLLAMA_MAX_QUEUE). Try again in a moment.';
    if (status === 502 || status === 504) hint = 'A proxy in front of the model server could not get an answer from it: check that the model server is up.';
    return new EndpointError('server', withServerMessage(`${where} failed (HTTP ${status})`, serverMessage), {
      ...options,
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
      hint,
    });
  }
  if (status >= 400) {
    const text = serverMessage ?? '';
    let hint = 'The server rejected the request; its message says why.';
    if (context.structured && /response_format|json_schema|json schema|guided|grammar|structured/i.test(text)) {
      hint = 'The server does not accept this structured-output request: set Structured output to "JSON object" or "Off" for this endpoint in Settings.';
    } else if (/context|max_tokens|too long|maximum.*length|tokens/i.test(text)) {
      hint =
        'The prompt plus max tokens does not fit the model\'s context: lower max tokens in Settings, or give the server a longer context ' +
        '(vLLM --max-model-len, llama.cpp -c, Ollama num_ctx).';
    }
    return new EndpointError('bad-request', withServerMessage(`${where} rejected the request (HTTP ${status})`, serverMessage), { ...options, hint });
  }
  return new EndpointError('bad-response', withServerMessage(`${where} answered with HTTP ${status}`, serverMessage), {
    ...options,
    hint: 'Check the Planner URL: it should point at the OpenAI-compatible API (ending in /v1), not at a web page or a redirect.',
  });
}

/**
 * Why a fetch rejected before any answer. A browser reports a CORS refusal and a refused
 * connection with the same bare `TypeError: Failed to fetch`, so in a page a second request in
 * `no-cors` mode tells them apart: it succeeds (opaquely) when the server is reachable at all.
 */
export async function fetchFailure(cause: unknown, context: FailureContext, fetchImplementation: typeof fetch): Promise<EndpointError> {
  const { url } = context;
  const page = pageLocation();
  const detail = redact(describeCause(cause), context.apiKey);
  const local = crossesIntoLocalNetwork(page?.origin, url);
  if (page && local) return localNetworkFailure(cause, url, page, local);
  if (page?.protocol === 'https:' && url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return new EndpointError('mixed-content', `This page is served over https, so the browser blocks requests to ${url.origin} over plain http.`, {
      cause,
      hint: 'Serve the model over https (a reverse proxy such as Caddy or nginx, or a tunnel), or open Stepwise over http on your own machine.',
    });
  }
  if (!page || page.origin === url.origin) {
    return new EndpointError('network', `Could not reach ${url.origin}${detail ? ` (${detail})` : ''}.`, { cause, hint: runningHint });
  }
  const reachable = await isReachable(url, fetchImplementation);
  if (reachable) {
    return new EndpointError('cors', `${url.origin} answered, but refused requests from this page's origin (${page.origin}) (CORS).`, {
      cause,
      hint:
        `Allow ${page.origin} on the server. ${corsFlags(page.origin)}` +
        (context.apiKey ? ' With an API key the server must also allow the Authorization header (TGI allows only Content-Type): clear the key or put a proxy in front.' : ''),
    });
  }
  return new EndpointError('network', `Could not reach ${url.origin}: the server is not answering, or it refused this page's origin (${page.origin}).`, {
    cause,
    hint: `${runningHint} If it is running, allow this page's origin: ${corsFlags(page.origin)}`,
  });
}

/**
 * A page from a public address that cannot reach this computer or the local network: Local
 * Network Access refused it (or was never asked: the page is not secure), or the server is down.
 * The browser tells neither apart from a network error, and a probe would be refused the same.
 */
function localNetworkFailure(cause: unknown, url: URL, page: { protocol: string; origin: string }, space: 'loopback' | 'local'): EndpointError {
  const where = space === 'loopback' ? 'this computer' : 'your local network';
  const ask =
    page.protocol === 'https:'
      ? `If the browser asked, choose Allow; if it was blocked, click the icon left of the address bar, open Site settings and set "Local network access" to Allow, then try again.`
      : `The browser asks for it only on pages served over https: open Stepwise over https, or run it on this computer (npm run dev).`;
  return new EndpointError('local-network', `The browser stopped this page (${page.origin}) from reaching ${url.origin} on ${where} before any answer.`, {
    cause,
    hint:
      `A page from a public address needs your permission to reach ${where} (Local Network Access, Chrome 142 and later, Edge 143). ${ask} ` +
      `If it is allowed, check that the server runs, and that it accepts this page's origin: ${corsFlags(page.origin)}`,
  });
}

function describeCause(error: unknown): string {
  // Node's fetch says only "fetch failed"; the reason (ECONNREFUSED …) is in its cause.
  const inner = error instanceof Error && error.cause !== undefined ? error.cause : undefined;
  if (inner !== undefined) {
    const code = typeof inner === 'object' && inner !== null && 'code' in inner ? String((inner as { code: unknown }).code) : '';
    return code || errorMessage(inner);
  }
  return errorMessage(error);
}

/** Whether `url` answers at all: an opaque (no-cors) request succeeds even where CORS refuses the real one. */
export async function isReachable(url: URL, fetchImplementation: typeof fetch): Promise<boolean> {
  try {
    await fetchImplementation(url.href, { method: 'GET', mode: 'no-cors', credentials: 'omit', cache: 'no-store', signal: AbortSignal.timeout(5000) });
    return true;
  } catch {
    return false;
  }
}
