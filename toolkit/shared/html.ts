import type { ToolContext } from '../../src/core/tools/types.ts';
import { stripTags, tidyText } from './text.ts';

/** What `fetch_url` needs from a DOMParser: the browser's, or linkedom's in Node tests. */
export interface HtmlParser {
  parseFromString(html: string, type: 'text/html'): Document;
}

/** Readable text of a web page. */
export interface PageText {
  title: string;
  byline?: string;
  text: string;
  /** `article` when Readability found the main content, `body` for the whole page's text. */
  source: 'article' | 'body' | 'markup';
}

const skippedTags = new Set(['script', 'style', 'noscript', 'template', 'svg', 'iframe', 'canvas', 'object', 'button', 'select']);
const paragraphTags = new Set(['p', 'blockquote', 'pre', 'table', 'ul', 'ol', 'dl', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'section', 'article']);
const lineTags = new Set(['div', 'li', 'tr', 'dt', 'dd', 'header', 'footer', 'nav', 'aside', 'main', 'form', 'address', 'figcaption', 'hr', 'caption']);

/**
 * The parser to use: `settings.domParser` (an instance, or a class such as linkedom's
 * `DOMParser`), else the page's `DOMParser`. Undefined in a worker or in Node without one.
 */
export function htmlParserFrom(settings: ToolContext['settings']): HtmlParser | undefined {
  const injected = settings.domParser;
  if (typeof injected === 'function') return new (injected as new () => HtmlParser)();
  if (typeof injected === 'object' && injected !== null && typeof (injected as HtmlParser).parseFromString === 'function') {
    return injected as HtmlParser;
  }
  const Parser = (globalThis as { DOMParser?: new () => HtmlParser }).DOMParser;
  return Parser ? new Parser() : undefined;
}

/**
 * Text of an element with the line structure a reader expects: paragraphs apart, list items
 * on their own lines with `- `, headings marked with `#`. Walks node types by number so that it
 * works with any DOM implementation.
 */
export function blockText(root: Node): string {
  // Text pieces and line breaks (as counts); whitespace between blocks must not add blank lines.
  const pieces: (string | number)[] = [];
  const addText = (text: string) => {
    if (text.trim() === '' && (pieces.length === 0 || typeof pieces.at(-1) === 'number')) return;
    pieces.push(text);
  };
  const addBreak = (count: number) => {
    if (count === 0) return;
    while (typeof pieces.at(-1) === 'string' && (pieces.at(-1) as string).trim() === '') pieces.pop();
    const last = pieces.at(-1);
    if (typeof last === 'number') pieces[pieces.length - 1] = Math.max(last, count);
    else pieces.push(count);
  };
  // Inside a list item, paragraphs (Readability wraps item text in <p>) must not split the item.
  const visit = (node: Node, inItem = false) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === 3) {
        addText((child.textContent ?? '').replace(/\s+/g, ' '));
        continue;
      }
      if (child.nodeType !== 1) continue;
      const tag = (child as Element).tagName.toLowerCase();
      if (skippedTags.has(tag) || (child as Element).getAttribute('hidden') !== null) continue;
      if (tag === 'br') {
        addBreak(1);
        continue;
      }
      const nestedBlock = tag === 'ul' || tag === 'ol' || tag === 'table' || tag === 'pre';
      const lines = tag === 'li' || (inItem && nestedBlock) ? 1 : inItem ? 0 : paragraphTags.has(tag) ? 2 : lineTags.has(tag) ? 1 : 0;
      if (inItem && lines === 0 && (paragraphTags.has(tag) || lineTags.has(tag))) addText(' ');
      addBreak(lines);
      const heading = /^h([1-6])$/.exec(tag);
      if (heading) addText(`${'#'.repeat(Number(heading[1]))} `);
      if (tag === 'li') addText('- ');
      if (tag === 'td' || tag === 'th') addText(' ');
      if (tag === 'img') {
        const alt = (child as Element).getAttribute('alt')?.trim();
        if (alt) addText(`[image: ${alt}]`);
      }
      visit(child, inItem || tag === 'li');
      if (tag === 'td' || tag === 'th') addText(' |');
      addBreak(lines);
    }
  };
  visit(root);
  return tidyText(pieces.map((piece) => (typeof piece === 'number' ? '\n'.repeat(piece) : piece)).join(''));
}

