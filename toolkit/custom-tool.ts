import { Ajv } from 'ajv';
import { z } from 'zod';
import { errorMessage, StepwiseError } from '../src/core/errors.ts';
import type { JsonSchema, Tool } from '../src/core/tools/types.ts';
import { fetchText, parseJsonText } from './shared/http.ts';
import { customToolLabels, places } from './shared/places.ts';
import { checkHttpUrl, isDotSegment } from './shared/settings.ts';
import { capOutput } from './shared/text.ts';
import { ToolError } from './shared/tool-error.ts';

/** Version of the export format written by `exportCustomTools`; `importCustomTools` reads it and older ones. */
export const customToolsFormatVersion = 1;
const formatName = 'stepwise-custom-tools';

/** Names of the standard tools, which a custom tool may not take. */
const reservedNames = new Set(['search_wiki', 'search_web', 'search_bilibili', 'get_current_time', 'save_file', 'calculator', 'fetch_url', 'llm']);

const placeholderPattern = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

const schemaCompiler = new Ajv({ allErrors: true, strict: false });

const parametersSchema = z.record(z.string(), z.unknown(), { error: 'parameters must be a JSON Schema object' }).superRefine((schema, context) => {
  if (schema.type !== 'object') {
    context.addIssue({ code: 'custom', message: 'parameters must be a JSON Schema with "type": "object"' });
    return;
  }
  if (!schemaCompiler.validateSchema(schema)) {
    const first = schemaCompiler.errors?.[0];
    const where = first?.instancePath ? `${first.instancePath.slice(1).replaceAll('/', '.')} ` : '';
    context.addIssue({ code: 'custom', message: `parameters is not a valid JSON Schema: ${where}${first?.message ?? 'invalid'}` });
    return;
  }
  try {
    schemaCompiler.compile(schema);
    schemaCompiler.removeSchema(schema);
  } catch (error) {
    context.addIssue({ code: 'custom', message: `parameters is not a valid JSON Schema: ${errorMessage(error)}` });
  }
});

/**
 * A tool defined without code: an HTTP request with `{{parameter}}` placeholders and a rule for
 * turning the response into evidence. Placeholders in the URL are URL-encoded (and "." or ".."
 * in its path are refused); in a JSON body they are JSON-escaped (`"{{x}}"` becomes the value as
 * JSON, `"text {{x}}"` gets the escaped text); in headers and other bodies they are written as
 * they are.
 */
export const customToolDefinitionSchema = z
  .object({
    name: z
      .string({ error: 'name is required' })
      .regex(/^[a-z][a-z0-9_]*$/, 'name must be snake_case: lower-case letters, digits and underscores, starting with a letter')
      .max(64, 'name must be at most 64 characters')
      .refine((name) => !reservedNames.has(name), { message: 'name is taken by a standard tool' }),
    description: z
      .string({ error: 'description is required' })
      .trim()
      .min(1, 'description is empty: say what the input is and what the tool returns')
      .max(2_000, 'description must be at most 2000 characters'),
    parameters: parametersSchema,
    sideEffects: z.boolean({ error: 'sideEffects must be true or false (true makes each call wait for approval)' }),
    timeoutMs: z.number().int().min(100).max(600_000).optional(),
    request: z.object(
      {
        method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], { error: 'method must be GET, POST, PUT, PATCH or DELETE' }),
        url: z.string({ error: 'url is required' }).trim().min(1, 'url is empty'),
        headers: z.record(z.string(), z.string({ error: 'header values must be strings' })).optional(),
        body: z.string({ error: 'body must be a string (a template)' }).optional(),
      },
      { error: 'request must be an object with method and url' },
    ),
    extract: z.discriminatedUnion(
      'kind',
      [
        z.object({ kind: z.literal('json-path'), path: z.string().trim().startsWith('$', 'path must be a JSONPath starting with $') }),
        z.object({ kind: z.literal('text') }),
      ],
      { error: 'extract.kind must be "json-path" (with a path) or "text"' },
    ),
  })
  .superRefine((definition, context) => {
    const properties = definition.parameters.properties;
    const known = new Set(typeof properties === 'object' && properties !== null ? Object.keys(properties) : []);
    const check = (template: string, path: (string | number)[]) => {
      for (const match of template.matchAll(placeholderPattern)) {
        const name = match[1] ?? '';
        if (!known.has(name)) {
          const list = known.size > 0 ? `; the parameters are ${[...known].join(', ')}` : '; parameters has no properties';
          context.addIssue({ code: 'custom', path, message: `{{${name}}} is not a parameter${list}` });
        }
      }
    };
    check(definition.request.url, ['request', 'url']);
    for (const [header, value] of Object.entries(definition.request.headers ?? {})) check(value, ['request', 'headers', header]);
    if (definition.request.body !== undefined) check(definition.request.body, ['request', 'body']);
    let url: URL | undefined;
    try {
      url = new URL(definition.request.url.replace(placeholderPattern, 'x'));
    } catch {
      context.addIssue({ code: 'custom', path: ['request', 'url'], message: 'is not a full URL (it should start with https://)' });
    }
    if (url && url.protocol !== 'http:' && url.protocol !== 'https:') {
      context.addIssue({ code: 'custom', path: ['request', 'url'], message: 'must start with http:// or https://' });
    }
    if (definition.request.body !== undefined && definition.request.method === 'GET') {
      context.addIssue({ code: 'custom', path: ['request', 'body'], message: 'a GET request cannot have a body: use POST, or put the parameters in the URL' });
    }
  });

