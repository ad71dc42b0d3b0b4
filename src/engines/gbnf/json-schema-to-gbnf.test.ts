import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { buildToolCallSchema } from '../../core/dispatch/tool-call-schema.ts';
import type { JsonSchema, Tool } from '../../core/tools/types.ts';
import { GbnfSampler, gbnfAccepts, parseGbnf } from './gbnf-sampler.ts';
import { convertJsonSchemaToGbnf, jsonSchemaToGbnf, SchemaGrammarError, type GbnfOptions, type GbnfWhitespace } from './json-schema-to-gbnf.ts';

function createRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
// "fast" format checks: the grammar writes dates loosely (2024-02-31 is possible).
addFormats.default(ajv, { mode: 'fast' });

function tool(name: string, parameters: JsonSchema): Tool {
  return { name, description: name, parameters, sideEffects: false, run: async () => '' };
}

const standardTools = [
  tool('search_wiki', {
    type: 'object',
    properties: {
      query: { type: 'string', minLength: 1, description: 'What to look up' },
      language: { type: 'string', enum: ['en', 'de', 'zh'] },
      limit: { type: 'integer', minimum: 1, maximum: 20 },
    },
    required: ['query'],
    additionalProperties: false,
  }),
  tool('get_current_time', { type: 'object', properties: { timezone: { type: 'string' } }, additionalProperties: false }),
  tool('save_file', {
    type: 'object',
    properties: { filename: { type: 'string', pattern: '^[\\w.-]{1,40}$' }, content: { type: 'string' }, overwrite: { type: 'boolean' } },
    required: ['filename', 'content'],
    additionalProperties: false,
  }),
  tool('calculator', { type: 'object', properties: { expression: { type: 'string' } }, required: ['expression'] }),
  tool('fetch_url', { type: 'object', properties: { url: { type: 'string', format: 'uri' } }, required: ['url'], additionalProperties: false }),
  tool('no_arguments', { type: 'object', properties: {} }),
];

