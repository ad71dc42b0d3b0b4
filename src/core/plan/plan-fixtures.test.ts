import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePlan } from './plan-parser.ts';
import { PlanStreamParser } from './plan-stream.ts';
import { ThinkFilter } from './think-filter.ts';
import type { PlanStep, StreamedStep } from './types.ts';

const standardTools = ['search_wiki', 'search_web', 'search_bilibili', 'get_current_time', 'save_file', 'calculator', 'fetch_url', 'llm'];

interface ExpectedPlan {
  description: string;
  steps: PlanStep[];
  /** One substring per expected error, in order. */
  errors: string[];
  /** One substring per expected warning, in order. */
  warnings: string[];
}

const directory = fileURLToPath(new URL('./__fixtures__/', import.meta.url));
const fixtures = readdirSync(directory)
  .filter((file) => file.endsWith('.txt'))
  .sort()
  .map((file) => {
    const name = file.slice(0, -'.txt'.length);
    return {
      name,
      text: readFileSync(`${directory}${file}`, 'utf8'),
      expected: JSON.parse(readFileSync(`${directory}${name}.expected.json`, 'utf8')) as ExpectedPlan,
    };
  });

/** Deterministic PRNG (mulberry32) so a failing chunking can be replayed from its seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function streamInRandomChunks(text: string, seed: number, largest: number) {
  const random = seededRandom(seed);
  const parser = new PlanStreamParser(standardTools);
  const duringStream: StreamedStep[] = [];
  for (let index = 0; index < text.length; ) {
    const size = 1 + Math.floor(random() * largest);
    duringStream.push(...parser.push(text.slice(index, index + size)));
    index += size;
  }
  const end = parser.finish();
  return { duringStream, atFinish: end.steps, plan: end.plan };
}

function hasUnopenedThinkClose(text: string): boolean {
  const filter = new ThinkFilter();
  return filter.push(text).resetAt !== undefined || filter.finish().resetAt !== undefined;
}

describe('recorded planner outputs', () => {
  it('has at least 40 fixtures, each with its expectation', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
    for (const fixture of fixtures) expect(fixture.expected.description, fixture.name).not.toBe('');
  });

  describe.each(fixtures)('$name', ({ text, expected }) => {
    it('parses to the expected steps, errors and warnings', () => {
      const plan = parsePlan(text, standardTools);
      expect(plan.steps).toEqual(expected.steps);
      expect(plan.errors.map((error) => error.message)).toHaveLength(expected.errors.length);
      expected.errors.forEach((substring, index) => expect(plan.errors[index]?.message).toContain(substring));
      expect(plan.warnings.map((warning) => warning.message)).toHaveLength(expected.warnings.length);
      expected.warnings.forEach((substring, index) => expect(plan.warnings[index]?.message).toContain(substring));
    });

    it('streams to the same plan in random chunk sizes', () => {
      const whole = parsePlan(text, standardTools);
      // The drafts before an unopened </think> are emitted before the tag shows they were reasoning.
      const compareEmitted = !hasUnopenedThinkClose(text);
      for (let seed = 1; seed <= 30; seed++) {
        const streamed = streamInRandomChunks(text, seed, [1, 3, 8, 40][seed % 4] ?? 8);
        expect(streamed.plan).toEqual(whole);
        if (!compareEmitted) continue;
        expect([...streamed.duringStream, ...streamed.atFinish].map((item) => item.step)).toEqual(whole.steps);
        // Every step but the last has text after it, so it must arrive before the stream ends.
        expect(streamed.duringStream.length).toBeGreaterThanOrEqual(whole.steps.length - 1);
      }
    });
  });
});
