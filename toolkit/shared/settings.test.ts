import { describe, expect, it } from 'vitest';
import { ToolError } from './tool-error.ts';
import { fillUrlTemplate, isDotSegment } from './settings.ts';

describe('fillUrlTemplate', () => {
  it('URL-encodes the input into the proxy template', () => {
    expect(fillUrlTemplate('search_web', 'searchProxyUrl', 'https://proxy.example/search/{query}/json', { query: 'a b/c' })).toBe('https://proxy.example/search/a%20b%2Fc/json');
  });

  it('refuses an input that would climb up the proxy URL\'s path, in any spelling', () => {
    for (const value of ['.', '..', '%2e%2e', '.%2E', '%252e%252e']) {
      expect(isDotSegment(value)).toBe(true);
      expect(() => fillUrlTemplate('search_web', 'searchProxyUrl', 'https://proxy.example/search/{query}/json', { query: value })).toThrow(ToolError);
    }
    expect(isDotSegment('...')).toBe(false);
    expect(isDotSegment('v1.2')).toBe(false);
  });
});
