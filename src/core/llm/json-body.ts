import { largeTextChars, yieldToPage } from '../run/retry.ts';

/** How much of a long string is JSON-escaped per task. */
const sliceChars = 256 * 1024;

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `value` as JSON in a Blob: the same text as `JSON.stringify(value)`. Strings longer than
 * `largeTextChars` (a solver prompt with megabytes of evidence) are escaped a slice at a time,
 * each slice in a task of its own, so that sending a huge request never blocks the page.
 */
export async function jsonBlob(value: unknown): Promise<Blob> {
  const long: string[] = [];
  // Each long string becomes a marker no value can hold by chance (a fresh nonce each time).
  const marker = `\u0000${globalThis.crypto.randomUUID()}:`;
  const skeleton = JSON.stringify(value, (_key, item: unknown) => (typeof item === 'string' && item.length > largeTextChars ? `${marker}${long.push(item) - 1}` : item));
  if (long.length === 0) return new Blob([skeleton], { type: 'application/json' });
  const pattern = new RegExp(`"${escapeRegExp(JSON.stringify(marker).slice(1, -1))}(\\d+)"`, 'g');
  const parts: string[] = [];
  let last = 0;
  for (const match of skeleton.matchAll(pattern)) {
    parts.push(skeleton.slice(last, match.index), '"');
    const text = long[Number(match[1])] ?? '';
    for (let start = 0; start < text.length; ) {
      let end = Math.min(text.length, start + sliceChars);
      // A surrogate pair stays whole: JSON.stringify would escape its halves apart.
      if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
      parts.push(JSON.stringify(text.slice(start, end)).slice(1, -1));
      start = end;
      await yieldToPage();
    }
    parts.push('"');
    last = match.index + match[0].length;
  }
  parts.push(skeleton.slice(last));
  return new Blob(parts, { type: 'application/json' });
}
