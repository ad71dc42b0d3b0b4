import type { StateCreator } from 'zustand';
import type { CustomToolDefinition } from '../../toolkit/custom-tool.ts';
import type { McpConnectionStatus, McpServerConfig } from '../../toolkit/mcp.ts';
import type { AppState } from './store.ts';

/** What the page shows of one MCP server connection. */
export interface McpServerView {
  status: McpConnectionStatus;
  error?: string;
  toolNames: string[];
}

export interface ToolkitSlice {
  /** Tools defined in the form, without code. Persisted. */
  customTools: CustomToolDefinition[];
  /** MCP servers to connect to. Persisted without their tokens. */
  mcpServers: McpServerConfig[];
  /** Live connection state by server name. Not persisted. */
  mcpStatus: Record<string, McpServerView>;
  /** Side-effect tools the person trusts for this session: they run without approval. Not persisted. */
  trustedTools: string[];
  saveCustomTool: (definition: CustomToolDefinition) => void;
  deleteCustomTool: (name: string) => void;
  saveMcpServer: (config: McpServerConfig) => void;
  deleteMcpServer: (name: string) => void;
  setMcpStatus: (name: string, view: McpServerView | undefined) => void;
  trustTool: (name: string) => void;
}

export const createToolkitSlice: StateCreator<AppState, [], [], ToolkitSlice> = (set) => ({
  customTools: [],
  mcpServers: [],
  mcpStatus: {},
  trustedTools: [],
  saveCustomTool: (definition) =>
    set((state) => ({ customTools: [...state.customTools.filter((tool) => tool.name !== definition.name), definition] })),
  deleteCustomTool: (name) => set((state) => ({ customTools: state.customTools.filter((tool) => tool.name !== name) })),
  saveMcpServer: (config) =>
    set((state) => ({
      mcpServers: state.mcpServers.some((server) => server.name === config.name)
        ? state.mcpServers.map((server) => (server.name === config.name ? config : server))
        : [...state.mcpServers, config],
    })),
  deleteMcpServer: (name) => set((state) => ({ mcpServers: state.mcpServers.filter((server) => server.name !== name) })),
  setMcpStatus: (name, view) =>
    set((state) => {
      const { [name]: _previous, ...rest } = state.mcpStatus;
      return { mcpStatus: view ? { ...rest, [name]: view } : rest };
    }),
  trustTool: (name) => set((state) => ({ trustedTools: [...new Set([...state.trustedTools, name])] })),
});
