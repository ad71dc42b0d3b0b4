import { describe, expect, it } from 'vitest';
import type { ChatChunk } from '../core/llm/types.ts';
import { ReasoningSplitter } from './reasoning-splitter.ts';

function split(pieces: string[], startsInside = false): { text: string; reasoning: string; chunks: ChatChunk[] } {
  const splitter = new ReasoningSplitter({ startsInside });
  const chunks = [...pieces.flatMap((piece) => splitter.push(piece)), ...splitter.finish()];
  return {
    text: chunks.filter((chunk) => chunk.type === 'text').map((chunk) => chunk.text).join(''),
    reasoning: chunks.filter((chunk) => chunk.type === 'reasoning').map((chunk) => chunk.text).join(''),
    chunks,
  };
}

describe('ReasoningSplitter', () => {
  const whole = '<think>\nLook it up first.\n</think>\n\n{"name":"search_wiki"}';

  it('keeps reasoning apart from the answer', () => {
    expect(split([whole])).toMatchObject({ text: '{"name":"search_wiki"}', reasoning: '\nLook it up first.\n' });
  });

  it('gives the same result however the stream is cut', () => {
    for (let size = 1; size <= 8; size++) {
      const pieces = whole.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];
      expect(split(pieces)).toMatchObject({ text: '{"name":"search_wiki"}', reasoning: '\nLook it up first.\n' });
    }
  });

  it('passes text without tags straight through, including a lone "<"', () => {
    expect(split(['a < b', ' and <th', 'ings>'])).toMatchObject({ text: 'a < b and <things>', reasoning: '' });
    expect(split(['ends with <thi'])).toMatchObject({ text: 'ends with <thi' });
  });

  it('handles a template that opened the reasoning in the prompt', () => {
    expect(split(['plan quietly</think>answer'], true)).toMatchObject({ text: 'answer', reasoning: 'plan quietly' });
  });
});
