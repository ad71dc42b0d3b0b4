import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMcpFixtureServer, type McpFixtureServer } from '../e2e/fixtures/mcp-server.ts';
import { validateToolArguments } from '../src/core/dispatch/validate.ts';
import { isAbortError } from '../src/core/errors.ts';
import type { Tool } from '../src/core/tools/types.ts';
import { connectMcpServer, contentToText, createMcpConnection, mcpToolName, McpConnectionError } from './mcp.ts';
import { ToolError } from './shared/tool-error.ts';
import { testContext } from './testing/context.ts';

let server: McpFixtureServer;
const token = 'fixture-token';

beforeAll(async () => {
  server = await startMcpFixtureServer({ token });
});
afterAll(async () => {
  await server.close();
});

function byName(tools: readonly Tool[], name: string): Tool {
  const tool = tools.find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`No tool ${name} in ${tools.map((candidate) => candidate.name).join(', ')}`);
  return tool;
}

describe('MCP over Streamable HTTP', () => {
  it('lists the server\'s tools as namespaced tools; an untrusted server\'s tools all ask for approval, read-only hint or not', async () => {
    const statuses: string[] = [];
    const connection = createMcpConnection({ name: 'Test Server', url: server.url, token });
    connection.subscribe(() => statuses.push(connection.status));
    const tools = await connection.connect();

    expect(connection.status).toBe('connected');
    expect(connection.serverInfo).toEqual({ name: 'stepwise-fixture', version: '1.0.0' });
    expect(tools.map((tool) => tool.name).sort()).toEqual(['mcp_test_server_create_note', 'mcp_test_server_get_weather']);
    const weather = byName(tools, 'mcp_test_server_get_weather');
    const note = byName(tools, 'mcp_test_server_create_note');
    // The server marks get_weather read-only: a claim, shown, that does not lift approval.
    expect(weather.sideEffects).toBe(true);
    expect(weather.mcp).toEqual({ server: 'Test Server', readOnlyHint: true, destructiveHint: false });
    expect(note.sideEffects).toBe(true);
    expect(weather.description).toBe('Gives the current weather for a city name. (From the MCP server "Test Server".)');
    // The core's validator compiles the server's input schema.
    expect(validateToolArguments(weather, { city: 'Paris' })).toEqual([]);
    expect(validateToolArguments(weather, {})).toEqual(['city is required']);
    expect(statuses[0]).toBe('connecting');
    expect(statuses.at(-1)).toBe('connected');
    await connection.disconnect();
  });

  it('a destructive tool that claims to be read-only still asks for approval', async () => {
    const hostile = await startMcpFixtureServer({ hostile: true });
    try {
      const connection = await connectMcpServer({ name: 'evil', url: hostile.url });
      const wipe = byName(connection.tools, 'mcp_evil_wipe_notes');
      expect(wipe.sideEffects).toBe(true);
      expect(wipe.mcp).toEqual({ server: 'evil', readOnlyHint: true, destructiveHint: true });
      await connection.disconnect();
    } finally {
      await hostile.close();
    }
  });

  it('a trusted server\'s tools run without approval', async () => {
    const connection = await connectMcpServer({ name: 'notes', url: server.url, token, trusted: true });
    expect(connection.tools.every((tool) => !tool.sideEffects)).toBe(true);
    await connection.disconnect();
  });

  it('calls tools and turns content blocks into text', async () => {
    const connection = await connectMcpServer({ name: 'Test Server', url: server.url, token });
    const weather = byName(connection.tools, 'mcp_test_server_get_weather');
    const note = byName(connection.tools, 'mcp_test_server_create_note');
    expect(await weather.run({ city: 'Paris' }, testContext())).toBe('Sunny in Paris, 24 °C');
    expect(await note.run({ text: 'Buy rivets', pinned: true }, testContext())).toBe('Created note 1 (pinned): Buy rivets\n\n[link: note-1 notes://1]');
    expect(server.calls.slice(-2)).toEqual([
      { name: 'get_weather', args: { city: 'Paris' } },
      { name: 'create_note', args: { text: 'Buy rivets', pinned: true } },
    ]);
    await connection.disconnect();
  });

  it('turns an error result into a ToolError with the server\'s text', async () => {
    const connection = await connectMcpServer({ name: 'Test Server', url: server.url, token });
    const weather = byName(connection.tools, 'mcp_test_server_get_weather');
    const error = await weather.run({ city: 'Atlantis' }, testContext()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ToolError);
    expect((error as Error).message).toBe('mcp_test_server_get_weather failed: Unknown city: Atlantis');
    await connection.disconnect();
  });

  it('stops a call when the step is aborted', async () => {
    const connection = await connectMcpServer({ name: 'Test Server', url: server.url, token });
    const weather = byName(connection.tools, 'mcp_test_server_get_weather');
    const controller = new AbortController();
    const call = weather.run({ city: 'Slow' }, testContext({ signal: controller.signal })).catch((caught: unknown) => caught);
    setTimeout(() => controller.abort(), 50);
    expect(isAbortError(await call)).toBe(true);
    await connection.disconnect();
  });

  it('disconnect ends the session on the server; later calls fail clearly', async () => {
    const before = server.sessionCount();
    const connection = await connectMcpServer({ name: 'Test Server', url: server.url, token });
    const weather = byName(connection.tools, 'mcp_test_server_get_weather');
    expect(server.sessionCount()).toBe(before + 1);
    await connection.disconnect();
    expect(connection.status).toBe('closed');
    expect(connection.tools).toEqual([]);
    expect(server.sessionCount()).toBe(before);
    await expect(weather.run({ city: 'Paris' }, testContext())).rejects.toThrow('mcp_test_server_get_weather failed: the MCP server "Test Server" is not connected.');
  });

  it('reports a refused token and an unreachable server with status and hint', async () => {
    const refused = createMcpConnection({ name: 'Test Server', url: server.url, token: 'wrong' });
    const error = await refused.connect().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(McpConnectionError);
    expect((error as McpConnectionError).message).toBe(`the MCP server "Test Server" at ${server.url} refused the connection (HTTP 401).`);
    expect((error as McpConnectionError).hint).toContain('token');
    expect(refused.status).toBe('failed');
    expect(refused.error).toBe(`${(error as McpConnectionError).message} ${(error as McpConnectionError).hint}`);
    expect(refused.error).toContain('Tools → MCP servers');

    const offline = createMcpConnection({ name: 'gone', url: 'http://127.0.0.1:9/mcp' });
    const offlineError = (await offline.connect().catch((caught: unknown) => caught)) as McpConnectionError;
    expect(offlineError.message).toMatch(/^Could not reach the MCP server "gone" at http:\/\/127\.0\.0\.1:9\/mcp \(/);
    expect(offlineError.hint).toContain('Access-Control-Allow-Origin');
    expect(offline.status).toBe('failed');
  });

  it('a server whose session header the browser cannot read gets the two headers named, not a generic failure', async () => {
    // What a browser does with a response header the server does not expose: it is not there.
    const browserFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const headers = new Headers(response.headers);
      headers.delete('mcp-session-id');
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    };
    const hidden = createMcpConnection({ name: 'Hidden', url: server.url, token }, { fetch: browserFetch });
    const error = (await hidden.connect().catch((caught: unknown) => caught)) as McpConnectionError;
    expect(error).toBeInstanceOf(McpConnectionError);
    expect(error.message).toBe(`the MCP server "Hidden" at ${server.url} answered the first request, but this page cannot carry on the session with it (its Mcp-Session-Id header is not readable here).`);
    expect(error.hint).toContain('Access-Control-Expose-Headers: Mcp-Session-Id');
    expect(error.hint).toContain('mcp-protocol-version');
    expect(hidden.status).toBe('failed');
  });

  it('sanitises names and describes non-text content', () => {
    expect(mcpToolName('My Server!', 'Search-Docs v2')).toBe('mcp_my_server_search_docs_v2');
    expect(mcpToolName('Café', '工具')).toBe('mcp_cafe_tool');
    expect(contentToText({ content: [{ type: 'image', mimeType: 'image/png', data: 'AAAA' }] })).toBe('[image: image/png, about 3 bytes]');
    expect(contentToText({ content: [], structuredContent: { temperature: 24 } })).toBe('{\n  "temperature": 24\n}');
  });
});
