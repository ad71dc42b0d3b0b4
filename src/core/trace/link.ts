import { TraceLinkError } from '../errors.ts';
import { isReachable } from '../llm/endpoint-errors.ts';

/**
 * Runs that travel as links: a small trace compressed into the URL fragment (`#trace=…`, never
 * sent to any server), or `?trace=<url>` naming a trace file anywhere that allows CORS.
 * Compression is the browser's own (`CompressionStream`, raw DEFLATE), written as base64url.
 */

/** The most a trace may weigh in a link, compressed (bigger ones: the replay page or the JSON file). */
export const maximumLinkBytes = 32 * 1024;

/** The fragment key of a trace carried by the link itself. */
export const fragmentKey = 'trace';

async function pipe(bytes: Uint8Array, transform: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let index = 0; index < bytes.length; index += 0x8000) binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

/** A trace's text compressed for a link: the fragment's value and the compressed size in bytes. */
export async function compressTrace(text: string): Promise<{ value: string; bytes: number }> {
  const compressed = await pipe(new TextEncoder().encode(text), new CompressionStream('deflate-raw'));
  return { value: toBase64Url(compressed), bytes: compressed.length };
}

/** The trace text a link's fragment value carries; a damaged value says so. */
export async function decompressTrace(value: string): Promise<string> {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(await pipe(fromBase64Url(value), new DecompressionStream('deflate-raw')));
  } catch (cause) {
    throw new TraceLinkError('This link does not carry a readable run: it was cut or changed on the way.', {
      cause,
      hint: 'Copy the whole link again (it ends with a long #trace=… part), or ask for the JSON trace.',
    });
  }
}

/** What a page address asks to open: a trace in its fragment, a trace file's URL, or nothing. */
export function linkedTrace(location: { href: string }): { kind: 'fragment'; value: string } | { kind: 'url'; url: URL } | undefined {
  const here = new URL(location.href);
  const fragment = new URLSearchParams(here.hash.slice(1)).get(fragmentKey);
  if (fragment) return { kind: 'fragment', value: fragment };
  const named = here.searchParams.get(fragmentKey);
  if (!named) return undefined;
  try {
    const url = new URL(named, here);
    if (url.protocol === 'http:' || url.protocol === 'https:') return { kind: 'url', url };
  } catch {
    // Not a URL: said below.
  }
  throw new TraceLinkError(`"${named}" is not the address of a trace file.`, { hint: 'A link opens a trace with ?trace=https://…/run.json.' });
}

/**
 * The text of a trace file at `url`. A refused request is explained: the server is not
 * answering, or it answered but does not allow this page to read it (CORS), or an HTTP error.
 */
export async function fetchTraceText(url: URL, fetchImplementation: typeof fetch = (input, init) => globalThis.fetch(input, init)): Promise<string> {
  let response: Response;
  try {
    response = await fetchImplementation(url.href, { credentials: 'omit' });
  } catch (cause) {
    const page = globalThis.location?.origin;
    if (page && page !== url.origin && (await isReachable(url, fetchImplementation))) {
      throw new TraceLinkError(`${url.origin} answered, but does not let this page (${page}) read ${url.pathname} (CORS).`, {
        cause,
        hint: `Serve the file with the header Access-Control-Allow-Origin: ${page} (or *), or download it and use Open → Import trace….`,
      });
    }
    throw new TraceLinkError(`Could not load the trace from ${url.href}: the server did not answer${page && page !== url.origin ? ', or it does not allow this page to read it (CORS)' : ''}.`, {
      cause,
      hint: 'Check the address; if the file is on another site, it must send Access-Control-Allow-Origin. Or download it and use Open → Import trace….',
    });
  }
  if (!response.ok) throw new TraceLinkError(`${url.href} answered HTTP ${response.status}: no trace there.`, { hint: 'Check the address of the trace file.' });
  return response.text();
}
