import { describe, expect, it } from 'vitest';
import { ThinkSplitter } from './think-splitter.ts';
import type { ChatChunk } from './types.ts';

function run(pieces: string[]): { text: string; reasoning: string; closedUnopened: boolean } {
  const splitter = new ThinkSplitter();
  const chunks: ChatChunk[] = [];
  let closedUnopened = false;
  for (const piece of pieces) {
    const result = splitter.push(piece);
    chunks.push(...result.chunks);
    closedUnopened ||= Boolean(result.closedUnopened);
  }
  chunks.push(...splitter.finish().chunks);
  return {
    text: chunks.filter((chunk) => chunk.type === 'text').map((chunk) => chunk.text).join(''),
    reasoning: chunks.filter((chunk) => chunk.type === 'reasoning').map((chunk) => chunk.text).join(''),
    closedUnopened,
  };
}

/** Every way to cut `text` into two pieces, plus one character at a time. */
function splits(text: string): string[][] {
  const result: string[][] = [[...text]];
  for (let cut = 0; cut <= text.length; cut++) result.push([text.slice(0, cut), text.slice(cut)]);
  return result;
}

describe('ThinkSplitter', () => {
  it('keeps <think> reasoning apart wherever the stream cuts the tags', () => {
    const source = 'a<think>why < because</think>answer <b>bold</b>';
    for (const pieces of splits(source)) {
      expect(run(pieces)).toEqual({ text: 'aanswer <b>bold</b>', reasoning: 'why < because', closedUnopened: false });
    }
  });

  it('understands <thinking> tags too', () => {
    for (const pieces of splits('<thinking>hmm</thinking>ok')) {
      expect(run(pieces)).toEqual({ text: 'ok', reasoning: 'hmm', closedUnopened: false });
    }
  });

  it('releases a held-back partial tag at the end of the stream as text', () => {
    expect(run(['2 <th'])).toEqual({ text: '2 <th', reasoning: '', closedUnopened: false });
  });

  it('reports a closing tag that was never opened (chat template opened it in the prompt)', () => {
    const result = run(['thinking already', '</th', 'ink>answer']);
    expect(result.closedUnopened).toBe(true);
    expect(result.text).toBe('thinking alreadyanswer');
  });

  it('treats an unclosed block as reasoning to the end', () => {
    expect(run(['<think>still going'])).toEqual({ text: '', reasoning: 'still going', closedUnopened: false });
  });
});
