import { describe, expect, it } from 'vitest';
import { htmlToText } from './html.ts';

// 1.5 MB each. The regexes this path used rescanned the rest of the page from every "<title",
// "<body" or "<script" without an end, or from every "<" without a ">": minutes on these, far
// past the test timeout. One forward scan takes milliseconds.
const size = 1_500_000;
const pathological = {
  'only "<"': '<'.repeat(size),
  '"<a" repeated': '<a'.repeat(size / 2),
  '"&#" repeated': '&#'.repeat(size / 2),
  '"<title>" repeated': '<title>'.repeat(size / 7),
  '"<body" repeated': '<body'.repeat(size / 5),
  '"<script>" repeated': '<script>'.repeat(size / 8),
  '"</p" and spaces repeated': '</p   '.repeat(size / 6),
};

describe('htmlToText without a parser', () => {
  it('reads title and body, skips scripts and styles, and breaks lines after blocks', async () => {
    const page = [
      '<!doctype html><html><head><title>Opening &amp; hours</title><style>p { color: red }</style></head>',
      '<body class="x"><h1>Shop</h1><script>alert("<p>no</p>")</script>',
      '<p>Mon&ndash;Fri <b>9:00</b></p><p>Sat<br>10:00</P><ul><li>Cash</li><li>Card</li></ul>',
      '<SCRIPT type="module">never()</SCRIPT >Closed on 1 &lt; 2 holidays</body></html>',
    ].join('\n');
    expect(await htmlToText(page, undefined)).toEqual({
      title: 'Opening & hours',
      text: 'Shop\nMon&ndash;Fri 9:00\nSat\n10:00\nCash\nCard\n\nClosed on 1 < 2 holidays',
      source: 'markup',
    });
  });

  it('keeps positions right around letters whose lower case is longer', async () => {
    expect(await htmlToText('<TITLE>İstanbul</TITLE><BODY><P>İzmir</P><SCRIPT>x</SCRIPT>Ankara</BODY>', undefined)).toEqual({
      title: 'İstanbul',
      text: 'İzmir\nAnkara',
      source: 'markup',
    });
  });

  it('keeps the text after a script that never ends, as before', async () => {
    expect((await htmlToText('<body><p>a</p><script>b <i>c</i></body>', undefined)).text).toBe('a\nb c');
  });

  it('reads pathological pages in one pass', async () => {
    for (const [shape, html] of Object.entries(pathological)) {
      const page = await htmlToText(html, undefined);
      expect(page.text.length + page.title.length, shape).toBeLessThanOrEqual(html.length);
      expect(page.source).toBe('markup');
    }
  });
});