/** Every feature the converter claims, one schema each. */
const schemas: Record<string, JsonSchema | boolean> = {
  'plain string': { type: 'string' },
  'string enum': { type: 'string', enum: ['red', 'green', 'blue "quoted"', 'back\\slash', 'line\nfeed', 'ünïcödé'] },
  'string const': { const: 'exactly "this"' },
  'string lengths': { type: 'string', minLength: 2, maxLength: 5 },
  formats: {
    type: 'object',
    properties: {
      date: { type: 'string', format: 'date' },
      time: { type: 'string', format: 'time' },
      dateTime: { type: 'string', format: 'date-time' },
      uri: { type: 'string', format: 'uri' },
      email: { type: 'string', format: 'email' },
      uuid: { type: 'string', format: 'uuid' },
      ipv4: { type: 'string', format: 'ipv4' },
    },
    required: ['date', 'time', 'dateTime', 'uri', 'email', 'uuid', 'ipv4'],
    additionalProperties: false,
  },
  patterns: {
    type: 'object',
    properties: {
      code: { type: 'string', pattern: '^[A-Z]{2}-\\d{3,4}$' },
      words: { type: 'string', pattern: '^(foo|bar)+baz?$' },
      unanchored: { type: 'string', pattern: '[a-z]+@example\\.com' },
      escapes: { type: 'string', pattern: '^["\\\\/]{1,3}\\n?$' },
      negated: { type: 'string', pattern: '^[^a-z]{2}$' },
      dot: { type: 'string', pattern: '^a.c$' },
      unicode: { type: 'string', pattern: '^\\u00e9\\u{1F600}?$' },
    },
    required: ['code', 'words', 'unanchored', 'escapes', 'negated', 'dot', 'unicode'],
    additionalProperties: false,
  },
  integers: {
    type: 'object',
    properties: {
      free: { type: 'integer' },
      small: { type: 'integer', minimum: 1, maximum: 20 },
      aroundZero: { type: 'integer', minimum: -5, maximum: 5 },
      atLeast: { type: 'integer', minimum: 100 },
      atMost: { type: 'integer', maximum: -3 },
      positive: { type: 'integer', exclusiveMinimum: 0 },
      wide: { type: 'integer', minimum: 7, maximum: 1234 },
      negative: { type: 'integer', minimum: -1000, maximum: -10 },
      exclusiveBoth: { type: 'integer', exclusiveMinimum: 1.5, exclusiveMaximum: 9 },
    },
    required: ['free', 'small', 'aroundZero', 'atLeast', 'atMost', 'positive', 'wide', 'negative', 'exclusiveBoth'],
    additionalProperties: false,
  },
  numbers: {
    type: 'object',
    properties: {
      free: { type: 'number' },
      nonNegative: { type: 'number', minimum: 0 },
      unit: { type: 'number', minimum: 0, maximum: 1 },
      positive: { type: 'number', exclusiveMinimum: 0 },
      span: { type: 'number', minimum: -2.5, maximum: 3.5 },
      nonPositive: { type: 'number', maximum: 0 },
      negative: { type: 'number', exclusiveMaximum: 0 },
      narrow: { type: 'number', minimum: 0.1, maximum: 0.9 },
    },
    required: ['free', 'nonNegative', 'unit', 'positive', 'span', 'nonPositive', 'negative', 'narrow'],
    additionalProperties: false,
  },
  'boolean and null': {
    type: 'object',
    properties: { flag: { type: 'boolean' }, nothing: { type: 'null' } },
    required: ['flag', 'nothing'],
    additionalProperties: false,
  },
  arrays: {
    type: 'object',
    properties: {
      tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 3 },
      numbers: { type: 'array', items: { type: 'integer' } },
      anything: { type: 'array' },
      pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false },
      atLeastTwo: { type: 'array', items: { type: 'boolean' }, minItems: 2 },
      empty: { type: 'array', maxItems: 0 },
      nested: { type: 'array', items: { type: 'array', items: { type: 'number' }, maxItems: 2 }, maxItems: 2 },
    },
    required: ['tags', 'numbers', 'anything', 'pair', 'atLeastTwo', 'empty', 'nested'],
    additionalProperties: false,
  },
  'mixed enum': { enum: [1, 'two', null, true, { a: 1 }, [1, 2], 2.5] },
  'const object': { const: { kind: 'fixed', values: [1, 2, 3] } },
  anyOf: { anyOf: [{ type: 'string', maxLength: 3 }, { type: 'integer', minimum: 0 }, { type: 'null' }] },
  oneOf: { oneOf: [{ type: 'string' }, { type: 'boolean' }] },
  'allOf merge': {
    allOf: [
      { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
      { properties: { b: { type: 'integer', minimum: 0 } } },
      { properties: { a: { maxLength: 4 } } },
    ],
  },
  'allOf closed part': {
    allOf: [
      { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } }, additionalProperties: false },
      { properties: { b: { type: 'integer' }, c: { type: 'boolean' } } },
    ],
  },
  '$ref to $defs': {
    type: 'object',
    properties: { home: { $ref: '#/$defs/address' }, work: { $ref: '#/$defs/address' } },
    required: ['home'],
    additionalProperties: false,
    $defs: {
      address: {
        type: 'object',
        properties: { street: { type: 'string' }, zip: { type: 'string', pattern: '^\\d{5}$' } },
        required: ['street', 'zip'],
        additionalProperties: false,
      },
    },
  },
  '$ref to definitions with siblings': {
    definitions: { level: { type: 'integer', minimum: 0, maximum: 9 } },
    type: 'object',
    properties: { level: { $ref: '#/definitions/level', description: 'annotation only' }, capped: { $ref: '#/definitions/level', maximum: 3 } },
    required: ['level', 'capped'],
    additionalProperties: false,
  },
  'recursive $ref': {
    $ref: '#/$defs/node',
    $defs: {
      node: {
        type: 'object',
        properties: { value: { type: 'integer' }, children: { type: 'array', items: { $ref: '#/$defs/node' }, maxItems: 2 } },
        required: ['value'],
        additionalProperties: false,
      },
    },
  },
  nullable: {
    type: 'object',
    properties: {
      typeArray: { type: ['string', 'null'] },
      openApi: { type: 'integer', nullable: true },
      several: { type: ['number', 'boolean', 'null'] },
    },
    required: ['typeArray', 'openApi', 'several'],
    additionalProperties: false,
  },
  'optional properties in declared order': {
    type: 'object',
    properties: {
      first: { type: 'boolean' },
      second: { type: 'integer' },
      third: { type: 'string' },
      fourth: { type: 'null' },
    },
    required: ['third'],
    additionalProperties: false,
  },
  'all optional': {
    type: 'object',
    properties: { a: { type: 'boolean' }, b: { type: 'integer' }, c: { type: 'string' } },
    additionalProperties: false,
  },
  'additional properties true': {
    type: 'object',
    properties: { a: { type: 'integer' }, ab: { type: 'boolean' } },
    additionalProperties: true,
  },
  'additional properties schema': {
    type: 'object',
    properties: { id: { type: 'string' } },
    required: ['id'],
    additionalProperties: { type: 'integer', minimum: 0 },
  },
  'any object': { type: 'object' },
  'any value': {},
  'true schema': true,
  nested: {
    type: 'object',
    properties: {
      outer: {
        type: 'object',
        properties: { inner: { type: 'object', properties: { deep: { type: 'string', enum: ['x', 'y'] } }, required: ['deep'] } },
        required: ['inner'],
      },
    },
    required: ['outer'],
  },
  'MCP style tool input': {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: {
      path: { type: 'string', description: 'Path to read' },
      options: {
        type: 'object',
        properties: { recursive: { type: 'boolean', default: false }, depth: { type: 'integer', minimum: 1, maximum: 10 } },
        additionalProperties: false,
      },
      mode: { type: 'string', enum: ['text', 'binary'], default: 'text' },
    },
    required: ['path'],
    additionalProperties: false,
  },
  'tool call': buildToolCallSchema(standardTools),
};

