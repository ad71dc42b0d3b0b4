import type { ChatChunk } from '../core/llm/types.ts';

const openTag = '<think>';
const closeTag = '</think>';

/**
 * Splits streamed model text into answer text and `<think>…</think>` reasoning, whatever the
 * chunk boundaries: a possible start of a tag at the end of a chunk waits for the next one.
 * Whitespace right after `</think>` is dropped, so the answer starts with its first word.
 */
export class ReasoningSplitter {
  private pending = '';
  private inside: boolean;
  private trimNext = false;

  /** `startsInside`: the prompt already opened `<think>` (some chat templates do). */
  constructor(options: { startsInside?: boolean } = {}) {
    this.inside = options.startsInside ?? false;
  }

  /** Chunks for this piece of text (possibly none yet). */
  push(text: string): ChatChunk[] {
    return this.process(this.pending + text, false);
  }

  /** Whatever was held back. */
  finish(): ChatChunk[] {
    return this.process(this.pending, true);
  }

  private process(source: string, final: boolean): ChatChunk[] {
    this.pending = '';
    const chunks: ChatChunk[] = [];
    const emit = (text: string) => {
      let part = text;
      if (!this.inside && this.trimNext) {
        part = part.replace(/^\s+/, '');
        if (part) this.trimNext = false;
      }
      if (!part) return;
      const type = this.inside ? 'reasoning' : 'text';
      const last = chunks[chunks.length - 1];
      if (last && last.type === type) last.text += part;
      else chunks.push({ type, text: part });
    };
    let index = 0;
    while (index < source.length) {
      const tag = this.inside ? closeTag : openTag;
      const found = source.indexOf(tag, index);
      if (found >= 0) {
        emit(source.slice(index, found));
        index = found + tag.length;
        this.inside = !this.inside;
        if (!this.inside) this.trimNext = true;
        continue;
      }
      // Hold back a tail that could still grow into the tag.
      let keep = 0;
      if (!final) {
        for (let length = Math.min(tag.length - 1, source.length - index); length > 0; length--) {
          if (tag.startsWith(source.slice(source.length - length))) {
            keep = length;
            break;
          }
        }
      }
      emit(source.slice(index, source.length - keep));
      this.pending = source.slice(source.length - keep);
      break;
    }
    return chunks;
  }
}
