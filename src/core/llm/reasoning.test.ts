import { describe, expect, it } from 'vitest';
import { ThinkFilter } from '../plan/think-filter.ts';
import { createOpenAIEngine } from './openai-engine.ts';
import { ReasoningSplitter, ReasoningTagScanner, splitReasoning, type SplitResult } from './reasoning.ts';
import type { ChatChunk } from './types.ts';

interface Streamed {
  text: string;
  reasoning: string;
  closedUnopened: boolean;
}

/**
 * Streams `pieces` through one splitter the way a caller should: on `closedUnopened` every
 * chunk of earlier results turns into reasoning. Also checks the shape of every result.
 */
function stream(pieces: string[], options: { startsInside?: boolean } = {}): Streamed {
  const splitter = new ReasoningSplitter(options);
  let chunks: ChatChunk[] = [];
  let closedUnopened = false;
  const take = (result: SplitResult) => {
    for (const [index, chunk] of result.chunks.entries()) {
      expect(chunk.text).not.toBe('');
      expect(chunk.type).not.toBe(result.chunks[index - 1]?.type);
    }
    if (result.closedUnopened) {
      closedUnopened = true;
      chunks = chunks.map((chunk) => ({ type: 'reasoning', text: chunk.text }));
    }
    chunks.push(...result.chunks);
  };
  for (const piece of pieces) take(splitter.push(piece));
  take(splitter.finish());
  return {
    text: chunks.filter((chunk) => chunk.type === 'text').map((chunk) => chunk.text).join(''),
    reasoning: chunks.filter((chunk) => chunk.type === 'reasoning').map((chunk) => chunk.text).join(''),
    closedUnopened,
  };
}

/** Every way to cut `text` into two pieces, plus one character at a time. */
function cuts(text: string): string[][] {
  const result: string[][] = [[...text]];
  for (let cut = 0; cut <= text.length; cut++) result.push([text.slice(0, cut), text.slice(cut)]);
  return result;
}

interface Case {
  name: string;
  raw: string;
  startsInside?: boolean;
  text: string;
  reasoning: string;
  closedUnopened?: boolean;
}

const cases: Case[] = [
  { name: '<think> block', raw: 'a<think>why < because</think>answer <b>bold</b>', text: 'aanswer <b>bold</b>', reasoning: 'why < because' },
  {
    name: '<think> block before a tool call',
    raw: '<think>\nLook it up first.\n</think>\n\n{"name":"search_wiki"}',
    text: '{"name":"search_wiki"}',
    reasoning: '\nLook it up first.\n',
  },
  { name: '<thinking> block', raw: '<thinking>hmm</thinking>ok', text: 'ok', reasoning: 'hmm' },
  { name: 'either closing tag ends a block', raw: '<thinking>a</think>b<think>c</thinking>d', text: 'bd', reasoning: 'ac' },
  { name: 'an opening tag inside a block', raw: '<think>a<think>b</think>c', text: 'c', reasoning: 'a<think>b' },
  { name: 'an unclosed block', raw: 'x <think>still going', text: 'x ', reasoning: 'still going' },
  {
    name: 'closing tag without an opening one',
    raw: 'I should add.</think>\n\n42',
    text: '42',
    reasoning: 'I should add.',
    closedUnopened: true,
  },
  { name: 'closing </thinking> without an opening one', raw: 'hmm</thinking>ok', text: 'ok', reasoning: 'hmm', closedUnopened: true },
  {
    name: 'closing tag without an opening one after a whole block',
    raw: 'a<think>b</think>c</think> d',
    text: 'd',
    reasoning: 'abc',
    closedUnopened: true,
  },
  { name: 'startsInside', raw: 'plan quietly</think>\nanswer', startsInside: true, text: 'answer', reasoning: 'plan quietly' },
  { name: 'startsInside, never closed', raw: 'all <b>reasoning', startsInside: true, text: '', reasoning: 'all <b>reasoning' },
  { name: 'whitespace after the closing tag', raw: '<think>x</think> \n\t \r\n answer \n', text: 'answer \n', reasoning: 'x' },
  { name: 'whitespace after a closing tag is kept once the answer has begun', raw: 'one<think>x</think> two', text: 'one two', reasoning: 'x' },
  { name: 'whitespace, then another block', raw: '<think>x</think>\n<think> y</think>\n z', text: 'z', reasoning: 'x y' },
  { name: 'only whitespace after the block', raw: '<think>x</think>\n\n', text: '', reasoning: 'x' },
  { name: 'not a tag: <thinx>', raw: 'a <thinx> b', text: 'a <thinx> b', reasoning: '' },
  { name: 'not a tag: a < b', raw: 'a < b and <th <things> </thin', text: 'a < b and <th <things> </thin', reasoning: '' },
  { name: 'not a tag: inside a block', raw: '<think>a < b <thinx> </thinkx></think>c', text: 'c', reasoning: 'a < b <thinx> </thinkx>' },
  { name: 'a partial tag at the end', raw: '2 <thinking', text: '2 <thinking', reasoning: '' },
  { name: 'no tags at all', raw: '  leading space kept\n', text: '  leading space kept\n', reasoning: '' },
];

