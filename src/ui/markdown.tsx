import { useEffect, useMemo, useState, type ReactNode } from 'react';

/** Model text → sanitised HTML. */
type Renderer = (markdown: string) => string;

// marked and DOMPurify (about 25 KB gzip) are only needed once an answer is written, so they
// stay out of the first-load JavaScript: loaded on first use (or when the page is idle), with
// plain text shown until then.
let renderer: Renderer | undefined;
let loading: Promise<Renderer> | undefined;

/** Loads marked and DOMPurify once; every caller gets the same renderer. */
export function loadMarkdownRenderer(): Promise<Renderer> {
  loading ??= Promise.all([import('marked'), import('dompurify')])
    .then(([{ marked }, { default: DOMPurify }]) => {
      // Links from model text open in a new tab and never reach `javascript:`; DOMPurify drops
      // scripts, event handlers and dangerous URLs before anything touches the DOM. Citations
      // (`#step-E1`) stay in the page.
      DOMPurify.addHook('afterSanitizeAttributes', (node) => {
        if (node.tagName === 'A' && !node.getAttribute('href')?.startsWith('#')) {
          node.setAttribute('target', '_blank');
          node.setAttribute('rel', 'noopener noreferrer');
        }
      });
      renderer = (markdown) =>
        DOMPurify.sanitize(marked.parse(markdown, { async: false, gfm: true, breaks: true }), { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input', 'iframe'] });
      return renderer;
    })
    .catch((error: unknown) => {
      // A failed chunk download (offline, new deploy) may succeed on the next answer.
      loading = undefined;
      throw error;
    });
  return loading;
}

// Fetch the renderer once the page has nothing better to do, so the first answer is formatted at once.
if (typeof window !== 'undefined') {
  const warm = () => void loadMarkdownRenderer().catch(() => {});
  if ('requestIdleCallback' in window) window.requestIdleCallback(warm, { timeout: 5000 });
  else setTimeout(warm, 2000);
}

const citation = /\[?(#E\d+)\]?(?!\d)/g;

/** The text as it is, `#E` citations as links: what shows until the markdown renderer is loaded. */
function PlainText({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(citation)) {
    const variable = match[1] as string;
    parts.push(text.slice(last, match.index));
    parts.push(
      <a key={match.index} href={`#step-${variable.slice(1)}`}>
        {variable}
      </a>,
    );
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return <div style={{ whiteSpace: 'pre-wrap' }}>{parts}</div>;
}

/** Model text as sanitised markdown; `#E` citations become links to their steps. */
export function Markdown({ text, className }: { text: string; className?: string }) {
  const [render, setRender] = useState<Renderer | undefined>(() => renderer);
  useEffect(() => {
    if (render) return;
    let current = true;
    loadMarkdownRenderer().then(
      (loaded) => current && setRender(() => loaded),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [render]);
  const html = useMemo(() => render?.(text.replace(citation, (_match, variable: string) => `[${variable}](#step-${variable.slice(1)})`)), [render, text]);
  if (html === undefined) {
    return (
      <div className={className}>
        <PlainText text={text} />
      </div>
    );
  }
  // Sanitised by DOMPurify in the renderer.
  return <div className={className} dangerouslySetInnerHTML={{ __html: html }} />;
}