function collectStrings(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') found.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      found.push(key);
      collectStrings(item, found);
    }
  }
  return found;
}

function maxArrayLength(value: unknown): number {
  if (Array.isArray(value)) return Math.max(value.length, ...value.map(maxArrayLength));
  if (value && typeof value === 'object') return Math.max(0, ...Object.values(value).map(maxArrayLength));
  return 0;
}

function sampleAndValidate(
  schema: JsonSchema | boolean,
  options: GbnfOptions,
  count: number,
  seed: number,
  checkText?: (text: string) => void,
): unknown[] {
  const { grammar } = convertJsonSchemaToGbnf(schema, options);
  const sampler = new GbnfSampler(parseGbnf(grammar), createRandom(seed));
  // Ajv2020 does not know the draft-07 meta-schema URI; the keywords used here are the same.
  const validate = ajv.compile(typeof schema === 'boolean' ? schema : { ...schema, $schema: undefined });
  const values: unknown[] = [];
  for (let index = 0; index < count; index++) {
    const text = sampler.sample();
    checkText?.(text);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new Error(`Not JSON: ${text}\n${String(error)}\n${grammar}`);
    }
    if (!validate(value)) throw new Error(`Invalid: ${text}\n${ajv.errorsText(validate.errors)}\n${grammar}`);
    values.push(value);
  }
  return values;
}

