import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { fastPathArguments } from '../src/core/dispatch/fast-path.ts';
import { standardTools, toolByName, toolSettingDescriptions } from './index.ts';

/** The planner prompt shows only this much of a description (same rule as the core's prompt). */
function firstSentence(text: string): string {
  const match = /^[\s\S]*?[.!?](\s|$)/.exec(text.trim());
  return (match ? match[0] : text).trim();
}

const plannerInputs: Record<string, string> = {
  search_wiki: 'Eiffel Tower',
  search_web: 'Rust 1.80 release date',
  search_bilibili: '原神 攻略',
  get_current_time: 'Asia/Tokyo',
  calculator: '(1889 - 1886) * 12',
  fetch_url: 'https://example.org/',
  llm: 'Given #E1, in which year was the tower finished?',
};

describe('standard tools', () => {
  it('keep their names and order', () => {
    expect(standardTools.map((tool) => tool.name)).toEqual([
      'search_wiki',
      'search_web',
      'search_bilibili',
      'get_current_time',
      'save_file',
      'calculator',
      'fetch_url',
      'llm',
    ]);
    for (const tool of standardTools) expect(toolByName.get(tool.name)).toBe(tool);
  });

  it.each(standardTools.map((tool) => [tool.name, tool] as const))('%s has an object schema that compiles, a timeout and a first sentence that says what the input is', (_name, tool) => {
    expect(tool.parameters.type).toBe('object');
    expect(() => new Ajv({ strict: true }).compile(tool.parameters)).not.toThrow();
    expect(tool.timeoutMs).toBeGreaterThan(0);
    const sentence = firstSentence(tool.description);
    expect(sentence.length).toBeGreaterThan(40);
    expect(sentence.length).toBeLessThan(260);
    expect(sentence).toMatch(/input|query|expression|URL|text|time zone/);
  });

  it('only save_file has side effects', () => {
    expect(standardTools.filter((tool) => tool.sideEffects).map((tool) => tool.name)).toEqual(['save_file']);
  });

  it.each(Object.entries(plannerInputs))('a planner\'s %s[text] maps straight onto the tool\'s one string parameter', (name, input) => {
    const tool = toolByName.get(name);
    if (!tool) throw new Error(name);
    const step = { id: '#E2', tool: name, input, deps: [] };
    const args = fastPathArguments(step, input, tool, new Map());
    expect(args).toBeDefined();
    expect(Object.values(args ?? {})).toEqual([input]);
  });

  it('describe every string setting they read', () => {
    expect(toolSettingDescriptions.map((setting) => setting.key)).toEqual([
      'wikiLanguage',
      'searxngUrl',
      'searchProxyUrl',
      'bilibiliProxyUrl',
      'fetchProxyUrl',
      'maxFetchChars',
      'llmMaxTokens',
    ]);
  });
});
