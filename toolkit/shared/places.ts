/**
 * Where a person changes what the tools use, named as the app shows it: the Settings dialog's
 * fieldsets (legends) and the Tools dialog's sections, with the visible labels of their inputs.
 * Tool messages and hints name these places (`Settings → Tool settings → SearXNG URL`), never a
 * setting's internal key. `places.test.ts` checks the names against the UI's source.
 */

/** A setting the tools read from `ToolContext.settings`, for the settings form. */
export interface ToolSettingDescription {
  key: string;
  /** The input's visible label in Settings → Tool settings. */
  label: string;
  /** The tools that read it. */
  tools: readonly string[];
  description: string;
  example: string;
}

const descriptions = [
  { key: 'wikiLanguage', label: 'Wikipedia language', tools: ['search_wiki'], description: 'Language code of the Wikipedia to search.', example: 'en' },
  {
    key: 'searxngUrl',
    label: 'SearXNG URL',
    tools: ['search_web'],
    description: 'Base URL of a SearXNG instance with JSON output enabled (search.formats: [html, json]) that allows this page\'s origin.',
    example: 'http://127.0.0.1:8888',
  },
  {
    key: 'searchProxyUrl',
    label: 'Search proxy URL',
    tools: ['search_web'],
    description: 'Used when no SearXNG URL is set: a URL with {query} that answers with search results as JSON (title, url, snippet) or text.',
    example: 'https://proxy.example/search?q={query}',
  },
  {
    key: 'bilibiliProxyUrl',
    label: 'bilibili proxy URL',
    tools: ['search_bilibili'],
    description: 'A URL with {query} that forwards to bilibili\'s video search API with cookies and answers with its JSON.',
    example: 'https://proxy.example/bilibili?keyword={query}',
  },
  {
    key: 'fetchProxyUrl',
    label: 'Fetch proxy URL',
    tools: ['fetch_url'],
    description: 'A URL with {url} that fetches the given page for this one, so that sites without CORS can be read.',
    example: 'https://proxy.example/fetch?url={url}',
  },
  { key: 'maxFetchChars', label: 'Page text limit', tools: ['fetch_url'], description: 'Characters of page text kept by fetch_url.', example: '20000' },
  { key: 'llmMaxTokens', label: 'llm tool max tokens', tools: ['llm'], description: 'Longest answer of the llm tool, in tokens.', example: '1024' },
] as const satisfies readonly ToolSettingDescription[];

/** The key of a string setting the standard tools read (`searxngUrl`). */
export type ToolSettingKey = (typeof descriptions)[number]['key'];

/**
 * The string settings the standard tools read, in the order of the settings form. The app also
 * passes non-string values that have no input of their own: `llm` (a `ChatEngine`, the Solver's
 * model, for the llm tool), `saveFile` (a `FileSaver`) and, in tests, `domParser`.
 */
export const toolSettingDescriptions: readonly ToolSettingDescription[] = descriptions;

/** Places in the app's dialogs, as a person reads them. */
export const places = {
  /** Settings dialog, fieldset "Tool settings": one input per `toolSettingDescriptions` entry. */
  toolSettings: 'Settings → Tool settings',
  /** Settings dialog, fieldset "Toolkit": tools on and off, "break before". */
  toolkit: 'Settings → Toolkit',
  /** Settings dialog, fieldset "Roles", select "Solver": the model the llm tool asks. */
  solverRole: 'Settings → Roles → Solver',
  /** Settings dialog, fieldset "Planner endpoint (…)" with Planner URL, Planner model and API key. */
  plannerEndpoint: 'Settings → Planner endpoint',
  /** Settings dialog, fieldset "In-browser models". */
  inBrowserModels: 'Settings → In-browser models',
  /** Tools dialog, section "Custom tool" (the form that defines one). */
  customTool: 'Tools → Custom tool',
  /** Tools dialog, section "MCP servers (Streamable HTTP)". */
  mcpServers: 'Tools → MCP servers',
} as const;

/** Visible labels of the Settings dialog's planner endpoint fieldset. */
export const plannerLabels = {
  url: 'Planner URL',
  model: 'Planner model',
  apiKey: 'API key',
} as const;

/** Visible labels of the Tools dialog's custom tool form. */
export const customToolLabels = {
  urlTemplate: 'URL template',
  headers: 'Headers (JSON)',
  extract: 'Extract',
  extractText: 'Text of the response',
  jsonPath: 'JSON path',
  tryIt: 'Try it',
} as const;

/** Visible labels of the MCP server form in the Tools dialog. */
export const mcpServerLabels = {
  name: 'Server name',
  url: 'Server URL',
  token: 'Bearer token',
  connect: 'Connect',
} as const;

/** The visible label of a tool setting (`searxngUrl` → `SearXNG URL`). */
export function settingLabel(key: ToolSettingKey): string {
  return descriptions.find((setting) => setting.key === key)?.label ?? key;
}

/** Where a tool setting is changed, as a path of visible names (`Settings → Tool settings → SearXNG URL`). */
export function settingPlace(key: ToolSettingKey): string {
  return `${places.toolSettings} → ${settingLabel(key)}`;
}
