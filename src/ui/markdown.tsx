import { useCallback, useEffect, useMemo, useState, type MouseEvent, type ReactNode } from 'react';

/** Model text → sanitised HTML; `loadedImages` are the remote images the person chose to load. */
type Renderer = (markdown: string, loadedImages: ReadonlySet<string>) => string;

/** Longer text is shown as plain text: `marked` overflows the stack on answers of megabytes. */
export const markdownLimit = 100_000;
/** Plain text beyond this is cut with a note; a person can export the run for the rest. */
export const plainTextLimit = 200_000;

// Model text, web content and imported traces are hostile. Besides what DOMPurify removes by
// itself (scripts, handlers, `javascript:` URLs): no `style`, `class` or `id` (a fixed overlay,
// or the app's own classes and anchors, could cover or hijack the page), no forms or buttons,
// and nothing that loads a resource by itself (every such request could carry evidence to
// another server without a click). Images become placeholders that load on a click.
const sanitizeConfig = {
  USE_PROFILES: { html: true },
  ALLOW_DATA_ATTR: false,
  FORBID_TAGS: [
    'style', 'link', 'meta', 'base', 'form', 'input', 'button', 'select', 'textarea', 'dialog', 'template',
    'iframe', 'frame', 'frameset', 'object', 'embed', 'video', 'audio', 'source', 'track', 'picture', 'svg', 'math',
  ],
  FORBID_ATTR: ['style', 'class', 'id', 'name', 'srcset', 'background', 'poster', 'ping', 'popover', 'popovertarget', 'formaction', 'action', 'tabindex', 'accesskey'],
};

/** The host a URL points at, for a person to read; the URL itself when it has none. */
function hostOf(url: URL): string {
  return url.host || url.href;
}

/**
 * Rewrites sanitised HTML inside an inert `<template>` (nothing there loads): external links open
 * in a new tab without opener or referrer and show their host; images that are not inline data
 * become buttons that name their host, unless the person already chose to load them.
 */
