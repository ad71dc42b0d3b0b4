import { findReferences } from '../run/evidence.ts';
import { PlanChecker, planProblem, unknownToolProblem } from './plan-checks.ts';
import type { ParsedPlan, PlanProblem, PlanStep, StreamedStep } from './types.ts';

// Caps that keep every look-ahead short, so a chunk boundary costs a bounded re-try and
// garbage input stays linear.
const maximumDigits = 9;
const maximumIdentifier = 64;
const maximumPadding = 40;
const lineStartLookBack = 80;
const maximumMarkerNumber = 4;

type Opener = '[' | '(' | 'none';

interface Header {
  start: number;
  id: string;
  hashless: boolean;
  toolName: string;
  opener: Opener;
  /** After the opening bracket; for a step without brackets, just after the tool name. */
  inputStart: number;
}

type HeaderMatch =
  | { type: 'header'; header: Header }
  | { type: 'unreadable'; start: number; id: string; end: number }
  | { type: 'cut'; start: number; id: string }
  | { type: 'none' }
  | { type: 'more' };

interface OpenStep {
  header: Header;
  thought: string | undefined;
  line: number;
  scanPosition: number;
  depth: number;
  quote: string | undefined;
  previousSignificant: string;
}

type MarkerKind = 'plan' | 'step' | 'thought' | 'number';

interface Marker {
  kind: MarkerKind;
  label: string;
  start: number;
  contentStart: number;
}

type GapMode = 'step' | 'unreadable' | 'trailing';

const markerWords: readonly { word: string; kind: MarkerKind }[] = [
  { word: 'plan', kind: 'plan' },
  { word: 'step', kind: 'step' },
  { word: 'thought', kind: 'thought' },
  { word: 'reasoning', kind: 'thought' },
  { word: '计划', kind: 'plan' },
  { word: '步骤', kind: 'step' },
];

function isDigit(character: string): boolean {
  return character >= '0' && character <= '9';
}

function isLetter(character: string): boolean {
  return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z');
}

function isWordCharacter(character: string): boolean {
  return isLetter(character) || isDigit(character) || character === '_';
}

function isIdentifierStart(character: string): boolean {
  return isLetter(character) || character === '_';
}

function isPadding(character: string): boolean {
  return character === ' ' || character === '\t' || character === '*' || character === '`';
}

function isBlank(character: string): boolean {
  return character === ' ' || character === '\t' || character === '\n';
}

// What may come before a step on its line without making it "mid-line": bullets, list numbers,
// headings, quotes, bold and code markers.
function isLineDecoration(character: string): boolean {
  return ' \t*`>-+|#.)_'.includes(character) || isDigit(character);
}

/**
 * Text that only grows at the end, with cheap random access. A plain string grown by `+=` would
 * be flattened by V8 on the next character access, copying the whole text for every streamed
 * token: quadratic over a long plan.
 */
class TextBuffer {
  private codes = new Uint16Array(1024);
  length = 0;

  append(text: string): void {
    if (this.length + text.length > this.codes.length) {
      const grown = new Uint16Array(Math.max(this.codes.length * 2, this.length + text.length));
      grown.set(this.codes.subarray(0, this.length));
      this.codes = grown;
    }
    for (let index = 0; index < text.length; index++) this.codes[this.length++] = text.charCodeAt(index);
  }

  /** The character at `index`, or '' outside the text. */
  char(index: number): string {
    if (index < 0 || index >= this.length) return '';
    return String.fromCharCode(this.codes[index] ?? 0);
  }

  slice(start: number, end: number): string {
    const parts: string[] = [];
    for (let from = Math.max(0, start); from < Math.min(end, this.length); from += 8192) {
      parts.push(String.fromCharCode(...this.codes.subarray(from, Math.min(end, this.length, from + 8192))));
    }
    return parts.join('');
  }
}

function trimThoughtEdges(text: string): string {
  const leading = ' \t\n*_:-–—.)';
  const trailing = ' \t\n*_:-–—,`(';
  let start = 0;
  let end = text.length;
  while (start < end && leading.includes(text.charAt(start))) start++;
  while (end > start && trailing.includes(text.charAt(end - 1))) end--;
  return text.slice(start, end);
}

