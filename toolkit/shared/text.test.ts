import { describe, expect, it } from 'vitest';
import { fragmentText, stripTags } from './text.ts';

// 1.5 MB, the size of the search answer that froze the page. A scan that restarts from each "<"
// (as /<[^>]*>/g did) takes minutes on these, far past the test timeout; a linear one, milliseconds.
const size = 1_500_000;
const pathological = {
  'only "<"': '<'.repeat(size),
  '"<a" repeated': '<a'.repeat(size / 2),
  '"&#" repeated': '&#'.repeat(size / 2),
  '"&#x" repeated': '&#x'.repeat(size / 3),
  '"&" and a long name': `&${'a'.repeat(size)}`,
};

describe('stripTags', () => {
  it('turns search snippets into plain text', () => {
    expect(stripTags('The <span class="searchmatch">Eiffel</span> <em>Tower</em> &amp; the Seine&#33; &#x41;&#X42;')).toBe('The Eiffel Tower & the Seine! AB');
    expect(stripTags('  two\n\nlines <br/>and\ttabs&nbsp; ')).toBe('two lines and tabs');
    expect(stripTags('&lt;b&gt; is bold, &quot;quoted&quot; &apos;too&apos;')).toBe('<b> is bold, "quoted" \'too\'');
    expect(stripTags('&bogus; &#0; &#x110000; & alone')).toBe('&bogus; &#0; &#x110000; & alone');
  });

  it('keeps a "<" that no ">" follows, and drops everything from a "<" to the next ">"', () => {
    expect(stripTags('3 < 5')).toBe('3 < 5');
    expect(stripTags('a <b c <d> e')).toBe('a e');
    expect(stripTags('x <unclosed')).toBe('x <unclosed');
  });

  it('reads pathological input in one pass', () => {
    expect(stripTags(pathological['only "<"'])).toHaveLength(size);
    expect(stripTags(pathological['"<a" repeated'])).toHaveLength(size);
    for (const [shape, input] of Object.entries(pathological)) expect(stripTags(input).length, shape).toBe(input.length);
    expect(stripTags('<a>'.repeat(size / 3))).toBe('');
  });
});

describe('fragmentText', () => {
  it('reads only as much markup as the text it keeps can need', () => {
    expect(fragmentText('<em>Eiffel</em> Tower', 400)).toBe('Eiffel Tower');
    expect(fragmentText(`Tower ${'x'.repeat(size)}`, 10)).toBe(`Tower ${'x'.repeat(94)}`);
    for (const [shape, input] of Object.entries(pathological)) expect(fragmentText(input, 400).length, shape).toBeLessThanOrEqual(4_000);
  });
});
