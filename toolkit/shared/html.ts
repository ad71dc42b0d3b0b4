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

/**
 * Readable text of an HTML page: the main article found by Readability where there is one,
 * else the text of the whole body. Without a parser (a worker) tags are stripped roughly.
 */
export async function htmlToText(html: string, parser: HtmlParser | undefined): Promise<PageText> {
  if (!parser) {
    const title = stripTags(/<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? '');
    // A private-use character marks line breaks, because stripTags collapses all whitespace.
    const body = (/<body[\s\S]*<\/body>/i.exec(html)?.[0] ?? html)
      .replace(/<(script|style|noscript|template|svg)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<\/(p|div|li|h[1-6]|tr|section|article|ul|ol|table|blockquote|pre)\s*>|<br\s*\/?>/gi, '\ue000');
    return { title, text: tidyText(stripTags(body).replace(/ ?\ue000 ?/g, '\n')), source: 'markup' };
  }
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