describe('jsonSchemaToGbnf: random sentences parse and validate', () => {
  const whitespaceModes: GbnfWhitespace[] = ['space', 'none', 'pretty'];
  for (const [name, schema] of Object.entries(schemas)) {
    it(name, () => {
      whitespaceModes.forEach((whitespace, index) => {
        sampleAndValidate(schema, { whitespace }, 150, 1000 + index);
        const limits: GbnfOptions = { whitespace, maxStringLength: 6, maxArrayItems: 3, maxAdditionalProperties: 2, characters: 'ascii' };
        sampleAndValidate(schema, limits, 150, 2000 + index, (text) => expect(text).toMatch(/^[\x20-\x7e\n\t]*$/));
      });
    });
  }

  it('reaches every tool of the tool-call schema', () => {
    const values = sampleAndValidate(schemas['tool call'] ?? {}, {}, 300, 7);
    const names = new Set(values.map((value) => (value as { name: string }).name));
    expect([...names].sort()).toEqual(standardTools.map((entry) => entry.name).sort());
  });

  it('keeps free strings and arrays within the limits', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { text: { type: 'string' }, list: { type: 'array', items: { type: 'string' } }, any: {} },
      required: ['text', 'list', 'any'],
    };
    const values = sampleAndValidate(schema, { maxStringLength: 8, maxArrayItems: 4, maxAdditionalProperties: 2 }, 300, 11);
    for (const value of values) {
      for (const text of collectStrings(value)) expect(Array.from(text).length).toBeLessThanOrEqual(8);
      expect(maxArrayLength(value)).toBeLessThanOrEqual(4);
    }
  });

  it('keeps explicit maxLength below the global limit and minLength above it', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { short: { type: 'string', maxLength: 3 }, long: { type: 'string', minLength: 10 } },
      required: ['short', 'long'],
      additionalProperties: false,
    };
    for (const value of sampleAndValidate(schema, { maxStringLength: 6 }, 200, 5)) {
      const { short, long } = value as { short: string; long: string };
      expect(Array.from(short).length).toBeLessThanOrEqual(3);
      expect(Array.from(long).length).toBe(10);
    }
  });
});

describe('jsonSchemaToGbnf: grammar text', () => {
  it('writes a plain string', () => {
    expect(jsonSchemaToGbnf({ type: 'string' })).toBe(
      [
        'root ::= string',
        'char ::= [\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E\\x80-\\uD7FF\\uE000-\\U0010FFFF] | "\\\\" ([\\x22\\x5C\\x2Fbfnrt] | "u" ([0-9a-cA-Ce-fE-F] [0-9a-fA-F]{3} | [dD] [0-7] [0-9a-fA-F]{2}))',
        'string ::= "\\"" char* "\\""',
        '',
      ].join('\n'),
    );
  });

  it('writes booleans, enums and bounded integers compactly', () => {
    expect(jsonSchemaToGbnf({ type: 'boolean' })).toBe('root ::= boolean\nboolean ::= "true" | "false"\n');
    expect(jsonSchemaToGbnf({ enum: ['a', 1, null] })).toBe('root ::= "\\"a\\"" | "1" | "null"\n');
    expect(jsonSchemaToGbnf({ type: 'integer', minimum: 1, maximum: 20 })).toBe('root ::= [1-9] | "1" [0-9] | "20"\n');
  });

  it('writes an object with required and optional members in declared order', () => {
    const grammar = jsonSchemaToGbnf(
      { type: 'object', properties: { q: { type: 'string' }, n: { type: 'boolean' } }, required: ['q'], additionalProperties: false },
      { whitespace: 'none', maxStringLength: 4 },
    );
    expect(grammar.split('\n')[0]).toBe('root ::= "{" root-q-kv ("," root-n-kv)? "}"');
    expect(grammar).toContain('root-q-kv ::= "\\"q\\"" ":" string\n');
    expect(grammar).toContain('string ::= "\\"" char{0,4} "\\""\n');
    expect(grammar).not.toContain('ws');
  });

  it('keeps raw string characters to printable ASCII on request', () => {
    const grammar = jsonSchemaToGbnf({ type: 'string' }, { characters: 'ascii' });
    expect(grammar).toContain('char ::= [\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E] | ');
    expect(jsonSchemaToGbnf({ enum: ['café'] }, { characters: 'ascii' })).toBe('root ::= "\\"caf\\\\u00e9\\""\n');
  });

  it('bounds whitespace', () => {
    expect(jsonSchemaToGbnf({ type: 'object', properties: {} })).toContain('ws ::= " "?');
    expect(jsonSchemaToGbnf({ type: 'object', properties: {} }, { whitespace: 'pretty' })).toContain('ws ::= (" " | "\\n" [ \\t]{0,20})?');
  });

  it('names tool-call branches after the tools', () => {
    const grammar = jsonSchemaToGbnf(schemas['tool call'] ?? {});
    expect(grammar.split('\n')[0]).toBe(
      'root ::= root-search-wiki | root-get-current-time | root-save-file | root-calculator | root-fetch-url | root-no-arguments',
    );
  });
});

