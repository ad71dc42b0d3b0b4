// One formatter for every render: `toLocaleString` builds a new one per call, and panels that
// render on every event of a run would pay for it (about 0.2 s in the 200-step page bench).
export const integer = new Intl.NumberFormat('en-US');

/** Tokens used, as "1,234 in, 56 out". */
export function tokens(usage: { promptTokens: number; completionTokens: number }): string {
  return `${integer.format(usage.promptTokens)} in, ${integer.format(usage.completionTokens)} out`;
}

/** "1 step", "2 steps", "1,234 characters": a count with its noun, singular or plural. */
export function count(value: number, singular: string, plural = `${singular}s`): string {
  return `${integer.format(value)} ${value === 1 ? singular : plural}`;
}
