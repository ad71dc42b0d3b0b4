import type { ChatChunk } from './types.ts';

const openTags = ['<think>', '<thinking>'] as const;
const closeTags = ['</think>', '</thinking>'] as const;

/** What one push of the splitter produced. */
export interface SplitResult {
  chunks: ChatChunk[];
  /**
   * Set when a closing tag arrived outside any reasoning block: chat templates that open
   * `<think>` inside the prompt (DeepSeek-R1, Qwen3) make the model start in the middle of its
   * reasoning, so all text before that tag was reasoning after all.
   */
  closedUnopened?: boolean;
}

/**
 * Splits streamed answer text into `text` and `reasoning` chunks at `<think>…</think>` (and
 * `<thinking>…</thinking>`) tags, wherever the stream happens to cut them: a tail that could
 * still grow into a tag is held back until the next piece decides it.
 */
export class ThinkSplitter {
  private pending = '';
  private inside = false;

  /** Splits the next piece of streamed text. */
  push(text: string): SplitResult {
    return this.process(this.pending + text, false);
  }

  /** Releases whatever was held back; call once at the end of the stream. */
  finish(): SplitResult {
    return this.process(this.pending, true);
  }

  private process(source: string, final: boolean): SplitResult {
    this.pending = '';
    const chunks: ChatChunk[] = [];
    let closedUnopened = false;
    const emit = (text: string) => {
      if (!text) return;
      const type = this.inside ? 'reasoning' : 'text';
      const last = chunks[chunks.length - 1];
      if (last && last.type === type) last.text += text;
      else chunks.push({ type, text });
    };

    let index = 0;
    while (index < source.length) {
      // Outside a block a stray closing tag also counts (see `closedUnopened`).
      const candidates: readonly string[] = this.inside ? closeTags : [...openTags, ...closeTags];
      const found = findFirstTag(source, index, candidates);
      if (found) {
        emit(source.slice(index, found.at));
        index = found.at + found.tag.length;
        const closing = found.tag.startsWith('</');
        if (closing && !this.inside) closedUnopened = true;
        this.inside = !closing;
        continue;
      }
      const keep = final ? 0 : heldBackLength(source, index, candidates);
      emit(source.slice(index, source.length - keep));
      this.pending = source.slice(source.length - keep);
      break;
    }
    return closedUnopened ? { chunks, closedUnopened } : { chunks };
  }
}

function findFirstTag(source: string, from: number, tags: readonly string[]): { at: number; tag: string } | undefined {
  let best: { at: number; tag: string } | undefined;
  for (const tag of tags) {
    const at = source.indexOf(tag, from);
    if (at >= 0 && (!best || at < best.at)) best = { at, tag };
  }
  return best;
}

/** Length of the longest tail of `source` (from `from` on) that is a proper prefix of a tag. */
function heldBackLength(source: string, from: number, tags: readonly string[]): number {
  const longest = Math.max(...tags.map((tag) => tag.length)) - 1;
  for (let length = Math.min(longest, source.length - from); length > 0; length--) {
    const tail = source.slice(source.length - length);
    if (tags.some((tag) => tag.startsWith(tail))) return length;
  }
  return 0;
}
