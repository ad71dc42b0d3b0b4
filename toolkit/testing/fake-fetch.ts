/**
 * A stand-in for `fetch` in tests: it records every request and answers from a handler, so tool
 * tests assert the real request shape and never reach the network. It honours the AbortSignal
 * like a browser does.
 */

/** One request the fake fetch received. */
export interface RecordedRequest {
  url: URL;
  method: string;
  headers: Headers;
  body: string | undefined;
  signal: AbortSignal | undefined;
}

/** Answers one request: a response, or a thrown error (a CORS refusal is a `TypeError`). */
export type FakeHandler = (request: RecordedRequest) => Response | Promise<Response>;

/** The fake and what it has seen. */
export interface FakeFetch {
  fetch: typeof globalThis.fetch;
  requests: RecordedRequest[];
}

/** A fake fetch that answers with `handler`. */
export function createFakeFetch(handler: FakeHandler): FakeFetch {
  const requests: RecordedRequest[] = [];
  const fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const signal = init.signal ?? undefined;
    const request: RecordedRequest = {
      url,
      method: (init.method ?? 'GET').toUpperCase(),
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? init.body : undefined,
      signal,
    };
    requests.push(request);
    if (signal?.aborted) throw abortReason(signal);
    const answer = Promise.resolve().then(() => handler(request));
    if (!signal) return answer;
    return new Promise<Response>((resolve, reject) => {
      const onAbort = () => reject(abortReason(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/** A JSON response. */
export function jsonResponse(data: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(data), { status: 200, ...init, headers: { 'content-type': 'application/json; charset=utf-8', ...init.headers } });
}

/** A text response of the given media type. */
export function textResponse(text: string, contentType = 'text/plain; charset=utf-8', init: ResponseInit = {}): Response {
  return new Response(text, { status: 200, ...init, headers: { 'content-type': contentType, ...init.headers } });
}

/** A response that never comes: only an abort ends the request. */
export function never(): Promise<Response> {
  return new Promise<Response>(() => undefined);
}

/** What a browser's fetch throws when CORS refuses the page (the same as being offline). */
export function corsRefusal(): never {
  throw new TypeError('Failed to fetch');
}
