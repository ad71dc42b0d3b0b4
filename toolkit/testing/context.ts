import type { ToolContext } from '../../src/core/tools/types.ts';

/** A tool context for tests: a fetch that fails loudly unless one is given, no settings. */
export function testContext(overrides: Partial<ToolContext> = {}): ToolContext {
  return {
    signal: new AbortController().signal,
    fetch: (async (input: string | URL | Request) => {
      throw new Error(`Unexpected network request in a test: ${String(input instanceof Request ? input.url : input)}`);
    }) as typeof globalThis.fetch,
    settings: {},
    ...overrides,
  };
}
