import type { Substitution } from './events.ts';

// `#E1` must never match inside `#E10`: the negative lookahead stops at the last digit.
const referencePattern = /#E(\d+)(?!\d)/g;

/** Evidence variables mentioned in `text`, in order of first mention, without duplicates. */
export function findReferences(text: string): string[] {
  const seen = new Set<string>();
  for (const match of text.matchAll(referencePattern)) seen.add(match[0]);
  return [...seen];
}

/** Evidence variables mentioned anywhere in a JSON-like value (strings inside objects and arrays). */
export function findReferencesInValue(value: unknown): string[] {
  const seen = new Set<string>();
  visitStrings(value, (text) => findReferences(text).forEach((reference) => seen.add(reference)));
  return [...seen];
}

function visitStrings(value: unknown, visit: (text: string) => void): void {
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) value.forEach((item) => visitStrings(item, visit));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((item) => visitStrings(item, visit));
}

/**
 * Replaces each `#E` variable that has evidence with that evidence, by exact variable match,
 * and records where each value landed (the UI shows this provenance). Variables without
 * evidence stay as written.
 */
export function substituteEvidence(
  text: string,
  evidence: ReadonlyMap<string, string>,
): { text: string; substitutions: Substitution[] } {
  const substitutions: Substitution[] = [];
  let output = '';
  let last = 0;
  for (const match of text.matchAll(referencePattern)) {
    const value = evidence.get(match[0]);
    if (value === undefined) continue;
    output += text.slice(last, match.index);
    substitutions.push({ variable: match[0], start: output.length, end: output.length + value.length });
    output += value;
    last = match.index + match[0].length;
  }
  output += text.slice(last);
  return { text: output, substitutions };
}

/** Substitutes evidence into every string of a JSON-like value (structured tool arguments). */
export function substituteInValue<T>(value: T, evidence: ReadonlyMap<string, string>): T {
  if (typeof value === 'string') return substituteEvidence(value, evidence).text as T;
  if (Array.isArray(value)) return value.map((item) => substituteInValue(item, evidence)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substituteInValue(item, evidence)])) as T;
  }
  return value;
}

export interface TruncatedEvidence {
  text: string;
  truncated: boolean;
  originalLength: number;
}

/**
 * Cuts evidence longer than `limit` characters and appends a visible marker that says how much
 * was cut, so neither the solver nor the person mistakes it for the whole.
 */
export function truncateEvidence(text: string, limit: number): TruncatedEvidence {
  if (limit <= 0 || text.length <= limit) return { text, truncated: false, originalLength: text.length };
  const cut = text.length - limit;
  return {
    text: `${text.slice(0, limit)}\n[… truncated: ${cut.toLocaleString('en-US')} of ${text.length.toLocaleString('en-US')} characters cut]`,
    truncated: true,
    originalLength: text.length,
  };
}

/**
 * The variables a step waits for: those its input mentions, those in its structured arguments
 * and those in a call the person wrote, in order of first mention, without duplicates. The
 * scheduler and `reduceRun` both use this, so a replayed trace shows the same dependencies.
 */
export function stepDependencies(
  step: { input: string; deps?: readonly string[]; args?: Record<string, unknown> },
  call?: { arguments: Record<string, unknown> },
): string[] {
  const seen = new Set<string>(step.deps ?? []);
  for (const reference of findReferences(step.input)) seen.add(reference);
  if (step.args !== undefined) for (const reference of findReferencesInValue(step.args)) seen.add(reference);
  if (call !== undefined) for (const reference of findReferencesInValue(call.arguments)) seen.add(reference);
  return [...seen];
}
