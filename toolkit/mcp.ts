import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { errorMessage, isAbortError, StepwiseError } from '../src/core/errors.ts';
import type { JsonSchema, Tool } from '../src/core/tools/types.ts';
import { localNetworkInit } from '../src/core/llm/address-space.ts';
import { pageLocation } from '../src/core/llm/endpoint-errors.ts';
import { mcpServerLabels, places } from './shared/places.ts';
import { capOutput, countOf } from './shared/text.ts';
import { ToolError } from './shared/tool-error.ts';

/** A remote MCP server reached over Streamable HTTP. */
export interface McpServerConfig {
  /** Short name; tool names become `mcp_<name>_<tool>`. */
  name: string;
  /** The MCP endpoint, usually ending in `/mcp`. */
  url: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string;
  /**
   * The person trusts this server: its tools run without approval. Otherwise every tool asks,
   * whatever the server's hints say (an untrusted server can mark anything read-only).
   */
  trusted?: boolean;
  /** Per-call timeout in milliseconds (default 60000). */
  timeoutMs?: number;
}

/** Where a connection stands. */
export type McpConnectionStatus = 'idle' | 'connecting' | 'connected' | 'failed' | 'closed';

/** One MCP server connection and the tools it offers. */
export interface McpConnection {
  readonly config: McpServerConfig;
  readonly status: McpConnectionStatus;
  /** The last error, for a person: a failure to connect comes with its hint (what to change, and where). */
  readonly error?: string;
  /** Errors so far, oldest first (the last 20). */
  readonly errors: readonly string[];
  /** The server's tools as `Tool`s; empty until connected. */
  readonly tools: readonly Tool[];
  /** Name and version the server reported. */
  readonly serverInfo?: { name: string; version: string };
  /** Connects and lists the tools. Rejects with an `McpConnectionError` and sets status `failed`. */
  connect(): Promise<readonly Tool[]>;
  /** Lists the tools again (after the server says they changed). */
  refreshTools(): Promise<readonly Tool[]>;
  /** Ends the session on the server and closes the connection; calls of its tools fail afterwards. */
  disconnect(): Promise<void>;
  /** Called after every change of status, tools or errors; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

/** Options of `createMcpConnection`. */
export interface McpConnectionOptions {
  /** The fetch the transport uses (default the page's). */
  fetch?: typeof globalThis.fetch;
  /** Timeout of connecting and listing, in milliseconds (default 15000). */
  connectTimeoutMs?: number;
}

/** Connecting to an MCP server failed; the hint says what to change. */
export class McpConnectionError extends StepwiseError {
  override readonly name = 'McpConnectionError';
  readonly serverName: string;
  constructor(serverName: string, message: string, options: { hint?: string; cause?: unknown; transient?: boolean } = {}) {
    super(message, options);
    this.serverName = serverName;
  }
}

const defaultCallTimeoutMs = 60_000;

/** `60 s`, `1.5 s`: a duration for messages. */
function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${seconds >= 10 ? Math.round(seconds) : Number(seconds.toPrecision(2))} s`;
}
const maxErrors = 20;

/** Lower-case snake_case for tool names: `My Server!` → `my_server`. */
export function sanitizeName(name: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The name under which an MCP tool appears to the agent: `mcp_<server>_<tool>`, at most 64 characters. */
export function mcpToolName(serverName: string, toolName: string): string {
  return `mcp_${sanitizeName(serverName) || 'server'}_${sanitizeName(toolName) || 'tool'}`.slice(0, 64);
}

interface ContentBlock {
  type: string;
  text?: string;
  mimeType?: string;
  data?: string;
  uri?: string;
  name?: string;
  resource?: { uri?: string; text?: string; blob?: string; mimeType?: string };
}

/** Text of an MCP tool result's content blocks; non-text blocks are described in brackets. */
export function contentToText(result: { content?: unknown; structuredContent?: unknown; toolResult?: unknown }): string {
  const blocks = Array.isArray(result.content) ? (result.content as ContentBlock[]) : [];
  const parts = blocks.map((block) => {
    switch (block.type) {
      case 'text':
        return block.text ?? '';
      case 'image':
      case 'audio':
        return `[${block.type}: ${block.mimeType ?? 'unknown type'}, about ${countOf(Math.round(((block.data?.length ?? 0) * 3) / 4), 'byte')}]`;
      case 'resource':
        return block.resource?.text ?? `[resource: ${block.resource?.uri ?? 'unnamed'}${block.resource?.mimeType ? `, ${block.resource.mimeType}` : ''}]`;
      case 'resource_link':
        return `[link: ${block.name ?? ''} ${block.uri ?? ''}]`.replace(/\s+\]/, ']');
      default:
        return `[${block.type} content]`;
    }
  });
  const text = parts.filter((part) => part !== '').join('\n\n');
  if (text !== '') return text;
  if (result.structuredContent !== undefined) return JSON.stringify(result.structuredContent, null, 2);
  if (result.toolResult !== undefined) return typeof result.toolResult === 'string' ? result.toolResult : JSON.stringify(result.toolResult, null, 2);
  return '';
}

/**
 * Parameters for the core's validator: Ajv in its default draft rejects the draft 2020-12
 * `$schema` that zod-made schemas declare, and nothing else in the key matters for validation.
 */
function parametersFrom(inputSchema: Record<string, unknown>): JsonSchema {
  const { $schema: _schema, ...rest } = inputSchema;
  return { type: 'object', ...rest };
}

/** How to change a saved server: the form in the Tools dialog replaces the server of the same name. */
function changeServer(config: McpServerConfig, what: string): string {
  return `in ${places.mcpServers}, enter ${mcpServerLabels.name} "${config.name}" again with ${what} and press ${mcpServerLabels.connect}`;
}

/** What the page saw of the first answer (initialize): whether one came, and whether its session id was readable. */
interface FirstAnswer {
  answered: boolean;
  sessionIdVisible: boolean;
}

/** The page's fetch, watching the first answer: a session id the browser hides is the usual reason a connection fails right after it. */
function watchingFetch(base: typeof globalThis.fetch | undefined, first: FirstAnswer): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await (base ?? globalThis.fetch)(input, init);
    if (!first.answered) {
      first.answered = response.ok;
      first.sessionIdVisible = response.headers.has('mcp-session-id');
    }
    return response;
  };
}

function connectionFailure(config: McpServerConfig, error: unknown, first?: FirstAnswer): McpConnectionError {
  const where = `the MCP server "${config.name}" at ${config.url}`;
  const code = typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined;
  // The server answered initialize, then the next request failed: from a page that is the session
  // id it sent but did not expose (so the client cannot send it back), or the protocol-version
  // header it does not allow (so the browser refuses the request before it is sent).
  if (first?.answered && (error instanceof TypeError || code === 400 || code === 404)) {
    return new McpConnectionError(config.name, `${where} answered the first request, but this page cannot carry on the session with it${first.sessionIdVisible ? '' : ' (its Mcp-Session-Id header is not readable here)'}.`, {
      cause: error,
      hint:
        'A browser sees a response header only when the server exposes it, and sends a request header only when the server allows it (CORS). ' +
        'Configure the server to send Access-Control-Expose-Headers: Mcp-Session-Id and to allow the mcp-protocol-version request header ' +
        '(Access-Control-Allow-Headers: Authorization, Content-Type, Mcp-Session-Id, Mcp-Protocol-Version), then connect again.',
    });
  }
  if (error instanceof TypeError) {
    return new McpConnectionError(config.name, `Could not reach ${where} (${error.message}).`, {
      cause: error,
      transient: true,
      hint:
        `Check that the server runs and that its ${mcpServerLabels.url} is right (to change it, ${changeServer(config, `the right ${mcpServerLabels.url}`)}). ` +
        'From a web page the server must also allow this origin (CORS): Access-Control-Allow-Origin, the headers Authorization, Content-Type, Mcp-Session-Id and Mcp-Protocol-Version, and Access-Control-Expose-Headers: Mcp-Session-Id.',
    });
  }
  if (code === 401 || code === 403 || (error instanceof Error && error.name === 'UnauthorizedError')) {
    return new McpConnectionError(config.name, `${where} refused the connection (HTTP ${String(code ?? 401)}).`, {
      cause: error,
      hint: config.token
        ? `The server did not accept the ${mcpServerLabels.token}: ${changeServer(config, `its ${mcpServerLabels.url} and the right ${mcpServerLabels.token}`)}.`
        : `The server wants a ${mcpServerLabels.token}: ${changeServer(config, `its ${mcpServerLabels.url} and a ${mcpServerLabels.token}`)}.`,
    });
  }
  if (code === 404 || code === 405) {
    return new McpConnectionError(config.name, `${where} has no MCP endpoint at that address (HTTP ${String(code)}).`, {
      cause: error,
      hint: `MCP endpoints usually end in /mcp: check the ${mcpServerLabels.url} (to change it, ${changeServer(config, `the right ${mcpServerLabels.url}`)}).`,
    });
  }
  return new McpConnectionError(config.name, `Could not connect to ${where}: ${errorMessage(error)}`, { cause: error });
}

/**
 * A connection to a remote MCP server over Streamable HTTP (the official SDK's `Client` and
 * `StreamableHTTPClientTransport`, loaded on first connect). Its tools become `Tool`s named
 * `mcp_<server>_<tool>` whose `sideEffects` is false only for a server the person trusts; the
 * server's own `readOnlyHint`/`destructiveHint` are kept for display and never lift approval.
 */
export function createMcpConnection(config: McpServerConfig, options: McpConnectionOptions = {}): McpConnection {
  let status: McpConnectionStatus = 'idle';
  let tools: readonly Tool[] = [];
  let serverInfo: { name: string; version: string } | undefined;
  const errors: string[] = [];
  const listeners = new Set<() => void>();
  let client: Client | undefined;
  let transport: StreamableHTTPClientTransport | undefined;
  let closing = false;

  const notify = () => listeners.forEach((listener) => listener());
  const setStatus = (next: McpConnectionStatus) => {
    status = next;
    notify();
  };
  const recordError = (message: string) => {
    errors.push(message);
    if (errors.length > maxErrors) errors.splice(0, errors.length - maxErrors);
    notify();
  };
  const connectTimeoutMs = options.connectTimeoutMs ?? 15_000;

  function toTool(definition: {
    name: string;
    description?: string;
    inputSchema: Record<string, unknown>;
    annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean; title?: string };
  }, name: string): Tool {
    const timeoutMs = config.timeoutMs ?? defaultCallTimeoutMs;
    const description = definition.description?.trim() || `Runs the tool "${definition.name}" of the MCP server "${config.name}".`;
    return {
      name,
      description: `${description} (From the MCP server "${config.name}".)`,
      parameters: parametersFrom(definition.inputSchema),
      sideEffects: config.trusted !== true,
      mcp: {
        server: config.name,
        readOnlyHint: definition.annotations?.readOnlyHint === true,
        destructiveHint: definition.annotations?.destructiveHint === true,
      },
      timeoutMs,
      async run(args, context) {
        if (status !== 'connected' || !client) {
          throw new ToolError(name, `the MCP server "${config.name}" is not connected.`, {
            hint: `Connect it again: press "${mcpServerLabels.connect} ${config.name}" in ${places.mcpServers}, then re-run the step.`,
          });
        }
        let result: Awaited<ReturnType<Client['callTool']>>;
        try {
          result = await client.callTool({ name: definition.name, arguments: args }, undefined, { signal: context.signal, timeout: timeoutMs });
        } catch (error) {
          // The SDK wraps the abort reason in an McpError; the scheduler wants the abort itself.
          if (context.signal.aborted) throw context.signal.reason ?? error;
          if (isAbortError(error)) throw error;
          const code = typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined;
          if (code === -32001) {
            throw new ToolError(name, `the MCP server "${config.name}" did not answer within ${formatSeconds(timeoutMs)}.`, {
              hint: 'The server may be busy or the call too large: re-run the step later, or ask for less at once.',
              transient: true,
              cause: error,
            });
          }
          throw new ToolError(name, `the MCP server "${config.name}" answered with an error: ${errorMessage(error)}`, { cause: error });
        }
        const text = contentToText(result);
        if (result.isError === true) throw new ToolError(name, text.trim() || 'the tool reported an error without a message.');
        return capOutput(text.trim() || '(the tool returned no content)');
      },
    };
  }

  async function listTools(): Promise<readonly Tool[]> {
    if (!client) throw new McpConnectionError(config.name, `The MCP server "${config.name}" is not connected.`);
    const definitions: Parameters<typeof toTool>[0][] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: connectTimeoutMs });
      definitions.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    const used = new Set<string>();
    tools = definitions.map((definition) => {
      const base = mcpToolName(config.name, definition.name);
      let name = base;
      for (let suffix = 2; used.has(name); suffix += 1) name = `${base.slice(0, 60)}_${suffix}`;
      used.add(name);
      return toTool(definition, name);
    });
    notify();
    return tools;
  }

  const connection: McpConnection = {
    config,
    get status() {
      return status;
    },
    get error() {
      return errors.at(-1);
    },
    get errors() {
      return [...errors];
    },
    get tools() {
      return tools;
    },
    get serverInfo() {
      return serverInfo;
    },
    async connect() {
      if (status === 'connected') return tools;
      closing = false;
      setStatus('connecting');
      const first: FirstAnswer = { answered: false, sessionIdVisible: false };
      try {
        const url = new URL(config.url);
        const [{ Client: ClientClass }, { StreamableHTTPClientTransport: TransportClass }] = await Promise.all([
          import('@modelcontextprotocol/sdk/client/index.js'),
          import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
        ]);
        const headers: Record<string, string> = config.token ? { authorization: `Bearer ${config.token}` } : {};
        // A public page asks before it reaches this computer or the local network (Local Network Access).
        const requestInit = { headers, ...localNetworkInit(pageLocation()?.origin, url) };
        transport = new TransportClass(url, { requestInit, fetch: watchingFetch(options.fetch, first) });
        client = new ClientClass({ name: 'stepwise', version: '0.1.0' }, { capabilities: {} });
        client.onerror = (error) => recordError(errorMessage(error));
        client.onclose = () => {
          tools = [];
          if (!closing) recordError(`The MCP server "${config.name}" closed the connection.`);
          setStatus('closed');
        };
        await client.connect(transport, { timeout: connectTimeoutMs });
        const info = client.getServerVersion();
        serverInfo = info ? { name: info.name, version: info.version } : undefined;
        await listTools();
        setStatus('connected');
        return tools;
      } catch (error) {
        const failure = error instanceof McpConnectionError ? error : connectionFailure(config, error, first);
        closing = true;
        await client?.close().catch(() => undefined);
        client = undefined;
        transport = undefined;
        tools = [];
        recordError(failure.hint ? `${failure.message} ${failure.hint}` : failure.message);
        setStatus('failed');
        throw failure;
      }
    },
    async refreshTools() {
      try {
        return await listTools();
      } catch (error) {
        const failure = error instanceof McpConnectionError ? error : connectionFailure(config, error);
        recordError(failure.hint ? `${failure.message} ${failure.hint}` : failure.message);
        throw failure;
      }
    },
    async disconnect() {
      if (!client) {
        if (status !== 'idle') setStatus('closed');
        return;
      }
      closing = true;
      try {
        await transport?.terminateSession();
      } catch (error) {
        // The session ends on the server's side anyway when it times out; closing goes on.
        recordError(`Ending the session on "${config.name}" failed: ${errorMessage(error)}`);
      }
      await client.close().catch(() => undefined);
      client = undefined;
      transport = undefined;
      tools = [];
      setStatus('closed');
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return connection;
}

/** Creates a connection and connects it; rejects with an `McpConnectionError` when that fails. */
export async function connectMcpServer(config: McpServerConfig, options: McpConnectionOptions = {}): Promise<McpConnection> {
  const connection = createMcpConnection(config, options);
  await connection.connect();
  return connection;
}