describe('jsonSchemaToGbnf: what the grammar accepts', () => {
  const toolCall = parseGbnf(jsonSchemaToGbnf(schemas['tool call'] ?? {}));

  it('accepts well-formed tool calls', () => {
    expect(gbnfAccepts(toolCall, '{"name":"search_wiki","arguments":{"query":"Ada Lovelace"}}')).toBe(true);
    expect(gbnfAccepts(toolCall, '{ "name": "search_wiki", "arguments": { "query": "x", "language": "de", "limit": 20 } }')).toBe(true);
    expect(gbnfAccepts(toolCall, '{"name":"get_current_time","arguments":{}}')).toBe(true);
    expect(gbnfAccepts(toolCall, '{"name":"no_arguments","arguments":{}}')).toBe(true);
  });

  it('rejects unknown tools, missing or extra arguments, out-of-range values and order changes', () => {
    expect(gbnfAccepts(toolCall, '{"name":"search_web","arguments":{"query":"x"}}')).toBe(false);
    expect(gbnfAccepts(toolCall, '{"name":"search_wiki","arguments":{}}')).toBe(false);
    expect(gbnfAccepts(toolCall, '{"name":"search_wiki","arguments":{"query":""}}')).toBe(false);
    expect(gbnfAccepts(toolCall, '{"name":"search_wiki","arguments":{"query":"x","limit":21}}')).toBe(false);
    expect(gbnfAccepts(toolCall, '{"name":"search_wiki","arguments":{"query":"x","page":2}}')).toBe(false);
    expect(gbnfAccepts(toolCall, '{"name":"search_wiki","arguments":{"limit":2,"query":"x"}}')).toBe(false);
    expect(gbnfAccepts(toolCall, '{"name":"search_wiki","arguments":{"query":"x"}} ')).toBe(false);
    expect(gbnfAccepts(toolCall, '{"name":"search_wiki",  "arguments":{"query":"x"}}')).toBe(false);
  });

  it('never lets an additional property repeat a declared name', () => {
    const grammar = parseGbnf(jsonSchemaToGbnf(schemas['additional properties true'] as JsonSchema));
    expect(gbnfAccepts(grammar, '{"a":1,"abc":"x"}')).toBe(true);
    expect(gbnfAccepts(grammar, '{"a":1,"b":2,"":null}')).toBe(true);
    expect(gbnfAccepts(grammar, '{"a":1,"a":"x"}')).toBe(false);
    expect(gbnfAccepts(grammar, '{"ab":true,"ab":1}')).toBe(false);
    expect(gbnfAccepts(grammar, '{"a":1,"\\u0061":"x"}')).toBe(false);
  });
});

describe('jsonSchemaToGbnf: errors and warnings', () => {
  it('refuses schemas that accept nothing or point elsewhere', () => {
    expect(() => jsonSchemaToGbnf(false)).toThrow(SchemaGrammarError);
    expect(() => jsonSchemaToGbnf({ $ref: 'https://example.com/schema.json' })).toThrow(/local references/);
    expect(() => jsonSchemaToGbnf({ $ref: '#/$defs/missing' })).toThrow(/points to nothing/);
    expect(() => jsonSchemaToGbnf({ type: 'integer', minimum: 5, maximum: 4 })).toThrow(SchemaGrammarError);
    expect(() => jsonSchemaToGbnf({ type: 'string', enum: [1, 2] })).toThrow(/enum/);
  });

  it('falls back to a plain string for patterns it cannot express, and says so', () => {
    const result = convertJsonSchemaToGbnf({ type: 'string', pattern: '^(?=.*\\d)\\w+$' });
    expect(result.grammar.split('\n')[0]).toBe('root ::= string');
    expect(result.warnings.join(' ')).toMatch(/not enforced/);
  });

  it('names keywords it does not enforce', () => {
    const { warnings } = convertJsonSchemaToGbnf({ type: 'array', items: { type: 'integer', multipleOf: 3 }, uniqueItems: true });
    expect(warnings).toEqual(expect.arrayContaining(['"uniqueItems" is not enforced: items may repeat.', '"multipleOf" is not enforced.']));
  });
});
