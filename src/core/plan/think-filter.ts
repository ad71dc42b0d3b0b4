const openTags = ['<thinking>', '<think>'] as const;
const closeTags = ['</thinking>', '</think>'] as const;
const allTags: readonly string[] = [...openTags, ...closeTags];

/** What one call of the filter adds to the cleaned text. */
export interface FilteredText {
  /** Cleaned text: line feeds only, reasoning blanked out with spaces. */
  text: string;
  /**
   * Set when a `</think>` arrived without its `<think>` (chat templates that open the reasoning
   * in the prompt): the offset in `text` just after that tag; everything before it was reasoning.
   */
  resetAt?: number;
}

/** Replaces every character but line feeds with a space, so line numbers and offsets survive. */
export function blankOut(text: string): string {
  return text.replace(/[^\n]/g, ' ');
}

/**
 * Turns raw planner text, chunk by chunk, into the text the plan scanner reads: CRLF and lone
 * CR become LF, and `<think>…</think>` reasoning is blanked out rather than removed so that
 * line numbers still point into the original answer. The output does not depend on where the
 * chunks were split: anything that might be the start of a tag or of a CRLF is held back until
 * the next chunk decides it.
 */
export class ThinkFilter {
  private pending = '';
  private insideThink = false;
  private finished = false;
  /** Whether the text held any reasoning block at all. */
  sawThink = false;

  /** Whether the text so far ends inside an unclosed reasoning block. */
  get endsInsideThink(): boolean {
    return this.insideThink;
  }

  push(chunk: string): FilteredText {
    if (this.finished) return { text: '' };
    return this.process(chunk, false);
  }

  finish(): FilteredText {
    if (this.finished) return { text: '' };
    const result = this.process('', true);
    this.finished = true;
    return result;
  }

  private process(chunk: string, final: boolean): FilteredText {
    let source = (this.pending + chunk).replace(/\r\n/g, '\n');
    this.pending = '';
    let heldCarriageReturn = '';
    // A CR at the very end may be the first half of a CRLF split across chunks.
    if (!final && source.endsWith('\r')) {
      heldCarriageReturn = '\r';
      source = source.slice(0, -1);
    }
    source = source.replace(/\r/g, '\n');

    const parts: string[] = [];
    let length = 0;
    let resetAt: number | undefined;
    const emit = (part: string) => {
      parts.push(part);
      length += part.length;
    };

    let index = 0;
    while (index < source.length) {
      const bracket = source.indexOf('<', index);
      const end = bracket < 0 ? source.length : bracket;
      if (end > index) emit(this.insideThink ? blankOut(source.slice(index, end)) : source.slice(index, end));
      if (bracket < 0) break;
      const tag = matchTag(source, bracket);
      if (tag === 'partial') {
        if (!final) {
          this.pending = source.slice(bracket);
          index = source.length;
          break;
        }
        emit(this.insideThink ? ' ' : '<');
        index = bracket + 1;
        continue;
      }
      if (tag === undefined) {
        emit(this.insideThink ? ' ' : '<');
        index = bracket + 1;
        continue;
      }
      emit(blankOut(tag));
      index = bracket + tag.length;
      this.sawThink = true;
      if (tag.startsWith('</')) {
        if (!this.insideThink) resetAt = length;
        this.insideThink = false;
      } else {
        this.insideThink = true;
      }
    }
    this.pending += heldCarriageReturn;
    const text = parts.join('');
    return resetAt === undefined ? { text } : { text, resetAt };
  }
}

function matchTag(source: string, index: number): string | 'partial' | undefined {
  for (const tag of allTags) if (source.startsWith(tag, index)) return tag;
  const rest = source.slice(index, index + 12);
  if (rest.length < 11 && allTags.some((tag) => tag.length > rest.length && tag.startsWith(rest))) {
    // Only a prefix at the very end of the buffer can still become a tag.
    if (index + rest.length === source.length) return 'partial';
  }
  return undefined;
}
