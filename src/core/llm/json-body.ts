import { largeTextChars, sliceEnds, yieldToPage } from '../run/slices.ts';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `value` as JSON in a Blob: the same text as `JSON.stringify(value)`. Strings longer than
 * `largeTextChars` (a solver prompt with megabytes of evidence) are escaped and encoded a slice
 * at a time, each slice in a task of its own (as a Blob, so that the whole is joined by
 * reference, not encoded again), so that sending a huge request never blocks the page.
 */
export async function jsonBlob(value: unknown): Promise<Blob> {
  const long: string[] = [];
  // Each long string becomes a marker no value can hold by chance (a fresh nonce each time).
  const marker = `\u0000${globalThis.crypto.randomUUID()}:`;
  const skeleton = JSON.stringify(value, (_key, item: unknown) => (typeof item === 'string' && item.length > largeTextChars ? `${marker}${long.push(item) - 1}` : item));
  if (long.length === 0) return new Blob([skeleton], { type: 'application/json' });
  const pattern = new RegExp(`"${escapeRegExp(JSON.stringify(marker).slice(1, -1))}(\\d+)"`, 'g');
  const parts: (string | Blob)[] = [];
  let last = 0;
  for (const match of skeleton.matchAll(pattern)) {
    parts.push(skeleton.slice(last, match.index), '"');
    const text = long[Number(match[1])] ?? '';
    // A surrogate pair stays whole (`sliceEnds`): JSON.stringify would escape its halves apart.
    for (const [start, end] of sliceEnds(text)) {
      parts.push(new Blob([JSON.stringify(text.slice(start, end)).slice(1, -1)]));
      await yieldToPage();
    }
    parts.push('"');
    last = match.index + match[0].length;
  }
  parts.push(skeleton.slice(last));
  return new Blob(parts, { type: 'application/json' });
}
