/**
 * The toolkit: the standard tools, custom HTTP tools defined without code, and tools from
 * remote MCP servers. Every tool implements `Tool` from the core; none imports the UI or store.
 */
import type { Tool } from '../src/core/tools/types.ts';
import { calculator } from './calculator.ts';
import { fetchUrl } from './fetch-url.ts';
import { getCurrentTime } from './get-current-time.ts';
import { llm } from './llm.ts';
import { saveFile } from './save-file.ts';
import { searchBilibili } from './search-bilibili.ts';
import { searchWeb } from './search-web.ts';
import { searchWiki } from './search-wiki.ts';

/** The standard tools, in the order the planner prompt lists them. */
export const standardTools: readonly Tool[] = [searchWiki, searchWeb, searchBilibili, getCurrentTime, saveFile, calculator, fetchUrl, llm];

/** The standard tools by name (`search_wiki` → the tool). */
export const toolByName: ReadonlyMap<string, Tool> = new Map(standardTools.map((tool) => [tool.name, tool]));

/** A setting the tools read from `ToolContext.settings`, for the settings form. */
export interface ToolSettingDescription {
  key: string;
  label: string;
  /** The tools that read it. */
  tools: readonly string[];
  description: string;
  example: string;
}

/**
 * The string settings the standard tools read. The app also passes non-string values: `llm`
 * (a `ChatEngine` for the llm tool), `saveFile` (a `FileSaver`) and, in tests, `domParser`.
 */
export const toolSettingDescriptions: readonly ToolSettingDescription[] = [
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
];

export { calculator, fetchUrl, getCurrentTime, llm, saveFile, searchBilibili, searchWeb, searchWiki };
export type { FileSaver } from './save-file.ts';
export { ToolError } from './shared/tool-error.ts';
export type { HtmlParser } from './shared/html.ts';
export {
  createCustomTool,
  CustomToolDefinitionError,
  customToolDefinitionSchema,
  customToolsFormatVersion,
  exportCustomTools,
  importCustomTools,
  validateCustomToolDefinition,
  type CustomToolDefinition,
} from './custom-tool.ts';
export {
  connectMcpServer,
  createMcpConnection,
  mcpToolName,
  McpConnectionError,
  type McpConnection,
  type McpConnectionOptions,
  type McpConnectionStatus,
  type McpServerConfig,
} from './mcp.ts';
