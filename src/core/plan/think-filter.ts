import { ReasoningTagScanner } from '../llm/reasoning.ts';

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
  /** The tag rules (which tags, how a tag cut by a chunk boundary waits) are shared with every engine. */
  private readonly tags = new ReasoningTagScanner();
  /** A CR at the very end may be the first half of a CRLF split across chunks. */
  private heldCarriageReturn = false;
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
    let source = ((this.heldCarriageReturn ? '\r' : '') + chunk).replace(/\r\n/g, '\n');
    this.heldCarriageReturn = !final && source.endsWith('\r');
    if (this.heldCarriageReturn) source = source.slice(0, -1);
    source = source.replace(/\r/g, '\n');
    const tokens = final ? [...this.tags.push(source), ...this.tags.finish()] : this.tags.push(source);

    const parts: string[] = [];
    let length = 0;
    let resetAt: number | undefined;
    const emit = (part: string) => {
      parts.push(part);
      length += part.length;
    };
    for (const token of tokens) {
      if (token.kind === 'text') {
        emit(this.insideThink ? blankOut(token.text) : token.text);
        continue;
      }
      emit(blankOut(token.tag));
      this.sawThink = true;
      if (token.closing) {
        if (!this.insideThink) resetAt = length;
        this.insideThink = false;
      } else {
        this.insideThink = true;
      }
    }
    const text = parts.join('');
    return resetAt === undefined ? { text } : { text, resetAt };
  }
}