/** A custom tool definition, as stored and exported. */
export type CustomToolDefinition = z.output<typeof customToolDefinitionSchema>;

/** A custom tool definition has problems; `problems` lists them as `path: message`. */
export class CustomToolDefinitionError extends StepwiseError {
  override readonly name = 'CustomToolDefinitionError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`The custom tool definition is invalid: ${problems.join('; ')}`, { hint: 'Fix the listed fields and save again.' });
    this.problems = problems;
  }
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (path === '' || issue.message.startsWith(`${path} `)) return issue.message;
    return /^(is|must) /.test(issue.message) ? `${path} ${issue.message}` : `${path}: ${issue.message}`;
  });
}

/** Checks a definition (from a form, storage or an import). `errors` is empty when it is valid. */
export function validateCustomToolDefinition(value: unknown): { definition?: CustomToolDefinition; errors: string[] } {
  const parsed = customToolDefinitionSchema.safeParse(value);
  return parsed.success ? { definition: parsed.data, errors: [] } : { errors: describeIssues(parsed.error) };
}

type Placement = 'url' | 'header' | 'form' | 'raw';

function valueText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function fillTemplate(template: string, args: Record<string, unknown>, placement: Placement): string {
  return template.replace(placeholderPattern, (_match, name: string) => {
    const text = valueText(args[name]);
    switch (placement) {
      case 'url':
      case 'form':
        return encodeURIComponent(text);
      case 'header':
        // A line break in a header value would start a new header.
        return text.replace(/[\r\n]+/g, ' ');
      case 'raw':
        return text;
    }
  });
}

/** Where the URL template's placeholders land once the URL is parsed; every filled URL is checked against it. */
interface UrlLayout {
  /** The template's origin, when no placeholder is part of it. */
  origin?: string;
  /** The path up to its first placeholder; the whole path when no placeholder is in it. */
  pathPrefix: string;
  pathHasPlaceholder: boolean;
  /** Parameters with a placeholder in the path. */
  pathParameters: ReadonlySet<string>;
}

// Stand-ins for placeholders that URL parsing leaves as they are (lower-case letters and digits).
const markerPattern = /stepwiseplaceholder\d+x/;
const marker = (index: number) => `stepwiseplaceholder${index}x`;

function urlLayout(template: string): UrlLayout {
  const names: string[] = [];
  const probe = new URL(template.replace(placeholderPattern, (_match, name: string) => marker(names.push(name) - 1)));
  const firstInPath = probe.pathname.search(markerPattern);
  return {
    origin: markerPattern.test(probe.host) ? undefined : probe.origin,
    pathPrefix: firstInPath === -1 ? probe.pathname : probe.pathname.slice(0, firstInPath),
    pathHasPlaceholder: firstInPath !== -1,
    pathParameters: new Set(names.filter((_name, index) => probe.pathname.includes(marker(index)))),
  };
}

/**
 * Fills the URL template. Placeholders are URL-encoded, but encoding leaves "." and ".." alone, so
 * `/users/{{id}}/profile` with `..` would reach `/profile`: such path values are refused, and the
 * filled URL must keep the template's origin and its path up to the first placeholder.
 */
