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
  /** Runs the tool. Returns the evidence text; throws on failure. */
  run(args: Record<string, unknown>, context: ToolContext): Promise<string>;
}

/** A concrete call of one tool. */
export interface ToolCall {
  name: string;
  arguments: Record<string, unknown>;
}