function cleanThought(text: string): string {
  return trimThoughtEdges(
    text
      .replace(/```[A-Za-z0-9_-]*/g, ' ')
      .replace(/\*\*/g, '')
      .replace(/\s+/g, ' '),
  );
}

function shorten(text: string, limit: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= limit ? flat : `${flat.slice(0, limit - 1)}…`;
}

/** Reads a quoted string literal at `start` ("…" or '…', backslash escapes). */
function readStringLiteral(text: string, start: number): { value: string; end: number } | undefined {
  const quote = text.charAt(start);
  if (quote !== '"' && quote !== "'") return undefined;
  let value = '';
  for (let index = start + 1; index < text.length; index++) {
    const character = text.charAt(index);
    if (character === quote) return { value, end: index + 1 };
    if (character === '\\' && index + 1 < text.length) {
      const escaped = text.charAt(++index);
      value += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped;
    } else {
      value += character;
    }
  }
  return undefined;
}

function skipSpaces(text: string, index: number): number {
  while (index < text.length && (text.charAt(index) === ' ' || text.charAt(index) === '\t' || text.charAt(index) === '\n')) index++;
  return index;
}

/** `query="x", limit=3` → `{ query: 'x', limit: 3 }`; undefined when it is anything else. */
function readKeywordArguments(text: string): Record<string, unknown> | undefined {
  // Names come from model text: `__proto__ = null` must stay an argument, not a prototype.
  const result = new Map<string, unknown>();
  let index = skipSpaces(text, 0);
  let count = 0;
  while (index < text.length) {
    const nameStart = index;
    if (!isIdentifierStart(text.charAt(index))) return undefined;
    while (index < text.length && isWordCharacter(text.charAt(index))) index++;
    const name = text.slice(nameStart, index);
    index = skipSpaces(text, index);
    if (text.charAt(index) !== '=') return undefined;
    index = skipSpaces(text, index + 1);
    const literal = readStringLiteral(text, index);
    if (literal) {
      result.set(name, literal.value);
      index = literal.end;
    } else {
      const valueStart = index;
      while (index < text.length && text.charAt(index) !== ',' && !isBlank(text.charAt(index))) index++;
      const word = text.slice(valueStart, index);
      if (/^-?\d+(\.\d+)?$/.test(word)) result.set(name, Number(word));
      else if (word === 'true' || word === 'True') result.set(name, true);
      else if (word === 'false' || word === 'False') result.set(name, false);
      else if (word === 'null' || word === 'None') result.set(name, null);
      else return undefined;
    }
    count++;
    index = skipSpaces(text, index);
    if (index < text.length) {
      if (text.charAt(index) !== ',') return undefined;
      index = skipSpaces(text, index + 1);
    }
  }
  return count === 0 ? undefined : Object.fromEntries(result);
}

/**
 * The input of a call written as `tool("x")`, `tool('x')`, `tool(x)` or `tool(query="x")`: the
 * string itself for one string argument; keyword arguments as a JSON object (which the
 * distributor's fast path reads); otherwise the text between the parentheses.
 */
export function readCallArguments(raw: string): string {
  const trimmed = raw.trim();
  const literal = readStringLiteral(trimmed, 0);
  if (literal && literal.end === trimmed.length) return literal.value;
  const keywords = readKeywordArguments(trimmed);
  if (keywords) {
    const values = Object.values(keywords);
    if (values.length === 1 && typeof values[0] === 'string') return values[0];
    return JSON.stringify(keywords);
  }
  return trimmed;
}

/**
 * The single-pass, resumable plan scanner behind both `parsePlan` and `PlanStreamParser`.
 * Text arrives in pieces through `append`; `advance` moves as far as the text allows and
 * stops, without deciding, wherever more text could change the outcome. Because every decision
 * waits for enough text, the result does not depend on how the text was split.
 */
export class PlanScanner {
  private readonly buffer = new TextBuffer();
  private readonly newlines: number[] = [];
  private readonly toolsByLowered: Map<string, string>;
  private cursor = 0;
  private gapStart = 0;
  /** Where the plan text begins: 0, or just after a `</think>` that had no `<think>`. */
  private origin = 0;
  private open: OpenStep | undefined;
  private finished = false;
  private steps: PlanStep[] = [];
  private errors: PlanProblem[] = [];
  private warnings: PlanProblem[] = [];
  private checker = new PlanChecker();
  private hashlessIds = new Set<string>();

  constructor(private readonly toolNames: readonly string[]) {
    this.toolsByLowered = new Map(toolNames.map((name) => [name.toLowerCase(), name]));
  }

  /** Adds cleaned text (line feeds only, reasoning blanked). */
  append(text: string): void {
    const offset = this.buffer.length;
    for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) this.newlines.push(offset + index);
    this.buffer.append(text);
  }

  /**
   * Forgets everything before `position`: a `</think>` without its `<think>` showed that all the
   * text before it was reasoning. Steps already emitted cannot be taken back.
   */
  resetBefore(position: number): void {
    this.origin = position;
    this.cursor = position;
    this.gapStart = position;
    this.open = undefined;
    this.steps = [];
    this.errors = [];
    this.warnings = [];
    this.checker = new PlanChecker();
    this.hashlessIds = new Set();
    this.finished = false;
  }

  /** Total length of the text appended so far. */
  get length(): number {
    return this.buffer.length;
  }

  /** Scans as far as the text allows; returns the steps completed by this call. */
  advance(final: boolean): StreamedStep[] {
    const emitted: StreamedStep[] = [];
    if (this.finished) return emitted;
    for (;;) {
      if (this.open) {
        if (!this.continueStep(final, emitted)) return emitted;
        continue;
      }
      if (this.cursor >= this.buffer.length) break;
      const character = this.buffer.char(this.cursor);
      if ((character === '#' || character === 'E') && this.isHeaderCandidate(this.cursor)) {
        const match = this.matchHeader(this.cursor, final, false);
        if (match.type === 'more') return emitted;
        if (match.type === 'header') {
          const thought = this.processGap(this.gapStart, match.header.start, 'step');
          this.open = {
            header: match.header,
            thought,
            line: this.lineOf(match.header.start),
            scanPosition: match.header.inputStart,
            depth: 1,
            quote: undefined,
            previousSignificant: match.header.opener,
          };
          continue;
        }
        if (match.type === 'unreadable') {
          this.processGap(this.gapStart, match.start, 'unreadable');
          const line = this.lineOf(match.start);
          if (this.checker.isDefined(match.id)) {
            // Small planners sometimes write made-up results ("#E1 = Martin Scorsese") after the plan.
            this.warnings.push(planProblem(`Line ${line} assigns ${match.id} without a tool call; it was ignored.`, line));
          } else {
            this.errors.push(planProblem(`Line ${line} starts step ${match.id} but has no tool call; write it as ${match.id} = tool_name[input].`, line));
            this.checker.markUnreadable(match.id);
          }
          this.gapStart = match.start;
          this.cursor = match.end;
          continue;
        }
        if (match.type === 'cut') {
          this.processGap(this.gapStart, match.start, 'unreadable');
          const line = this.lineOf(match.start);
          this.errors.push(planProblem(`${match.id} on line ${line} was cut off before its input (the planner's answer probably hit its length limit); it was left out.`, line));
          this.cursor = this.buffer.length;
          this.gapStart = this.buffer.length;
          continue;
        }
      }
      this.cursor++;
    }
    if (final) {
      this.processGap(this.gapStart, this.buffer.length, 'trailing');
      this.gapStart = this.buffer.length;
      this.finished = true;
    }
    return emitted;
  }

  /** The whole plan so far, with the "no steps" error when there are none. */
  result(context: { sawThink: boolean; endsInsideThink: boolean }): ParsedPlan {
    const errors = [...this.errors];
    if (this.steps.length === 0) errors.push({ message: this.noStepsMessage(context) });
    return { steps: [...this.steps], errors, warnings: [...this.warnings] };
  }

  private noStepsMessage(context: { sawThink: boolean; endsInsideThink: boolean }): string {
    const example = `#E1 = ${this.toolNames[0] ?? 'tool_name'}[input]`;
    if (context.endsInsideThink) {
      return `The planner's answer ended inside its <think> reasoning, so it holds no plan steps. Give the planner more tokens, or ask again.`;
    }
    let first = this.origin;
    while (first < this.buffer.length && isBlank(this.buffer.char(first))) first++;
    if (first >= this.buffer.length) {
      return context.sawThink
        ? `The planner's answer holds only <think> reasoning and no plan steps (lines like "${example}").`
        : `The planner's answer is empty: it holds no plan steps.`;
    }
    const excerpt = shorten(this.buffer.slice(first, first + 300), 120);
    return `The planner's answer holds no plan steps (lines like "${example}"). It says: "${excerpt}"`;
  }

  private lineOf(position: number): number {
    let low = 0;
    let high = this.newlines.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.newlines[middle] ?? 0) < position) low = middle + 1;
      else high = middle;
    }
    return low + 1;
  }

  private isHeaderCandidate(position: number): boolean {
    const before = this.buffer.char(position - 1);
    if (isWordCharacter(before)) return false;
    return this.buffer.char(position) === '#' || before !== '#';
  }

  private isLineStart(position: number): boolean {
    for (let index = position - 1; index >= Math.max(0, position - lineStartLookBack); index--) {
      const character = this.buffer.char(index);
      if (character === '\n') return true;
      if (!isLineDecoration(character)) return false;
    }
    return position <= lineStartLookBack;
  }

  private skipPadding(position: number): number {
    const limit = position + maximumPadding;
    while (position < this.buffer.length && isPadding(this.buffer.char(position))) {
      if (++position > limit) return -1;
    }
    return position;
  }

  /**
   * Tries to read `#E1 = tool[` (or `E1 = tool(`, `#E1 := tool [`, bold and code markers
   * around the parts) at `start`. Inside an input only a complete call header counts: it means
   * the input before it was never closed.
   */
  private matchHeader(start: number, final: boolean, insideInput: boolean): HeaderMatch {
    const text = this.buffer;
    const end = text.length;
    const more: HeaderMatch = final ? { type: 'none' } : { type: 'more' };
    let position = start;
    const hashless = text.char(position) !== '#';
    if (!hashless) position++;
    if (position >= end) return more;
    if (text.char(position) !== 'E') return { type: 'none' };
    position++;
    const digitsStart = position;
    while (position < end && isDigit(text.char(position)) && position - digitsStart <= maximumDigits) position++;
    if (position >= end) return more;
    if (position === digitsStart || position - digitsStart > maximumDigits) return { type: 'none' };
    const id = `#E${text.slice(digitsStart, position)}`;

    position = this.skipPadding(position);
    if (position < 0) return { type: 'none' };
    if (position >= end) return more;
    let strongSeparator = true;
    const separator = text.char(position);
    if (separator === '=') {
      if (position + 1 >= end && !final) return more;
      if (text.char(position + 1) === '=') return { type: 'none' };
      position++;
    } else if (separator === ':') {
      if (position + 1 >= end && !final) return more;
      if (text.char(position + 1) === '=') position += 2;
      else {
        position++;
        strongSeparator = false;
      }
    } else {
      return { type: 'none' };
    }
    const afterSeparator = position;
    // A missing call is reported only for a real assignment (`#E1 =`, not `E1 =` or `#E1:`, and not
    // inside an input), and an unreadable one only at the start of a line: elsewhere it may be prose.
    const canReport = !insideInput && !hashless && strongSeparator;
    const cutOrNone = (): HeaderMatch => (final && canReport ? { type: 'cut', start, id } : more);
    const unreadableOrNone = (): HeaderMatch =>
      canReport && this.isLineStart(start) ? { type: 'unreadable', start, id, end: afterSeparator } : { type: 'none' };

    position = this.skipPadding(position);
    if (position < 0) return { type: 'none' };
    if (position >= end) return cutOrNone();
    if (!isIdentifierStart(text.char(position))) return unreadableOrNone();
    const identifierStart = position;
    for (;;) {
      const character = text.char(position);
      if (isWordCharacter(character)) position++;
      else if (character === '.' || character === '-') {
        if (position + 1 >= end) return cutOrNone();
        if (!isWordCharacter(text.char(position + 1))) break;
        position += 2;
      } else break;
      if (position - identifierStart > maximumIdentifier) return { type: 'none' };
    }
    if (position >= end) return cutOrNone();
    const toolName = text.slice(identifierStart, position);
    const afterIdentifier = position;
    position = this.skipPadding(position);
    if (position < 0) return { type: 'none' };
    if (position >= end) return cutOrNone();
    const opener = text.char(position);
    if (opener === '[' || opener === '(') {
      return { type: 'header', header: { start, id, hashless, toolName, opener, inputStart: position + 1 } };
    }
    if (canReport && this.toolsByLowered.has(toolName.toLowerCase())) {
      return { type: 'header', header: { start, id, hashless, toolName, opener: 'none', inputStart: afterIdentifier } };
    }
    return unreadableOrNone();
  }

  /** Scans the open step's input; true when the step ended (emitted or dropped), false to wait. */
  private continueStep(final: boolean, emitted: StreamedStep[]): boolean {
    const open = this.open;
    if (!open) return true;
    const text = this.buffer;
    const opener = open.header.opener;
    let position = open.scanPosition;
    while (position < text.length) {
      const character = text.char(position);
      if (character === '#' && !isWordCharacter(text.char(position - 1))) {
        const match = this.matchHeader(position, final, true);
        if (match.type === 'more') {
          open.scanPosition = position;
          return false;
        }
        if (match.type === 'header') {
          this.endUnclosedStep(position, emitted);
          return true;
        }
      }
      if (opener === 'none') {
        if (character === '\n') {
          this.endUnclosedStep(position, emitted);
          return true;
        }
      } else if (open.quote !== undefined) {
        if (character === '\\') {
          if (position + 1 >= text.length && !final) {
            open.scanPosition = position;
            return false;
          }
          position += 2;
          continue;
        }
        if (character === open.quote) open.quote = undefined;
      } else if (opener === '(') {
        if ((character === '"' || character === "'") && '(,=[{:'.includes(open.previousSignificant)) open.quote = character;
        else if (character === '(') open.depth++;
        else if (character === ')' && --open.depth === 0) {
          this.closeStep(position, emitted);
          return true;
        }
      } else if (character === '[') open.depth++;
      else if (character === ']' && --open.depth === 0) {
        this.closeStep(position, emitted);
        return true;
      }
      if (!isBlank(character)) open.previousSignificant = character;
      position++;
    }
    open.scanPosition = position;
    if (!final) return false;
    if (opener === 'none') {
      this.endUnclosedStep(text.length, emitted);
      return true;
    }
    const closing = opener === '[' ? ']' : ')';
    this.errors.push(
      planProblem(
        `${open.header.id} on line ${open.line} was cut off before its closing "${closing}" (the planner's answer probably hit its length limit); it was left out.`,
        open.line,
      ),
    );
    this.checker.markUnreadable(open.header.id);
    this.open = undefined;
    this.cursor = text.length;
    this.gapStart = text.length;
    return true;
  }

  private closeStep(closeAt: number, emitted: StreamedStep[]): void {
    const open = this.open;
    if (!open) return;
    const raw = this.buffer.slice(open.header.inputStart, closeAt);
    const input = open.header.opener === '(' ? readCallArguments(raw) : raw.trim();
    this.finishStep(open, input, [], emitted);
    this.cursor = closeAt + 1;
    this.gapStart = closeAt + 1;
  }

  /**
   * Ends a step whose input never closed before the next step (or, without brackets, at the end
   * of its line). A `Plan:` line inside the read text belongs to the next step, not the input.
   */
  private endUnclosedStep(endAt: number, emitted: StreamedStep[]): void {
    const open = this.open;
    if (!open) return;
    const { header, line } = open;
    const markers = this.findMarkers(header.inputStart, endAt, false, undefined);
    const firstMarker = markers.find((marker) => marker.start > header.inputStart);
    const inputEnd = firstMarker ? firstMarker.start : endAt;
    const input = this.buffer.slice(header.inputStart, inputEnd).trim();
    const problems: PlanProblem[] = [];
    if (header.opener === 'none') {
      if (input === '') {
        this.warnings.push(planProblem(`${header.id} on line ${line} has no brackets after ${header.toolName}; it was read as ${header.toolName}[].`, line));
      } else {
        problems.push(
          planProblem(`${header.id} on line ${line} has no brackets around its input; write ${header.toolName}[${shorten(input, 60)}].`, line),
        );
      }
    } else {
      const closing = header.opener === '[' ? ']' : ')';
      problems.push(planProblem(`The input of ${header.id} on line ${line} has no closing "${closing}"; it was read up to the next step.`, line));
    }
    this.finishStep(open, input, problems, emitted);
    this.cursor = endAt;
    this.gapStart = inputEnd;
  }

  private finishStep(open: OpenStep, input: string, structuralProblems: PlanProblem[], emitted: StreamedStep[]): void {
    const { header, line, thought } = open;
    this.open = undefined;
    const declared = this.toolsByLowered.get(header.toolName.toLowerCase());
    const step: PlanStep = { id: header.id, tool: declared ?? header.toolName, input, deps: findReferences(input) };
    if (thought !== undefined) step.thought = thought;
    step.line = line;

    if (header.hashless) {
      this.hashlessIds.add(header.id);
      this.warnings.push(planProblem(`"${header.id.slice(1)}" on line ${line} has no "#"; it was read as ${header.id}.`, line));
    }
    if (this.hashlessIds.size > 0) {
      for (const match of input.matchAll(/(?<![#\w])E(\d+)(?!\d)/g)) {
        if (this.hashlessIds.has(`#E${match[1]}`)) {
          this.warnings.push(
            planProblem(`${header.id} on line ${line} mentions ${match[0]} without "#"; write #${match[0]} so that its result is filled in.`, line),
          );
        }
      }
    }

    const problems = [
      ...(declared === undefined ? [unknownToolProblem(header.toolName, this.toolNames, line)] : []),
      ...structuralProblems,
      ...this.checker.check(step),
    ];
    this.steps.push(step);
    this.errors.push(...problems);
    emitted.push({ step, errors: problems });
  }

  /**
   * Reads the text between two steps: the thought for the next step (the text after the last
   * `Plan:`/`Step n:`/`n.` marker) and warnings for markers with no call after them and for
   * tool calls that store their result nowhere.
   */
  private processGap(start: number, end: number, mode: GapMode): string | undefined {
    if (end <= start) return undefined;
    const remarks: PlanProblem[] = [];
    const markers = this.findMarkers(start, end, true, mode, remarks);
    const laterKinds = new Set<MarkerKind>();
    const orphans: Marker[] = [];
    for (let index = markers.length - 1; index >= 0; index--) {
      const marker = markers[index];
      if (!marker) continue;
      if (marker.kind !== 'number' && (mode === 'trailing' || laterKinds.has(marker.kind))) orphans.push(marker);
      laterKinds.add(marker.kind);
    }
    for (const marker of orphans) {
      const line = this.lineOf(marker.start);
      remarks.push(planProblem(`"${marker.label}" on line ${line} has no tool call after it; it was ignored.`, line));
    }
    this.warnings.push(...remarks.sort((first, second) => (first.line ?? 0) - (second.line ?? 0)));
    if (mode !== 'step') return undefined;
    for (let index = markers.length - 1; index >= 0; index--) {
      const marker = markers[index];
      if (!marker) continue;
      const contentEnd = markers[index + 1]?.start ?? end;
      const thought = cleanThought(this.buffer.slice(marker.contentStart, contentEnd));
      if (thought !== '') return thought;
    }
    return undefined;
  }

  /**
   * Finds thought markers in `[start, end)`: at the start of a line (or of the gap) `Plan:`,
   * `Plan 1:`, `Step 1:`, `Step 1.`, `Thought:`, `1.`, `1)` in any case and behind bullets,
   * headings and bold; elsewhere only `Plan:`, `Step 1:` and `Thought:` as written, which is
   * what remains of them when the planner's line breaks were lost. With `strayMode` set it also
   * warns about tool calls without a variable.
   */
  private findMarkers(start: number, end: number, gapStartsLine: boolean, strayMode: GapMode | undefined, remarks: PlanProblem[] = []): Marker[] {
    const text = this.buffer;
    const markers: Marker[] = [];
    let position = start;
    let lineStart = gapStartsLine;
    while (position < end) {
      if (lineStart) {
        lineStart = false;
        let content = position;
        while (content < end && ' \t>*_`#|+-'.includes(text.char(content))) content++;
        let marker = this.matchWordMarker(content, end, true) ?? this.matchNumberMarker(content, end);
        if (marker) {
          markers.push(marker);
          content = marker.contentStart;
          if (marker.kind === 'number') {
            while (content < end && (text.char(content) === ' ' || text.char(content) === '\t' || text.char(content) === '*')) content++;
            marker = this.matchWordMarker(content, end, true);
            if (marker) {
              markers.push(marker);
              content = marker.contentStart;
            }
          }
        }
        if (strayMode !== undefined && (!marker || marker.kind === 'number')) {
          while (content < end && (text.char(content) === ' ' || text.char(content) === '\t' || text.char(content) === '`')) content++;
          const after = this.checkStrayCall(content, end, remarks);
          if (after > content) {
            position = after;
            continue;
          }
        }
        position = Math.max(content, position);
        continue;
      }
      const character = text.char(position);
      if (character === '\n') {
        lineStart = true;
        position++;
        continue;
      }
      if (isLetter(character) && !isWordCharacter(text.char(position - 1))) {
        if (character === 'P' || character === 'S' || character === 'T') {
          const marker = this.matchWordMarker(position, end, false);
          if (marker) {
            markers.push(marker);
            position = marker.contentStart;
            continue;
          }
        }
        if (strayMode === 'trailing') {
          const after = this.checkStrayCall(position, end, remarks);
          if (after > position) {
            position = after;
            continue;
          }
        }
        while (position < end && isWordCharacter(text.char(position))) position++;
        continue;
      }
      position++;
    }
    return markers;
  }

  private matchWordMarker(start: number, end: number, atLineStart: boolean): Marker | undefined {
    const text = this.buffer;
    for (const { word, kind } of markerWords) {
      if (start + word.length > end) continue;
      const written = text.slice(start, start + word.length);
      const capitalised = `${word.charAt(0).toUpperCase()}${word.slice(1)}`;
      const matches = atLineStart ? written.toLowerCase() === word : written === capitalised && word !== 'reasoning';
      if (!matches || isLetter(text.char(start + word.length))) continue;
      let position = start + word.length;
      while (position < end && (text.char(position) === ' ' || text.char(position) === '\t')) position++;
      const digitsStart = position;
      while (position < end && isDigit(text.char(position)) && position - digitsStart < maximumMarkerNumber) position++;
      const number = text.slice(digitsStart, position);
      // Mid-line, "Step" without a number is just a word.
      if (!atLineStart && kind === 'step' && number === '') continue;
      while (position < end && ' \t*_'.includes(text.char(position))) position++;
      const terminator = text.char(position);
      let contentStart: number | undefined;
      if (terminator === ':' || terminator === '：') contentStart = position + 1;
      else if (atLineStart && number !== '' && terminator !== '' && '.)-–—'.includes(terminator)) contentStart = position + 1;
      else if (atLineStart && kind === 'step' && number !== '' && (terminator === '\n' || position >= end)) contentStart = position;
      if (contentStart === undefined) continue;
      while (contentStart < end && (text.char(contentStart) === '*' || text.char(contentStart) === '_')) contentStart++;
      const label = `${written}${number === '' ? '' : ` ${number}`}${terminator === ':' || terminator === '：' ? terminator : ''}`;
      return { kind, label, start, contentStart };
    }
    return undefined;
  }

  private matchNumberMarker(start: number, end: number): Marker | undefined {
    const text = this.buffer;
    let position = start;
    while (position < end && isDigit(text.char(position)) && position - start < 3) position++;
    if (position === start || position >= end) return undefined;
    const terminator = text.char(position);
    if (terminator !== '.' && terminator !== ')') return undefined;
    const next = text.char(position + 1);
    if (position + 1 < end && next !== ' ' && next !== '\t' && next !== '*' && next !== '\n') return undefined;
    let contentStart = position + 1;
    while (contentStart < end && text.char(contentStart) === '*') contentStart++;
    return { kind: 'number', label: text.slice(start, position + 1), start, contentStart };
  }

  /** Warns when `start` begins `tool[…]` or `tool(…)` for an enabled tool; returns the position after the name. */
  private checkStrayCall(start: number, end: number, remarks: PlanProblem[]): number {
    const text = this.buffer;
    if (!isIdentifierStart(text.char(start)) || isWordCharacter(text.char(start - 1))) return start;
    let position = start;
    while (position < end && isWordCharacter(text.char(position)) && position - start <= maximumIdentifier) position++;
    const name = text.slice(start, position);
    const declared = this.toolsByLowered.get(name.toLowerCase());
    if (declared === undefined) return position;
    let after = position;
    while (after < end && isPadding(text.char(after))) after++;
    const opener = text.char(after);
    if (after < end && (opener === '[' || opener === '(')) {
      const line = this.lineOf(start);
      remarks.push(
        planProblem(`Line ${line} calls ${declared} without storing its result in a variable (write #E… = ${declared}[…]); it was ignored.`, line),
      );
    }
    return position;
  }
}