function fillUrl(toolName: string, template: string, layout: UrlLayout, args: Record<string, unknown>): string {
  for (const parameter of layout.pathParameters) {
    const value = valueText(args[parameter]);
    if (isDotSegment(value)) {
      throw new ToolError(toolName, `the ${parameter} argument is "${value}", which in the URL path would send the request to a different address; it is refused.`, {
        hint: `Give ${parameter} an actual value: "." and ".." (in any spelling) are not allowed where the URL template puts a parameter in the path.`,
      });
    }
  }
  const url = new URL(checkHttpUrl(toolName, fillTemplate(template, args, 'url'), 'the request URL'));
  const pathKept = layout.pathHasPlaceholder ? url.pathname.startsWith(layout.pathPrefix) : url.pathname === layout.pathPrefix;
  if (!pathKept || (layout.origin !== undefined && url.origin !== layout.origin)) {
    throw new ToolError(toolName, `the arguments turn the request URL into ${url.href}, outside ${layout.origin ?? ''}${layout.pathPrefix} where the URL template sends requests; it is refused.`, {
      hint: 'Check the arguments that go into the URL path.',
    });
  }
  return url.href;
}

/**
 * Fills a JSON body template. A placeholder that is a whole string (`"{{limit}}"`) becomes the
 * argument as JSON (so numbers stay numbers); inside a longer string it becomes escaped text;
 * outside strings it becomes the argument as JSON.
 */
export function fillJsonTemplate(template: string, args: Record<string, unknown>): string {
  let output = '';
  let inString = false;
  let index = 0;
  while (index < template.length) {
    placeholderPattern.lastIndex = index;
    const match = template[index] === '{' ? placeholderPattern.exec(template) : null;
    if (match && match.index === index) {
      const value = args[match[1] ?? ''];
      const end = index + match[0].length;
      if (inString && output.endsWith('"') && !output.endsWith('\\"') && template[end] === '"') {
        output = output.slice(0, -1) + JSON.stringify(value ?? null);
        inString = false;
        index = end + 1;
        continue;
      }
      output += inString ? JSON.stringify(valueText(value)).slice(1, -1) : JSON.stringify(value ?? null);
      index = end;
      continue;
    }
    const character = template[index] ?? '';
    if (character === '\\' && inString) {
      output += template.slice(index, index + 2);
      index += 2;
      continue;
    }
    if (character === '"') inString = !inString;
    output += character;
    index += 1;
  }
  return output;
}

function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  return JSON.stringify(value, null, 2);
}

async function extractJsonPath(toolName: string, data: unknown, path: string, host: string): Promise<string> {
  // Loaded on first use: most sessions define no custom tools.
  const { JSONPath } = await import('jsonpath-plus');
  let matches: unknown[];
  try {
    matches = JSONPath({ path, json: data as object, wrap: true, eval: 'safe' }) as unknown[];
  } catch (error) {
    throw new ToolError(toolName, `the JSONPath ${path} could not be evaluated: ${errorMessage(error)}`, { cause: error });
  }
  if (matches.length === 0) {
    throw new ToolError(toolName, `nothing in the answer from ${host} matches the JSONPath ${path}.`, {
      hint:
        `Check the inputs, and the tool's ${customToolLabels.jsonPath} against a real answer of the API: in ${places.customTool}, ` +
        `${customToolLabels.tryIt} with ${customToolLabels.extract} set to "${customToolLabels.extractText}" shows one.`,
    });
  }
  if (matches.length === 1) return render(matches[0]);
  if (matches.every((match) => match === null || typeof match !== 'object')) return matches.map(render).join('\n');
  return JSON.stringify(matches, null, 2);
}

/**
 * Makes a runnable `Tool` from a definition (validated again here: stored definitions may come
 * from an older version). Throws `CustomToolDefinitionError` for an invalid one.
 */
