// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMarkdownRenderer, Markdown } from './markdown.tsx';

const payload = 'Found it **here** [#E1] and #E12. <img src=x onerror="window.__xss=1"><script>window.__xss=2</script> [bad](javascript:window.__xss=3) [docs](https://example.org/)';

afterEach(cleanup);

describe('Markdown', () => {
  it('shows plain text with citation links until marked and DOMPurify are loaded', () => {
    const { container } = render(<Markdown text={payload} />);
    expect(screen.getByRole('link', { name: '#E1' }).getAttribute('href')).toBe('#step-E1');
    expect(screen.getByRole('link', { name: '#E12' }).getAttribute('href')).toBe('#step-E12');
    // Nothing from the text is HTML yet: the tags are text.
    expect(container.querySelector('img, script, strong')).toBeNull();
    expect(container.textContent).toContain('<script>');
  });

  it('then renders sanitised markdown: no script, no handlers, no javascript: links; citations stay in the page', async () => {
    await loadMarkdownRenderer();
    const { container } = render(<Markdown text={payload} />);
    await screen.findByText('here', { selector: 'strong' });
    expect(container.querySelector('script, [onerror], [href^="javascript:"]')).toBeNull();
    expect((window as { __xss?: number }).__xss).toBeUndefined();
    const citation = screen.getByRole('link', { name: '#E1' });
    expect(citation.getAttribute('href')).toBe('#step-E1');
    expect(citation.getAttribute('target')).toBeNull();
    const external = screen.getByRole('link', { name: 'docs' });
    expect(external.getAttribute('target')).toBe('_blank');
    expect(external.getAttribute('rel')).toBe('noopener noreferrer');
  });
});
