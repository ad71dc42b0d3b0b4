import { describe, expect, it } from 'vitest';
import { validateToolArguments } from '../src/core/dispatch/validate.ts';
import {
  createCustomTool,
  CustomToolDefinitionError,
  exportCustomTools,
  fillJsonTemplate,
  importCustomTools,
  validateCustomToolDefinition,
  type CustomToolDefinition,
} from './custom-tool.ts';
import { testContext } from './testing/context.ts';
import { createFakeFetch, jsonResponse, textResponse } from './testing/fake-fetch.ts';

const weather: CustomToolDefinition = {
  name: 'city_weather',
  description: 'Gives the current weather for a city name (the input).',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string', minLength: 1 }, units: { type: 'string', enum: ['metric', 'imperial'] } },
    required: ['city'],
    additionalProperties: false,
  },
  sideEffects: false,
  request: { method: 'GET', url: 'https://api.weather.example/v1/current?q={{city}}&units={{units}}', headers: { 'x-api-key': 'demo-key' } },
  extract: { kind: 'json-path', path: '$.current.summary' },
};

const note: CustomToolDefinition = {
  name: 'create_note',
  description: 'Creates a note with the given text (the input) in the team notebook.',
  parameters: { type: 'object', properties: { text: { type: 'string' }, pinned: { type: 'boolean' } }, required: ['text'] },
  sideEffects: true,
  request: {
    method: 'POST',
    url: 'https://notes.example/api/notes',
    headers: { 'content-type': 'application/json' },
    body: '{"text": "{{text}}", "pinned": {{pinned}}, "title": "From Stepwise: {{text}}"}',
  },
  extract: { kind: 'text' },
};

function weatherApi() {
  return createFakeFetch((request) => {
    expect(request.method).toBe('GET');
    expect(request.url.origin + request.url.pathname).toBe('https://api.weather.example/v1/current');
    expect(request.headers.get('x-api-key')).toBe('demo-key');
    return jsonResponse({ location: request.url.searchParams.get('q'), current: { summary: `Sunny in ${request.url.searchParams.get('q')}, 24 °C` } });
  });
}

describe('custom tools', () => {
  it('round trip: define, run, export, import, run again', async () => {
    const first = weatherApi();
    const tool = createCustomTool(weather);
    expect(tool.name).toBe('city_weather');
    expect(tool.sideEffects).toBe(false);
    expect(validateToolArguments(tool, { city: 'Paris' })).toEqual([]);
    const output = await tool.run({ city: 'São Paulo & Co', units: 'metric' }, testContext({ fetch: first.fetch }));
    expect(first.requests[0]?.url.search).toBe('?q=S%C3%A3o%20Paulo%20%26%20Co&units=metric');
    expect(first.requests[0]?.signal).toBeDefined();
    expect(output).toBe('Sunny in São Paulo & Co, 24 °C');

    const exported = exportCustomTools([weather, note]);
    expect(JSON.parse(exported)).toMatchObject({ format: 'stepwise-custom-tools', version: 1 });
    const imported = importCustomTools(exported);
    expect(imported.errors).toEqual([]);
    expect(imported.tools).toEqual([weather, note]);

    const second = weatherApi();
    const again = await createCustomTool(imported.tools[0] as CustomToolDefinition).run({ city: 'Oslo' }, testContext({ fetch: second.fetch }));
    expect(second.requests[0]?.url.search).toBe('?q=Oslo&units=');
    expect(again).toBe('Sunny in Oslo, 24 °C');
  });

  it('JSON-escapes body placeholders and keeps non-string values as JSON', async () => {
    const fake = createFakeFetch((request) => {
      expect(request.method).toBe('POST');
      expect(request.headers.get('content-type')).toBe('application/json');
      return textResponse('created note 17');
    });
    const text = 'He said "hi"\nthen left \\ back';
    const output = await createCustomTool(note).run({ text, pinned: true }, testContext({ fetch: fake.fetch }));
    expect(output).toBe('created note 17');
    expect(JSON.parse(fake.requests[0]?.body ?? '')).toEqual({ text, pinned: true, title: `From Stepwise: ${text}` });
    expect(fillJsonTemplate('{"n": "{{n}}", "missing": {{m}}}', { n: 5 })).toBe('{"n": 5, "missing": null}');
  });

  it('returns every match of a JSONPath, and says when nothing matches', async () => {
    const fake = createFakeFetch(() => jsonResponse({ current: { hours: [{ t: 1 }, { t: 2 }] } }));
    const list = createCustomTool({ ...weather, extract: { kind: 'json-path', path: '$.current.hours[*].t' } });
    expect(await list.run({ city: 'x' }, testContext({ fetch: fake.fetch }))).toBe('1\n2');
    const missing = createCustomTool({ ...weather, extract: { kind: 'json-path', path: '$.nothing' } });
    await expect(missing.run({ city: 'x' }, testContext({ fetch: fake.fetch }))).rejects.toThrow(
      'city_weather failed: nothing in the answer from api.weather.example matches the JSONPath $.nothing.',
    );
  });

  it('explains what is wrong with a definition', () => {
    const { errors } = validateCustomToolDefinition({
      ...weather,
      name: 'City Weather',
      parameters: { type: 'object', properties: { city: { type: 'strin' } } },
      request: { method: 'GET', url: 'ftp://x.example/{{town}}', body: 'x' },
      extract: { kind: 'xpath' },
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        'name must be snake_case: lower-case letters, digits and underscores, starting with a letter',
        'parameters is not a valid JSON Schema: properties.city.type must be equal to one of the allowed values',
        'extract.kind must be "json-path" (with a path) or "text"',
      ]),
    );
    const placeholders = validateCustomToolDefinition({ ...weather, request: { method: 'GET', url: 'ftp://x.example/{{town}}', body: 'x' } }).errors;
    expect(placeholders).toEqual([
      'request.url: {{town}} is not a parameter; the parameters are city, units',
      'request.url must start with http:// or https://',
      'request.body: a GET request cannot have a body: use POST, or put the parameters in the URL',
    ]);
    expect(validateCustomToolDefinition({ ...weather, name: 'search_wiki' }).errors).toEqual(['name is taken by a standard tool']);
    expect(() => createCustomTool({ ...weather, sideEffects: 'no' } as unknown as CustomToolDefinition)).toThrow(CustomToolDefinitionError);
  });

  it('imports what it can and lists the problems per tool', () => {
    const text = JSON.stringify({ format: 'stepwise-custom-tools', version: 1, tools: [weather, { ...note, request: { method: 'GET', url: 'nope' } }, weather] });
    const { tools, errors } = importCustomTools(text);
    expect(tools).toEqual([weather]);
    expect(errors).toEqual(['Tool 2 ("create_note"): request.url is not a full URL (it should start with https://)', 'Tool 3 ("city_weather"): the name is used by an earlier tool in the file']);
  });

  it('refuses files that are not JSON, of another format or of a newer version', () => {
    expect(importCustomTools('{oops').errors[0]).toMatch(/^The file is not JSON: /);
    expect(importCustomTools('{"format": "other", "version": 1, "tools": []}').errors).toEqual(['This file has format "other", not "stepwise-custom-tools".']);
    expect(importCustomTools('{"format": "stepwise-custom-tools", "version": 2, "tools": []}').errors).toEqual([
      'The file was written by a newer Stepwise (format version 2); this one reads up to version 1.',
    ]);
    expect(importCustomTools('{"hello": 1}').errors[0]).toMatch(/^This is not a Stepwise custom tools file/);
  });
});

