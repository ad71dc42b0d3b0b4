import { isAbortError, StepwiseError } from '../errors.ts';
import { fetchFailure, pageLocation, serverMessageFromBody } from '../llm/endpoint-errors.ts';
import { localNetworkInit } from '../llm/address-space.ts';
import type { OtlpExport } from './otlp.ts';
import { redactKnownSecrets } from './redact.ts';

/**
 * Sending a run's OTLP JSON to an OTLP/HTTP endpoint (an OpenTelemetry Collector, or Phoenix and
 * Langfuse through one), with a diagnosis a person can act on when the browser or the endpoint
 * refuses.
 */

/** Where an export went wrong: the URL, the network, CORS, or the endpoint's answer. */
export type OtlpSendErrorKind = 'bad-url' | 'network' | 'cors' | 'mixed-content' | 'http' | 'rejected';

/** Sending a trace to an OTLP endpoint failed; `hint` says what to change. Never carries a header. */
export class OtlpSendError extends StepwiseError {
  // Spelled out: minifiers rename classes, and the name reaches the UI.
  override readonly name = 'OtlpSendError';
  readonly kind: OtlpSendErrorKind;
  readonly status?: number;
  constructor(kind: OtlpSendErrorKind, message: string, options: { hint?: string; status?: number; cause?: unknown } = {}) {
    const status = options.status;
    super(message, { hint: options.hint, cause: options.cause, transient: kind === 'network' || status === 429 || (status !== undefined && status >= 500) });
    this.kind = kind;
    if (status !== undefined) this.status = status;
  }
}

/** The OTLP/HTTP traces path. */
export const otlpTracesPath = '/v1/traces';

const endpointExamples =
  'OpenTelemetry Collector: http://localhost:4318/v1/traces; Phoenix: http://localhost:6006/v1/traces; ' +
  'Langfuse: https://cloud.langfuse.com/api/public/otel/v1/traces';

/** How to let this page post to a collector, for CORS hints. */
function corsHint(origin: string): string {
  return (
    `Allow ${origin} on the endpoint. OpenTelemetry Collector: list it under receivers → otlp → protocols → http → cors → allowed_origins ` +
    '(and any header you send, such as Authorization, under cors → allowed_headers). ' +
    'Phoenix and Langfuse: send through such a Collector (its otlphttp exporter forwards to them), or use the CORS settings their documentation gives.'
  );
}

/**
 * The traces endpoint for what a person typed: `…/v1/traces` as given, or a base URL with
 * `/v1/traces` appended (`http://localhost:4318` → `http://localhost:4318/v1/traces`).
 */
export function otlpTracesUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch (cause) {
    throw new OtlpSendError('bad-url', 'The OTLP endpoint is not a valid URL.', { cause, hint: `Give the endpoint's OTLP/HTTP address, for example ${endpointExamples}.` });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OtlpSendError('bad-url', `The OTLP endpoint must be an http or https URL, not ${url.protocol}.`, { hint: `For example ${endpointExamples}.` });
  }
  if (url.username !== '' || url.password !== '') {
    throw new OtlpSendError('bad-url', 'The OTLP endpoint URL carries a user name or password, which browsers do not send.', {
      hint: 'Remove them from the URL and give them as a header instead (for example Authorization: Basic …).',
    });
  }
  if (!url.pathname.replace(/\/+$/, '').endsWith(otlpTracesPath)) url.pathname = `${url.pathname.replace(/\/+$/, '')}${otlpTracesPath}`;
  url.hash = '';
  return url;
}

function statusHint(status: number, url: URL): string {
  if (url.port === '4317') return 'Port 4317 is OTLP over gRPC, which a browser cannot speak: use the OTLP/HTTP port (4318 on an OpenTelemetry Collector).';
  if (status === 401 || status === 403) {
    return (
      'Check the headers: Langfuse wants Authorization: Basic <base64 of public key:secret key>; Phoenix with authentication wants its API key ' +
      '(Authorization: Bearer <key>); a Collector with an authenticator wants what it is configured for.'
    );
  }
  if (status === 404 || status === 405) return `Check the URL: traces go to the OTLP/HTTP traces path, for example ${endpointExamples}.`;
  if (status === 413) return "The trace is larger than the endpoint accepts: raise max_request_body_size under the Collector's otlp receiver (http protocol).";
  if (status === 415) {
    return (
      'The endpoint does not take OTLP as JSON (Phoenix takes only protobuf at /v1/traces): send to an OpenTelemetry Collector, whose otlp receiver takes JSON, ' +
      'and let it forward to the backend.'
    );
  }
  if (status === 429 || status >= 500) return 'The endpoint is busy or failed on its side (its log says why): try again in a moment.';
  return 'The endpoint rejected the trace; its message says why.';
}

