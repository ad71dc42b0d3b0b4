import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { useMemo } from 'react';

// Links from model text open in a new tab and never reach `javascript:`; DOMPurify drops
// scripts, event handlers and dangerous URLs before anything touches the DOM.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

/** Model text as sanitised markdown; `#E` citations become links to their steps. */
export function Markdown({ text, className }: { text: string; className?: string }) {
  const html = useMemo(() => {
    const linked = text.replace(/\[?(#E\d+)\]?(?!\d)/g, (_match, variable: string) => `[${variable}](#step-${variable.slice(1)})`);
    const rendered = marked.parse(linked, { async: false, gfm: true, breaks: true });
    return DOMPurify.sanitize(rendered, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input', 'iframe'] });
  }, [text]);
  // Sanitised by DOMPurify just above.
  return <div className={className} dangerouslySetInnerHTML={{ __html: html }} />;
}