export function createCustomTool(value: CustomToolDefinition): Tool {
  const { definition, errors } = validateCustomToolDefinition(value);
  if (!definition) throw new CustomToolDefinitionError(errors);
  const { name, request, extract } = definition;
  const headerEntries = Object.entries(request.headers ?? {});
  const contentType = headerEntries.find(([header]) => header.toLowerCase() === 'content-type')?.[1] ?? '';
  const bodyIsJson = request.body !== undefined && (/json/i.test(contentType) || (contentType === '' && /^\s*[[{]/.test(request.body)));
  const bodyIsForm = /x-www-form-urlencoded/i.test(contentType);
  const layout = urlLayout(request.url);
  const requestSetting = `the tool's ${customToolLabels.urlTemplate} and ${customToolLabels.headers} in ${places.customTool}`;
  // There is no edit button: the form in the Tools dialog replaces a tool saved under the same name.
  const unreachableHint =
    `A custom tool can read only APIs that allow this page's origin (CORS). Check the network connection and the tool's ${customToolLabels.urlTemplate}; ` +
    `for an API without CORS, save the tool again in ${places.customTool} under the same name with a ${customToolLabels.urlTemplate} that goes through a proxy that allows this page.`;
  return {
    name,
    description: definition.description,
    parameters: definition.parameters as JsonSchema,
    sideEffects: definition.sideEffects,
    timeoutMs: definition.timeoutMs,
    async run(args, context) {
      const url = fillUrl(name, request.url, layout, args);
      const headers = Object.fromEntries(headerEntries.map(([header, template]) => [header, fillTemplate(template, args, 'header')]));
      let body: string | undefined;
      if (request.body !== undefined) {
        body = bodyIsJson ? fillJsonTemplate(request.body, args) : fillTemplate(request.body, args, bodyIsForm ? 'form' : 'raw');
        if (bodyIsJson && contentType === '') headers['content-type'] = 'application/json';
      }
      const response = await fetchText({ toolName: name, url, method: request.method, headers, body, unreachableHint, setting: requestSetting }, context);
      switch (extract.kind) {
        case 'text':
          return capOutput(response.text.trim() || `(${response.host} answered with an empty body)`);
        case 'json-path':
          return capOutput(await extractJsonPath(name, parseJsonText(name, response), extract.path, response.host));
      }
    },
  };
}

/** Serialises definitions to the versioned export format (pretty JSON). */
export function exportCustomTools(definitions: readonly CustomToolDefinition[]): string {
  return `${JSON.stringify({ format: formatName, version: customToolsFormatVersion, tools: definitions }, null, 2)}\n`;
}

const envelopeSchema = z.object({
  format: z.string().optional(),
  version: z.unknown(),
  tools: z.array(z.unknown()),
});

/**
 * Reads an export. Valid definitions come back in `tools`; every problem, per tool, in `errors`
 * (`Tool 2 ("weather"): request.url: …`). A tool that fails does not stop the others.
 */
export function importCustomTools(text: string): { tools: CustomToolDefinition[]; errors: string[] } {
  let data: unknown;
  try {
    data = JSON.parse(text) as unknown;
  } catch (error) {
    return { tools: [], errors: [`The file is not JSON: ${errorMessage(error)}`] };
  }
  let items: unknown[];
  if (Array.isArray(data)) {
    items = data;
  } else {
    const envelope = envelopeSchema.safeParse(data);
    if (!envelope.success) {
      return { tools: [], errors: [`This is not a Stepwise custom tools file: expected {"format": "${formatName}", "version": ${customToolsFormatVersion}, "tools": [...]}.`] };
    }
    const { format, version } = envelope.data;
    if (format !== undefined && format !== formatName) return { tools: [], errors: [`This file has format "${format}", not "${formatName}".`] };
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      return { tools: [], errors: [`The file's version must be a whole number (this Stepwise writes version ${customToolsFormatVersion}).`] };
    }
    if (version > customToolsFormatVersion) {
      return { tools: [], errors: [`The file was written by a newer Stepwise (format version ${version}); this one reads up to version ${customToolsFormatVersion}.`] };
    }
    items = envelope.data.tools;
  }
  const tools: CustomToolDefinition[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const name = typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string' ? (item as { name: string }).name : '';
    const label = `Tool ${index + 1}${name ? ` ("${name}")` : ''}`;
    const { definition, errors: problems } = validateCustomToolDefinition(item);
    if (!definition) {
      errors.push(...problems.map((problem) => `${label}: ${problem}`));
      return;
    }
    if (seen.has(definition.name)) {
      errors.push(`${label}: the name is used by an earlier tool in the file`);
      return;
    }
    seen.add(definition.name);
    tools.push(definition);
  });
  return { tools, errors };
}