describe('custom tool URLs', () => {
  const profile: CustomToolDefinition = {
    name: 'user_profile',
    description: 'Gives the public profile of the user with the given id (the input).',
    parameters: { type: 'object', properties: { id: { type: 'string' }, fields: { type: 'string' } }, required: ['id'] },
    sideEffects: false,
    request: { method: 'GET', url: 'https://api.example/api/users/{{id}}/profile?fields={{fields}}' },
    extract: { kind: 'text' },
  };
  const profileApi = () => createFakeFetch((request) => textResponse(`profile at ${request.url.pathname}`));

  it('refuses a path argument that is "." or "..", in any spelling, and sends nothing', async () => {
    const fake = profileApi();
    const tool = createCustomTool(profile);
    // Unrefused, ".." reached https://api.example/api/profile: encodeURIComponent leaves dots alone,
    // and URL parsing reads %2e as a dot too.
    for (const id of ['..', '.', '%2e%2e', '.%2E', '%2E', '%252e%252E']) {
      await expect(tool.run({ id }, testContext({ fetch: fake.fetch })), id).rejects.toThrow(
        `user_profile failed: the id argument is "${id}", which in the URL path would send the request to a different address; it is refused.`,
      );
    }
    expect(fake.requests).toEqual([]);
  });

  it('sends ordinary values, dots inside a value and dots in the query', async () => {
    const fake = profileApi();
    const tool = createCustomTool(profile);
    expect(await tool.run({ id: 'ada' }, testContext({ fetch: fake.fetch }))).toBe('profile at /api/users/ada/profile');
    expect(await tool.run({ id: 'v1..2', fields: '..' }, testContext({ fetch: fake.fetch }))).toBe('profile at /api/users/v1..2/profile');
    expect(fake.requests.map((request) => request.url.href)).toEqual([
      'https://api.example/api/users/ada/profile?fields=',
      'https://api.example/api/users/v1..2/profile?fields=..',
    ]);
  });

  it('refuses a filled URL that leaves the fixed part of the template', async () => {
    const fake = profileApi();
    // An empty name leaves "/files/." , which URL parsing shortens to "/files/".
    const tool = createCustomTool({ ...profile, name: 'hidden_file', request: { method: 'GET', url: 'https://api.example/files/.{{id}}' } });
    await expect(tool.run({ id: '' }, testContext({ fetch: fake.fetch }))).rejects.toThrow(
      'hidden_file failed: the arguments turn the request URL into https://api.example/files/, outside https://api.example/files/. where the URL template sends requests; it is refused.',
    );
    expect(await tool.run({ id: 'env' }, testContext({ fetch: fake.fetch }))).toBe('profile at /files/.env');
    expect(fake.requests).toHaveLength(1);
  });

  it('lets a placeholder choose the host when the template puts it there', async () => {
    const fake = createFakeFetch((request) => textResponse(request.url.host));
    const tool = createCustomTool({ ...profile, name: 'regional_profile', request: { method: 'GET', url: 'https://{{fields}}.api.example/users/{{id}}' } });
    expect(await tool.run({ id: '7', fields: 'eu' }, testContext({ fetch: fake.fetch }))).toBe('eu.api.example');
  });
});
