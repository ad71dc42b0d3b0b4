/** A JSON Schema object (draft 2020-12 / draft-07 subset that Ajv understands). */
export type JsonSchema = { [key: string]: unknown };

/** What a tool gets besides its arguments. */
export interface ToolContext {
  /** Fires when the step is stopped, skipped or times out; tools must pass it to fetch. */
  signal: AbortSignal;
  /** The fetch to use (tests and proxies replace it). */
  fetch: typeof globalThis.fetch;
  /** Tool settings from the app (proxy URLs, languages, limits). */
  settings: Readonly<Record<string, unknown>>;
  /** The plan step the call runs for (`#E3`); a tool that asks a model passes it on. */
  step?: string;
}

/** A tool the agent can call. The description reaches the models, so it is product text. */
export interface Tool {
  name: string;
  description: string;
  /** JSON Schema of the arguments object (`type: 'object'`). */
  parameters: JsonSchema;
  /** Tools that change something outside the page stop for the person's approval. */
  sideEffects: boolean;
  /** Per-call timeout in milliseconds; the run's default applies when absent. */
  timeoutMs?: number;
  /** Where a tool from an MCP server comes from, shown when it asks for approval. */
  mcp?: McpToolOrigin;
  /** Runs the tool. Returns the evidence text; throws on failure. */
  run(args: Record<string, unknown>, context: ToolContext): Promise<string>;
}

/**
 * An MCP tool's server and what it says of itself. The server's hints are its own claims: they
 * are shown, but only the person's trust in the server lifts approval.
 */
export interface McpToolOrigin {
  /** The server's name as the person gave it. */
  server: string;
  /** The server marks the tool read-only (`readOnlyHint`). */
  readOnlyHint: boolean;
  /** The server marks the tool destructive (`destructiveHint`). */
  destructiveHint: boolean;
}

/** A concrete call of one tool. */
export interface ToolCall {
  name: string;
  arguments: Record<string, unknown>;
}
