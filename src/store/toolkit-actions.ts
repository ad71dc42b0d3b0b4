import { errorMessage, StepwiseError } from '../core/errors.ts';
import type { Tool } from '../core/tools/types.ts';
import { createCustomTool, type CustomToolDefinition } from '../../toolkit/custom-tool.ts';
import { standardTools } from '../../toolkit/index.ts';
import { createMcpConnection, type McpConnection, type McpServerConfig } from '../../toolkit/mcp.ts';
import { useAppStore } from './store.ts';

const store = () => useAppStore.getState();

// Live MCP sessions by server name; their state is mirrored into the store for the UI.
const connections = new Map<string, McpConnection>();

function customTools(): Tool[] {
  return store().customTools.flatMap((definition) => {
    try {
      return [createCustomTool(definition)];
    } catch {
      // A stored definition that no longer validates is shown with its errors in the form.
      return [];
    }
  });
}

/** Every tool the agent can use: standard, custom and those of connected MCP servers. */
export function allTools(): Tool[] {
  const mcpTools = [...connections.values()].filter((connection) => connection.status === 'connected').flatMap((connection) => connection.tools);
  return [...standardTools, ...customTools(), ...mcpTools];
}

/** The tools switched on in Settings. */
export function enabledTools(): Tool[] {
  const disabled = new Set(store().settings.disabledTools);
  return allTools().filter((tool) => !disabled.has(tool.name));
}

/** The person trusts this MCP server (saved with it): its tools run without approval. */
export function isMcpServerTrusted(name: string): boolean {
  return store().mcpServers.some((server) => server.name === name && server.trusted === true);
}

/**
 * Side-effect tools stop for approval unless the person trusts them for this session. A tool
 * of an MCP server asks unless the person trusts its server, whatever the server claims of it
 * (read-only hints come from the server and lift nothing); trust is read now, not at connect.
 */
export function requiresApproval(tool: Tool): boolean {
  if (store().trustedTools.includes(tool.name)) return false;
  if (tool.mcp) return !isMcpServerTrusted(tool.mcp.server);
  return tool.sideEffects;
}

/** Trusts an MCP server or stops trusting it; takes effect at the next call of its tools. */
export function setMcpServerTrust(name: string, trusted: boolean): void {
  const config = store().mcpServers.find((server) => server.name === name);
  if (config) store().saveMcpServer({ ...config, trusted });
}

/** Runs a custom tool once with sample arguments ("Try it"); returns the evidence or the problem. */
export async function tryCustomTool(definition: CustomToolDefinition, args: Record<string, unknown>): Promise<{ ok: boolean; text: string }> {
  try {
    const tool = createCustomTool(definition);
    const signal = AbortSignal.timeout(tool.timeoutMs ?? 30_000);
    return { ok: true, text: await tool.run(args, { signal, fetch: globalThis.fetch.bind(globalThis), settings: store().settings.toolSettings }) };
  } catch (error) {
    const hint = error instanceof StepwiseError && error.hint ? ` ${error.hint}` : '';
    return { ok: false, text: `${errorMessage(error)}${hint}` };
  }
}

function mirror(connection: McpConnection): void {
  store().setMcpStatus(connection.config.name, {
    status: connection.status,
    ...(connection.error ? { error: connection.error } : {}),
    toolNames: connection.tools.map((tool) => tool.name),
  });
}

/** Connects to an MCP server (saving it) and adds its tools to the toolkit. */
export async function connectMcpServer(config: McpServerConfig): Promise<void> {
  await disconnectMcpServer(config.name);
  store().saveMcpServer(config);
  const connection = createMcpConnection(config);
  connections.set(config.name, connection);
  connection.subscribe(() => mirror(connection));
  mirror(connection);
  try {
    await connection.connect();
  } catch {
    // The connection records the error; mirror() shows it.
  }
  mirror(connection);
}

export async function disconnectMcpServer(name: string): Promise<void> {
  const connection = connections.get(name);
  if (!connection) return;
  connections.delete(name);
  await connection.disconnect().catch(() => {});
  store().setMcpStatus(name, undefined);
}

export async function removeMcpServer(name: string): Promise<void> {
  await disconnectMcpServer(name);
  store().deleteMcpServer(name);
}
