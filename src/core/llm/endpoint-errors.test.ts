import { afterEach, describe, expect, it, vi } from 'vitest';
import { EndpointError } from '../errors.ts';
import { fetchFailure, httpError, isLoopbackHost, parseRetryAfter, redact, serverMessageFromBody } from './endpoint-errors.ts';

const context = { url: new URL('http://192.168.1.20:8000/v1/chat/completions'), model: 'llama-70b' };
const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('1.5')).toBe(1500);
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
  });

  it('ignores missing or unreadable values', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('server messages', () => {
  it('finds the message in the error shapes of real servers', () => {
    expect(serverMessageFromBody('{"error":{"message":"Invalid API Key","type":"authentication_error"}}')).toBe('Invalid API Key');
    expect(serverMessageFromBody('{"object":"error","message":"The model `x` does not exist.","code":404}')).toBe('The model `x` does not exist.');
    expect(serverMessageFromBody('{"error":"Input validation error","error_type":"validation"}')).toBe('Input validation error');
    expect(serverMessageFromBody('{"detail":"Not Found"}')).toBe('Not Found');
    expect(serverMessageFromBody('{"detail":[{"msg":"field required"}]}')).toBe('field required');
    expect(serverMessageFromBody('upstream timed out')).toBe('upstream timed out');
    expect(serverMessageFromBody('<html><body>502</body></html>')).toBeUndefined();
  });

  it('redacts the API key', () => {
    expect(redact('Incorrect API key provided: sk-secret-123', 'sk-secret-123')).toBe('Incorrect API key provided: [API key]');
    const error = httpError({ status: 401, headers: new Headers() }, '{"error":{"message":"bad key sk-secret-123"}}', { ...context, apiKey: 'sk-secret-123' });
    expect(error.message).not.toContain('sk-secret-123');
  });
});

describe('httpError', () => {
  it('names the fix for each status', () => {
    const headers = new Headers();
    expect(httpError({ status: 401, headers }, '', context)).toMatchObject({ kind: 'auth', status: 401 });
    expect(httpError({ status: 403, headers }, '', context).hint).toContain('OLLAMA_ORIGINS');
    const notFound = httpError({ status: 404, headers }, '{"object":"error","message":"The model `llama-70b` does not exist."}', context);
    expect(notFound.kind).toBe('not-found');
    expect(notFound.message).toContain('does not exist');
    expect(notFound.hint).toContain('/v1');
    expect(httpError({ status: 400, headers }, '{"error":{"message":"response_format json_schema is not supported"}}', { ...context, structured: true }).hint).toContain(
      'Structured output',
    );
    expect(httpError({ status: 400, headers }, '{"error":{"message":"This model\'s maximum context length is 8192 tokens"}}', context).hint).toContain('max tokens');
    expect(httpError({ status: 503, headers }, '', context)).toMatchObject({ kind: 'server', transient: true });
    expect(httpError({ status: 503, headers }, '', context).hint).toContain('Ollama');
    expect(httpError({ status: 302, headers }, '', context).kind).toBe('bad-response');
  });

  it('parses Retry-After on 429', () => {
    const error = httpError({ status: 429, headers: new Headers({ 'Retry-After': '7' }) }, '', context);
    expect(error).toMatchObject({ kind: 'rate-limit', retryAfterMs: 7000 });
    expect(error.hint).toContain('7 s');
  });
});

describe('fetchFailure', () => {
  const unusedFetch = (() => Promise.reject(new Error('not called'))) as typeof fetch;

  it('outside a page, a refused connection is a network error naming the cause', async () => {
    const error = await fetchFailure(refused, context, unusedFetch);
    expect(error).toBeInstanceOf(EndpointError);
    expect(error.kind).toBe('network');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.hint).toContain('--port');
  });

  it('in an https page, an http URL on a public host is mixed content', async () => {
    vi.stubGlobal('location', { protocol: 'https:', origin: 'https://stepwise.example' });
    const error = await fetchFailure(new TypeError('Failed to fetch'), { url: new URL('http://models.example.net:8000/v1/chat/completions') }, unusedFetch);
    expect(error.kind).toBe('mixed-content');
  });

  it('a public page that cannot reach this computer or the local network is told about Local Network Access, not CORS or mixed content', async () => {
    vi.stubGlobal('location', { protocol: 'https:', origin: 'https://stepwise.example' });
    const probes: string[] = [];
    const recording = ((input: RequestInfo | URL) => {
      probes.push(String(input));
      return Promise.reject(new TypeError('Failed to fetch'));
    }) as typeof fetch;
    const loopback = await fetchFailure(new TypeError('Failed to fetch'), { url: new URL('http://127.0.0.1:11434/v1/chat/completions') }, recording);
    expect(loopback.kind).toBe('local-network');
    expect(loopback.message).toBe('The browser stopped this page (https://stepwise.example) from reaching http://127.0.0.1:11434 on this computer before any answer.');
    expect(loopback.hint).toContain('Local Network Access, Chrome 142 and later');
    expect(loopback.hint).toContain('Site settings');
    // Ollama's variable names this page's exact origin.
    expect(loopback.hint).toContain('OLLAMA_ORIGINS=https://stepwise.example');
    expect(loopback.transient).toBe(false);
    // The probe would be refused the same way: none is made.
    expect(probes).toEqual([]);

    const lan = await fetchFailure(new TypeError('Failed to fetch'), context, recording);
    expect(lan.kind).toBe('local-network');
    expect(lan.message).toContain('http://192.168.1.20:8000 on your local network');

    // Served over plain http, the page cannot even ask.
    vi.stubGlobal('location', { protocol: 'http:', origin: 'http://stepwise.example' });
    expect((await fetchFailure(new TypeError('Failed to fetch'), context, recording)).hint).toContain('only on pages served over https');
  });

  it('names the exact origin for Ollama and the new llama.cpp flags in the CORS hint', async () => {
    vi.stubGlobal('location', { protocol: 'http:', origin: 'http://127.0.0.1:5173' });
    const reachable = (() => Promise.resolve(new Response(null, { status: 200 }))) as typeof fetch;
    const cors = await fetchFailure(new TypeError('Failed to fetch'), { url: new URL('http://127.0.0.1:8080/v1/models') }, reachable);
    expect(cors.kind).toBe('cors');
    expect(cors.hint).toContain('OLLAMA_ORIGINS=http://127.0.0.1:5173');
    expect(cors.hint).toContain('--cors-origins http://127.0.0.1:5173');
    expect(cors.hint).toContain('allows every origin in older builds');
  });

  it('in a page, tells a CORS refusal from a dead server with a no-cors request', async () => {
    vi.stubGlobal('location', { protocol: 'http:', origin: 'http://127.0.0.1:5173' });
    const modes: (RequestMode | undefined)[] = [];
    const reachable = ((_input: RequestInfo | URL, init?: RequestInit) => {
      modes.push(init?.mode);
      return Promise.resolve(new Response(null, { status: 200 }));
    }) as typeof fetch;
    const cors = await fetchFailure(new TypeError('Failed to fetch'), { ...context, apiKey: 'k' }, reachable);
    expect(modes).toEqual(['no-cors']);
    expect(cors.kind).toBe('cors');
    for (const flag of ['--allowed-origins', 'OLLAMA_ORIGINS', 'Enable CORS', 'llama.cpp', 'Authorization']) expect(cors.hint).toContain(flag);

    const unreachable = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;
    const network = await fetchFailure(new TypeError('Failed to fetch'), context, unreachable);
    expect(network.kind).toBe('network');
    expect(network.hint).toContain('OLLAMA_ORIGINS');
  });

  it('knows loopback hosts', () => {
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('192.168.1.20')).toBe(false);
  });
});