function neutralise(html: string, loadedImages: ReadonlySet<string>): string {
  const template = document.createElement('template');
  template.innerHTML = html;
  const content = template.content;
  for (const link of content.querySelectorAll('a[href]')) {
    const href = link.getAttribute('href') ?? '';
    if (href.startsWith('#')) continue;
    link.setAttribute('target', '_blank');
    link.setAttribute('rel', 'noopener noreferrer');
    link.setAttribute('referrerpolicy', 'no-referrer');
    let target: string;
    try {
      const url = new URL(href, document.baseURI);
      target = url.protocol === 'http:' || url.protocol === 'https:' ? hostOf(url) : url.href;
    } catch {
      target = href;
    }
    link.setAttribute('title', href);
    if (link.textContent?.trim() !== href && link.textContent?.trim() !== target) {
      const shown = document.createElement('span');
      shown.className = 'link-target';
      shown.textContent = ` (${target})`;
      link.append(shown);
    }
  }
  for (const image of content.querySelectorAll('img')) {
    const source = image.getAttribute('src')?.trim() ?? '';
    if (/^data:image\//i.test(source)) continue;
    if (source === '') {
      image.remove();
      continue;
    }
    let url: URL | undefined;
    try {
      url = new URL(source, document.baseURI);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      image.remove();
      continue;
    }
    if (loadedImages.has(url.href)) {
      image.setAttribute('src', url.href);
      image.setAttribute('referrerpolicy', 'no-referrer');
      continue;
    }
    const placeholder = document.createElement('button');
    placeholder.type = 'button';
    placeholder.className = 'remote-image';
    placeholder.dataset.stepwiseSrc = url.href;
    placeholder.title = url.href;
    const alt = image.getAttribute('alt')?.trim();
    placeholder.textContent = `Load image${alt ? ` "${alt}"` : ''} from ${hostOf(url)}`;
    image.replaceWith(placeholder);
  }
  return template.innerHTML;
}

// marked and DOMPurify (about 25 KB gzip) are only needed once an answer is written, so they
// stay out of the first-load JavaScript: loaded on first use (or when the page is idle), with
// plain text shown until then.
let renderer: Renderer | undefined;
let loading: Promise<Renderer> | undefined;

/** Loads marked and DOMPurify once; every caller gets the same renderer. */
export function loadMarkdownRenderer(): Promise<Renderer> {
  loading ??= Promise.all([import('marked'), import('dompurify')])
    .then(([{ marked }, { default: DOMPurify }]) => {
      renderer = (markdown, loadedImages) =>
        neutralise(DOMPurify.sanitize(marked.parse(markdown, { async: false, gfm: true, breaks: true }), sanitizeConfig), loadedImages);
      return renderer;
    })
    .catch((error: unknown) => {
      // A failed chunk download (offline, new deploy) may succeed on the next answer.
      loading = undefined;
      throw error;
    });
  return loading;
}

/** Text that takes the renderer through what answers use: paragraphs, lists, emphasis, links, code, a table. */
const warmUpSample = '# A\n\nText *b* **c** [d](#step-E1) `e`\n\n- f\n- g\n\n1. h\n\n> i\n\n| j | k |\n|---|---|\n| 1 | 2 |\n\n```\nl\n```';

/**
 * Loads the renderer and formats a sample with it, in a task of its own. The first text marked
 * and DOMPurify format costs 30–40 ms (their code and regular expressions are compiled then);
 * done here, the answer's first render does not carry it. Called when the page is idle and again
 * when a run starts its answer (a long run's garbage collections can drop compiled code that
 * went unused, and then the cost comes back).
 */
export function warmMarkdownRenderer(): void {
  loadMarkdownRenderer().then(
    (render) => setTimeout(() => render(warmUpSample, new Set())),
    () => {},
  );
}

// Warm the renderer once the page has nothing better to do, so the first answer is formatted at once.
if (typeof window !== 'undefined') {
  if ('requestIdleCallback' in window) window.requestIdleCallback(warmMarkdownRenderer, { timeout: 5000 });
  else setTimeout(warmMarkdownRenderer, 2000);
}

const citation = /\[?(#E\d+)\]?(?!\d)/g;
const integer = new Intl.NumberFormat('en-US');

/** The text as it is, `#E` citations as links: shown until the renderer is loaded, and for text too long to format. */
function PlainText({ text }: { text: string }) {
  const shown = text.length > plainTextLimit ? text.slice(0, plainTextLimit) : text;
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of shown.matchAll(citation)) {
    const variable = match[1] as string;
    parts.push(shown.slice(last, match.index));
    parts.push(
      <a key={match.index} href={`#step-${variable.slice(1)}`}>
        {variable}
      </a>,
    );
    last = match.index + match[0].length;
  }
  parts.push(shown.slice(last));
  return (
    <>
      {text.length > markdownLimit && (
        <p className="hint">
          This text has {integer.format(text.length)} characters, too many to format: it is shown as plain text
          {text.length > plainTextLimit ? `, cut after ${integer.format(plainTextLimit)} characters (export the run for all of it)` : ''}.
        </p>
      )}
      <div style={{ whiteSpace: 'pre-wrap' }}>{parts}</div>
    </>
  );
}

/**
 * Model text as sanitised markdown; `#E` citations become links to their steps. Text over
 * `markdownLimit` characters is shown as plain text.
 */
export function Markdown({ text, className }: { text: string; className?: string }) {
  const [render, setRender] = useState<Renderer | undefined>(() => renderer);
  const [loadedImages, setLoadedImages] = useState<ReadonlySet<string>>(() => new Set());
  const tooLong = text.length > markdownLimit;
  useEffect(() => {
    if (render || tooLong) return;
    let current = true;
    loadMarkdownRenderer().then(
      (loaded) => current && setRender(() => loaded),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [render, tooLong]);
  const html = useMemo(
    () => (tooLong ? undefined : render?.(text.replace(citation, (_match, variable: string) => `[${variable}](#step-${variable.slice(1)})`), loadedImages)),
    [render, text, tooLong, loadedImages],
  );
  const loadImage = useCallback((event: MouseEvent<HTMLDivElement>) => {
    const placeholder = (event.target as Element).closest('button[data-stepwise-src]');
    const source = placeholder?.getAttribute('data-stepwise-src');
    if (source) setLoadedImages((loaded) => new Set(loaded).add(source));
  }, []);
  const classes = className ? `markdown ${className}` : 'markdown';
  if (html === undefined) {
    return (
      <div className={classes}>
        <PlainText text={text} />
      </div>
    );
  }
  // Sanitised by DOMPurify and rewritten by neutralise() before it reaches the page; the
  // click handler only loads images the person clicked (model text cannot add buttons); the
  // placeholders are real buttons, so a key press reaches it as a click too.
  return <div className={classes} onClick={loadImage} dangerouslySetInnerHTML={{ __html: html }} />;
}