/** Scrubs the values of the headers the person gave from text an endpoint sent back. */
function withoutHeaderValues(text: string, headers: Record<string, string> | undefined): string {
  const values = Object.values(headers ?? {}).flatMap((value) => [value, ...value.split(/\s+/)]);
  return redactKnownSecrets(text, values);
}

/**
 * Posts `payload` as OTLP/JSON to an OTLP/HTTP endpoint (`/v1/traces` appended to a base URL).
 * Resolves when the endpoint took every span; otherwise throws an `OtlpSendError` with a hint
 * (unreachable, CORS, mixed content, HTTP status, spans rejected). An abort rethrows as is.
 * The headers are sent and never logged or put in an error.
 */
export async function sendOtlp(
  url: string,
  payload: OtlpExport,
  options: { headers?: Record<string, string>; fetch?: typeof fetch; signal?: AbortSignal } = {},
): Promise<void> {
  const target = otlpTracesUrl(url);
  const fetchImplementation = options.fetch ?? globalThis.fetch.bind(globalThis);
  const headers = new Headers(options.headers);
  headers.set('Content-Type', 'application/json');
  let response: Response;
  try {
    response = await fetchImplementation(target.href, {
      method: 'POST',
      headers,
      body: JSON.stringify(payload),
      credentials: 'omit',
      ...(options.signal ? { signal: options.signal } : {}),
      // A collector on this computer, from a page on a public address: Local Network Access.
      ...localNetworkInit(pageLocation()?.origin, target),
    });
  } catch (cause) {
    if (isAbortError(cause) || options.signal?.aborted) throw cause;
    const diagnosis = await fetchFailure(cause, { url: target }, fetchImplementation);
    const message = withoutHeaderValues(diagnosis.message, options.headers);
    const origin = (globalThis as { location?: { origin?: unknown } }).location?.origin;
    const pageOrigin = typeof origin === 'string' ? origin : "this page's origin";
    if (diagnosis.kind === 'mixed-content') {
      throw new OtlpSendError('mixed-content', message, {
        cause,
        hint: 'Serve the endpoint over https (a reverse proxy or a tunnel in front of the Collector), or open Stepwise over http on your own machine.',
      });
    }
    if (diagnosis.kind === 'cors') throw new OtlpSendError('cors', message, { cause, hint: corsHint(pageOrigin) });
    throw new OtlpSendError('network', message, {
      cause,
      hint:
        "Check that the endpoint is running and that its OTLP/HTTP receiver listens on that host and port (a Collector's default is 4318, Phoenix's 6006). " +
        `If it is running, it may be refusing this page's origin. ${corsHint(pageOrigin)}`,
    });
  }
  const body = await response.text().catch(() => '');
  if (!response.ok) {
    const serverMessage = serverMessageFromBody(withoutHeaderValues(body, options.headers));
    throw new OtlpSendError('http', `${target.origin} refused the trace (HTTP ${response.status})${serverMessage ? `: ${serverMessage}` : '.'}`, {
      status: response.status,
      hint: statusHint(response.status, target),
    });
  }
  const rejected = partialRejection(body);
  if (rejected) {
    const detail = rejected.message ? `: ${withoutHeaderValues(rejected.message, options.headers)}` : '.';
    throw new OtlpSendError('rejected', `${target.origin} took the trace but rejected ${rejected.count} of its spans${detail}`, {
      status: response.status,
      hint: "The endpoint's message (and its log) says which spans and why.",
    });
  }
}

/** An OTLP partial success that dropped spans: `{"partialSuccess": {"rejectedSpans": "2", "errorMessage": …}}`. */
function partialRejection(body: string): { count: number; message?: string } | undefined {
  if (!body.trim().startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(body) as { partialSuccess?: { rejectedSpans?: unknown; errorMessage?: unknown } };
    const count = Number(parsed.partialSuccess?.rejectedSpans ?? 0);
    if (!Number.isFinite(count) || count <= 0) return undefined;
    const message = parsed.partialSuccess?.errorMessage;
    return { count, ...(typeof message === 'string' && message !== '' ? { message } : {}) };
  } catch {
    return undefined;
  }
}
