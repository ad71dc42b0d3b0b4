import type { ChatChunk } from './types.ts';

// The one home of the reasoning tag rules. Every engine (HTTP endpoint, wllama, web-llm), the
// tool-call reader and the plan parser's blanking filter (`ThinkFilter`) read tags through here.

/** Tags that open a reasoning block. */
export const openReasoningTags = ['<think>', '<thinking>'] as const;
/** Tags that close one. */
export const closeReasoningTags = ['</think>', '</thinking>'] as const;
const allTags: readonly string[] = [...openReasoningTags, ...closeReasoningTags];
/** The longest tail that can still grow into a tag: one character short of the longest tag. */
const longestPartial = Math.max(...allTags.map((tag) => tag.length)) - 1;

/** A piece of scanned text: plain text, or one whole reasoning tag. */
export type ReasoningToken = { kind: 'text'; text: string } | { kind: 'tag'; tag: string; closing: boolean };

/**
 * Cuts streamed text into plain text and reasoning tags, wherever the stream happens to cut
 * the tags: a tail that could still grow into a tag is held back until the next piece decides
 * it, and released as text by `finish()`. Knows nothing of blocks; callers keep that state.
 */
export class ReasoningTagScanner {
  private pending = '';

  /** Tokens for the next piece of text (possibly none yet). */
  push(text: string): ReasoningToken[] {
    return this.scan(this.pending + text, false);
  }

  /** Releases whatever was held back; call once at the end of the stream. */
  finish(): ReasoningToken[] {
    return this.scan(this.pending, true);
  }

  private scan(source: string, final: boolean): ReasoningToken[] {
    this.pending = '';
    const tokens: ReasoningToken[] = [];
    let index = 0;
    for (;;) {
      const found = findFirstTag(source, index);
      if (!found) break;
      if (found.at > index) tokens.push({ kind: 'text', text: source.slice(index, found.at) });
      tokens.push({ kind: 'tag', tag: found.tag, closing: found.tag.startsWith('</') });
      index = found.at + found.tag.length;
    }
    const keep = final ? 0 : heldBackLength(source, index);
    if (source.length - keep > index) tokens.push({ kind: 'text', text: source.slice(index, source.length - keep) });
    this.pending = source.slice(source.length - keep);
    return tokens;
  }
}

function findFirstTag(source: string, from: number): { at: number; tag: string } | undefined {
  let best: { at: number; tag: string } | undefined;
  for (const tag of allTags) {
    const at = source.indexOf(tag, from);
    if (at >= 0 && (!best || at < best.at)) best = { at, tag };
  }
  return best;
}

/** Length of the longest tail of `source` (from `from` on) that is a proper prefix of a tag. */
function heldBackLength(source: string, from: number): number {
  for (let length = Math.min(longestPartial, source.length - from); length > 0; length--) {
    const tail = source.slice(source.length - length);
    if (allTags.some((tag) => tag.startsWith(tail))) return length;
  }
  return 0;
}

/** What one push of the splitter produced. */
export interface SplitResult {
  chunks: ChatChunk[];
  /**
   * Set when a closing tag arrived outside any reasoning block: chat templates that open
   * `<think>` inside the prompt (DeepSeek-R1, Qwen3) make the model start in the middle of its
   * reasoning, so all text before that tag was reasoning after all. The chunks of this result
   * already say so; the caller moves the text of earlier results into its reasoning.
   */
  closedUnopened?: boolean;
}

/**
 * Splits streamed model text into `text` and `reasoning` chunks at `<think>…</think>` and
 * `<thinking>…</thinking>` tags, whatever the chunk boundaries. The rules, the same for every
 * engine:
 * - an opening tag starts a block (inside one it is just reasoning text), a closing tag ends it;
 * - a closing tag outside any block means everything before it was reasoning (`closedUnopened`);
 * - whitespace right after a closing tag is dropped while no answer text has come yet, so the
 *   answer starts with its first word (`one<think>…</think> two` keeps its space);
 * - an unclosed block is reasoning to the end; tags themselves never reach the output.
 * Adjacent chunks of one type are merged.
 */
export class ReasoningSplitter {
  private readonly scanner = new ReasoningTagScanner();
  private inside: boolean;
  private trimNext = false;
  /** Answer text has been emitted (and not turned into reasoning by a stray closing tag). */
  private answered = false;

  /** `startsInside`: the prompt already opened the block (some chat templates do). */
  constructor(options: { startsInside?: boolean } = {}) {
    this.inside = options.startsInside ?? false;
  }

  /** Splits the next piece of streamed text. */
  push(text: string): SplitResult {
    return this.process(this.scanner.push(text));
  }

  /** Releases whatever was held back; call once at the end of the stream. */
  finish(): SplitResult {
    return this.process(this.scanner.finish());
  }

  private process(tokens: ReasoningToken[]): SplitResult {
    const chunks: ChatChunk[] = [];
    let closedUnopened = false;
    const emit = (text: string) => {
      let part = text;
      if (!this.inside && this.trimNext) {
        part = part.replace(/^\s+/, '');
        if (part) this.trimNext = false;
      }
      if (!part) return;
      const type = this.inside ? 'reasoning' : 'text';
      if (type === 'text') this.answered = true;
      const last = chunks[chunks.length - 1];
      if (last && last.type === type) last.text += part;
      else chunks.push({ type, text: part });
    };

    for (const token of tokens) {
      if (token.kind === 'text') emit(token.text);
      else if (token.closing) {
        if (!this.inside) {
          // Everything so far was reasoning: retype this result's chunks as one reasoning chunk.
          closedUnopened = true;
          const before = chunks.map((chunk) => chunk.text).join('');
          chunks.length = 0;
          if (before) chunks.push({ type: 'reasoning', text: before });
          this.answered = false;
        }
        this.inside = false;
        this.trimNext = !this.answered;
      } else if (this.inside) {
        emit(token.tag);
      } else {
        this.inside = true;
      }
    }
    return closedUnopened ? { chunks, closedUnopened } : { chunks };
  }
}

/**
 * Splits a whole answer into answer text and reasoning by the rules of `ReasoningSplitter`:
 * what streaming the same text gives, whatever the chunk boundaries, to a caller that turns all
 * it has so far into reasoning on `closedUnopened` (as the engines do).
 */
export function splitReasoning(text: string, options: { startsInside?: boolean } = {}): { text: string; reasoning: string } {
  const splitter = new ReasoningSplitter(options);
  const chunks = [...splitter.push(text).chunks, ...splitter.finish().chunks];
  return {
    text: chunks.filter((chunk) => chunk.type === 'text').map((chunk) => chunk.text).join(''),
    reasoning: chunks.filter((chunk) => chunk.type === 'reasoning').map((chunk) => chunk.text).join(''),
  };
}
