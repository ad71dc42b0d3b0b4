import { useEffect, useRef, useState } from 'react';
import { probeEndpoint } from '../core/llm/openai-engine.ts';
import { corsCommands } from '../core/llm/endpoint-errors.ts';
import { copyText } from './clipboard.ts';
import { maximumTraceSteps } from '../core/trace/trace.ts';
import { toolSettingDescriptions } from '../../toolkit/index.ts';
import { allTools, requiresApproval } from '../store/toolkit-actions.ts';
import { setPauseBeforeEachStep, setToolBreakpoint } from '../store/run-actions.ts';
import { engineChoiceLabels, type EngineChoice, type Settings } from '../store/settings-slice.ts';
import { useAppStore } from '../store/store.ts';
import { ModelManager } from './model-manager.tsx';
import { PromptSettings } from './prompt-settings.tsx';
import { count } from './format.ts';

type ConnectionResult = { kind: 'ok' | 'warning' | 'error'; message: string; hint?: string; /** The server may refuse this page's origin: show the commands that allow it. */ origin?: boolean };

/** The command lines that let each common server accept this page's origin, each with Copy. */
function OriginCommands() {
  const origin = globalThis.location.origin;
  const [copied, setCopied] = useState<{ server: string; how: 'copied' | 'selected' } | null>(null);
  const copy = async (server: string, command: string, code: HTMLElement | null) => {
    if (await copyText(command)) return setCopied({ server, how: 'copied' });
    // No clipboard here (a page not served over https): select the text for Ctrl+C instead.
    if (code) globalThis.getSelection()?.selectAllChildren(code);
    setCopied({ server, how: 'selected' });
  };
  return (
    <details className="origin-commands" open>
      <summary>Let a server accept this page ({origin})</summary>
      <ul>
        {corsCommands(origin).map(({ server, command }) => {
          const id = `origin-command-${server.replace(/\W+/g, '-')}`;
          return (
            <li key={server}>
              {server}: <code id={id}>{command}</code>{' '}
              <button type="button" aria-label={`Copy the ${server} command`} onClick={() => void copy(server, command, document.getElementById(id))}>
                {copied?.server === server ? (copied.how === 'copied' ? 'Copied' : 'Selected: press Ctrl+C') : 'Copy'}
              </button>
            </li>
          );
        })}
      </ul>
    </details>
  );
}

function RoleSelect({ role, label }: { role: keyof Settings['roles']; label: string }) {
  const value = useAppStore((state) => state.settings.roles[role]);
  const setRole = useAppStore((state) => state.setRole);
  return (
    <>
      <label htmlFor={`role-${role}`}>{label}</label>
      <select id={`role-${role}`} value={value} onChange={(event) => setRole(role, event.target.value as EngineChoice)}>
        {(Object.keys(engineChoiceLabels) as EngineChoice[]).map((choice) => (
          <option key={choice} value={choice}>
            {engineChoiceLabels[choice]}
          </option>
        ))}
      </select>
    </>
  );
}

function NumberSetting({ id, label, value, min, max = Number.MAX_SAFE_INTEGER, onChange }: { id: string; label: string; value: number; min: number; max?: number; onChange: (value: number) => void }) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input id={id} type="number" min={min} max={max} value={value} onChange={(event) => onChange(Math.min(max, Math.max(min, Number(event.target.value) || min)))} />
    </>
  );
}

function ToolSettingInput({ setting }: { setting: (typeof toolSettingDescriptions)[number] }) {
  const value = useAppStore((state) => state.settings.toolSettings[setting.key] ?? '');
  const updateSettings = useAppStore((state) => state.updateSettings);
  return (
    <>
      <label htmlFor={`tool-setting-${setting.key}`} title={setting.description}>
        {setting.label}
      </label>
      <input
        id={`tool-setting-${setting.key}`}
        type="text"
        placeholder={setting.example}
        title={`${setting.description} Used by ${setting.tools.join(', ')}.`}
        value={value}
        onChange={(event) => updateSettings({ toolSettings: { ...useAppStore.getState().settings.toolSettings, [setting.key]: event.target.value } })}
      />
    </>
  );
}

