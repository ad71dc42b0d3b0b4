/**
 * Work on texts of megabytes (a solver prompt with large evidence, its record in the event log)
 * a slice per task, so that none of it blocks the page: on a slow machine one pass over 2 MB
 * (escaping it as JSON, encoding it into a Blob, an IndexedDB put of it) takes 30–80 ms.
 */

/** Texts longer than this are worked on in tasks of their own. */
export const largeTextChars = 100_000;

/** Characters of a long text handled per task. */
export const sliceChars = 256 * 1024;

/** Lets the page paint before going on: what follows runs in a task of its own. */
export const yieldToPage = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** The ends of `text`'s slices of about `sliceChars`; a surrogate pair is never cut in two. */
export function* sliceEnds(text: string): Generator<[start: number, end: number]> {
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + sliceChars);
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
    yield [start, end];
    start = end;
  }
}

/**
 * `text` as a Blob (UTF-8), encoded a slice per task: a Blob of Blobs joins them by reference.
 * Stored in IndexedDB, a Blob is written by the browser, not serialised on the page.
 */
export async function textBlob(text: string, type = 'text/plain'): Promise<Blob> {
  const parts: Blob[] = [];
  for (const [start, end] of sliceEnds(text)) {
    parts.push(new Blob([text.slice(start, end)]));
    await yieldToPage();
  }
  return new Blob(parts, { type });
}
