import type { CustomToolDefinition } from '../../toolkit/custom-tool.ts';
import type { McpServerConfig } from '../../toolkit/mcp.ts';
import { parseHeaderLines, type Settings } from './settings-slice.ts';

/** What `knownSecrets` reads; the store's state fits. */
export interface KnownSecretsSource {
  settings: Pick<Settings, 'planner' | 'toolSettings' | 'customModels'> & Partial<Pick<Settings, 'otlp'>>;
  customTools: readonly CustomToolDefinition[];
  mcpServers: readonly McpServerConfig[];
}

// Names of headers, query parameters, body fields and tool settings whose values are
// credentials, compared lower-case without `-`, `_` or spaces: `x-api-key`, `access_token`,
// `Authorization`, `client_secret`, `appid` (OpenWeatherMap), but not `max_tokens` or `author`.
const credentialNamePattern = /key$|token$|secret|passw(or)?d|^pass$|^pwd$|^auth$|authorization$|^xauth|cookie|^session(id)?$|signature|^sig$|credential|^appid$/;

function isCredentialName(name: string): boolean {
  return credentialNamePattern.test(name.toLowerCase().replace(/[-_\s]/g, ''));
}

// A value shaped like a generated key: long, one token, letters and digits, no long word in it.
const credentialShape = /^[A-Za-z0-9._~+/=-]{20,}$/;

function looksLikeCredential(value: string): boolean {
  return credentialShape.test(value) && /\d/.test(value) && /[A-Za-z]/.test(value) && !/[a-z]{7,}/.test(value);
}

const placeholder = /\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}|\{[A-Za-z_][A-Za-z0-9_]*\}/g;

/** The fixed parts of a template: `{{parameter}}` (custom tools) and `{query}` (tool settings) are filled per call, not secrets. */
function literalParts(template: string): string[] {
  return template
    .split(placeholder)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** A credential written as a header value: itself, and without its scheme (`Bearer x` → `x`); a Basic pair's password too. */
function credentialValues(value: string): string[] {
  const values = [value];
  const scheme = /^(Bearer|Basic|Token|Digest|ApiKey)\s+(\S+)$/i.exec(value);
  if (scheme?.[2]) {
    values.push(scheme[2]);
    if (scheme[1]?.toLowerCase() === 'basic') {
      try {
        const pair = atob(scheme[2]);
        const colon = pair.indexOf(':');
        if (colon >= 0) values.push(pair.slice(colon + 1));
      } catch {
        // Not base64: the encoded value above is all there is to scrub.
      }
    }
  }
  return values;
}

/** Values of credential-named pairs in a header, query or form (`name`, `value`), and any value shaped like a key. */
function pairSecrets(name: string, value: string): string[] {
  return literalParts(value).flatMap((part) => (isCredentialName(name) ? credentialValues(part) : looksLikeCredential(part) ? [part] : []));
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * The password in a URL's `user:password@`, path segments shaped like a key (webhook URLs) and
 * the values of its credential-named query parameters.
 */
function urlSecrets(url: string | undefined): string[] {
  if (!url) return [];
  const secrets: string[] = [];
  const userInfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#@\s]*)@/i.exec(url.trim())?.[1];
  if (userInfo) secrets.push(...userInfo.split(':').slice(1).map(decode));
  const [path = '', query = ''] = url.split(/[?#]/);
  for (const segment of literalParts(path).flatMap((part) => part.split('/'))) if (looksLikeCredential(decode(segment))) secrets.push(decode(segment));
  for (const pair of query.split('&')) {
    const equals = pair.indexOf('=');
    if (equals > 0) secrets.push(...pairSecrets(decode(pair.slice(0, equals)), decode(pair.slice(equals + 1))));
  }
  return secrets;
}

/** The text inside a JSON string, escapes undone. */
function unescapeJson(text: string): string {
  try {
    return JSON.parse(`"${text}"`) as string;
  } catch {
    return text;
  }
}

/** Values of credential-named fields in a JSON or form body template, and any literal shaped like a key. */
function bodySecrets(body: string | undefined): string[] {
  if (!body) return [];
  const secrets: string[] = [];
  for (const match of body.matchAll(/"((?:[^"\\]|\\.)+)"\s*:\s*"((?:[^"\\]|\\.)*)"/g)) {
    secrets.push(...pairSecrets(unescapeJson(match[1] ?? ''), unescapeJson(match[2] ?? '')));
  }
  if (!/^\s*[[{]/.test(body)) {
    for (const pair of body.split('&')) {
      const equals = pair.indexOf('=');
      if (equals > 0) secrets.push(...pairSecrets(decode(pair.slice(0, equals)), decode(pair.slice(equals + 1))));
    }
  }
  for (const word of literalParts(body).flatMap((part) => part.split(/[\s"',:;{}[\]&=]+/))) if (looksLikeCredential(word)) secrets.push(word);
  return secrets;
}

function customToolSecrets(tool: CustomToolDefinition): string[] {
  return [
    ...urlSecrets(tool.request.url),
    ...Object.entries(tool.request.headers ?? {}).flatMap(([name, value]) => pairSecrets(name, value)),
    ...bodySecrets(tool.request.body),
  ];
}

/**
 * Every secret this page knows, as literal values to scrub from exports and from what is
 * stored: the planner's API key and URL credentials; tool settings named like credentials
 * and credentials in proxy URLs; each custom tool's credential headers (`x-api-key`,
 * `Authorization`, with and without the scheme), credential query parameters and body fields,
 * and fixed values shaped like a generated key; and each MCP server's token and URL
 * credentials. Parts filled per call (`{{parameter}}`) are not secrets. When unsure, a value
 * is included: scrubbing a harmless value from a stored run costs less than keeping a key.
 */
export function knownSecrets(source: KnownSecretsSource): string[] {
  const { planner, toolSettings, customModels } = source.settings;
  const secrets = [
    planner.apiKey,
    ...urlSecrets(planner.url),
    ...Object.entries(toolSettings).flatMap(([name, value]) => [...(isCredentialName(name) ? [value] : []), ...urlSecrets(value)]),
    ...urlSecrets(customModels?.cpu?.url),
    ...urlSecrets(customModels?.webgpu?.modelUrl),
    ...urlSecrets(customModels?.webgpu?.modelLibraryUrl),
    ...source.customTools.flatMap(customToolSecrets),
    ...source.mcpServers.flatMap((server) => [server.token ?? '', ...urlSecrets(server.url)]),
    ...urlSecrets(source.settings.otlp?.url),
    ...Object.entries(parseHeaderLines(source.settings.otlp?.headers ?? '')).flatMap(([name, value]) => pairSecrets(name, value)),
  ];
  return [...new Set(secrets.flatMap((secret) => [secret, secret.trim()]).filter((secret) => secret !== ''))];
}