describe('ReasoningSplitter', () => {
  for (const example of cases) {
    it(`${example.name}: the same however the stream is cut`, () => {
      const options = { startsInside: example.startsInside };
      const expected = { text: example.text, reasoning: example.reasoning };
      expect(splitReasoning(example.raw, options)).toEqual(expected);
      for (const pieces of cuts(example.raw)) {
        expect(stream(pieces, options), JSON.stringify(pieces)).toEqual({ ...expected, closedUnopened: example.closedUnopened ?? false });
      }
    });
  }

  it('holds back what could still be a tag, and lets it go when it is not', () => {
    const splitter = new ReasoningSplitter();
    expect(splitter.push('a <thin')).toEqual({ chunks: [{ type: 'text', text: 'a ' }] });
    expect(splitter.push('x> b')).toEqual({ chunks: [{ type: 'text', text: '<thinx> b' }] });
    expect(splitter.push('<thi')).toEqual({ chunks: [] });
    expect(splitter.finish()).toEqual({ chunks: [{ type: 'text', text: '<thi' }] });
  });

  it('retypes text of the same push and reports closedUnopened for what earlier pushes emitted', () => {
    const splitter = new ReasoningSplitter();
    expect(splitter.push('thinking ')).toEqual({ chunks: [{ type: 'text', text: 'thinking ' }] });
    expect(splitter.push('already</think> answer')).toEqual({
      chunks: [
        { type: 'reasoning', text: 'already' },
        { type: 'text', text: 'answer' },
      ],
      closedUnopened: true,
    });
  });
});

describe('ReasoningTagScanner', () => {
  it('gives whole tags and text, whatever the cut', () => {
    const raw = 'a<thinking>b</thi';
    for (const pieces of cuts(raw)) {
      const scanner = new ReasoningTagScanner();
      const tokens = [...pieces.flatMap((piece) => scanner.push(piece)), ...scanner.finish()];
      expect(tokens.filter((token) => token.kind === 'tag')).toEqual([{ kind: 'tag', tag: '<thinking>', closing: false }]);
      expect(tokens.map((token) => (token.kind === 'text' ? token.text : token.tag)).join('')).toBe(raw);
    }
  });
});

describe('one rule set for every reader', () => {
  /** The HTTP endpoint engine, fed `deltas` as streamed `content`. */
  async function httpEngine(deltas: string[]): Promise<{ text: string; reasoning: string }> {
    const encoder = new TextEncoder();
    const events = [...deltas.map((content) => ({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })), { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }];
    const body = `${events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('')}data: [DONE]\n\n`;
    const fetch = (async () => new Response(encoder.encode(body), { headers: { 'Content-Type': 'text/event-stream' } })) as typeof globalThis.fetch;
    const result = await createOpenAIEngine({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm', fetch }).chat({ messages: [{ role: 'user', content: 'x' }] });
    return { text: result.text, reasoning: result.reasoning };
  }

  /** What the in-browser engines (wllama, web-llm) do with streamed content. */
  function inBrowserEngine(deltas: string[]): { text: string; reasoning: string } {
    const splitter = new ReasoningSplitter();
    let text = '';
    let reasoning = '';
    let streamed = '';
    const deliverSplit = (split: SplitResult) => {
      if (split.closedUnopened) {
        reasoning = streamed;
        text = '';
      }
      for (const chunk of split.chunks) {
        if (chunk.type === 'text') text += chunk.text;
        else reasoning += chunk.text;
        streamed += chunk.text;
      }
    };
    for (const delta of deltas) deliverSplit(splitter.push(delta));
    deliverSplit(splitter.finish());
    return { text, reasoning };
  }

  it('the HTTP engine and the in-browser engines read the same raw output the same way', async () => {
    for (const example of cases.filter((entry) => !entry.startsInside)) {
      const expected = { text: example.text, reasoning: example.reasoning };
      for (const deltas of [[example.raw], [...example.raw], ...[3, 5].map((size) => example.raw.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [])]) {
        expect(await httpEngine(deltas), `${example.name} ${JSON.stringify(deltas)}`).toEqual(expected);
        expect(inBrowserEngine(deltas), `${example.name} ${JSON.stringify(deltas)}`).toEqual(expected);
      }
    }
  });

  it('the plan filter recognises the same tags and blocks', () => {
    for (const example of cases.filter((entry) => !entry.startsInside && !entry.raw.includes('\r'))) {
      const filter = new ThinkFilter();
      const first = filter.push(example.raw);
      const last = filter.finish();
      const filtered = first.text + last.text;
      const resetAt = last.resetAt !== undefined ? first.text.length + last.resetAt : first.resetAt;
      expect(filtered.length, example.name).toBe(example.raw.length);
      // The filter blanks instead of removing and keeps whitespace, so compare what is left.
      const visible = (text: string) => text.replace(/\s+/g, '');
      expect(visible(filtered.slice(resetAt ?? 0)), example.name).toBe(visible(example.text));
      expect(resetAt !== undefined, example.name).toBe(example.closedUnopened ?? false);
    }
  });
});
