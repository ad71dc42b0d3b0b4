import { useEffect, useRef, useState } from 'react';
import { exportCustomTools, importCustomTools, validateCustomToolDefinition, type CustomToolDefinition } from '../../toolkit/custom-tool.ts';
import { downloadText } from './download.ts';
import { connectMcpServer, disconnectMcpServer, removeMcpServer, setMcpServerTrust, tryCustomTool } from '../store/toolkit-actions.ts';
import { useAppStore } from '../store/store.ts';

const example = {
  name: 'open_library_search',
  description: 'Searches the Open Library catalogue. Input: a book title or author. Returns matching titles.',
  parameters: '{\n  "type": "object",\n  "properties": { "query": { "type": "string", "description": "title or author" } },\n  "required": ["query"]\n}',
  url: 'https://openlibrary.org/search.json?q={{query}}&limit=5',
  path: '$.docs[*].title',
};

/** Reads a JSON textarea; returns the problem instead of throwing. */
function readJson(text: string, field: string): { value?: unknown; problem?: string } {
  if (!text.trim()) return { value: undefined };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { problem: `${field} is not valid JSON: ${(error as Error).message}` };
  }
}

function CustomToolForm() {
  const saveCustomTool = useAppStore((state) => state.saveCustomTool);
  const [name, setName] = useState(example.name);
  const [description, setDescription] = useState(example.description);
  const [parameters, setParameters] = useState(example.parameters);
  const [sideEffects, setSideEffects] = useState(false);
  const [method, setMethod] = useState<CustomToolDefinition['request']['method']>('GET');
  const [url, setUrl] = useState(example.url);
  const [headers, setHeaders] = useState('');
  const [body, setBody] = useState('');
  const [extractKind, setExtractKind] = useState<'json-path' | 'text'>('json-path');
  const [path, setPath] = useState(example.path);
  const [sample, setSample] = useState('{"query": "dune"}');
  const [problems, setProblems] = useState<string[]>([]);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  function definition(): CustomToolDefinition | undefined {
    const parsedParameters = readJson(parameters, 'Parameters');
    const parsedHeaders = readJson(headers, 'Headers');
    const jsonProblems = [parsedParameters.problem, parsedHeaders.problem].filter((problem): problem is string => Boolean(problem));
    if (jsonProblems.length > 0) {
      setProblems(jsonProblems);
      return undefined;
    }
    const candidate = {
      name,
      description,
      parameters: parsedParameters.value,
      sideEffects,
      request: { method, url, ...(parsedHeaders.value ? { headers: parsedHeaders.value } : {}), ...(body.trim() ? { body } : {}) },
      extract: extractKind === 'json-path' ? { kind: 'json-path', path } : { kind: 'text' },
    };
    const checked = validateCustomToolDefinition(candidate);
    setProblems(checked.errors);
    return checked.definition;
  }

  return (
    <form
      className="form-grid"
      aria-label="Custom tool"
      onSubmit={(event) => {
        event.preventDefault();
        const checked = definition();
        if (checked) {
          saveCustomTool(checked);
          setResult({ ok: true, text: `Saved ${checked.name}: it is in the toolkit now.` });
        }
      }}
    >
      <label htmlFor="custom-name">Name</label>
      <input id="custom-name" type="text" value={name} onChange={(event) => setName(event.target.value)} />
      <label htmlFor="custom-description">Description</label>
      <textarea id="custom-description" rows={2} value={description} onChange={(event) => setDescription(event.target.value)} />
      <label htmlFor="custom-parameters">Parameters (JSON Schema)</label>
      <textarea id="custom-parameters" className="mono" rows={5} value={parameters} onChange={(event) => setParameters(event.target.value)} />
      <span />
      <label>
        <input type="checkbox" checked={sideEffects} onChange={(event) => setSideEffects(event.target.checked)} /> Has side effects (each call waits for approval)
      </label>
      <label htmlFor="custom-method">Method</label>
      <select id="custom-method" value={method} onChange={(event) => setMethod(event.target.value as typeof method)}>
        {['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((value) => (
          <option key={value}>{value}</option>
        ))}
      </select>
      <label htmlFor="custom-url">URL template</label>
      <input id="custom-url" type="text" value={url} onChange={(event) => setUrl(event.target.value)} />
      <label htmlFor="custom-headers">Headers (JSON)</label>
      <textarea id="custom-headers" className="mono" rows={2} placeholder='{"Accept": "application/json"}' value={headers} onChange={(event) => setHeaders(event.target.value)} />
      <label htmlFor="custom-body">Body template</label>
      <textarea id="custom-body" className="mono" rows={2} placeholder='{"q": "{{query}}"}' value={body} onChange={(event) => setBody(event.target.value)} />
      <label htmlFor="custom-extract">Extract</label>
      <select id="custom-extract" value={extractKind} onChange={(event) => setExtractKind(event.target.value as typeof extractKind)}>
        <option value="json-path">JSON path</option>
        <option value="text">Text of the response</option>
      </select>
      {extractKind === 'json-path' && (
        <>
          <label htmlFor="custom-path">JSON path</label>
          <input id="custom-path" type="text" value={path} onChange={(event) => setPath(event.target.value)} />
        </>
      )}
      <label htmlFor="custom-sample">Sample arguments (JSON)</label>
      <input id="custom-sample" type="text" value={sample} onChange={(event) => setSample(event.target.value)} />
      <span />
      <span className="controls">
        <button
          type="button"
          onClick={async () => {
            const checked = definition();
            const args = readJson(sample, 'Sample arguments');
            if (args.problem) return setProblems([args.problem]);
            if (checked) setResult(await tryCustomTool(checked, (args.value ?? {}) as Record<string, unknown>));
          }}
        >
          Try it
        </button>
        <button type="submit" className="primary">
          Save tool
        </button>
      </span>
      {problems.length > 0 && (
        <ul className="error" role="alert" style={{ gridColumn: '1 / -1' }}>
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      {result && (
        <div role="status" className={result.ok ? 'mono evidence' : 'error'} style={{ gridColumn: '1 / -1' }}>
          {result.text}
        </div>
      )}
    </form>
  );
}

function CustomToolList() {
  const tools = useAppStore((state) => state.customTools);
  const deleteCustomTool = useAppStore((state) => state.deleteCustomTool);
  const saveCustomTool = useAppStore((state) => state.saveCustomTool);
  const [importProblems, setImportProblems] = useState<string[]>([]);
  return (
    <section aria-label="Custom tools">
      <ul>
        {tools.map((tool) => (
          <li key={tool.name}>
            <code>{tool.name}</code> <span className="hint">{tool.request.method} {tool.request.url}</span>{' '}
            <button onClick={() => deleteCustomTool(tool.name)} aria-label={`Delete tool ${tool.name}`}>
              Delete
            </button>
          </li>
        ))}
        {tools.length === 0 && <li className="hint">No custom tools yet.</li>}
      </ul>
      <div className="controls">
        <button disabled={tools.length === 0} onClick={() => downloadText(exportCustomTools(tools), 'stepwise-tools.json')}>
          Export tools
        </button>
        <label>
          Import tools{' '}
          <input
            type="file"
            accept="application/json,.json"
            onChange={async (event) => {
              const file = event.target.files?.[0];
              if (!file) return;
              const imported = importCustomTools(await file.text());
              imported.tools.forEach(saveCustomTool);
              setImportProblems(imported.errors);
              event.target.value = '';
            }}
          />
        </label>
      </div>
      {importProblems.length > 0 && (
        <ul className="error" role="alert">
          {importProblems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

function McpServers() {
  const servers = useAppStore((state) => state.mcpServers);
  const status = useAppStore((state) => state.mcpStatus);
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [token, setToken] = useState('');
  const [trusted, setTrusted] = useState(false);
  return (
    <section aria-label="MCP servers">
      <form
        className="form-grid"
        onSubmit={(event) => {
          event.preventDefault();
          void connectMcpServer({ name: name.trim(), url: url.trim(), ...(token ? { token } : {}), trusted });
        }}
      >
        <label htmlFor="mcp-name">Server name</label>
        <input id="mcp-name" type="text" value={name} placeholder="docs" onChange={(event) => setName(event.target.value)} />
        <label htmlFor="mcp-url">Server URL</label>
        <input id="mcp-url" type="url" value={url} placeholder="https://example.org/mcp" onChange={(event) => setUrl(event.target.value)} />
        <label htmlFor="mcp-token">Bearer token</label>
        <input id="mcp-token" type="password" autoComplete="off" value={token} onChange={(event) => setToken(event.target.value)} />
        <span />
        <label>
          <input type="checkbox" checked={trusted} onChange={(event) => setTrusted(event.target.checked)} /> Trust this server (its tools run without approval)
        </label>
        <span />
        <span>
          <button type="submit" disabled={!name.trim() || !url.trim()}>
            Connect
          </button>
        </span>
      </form>
      <ul>
        {servers.map((server) => {
          // Server names are the person's, but may be "constructor": no inherited lookups.
          const view = Object.hasOwn(status, server.name) ? status[server.name] : undefined;
          return (
            <li key={server.name}>
              <strong>{server.name}</strong> <span className="hint">{server.url}</span> — {view?.status ?? 'not connected'}
              {view?.error && <span className="error"> {view.error}</span>}
              <div className="hint">
                {server.trusted ? 'Trusted: its tools run without approval.' : 'Not trusted: each of its tools asks for approval, whatever the server says of it.'}
              </div>
              {view && view.toolNames.length > 0 && <div className="hint">Tools: {view.toolNames.join(', ')}</div>}{' '}
              {view?.status === 'connected' ? (
                <button onClick={() => void disconnectMcpServer(server.name)}>Disconnect</button>
              ) : (
                <button onClick={() => void connectMcpServer(server)}>Connect {server.name}</button>
              )}{' '}
              <button onClick={() => setMcpServerTrust(server.name, !server.trusted)} aria-label={`${server.trusted ? 'Stop trusting' : 'Trust'} server ${server.name}`}>
                {server.trusted ? 'Stop trusting' : 'Trust'}
              </button>{' '}
              <button onClick={() => void removeMcpServer(server.name)} aria-label={`Remove server ${server.name}`}>
                Remove
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** Custom tools without code and MCP servers. Switching tools on and off is in Settings. */
export function ToolkitDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (open && !dialog.current?.open) dialog.current?.showModal();
    if (!open && dialog.current?.open) dialog.current.close();
  }, [open]);
  return (
    <dialog ref={dialog} aria-label="Tools" onClose={onClose}>
      <h2>Tools</h2>
      <h3>Custom tool</h3>
      <p className="hint">Any HTTP API that allows CORS: placeholders like {'{{query}}'} take the tool's arguments.</p>
      <CustomToolForm />
      <CustomToolList />
      <h3>MCP servers (Streamable HTTP)</h3>
      <McpServers />
      <p>
        <button className="primary" onClick={onClose}>
          Done
        </button>
      </p>
    </dialog>
  );
}