// Without a parser: elements whose content is not text, and elements whose end breaks the line.
const rawContentTags = new Set(['script', 'style', 'noscript', 'template', 'svg']);
const breakingEndTags = new Set(['p', 'div', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'tr', 'section', 'article', 'ul', 'ol', 'table', 'blockquote', 'pre']);
// A private-use character marks line breaks, because stripTags collapses all whitespace.
const lineBreak = '\ue000';

/**
 * Text of HTML markup without a parser, in one forward scan (so linear in its length, whatever
 * its shape): tags dropped, the content of script, style and the like skipped, a line break
 * after block elements and at `<br>`.
 */
function markupText(html: string): PageText {
  // ASCII only: toLowerCase() changes the length of some letters (İ), and positions are shared.
  const lower = html.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
  const titleOpen = lower.indexOf('<title');
  const titleStart = titleOpen === -1 ? -1 : lower.indexOf('>', titleOpen);
  const titleEnd = titleStart === -1 ? -1 : lower.indexOf('</title>', titleStart);
  const title = titleEnd === -1 ? '' : stripTags(html.slice(titleStart + 1, titleEnd));

  const bodyStart = lower.indexOf('<body');
  const bodyEnd = lower.lastIndexOf('</body>');
  const [start, end] = bodyStart !== -1 && bodyEnd > bodyStart ? [bodyStart, bodyEnd] : [0, html.length];
  const tagName = /(\/?)([a-z][a-z0-9]*)/y;
  // Names of raw-content elements with no end tag after the current position: searching again would rescan.
  const unclosed = new Set<string>();
  const pieces: string[] = [];
  let position = start;
  while (position < end) {
    const open = html.indexOf('<', position);
    const close = open === -1 || open >= end ? -1 : html.indexOf('>', open + 1);
    if (close === -1 || close >= end) break;
    pieces.push(html.slice(position, open));
    position = close + 1;
    tagName.lastIndex = open + 1;
    const [, slash, name = ''] = tagName.exec(lower) ?? [];
    if (slash === '' && rawContentTags.has(name) && !unclosed.has(name)) {
      const endTag = lower.indexOf(`</${name}`, position);
      const endTagClose = endTag === -1 || endTag >= end ? -1 : lower.indexOf('>', endTag);
      if (endTagClose === -1 || endTagClose >= end) unclosed.add(name);
      else position = endTagClose + 1;
      pieces.push(' ');
    } else if (name === 'br' || (slash === '/' && breakingEndTags.has(name))) {
      pieces.push(lineBreak);
    }
  }
  pieces.push(html.slice(position, end));
  return { title, text: tidyText(stripTags(pieces.join('')).replace(/ ?\ue000 ?/g, '\n')), source: 'markup' };
}

/**
 * Readable text of an HTML page: the main article found by Readability where there is one,
 * else the text of the whole body. Without a parser (a worker) tags are stripped roughly.
 */
export async function htmlToText(html: string, parser: HtmlParser | undefined): Promise<PageText> {
  if (!parser) return markupText(html);
  const { Readability } = await import('@mozilla/readability');
  // Readability changes the document it reads, so it gets its own copy.
  const articleDocument = parser.parseFromString(html, 'text/html');
  let article: ReturnType<InstanceType<typeof Readability<Node>>['parse']> = null;
  try {
    article = new Readability<Node>(articleDocument, { serializer: (node) => node }).parse();
  } catch {
    // Pages Readability cannot handle still have body text below.
  }
  const articleText = article?.content ? blockText(article.content) : '';
  if (article && articleText.length >= 200) {
    return { title: article.title?.trim() ?? '', byline: article.byline?.trim() || undefined, text: articleText, source: 'article' };
  }
  const document = parser.parseFromString(html, 'text/html');
  const title = document.title?.trim() ?? '';
  return { title, text: document.body ? blockText(document.body) : '', source: 'body' };
}
