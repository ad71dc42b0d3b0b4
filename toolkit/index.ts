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

export { places, settingLabel, settingPlace, toolSettingDescriptions, type ToolSettingDescription, type ToolSettingKey } from './shared/places.ts';

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