/** Planner endpoint, roles, toolkit and limits. */
export function SettingsDialog({ open, onClose, task = '' }: { open: boolean; onClose: () => void; task?: string }) {
  const settings = useAppStore((state) => state.settings);
  const updatePlanner = useAppStore((state) => state.updatePlanner);
  const updateSettings = useAppStore((state) => state.updateSettings);
  const setToolEnabled = useAppStore((state) => state.setToolEnabled);
  // requiresApproval() reads trust from these; selecting them re-renders the toolkit list.
  useAppStore((state) => state.mcpServers);
  useAppStore((state) => state.trustedTools);
  const [models, setModels] = useState<string[]>([]);
  const [connection, setConnection] = useState<ConnectionResult | null>(null);
  const [testing, setTesting] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    if (open && !dialog.current?.open) dialog.current?.showModal();
    if (!open && dialog.current?.open) dialog.current.close();
  }, [open]);

  async function testConnection() {
    setTesting(true);
    setConnection(null);
    const { url, model, apiKey } = settings.planner;
    const result = await probeEndpoint({ baseUrl: url.trim().replace(/\/+$/, ''), apiKey: apiKey || undefined, model: model.trim() || undefined });
    setTesting(false);
    if (!result.ok) return setConnection({ kind: 'error', message: result.error.message, hint: result.error.hint, origin: ['cors', 'network', 'local-network', 'auth'].includes(result.error.kind) });
    setModels(result.models);
    if (!model.trim()) return setConnection({ kind: 'warning', message: `Connected. ${count(result.models.length, 'model')} available: pick one as Planner model.` });
    if (!result.modelFound) {
      return setConnection({ kind: 'warning', message: `Connected, but the server has no model "${model}".`, hint: `Available: ${result.models.join(', ') || 'none listed'}.` });
    }
    setConnection({ kind: 'ok', message: `Connected: ${model} is available.` });
  }

  return (
    <dialog ref={dialog} aria-label="Settings" onClose={onClose}>
      <form method="dialog" onSubmit={onClose}>
        <h2>Settings</h2>
        <fieldset>
          <legend>Planner endpoint (OpenAI-compatible: vLLM, llama.cpp server, Ollama, LM Studio, hosted)</legend>
          <div className="form-grid">
            <label htmlFor="planner-url">Planner URL</label>
            <input id="planner-url" type="url" placeholder="http://127.0.0.1:8000/v1" value={settings.planner.url} onChange={(event) => updatePlanner({ url: event.target.value })} />
            <label htmlFor="planner-model">Planner model</label>
            <input id="planner-model" type="text" value={settings.planner.model} onChange={(event) => updatePlanner({ model: event.target.value })} />
            {models.length > 0 && (
              <>
                <label htmlFor="planner-models">Models on the server</label>
                <select id="planner-models" value={models.includes(settings.planner.model) ? settings.planner.model : ''} onChange={(event) => updatePlanner({ model: event.target.value })}>
                  <option value="">Choose…</option>
                  {models.map((model) => (
                    <option key={model}>{model}</option>
                  ))}
                </select>
              </>
            )}
            <label htmlFor="api-key">API key</label>
            <input id="api-key" type="password" autoComplete="off" value={settings.planner.apiKey} onChange={(event) => updatePlanner({ apiKey: event.target.value })} />
            <span />
            <label>
              <input type="checkbox" checked={settings.planner.rememberKey} onChange={(event) => updatePlanner({ rememberKey: event.target.checked })} /> Remember the API key in this browser
            </label>
            <label htmlFor="structured-output">Structured output</label>
            <select id="structured-output" value={settings.planner.structuredOutput} onChange={(event) => updatePlanner({ structuredOutput: event.target.value as Settings['planner']['structuredOutput'] })}>
              <option value="json_schema">JSON Schema (vLLM, llama.cpp, OpenAI)</option>
              <option value="json_object">JSON object only</option>
              <option value="none">None</option>
            </select>
            <span />
            <span>
              <button type="button" onClick={testConnection} disabled={testing}>
                {testing ? 'Testing…' : 'Test connection'}
              </button>
            </span>
          </div>
          {connection && (
            <p role="status" className={connection.kind === 'error' ? 'error' : undefined}>
              {connection.message} {connection.hint && <span className="hint">{connection.hint}</span>}
            </p>
          )}
          {connection?.origin && <OriginCommands />}
        </fieldset>
        <fieldset>
          <legend>Roles</legend>
          <div className="form-grid">
            <RoleSelect role="planner" label="Planner" />
            <RoleSelect role="toolCaller" label="Tool caller" />
            <RoleSelect role="solver" label="Solver" />
          </div>
          <p className="hint">A large planner behind an endpoint is recommended for hard tasks; the in-browser models need no server.</p>
        </fieldset>
        <fieldset>
          <legend>In-browser models</legend>
          {open && <ModelManager />}
        </fieldset>
        <fieldset>
          <legend>Toolkit</legend>
          {allTools().map((tool) => (
            <div key={tool.name}>
              <label>
                <input type="checkbox" checked={!settings.disabledTools.includes(tool.name)} onChange={(event) => setToolEnabled(tool.name, event.target.checked)} /> {tool.name}
              </label>{' '}
              <label className="hint">
                <input type="checkbox" checked={settings.toolBreakpoints.includes(tool.name)} onChange={(event) => setToolBreakpoint(tool.name, event.target.checked)} /> break before
              </label>
              {tool.mcp && <span className="hint"> from MCP server {tool.mcp.server}{requiresApproval(tool) ? ', not trusted' : ', trusted'}</span>}
              {requiresApproval(tool) && <span className="hint"> (asks for approval)</span>}
            </div>
          ))}
        </fieldset>
        <fieldset>
          <legend>Tool settings</legend>
          <div className="form-grid">
            {toolSettingDescriptions.map((setting) => (
              <ToolSettingInput key={setting.key} setting={setting} />
            ))}
          </div>
        </fieldset>
        {open && <PromptSettings task={task} />}
        <fieldset>
          <legend>OpenTelemetry</legend>
          <div className="form-grid">
            <label htmlFor="otlp-url">OpenTelemetry endpoint</label>
            <input id="otlp-url" type="url" placeholder="http://127.0.0.1:4318" value={settings.otlp.url} onChange={(event) => updateSettings({ otlp: { ...settings.otlp, url: event.target.value } })} />
            <label htmlFor="otlp-headers">OpenTelemetry headers</label>
            <textarea id="otlp-headers" rows={2} className="mono" autoComplete="off" spellCheck={false} placeholder="Authorization: Basic …" value={settings.otlp.headers} onChange={(event) => updateSettings({ otlp: { ...settings.otlp, headers: event.target.value } })} />
          </div>
          <p className="hint">
            Export → Send to OTLP endpoint posts the run on screen as OTLP/HTTP JSON to <code>/v1/traces</code> (an OpenTelemetry Collector, or Langfuse and Phoenix through one). The endpoint must allow this page's origin
            (CORS). Headers, one <code>Name: value</code> per line, are kept for this session only and never exported.
          </p>
        </fieldset>
        <fieldset>
          <legend>Run</legend>
          <div className="form-grid">
            <NumberSetting id="concurrency" label="Steps at once" value={settings.concurrency} min={1} onChange={(concurrency) => updateSettings({ concurrency })} />
            <NumberSetting id="evidence-limit" label="Evidence limit (characters)" value={settings.evidenceLimit} min={100} onChange={(evidenceLimit) => updateSettings({ evidenceLimit })} />
            <NumberSetting id="max-plan-steps" label="Most steps in a plan" value={settings.maxPlanSteps} min={1} max={maximumTraceSteps} onChange={(maxPlanSteps) => updateSettings({ maxPlanSteps })} />
            <NumberSetting id="tool-timeout" label="Tool timeout (ms)" value={settings.toolTimeoutMs} min={100} onChange={(toolTimeoutMs) => updateSettings({ toolTimeoutMs })} />
            <span />
            <label>
              <input type="checkbox" checked={settings.pauseBeforeEachStep} onChange={(event) => setPauseBeforeEachStep(event.target.checked)} /> Pause before every step
            </label>
          </div>
        </fieldset>
        <p>
          <button type="submit" className="primary">Close</button>
        </p>
      </form>
    </dialog>
  );
}
