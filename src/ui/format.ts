const integer = new Intl.NumberFormat('en-US');

/** "1 step", "2 steps", "1,234 characters": a count with its noun, singular or plural. */
export function count(value: number, singular: string, plural = `${singular}s`): string {
  return `${integer.format(value)} ${value === 1 ? singular : plural}`;
}
