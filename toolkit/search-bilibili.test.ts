import { describe, expect, it } from 'vitest';
import blocked from './__fixtures__/bilibili-blocked.json' with { type: 'json' };
import results from './__fixtures__/bilibili-search.json' with { type: 'json' };
import { searchBilibili } from './search-bilibili.ts';
import { testContext } from './testing/context.ts';
import { createFakeFetch, jsonResponse } from './testing/fake-fetch.ts';

const settings = { bilibiliProxyUrl: 'https://bili.proxy.example/x/web-interface/search/type?search_type=video&keyword={query}' };

describe('search_bilibili', () => {
  it('without a proxy returns the search page plainly labelled as a link, not results, and makes no request', async () => {
    const fake = createFakeFetch(() => {
      throw new Error('no request expected');
    });
    const output = await searchBilibili.run({ query: '保加利亚妖王' }, testContext({ fetch: fake.fetch }));
    expect(fake.requests).toHaveLength(0);
    expect(output).toContain('No bilibili results were read');
    expect(output).toContain(
      'Link to the bilibili search page (a link, not results): https://search.bilibili.com/all?keyword=%E4%BF%9D%E5%8A%A0%E5%88%A9%E4%BA%9A%E5%A6%96%E7%8E%8B',
    );
  });

  it('with a proxy, lists title, uploader, link from the bvid and play count', async () => {
    const fake = createFakeFetch((request) => {
      expect(request.url.host).toBe('bili.proxy.example');
      expect(request.url.searchParams.get('keyword')).toBe('保加利亚妖王');
      expect(request.url.searchParams.get('search_type')).toBe('video');
      return jsonResponse(results);
    });
    const output = await searchBilibili.run({ query: '保加利亚妖王' }, testContext({ fetch: fake.fetch, settings }));
    expect(output).toBe(
      [
        'bilibili videos for "保加利亚妖王":',
        '',
        '1. 【保加利亚妖王】AMV & 混剪',
        '   https://www.bilibili.com/video/BV17x411w7KC',
        '   by 腾讯动漫 · 5,034,461 plays · length 4:3',
        '   自制 保加利亚妖王的 "现场" 混剪',
        '',
        '2. 保加利亚妖王 现场 Live',
        '   https://www.bilibili.com/video/BV1Zs411N7xU',
        '   by fanblog · length 12:51',
      ].join('\n'),
    );
  });

  it('reads the grouped answer of search/all/v2 as well', async () => {
    const grouped = { code: 0, data: { result: [{ result_type: 'tips', data: [] }, { result_type: 'video', data: results.data.result.slice(0, 1) }] } };
    const fake = createFakeFetch(() => jsonResponse(grouped));
    const output = await searchBilibili.run({ query: 'x' }, testContext({ fetch: fake.fetch, settings }));
    expect(output).toContain('1. 【保加利亚妖王】AMV & 混剪');
    expect(output).not.toContain('2. ');
  });

  it('turns bilibili\'s own error code into a clear error (-412: blocked)', async () => {
    const fake = createFakeFetch(() => jsonResponse(blocked));
    const error = (await searchBilibili.run({ query: 'x' }, testContext({ fetch: fake.fetch, settings })).catch((caught: unknown) => caught)) as Error & {
      hint?: string;
    };
    expect(error.message).toBe('search_bilibili failed: bilibili answered with error -412: 请求被拦截.');
    expect(error.hint).toContain('cookie');
  });

  it('reads huge or malformed titles and descriptions in one pass', async () => {
    const junk = '<'.repeat(1_500_000);
    const video = { type: 'video', bvid: 'BV1', title: `<em class="keyword">Big</em> ${junk}`, description: `&quot;Huge&quot; ${'&#'.repeat(750_000)}` };
    const fake = createFakeFetch(() => jsonResponse({ code: 0, data: { result: [video] } }));
    const output = await searchBilibili.run({ query: 'big' }, testContext({ fetch: fake.fetch, settings }));
    const [heading, blank, title, link, description, ...rest] = output.split('\n');
    expect([heading, blank, link, rest]).toEqual(['bilibili videos for "big":', '', '   https://www.bilibili.com/video/BV1', []]);
    expect(title).toMatch(/^1\. Big <<<+$/);
    expect(description).toMatch(/^ {3}"Huge" (&#)+&?…$/);
    expect(output.length).toBeLessThan(4_000);
  });
});
