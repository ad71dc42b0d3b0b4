import { truncateEvidence } from '../../src/core/run/evidence.ts';

/** Output longer than this is cut with a marker, unless a tool sets its own limit. */
export const defaultOutputLimit = 20_000;

/** Cuts tool output to `limit` characters with a visible marker that says how much was cut. */
export function capOutput(text: string, limit = defaultOutputLimit): string {
  return truncateEvidence(text, limit).text;
}

/** `1 character`, `2 characters`, `1,000 characters`: a count with its noun in the right number. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : plural}`;
}

/** Shortens one piece of text (a snippet, an extract) to about `limit` characters, ending with `…`. */
export function shorten(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > limit * 0.6 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * The text between tags: everything from a `<` to the next `>` is dropped. One forward scan, so
 * linear in the input however many `<` it has (a regex such as `/<[^>]*>/g` rescans the rest of
 * the input from each `<` that has no `>` after it).
 */
function removeTags(html: string): string {
  const pieces: string[] = [];
  let position = 0;
  for (;;) {
    const open = html.indexOf('<', position);
    if (open === -1) break;
    const close = html.indexOf('>', open + 1);
    // No ">" after this "<" means none after any later "<" either: the rest is text.
    if (close === -1) break;
    pieces.push(html.slice(position, open));
    position = close + 1;
  }
  pieces.push(html.slice(position));
  return pieces.join('');
}

/**
 * Plain text from a short HTML fragment (search snippets with `<em>` or `<span class="searchmatch">`
 * highlights): tags removed, common entities decoded, whitespace collapsed. Not for whole pages.
 * Linear in the length of the input, whatever its shape.
 */
export function stripTags(html: string): string {
  return removeTags(html)
    // Linear too: each "&" starts at most one scan of the letters or digits that follow it.
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (match, name: string) => {
      const lower = name.toLowerCase();
      if (lower.startsWith('#x')) return safeCodePoint(Number.parseInt(lower.slice(2), 16)) ?? match;
      if (lower.startsWith('#')) return safeCodePoint(Number.parseInt(lower.slice(1), 10)) ?? match;
      return entities[lower] ?? match;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

// Markup read per character of text a caller keeps: tags around highlights and links rarely weigh more.
const markupPerTextCharacter = 10;

/**
 * Plain text (as `stripTags`) of an HTML fragment of which a caller keeps at most `keep`
 * characters: only the first `keep * 10` characters of markup are read, so a field of megabytes
 * costs no more than an ordinary one.
 */
export function fragmentText(html: string, keep: number): string {
  return stripTags(html.slice(0, keep * markupPerTextCharacter));
}

function safeCodePoint(code: number): string | undefined {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

/** Collapses runs of spaces inside lines and runs of blank lines, and trims the ends. */
export function tidyText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Numbered list entries: `1. title` with indented detail lines, blank line between entries. */
export function formatResults(entries: readonly { title: string; lines: readonly string[] }[]): string {
  return entries
    .map((entry, index) =>
      [`${index + 1}. ${entry.title}`, ...entry.lines.filter((line) => line !== '').map((line) => `   ${line.replaceAll('\n', '\n   ')}`)].join('\n'),
    )
    .join('\n\n');
}
