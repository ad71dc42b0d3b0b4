import { useEffect, useMemo, useRef, useState } from 'react';
import { detectCapabilities, type Capabilities } from '../engines/capabilities.ts';
import { ggufCatalog, recommendModel, webLLMCatalog } from '../engines/model-catalog.ts';
import { classifyModelError } from '../engines/model-errors.ts';
import type { ModelLoadProgress } from '../engines/types.ts';
import { evalCases, type EvalCase } from './cases.ts';
import { readEvalFile } from './dataset-import.ts';
import { downloadText } from '../ui/download.ts';
import { FileButton } from '../ui/file-button.tsx';
import { createEvalEngine, type EvalEngineChoice } from './eval-engines.ts';
import { runEval, type EvalReport } from './run-eval.ts';

/** One finished run of the suite, as a row of the results table. */
interface EvalRow {
  report: EvalReport;
  loadTimeMs?: number;
  repair: boolean;
}

type Phase =
  | { status: 'idle' }
  | { status: 'loading'; progress: ModelLoadProgress }
  | { status: 'running'; done: number; total: number; valid: number }
  | { status: 'failed'; message: string; hint?: string };

const endpointValue = 'endpoint';

function percent(value: number): string {
  return `${value.toFixed(1)}%`;
}

function milliseconds(value: number | undefined): string {
  if (value === undefined) return '–';
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;
}

function choiceFromValue(value: string, endpoint: { url: string; model: string; apiKey: string; structuredOutput: 'json_schema' | 'json_object' | 'none' }): EvalEngineChoice {
  if (value === endpointValue) return { kind: 'endpoint', ...endpoint };
  const [kind, ...rest] = value.split(':');
  return { kind: kind === 'webgpu' ? 'webgpu' : 'cpu', modelId: rest.join(':') };
}

/**
 * The eval page: pick an engine (a CPU or WebGPU model of the catalog, or an OpenAI-compatible
 * endpoint), run the tool-calling suite through it, and compare validity and exact-match
 * accuracy across models in one table.
 */
export function EvalPage() {
  const [capabilities, setCapabilities] = useState<Capabilities>();
  const [chosen, setChosen] = useState<string>();
  const [endpointUrl, setEndpointUrl] = useState('http://127.0.0.1:8000/v1');
  const [endpointModel, setEndpointModel] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [structuredOutput, setStructuredOutput] = useState<'json_schema' | 'json_object' | 'none'>('json_schema');
  const [repair, setRepair] = useState(false);
  // The built-in cases, or cases loaded from a training-data file (Export training data).
  const [loaded, setLoaded] = useState<{ name: string; cases: EvalCase[]; note: string } | null>(null);
  const suite = loaded?.cases ?? evalCases;
  const [caseCount, setCaseCount] = useState(evalCases.length);

  async function loadCases(file: File) {
    const set = readEvalFile(file.name, new Uint8Array(await file.arrayBuffer()));
    const problems = set.problems.length > 0 ? ` ${set.problems.length} unreadable: ${set.problems.slice(0, 3).join('; ')}${set.problems.length > 3 ? '; …' : ''}.` : '';
    if (set.cases.length === 0) {
      setLoaded(null);
      setCaseCount(evalCases.length);
      setPhase({ status: 'failed', message: `${file.name} has no tool-caller records (a tool-caller JSONL or a LLaMA-Factory bundle from Export training data has them).${problems}` });
      return;
    }
    setLoaded({ name: file.name, cases: set.cases, note: problems });
    setCaseCount(set.cases.length);
    setPhase({ status: 'idle' });
  }
  const [phase, setPhase] = useState<Phase>({ status: 'idle' });
  const [rows, setRows] = useState<EvalRow[]>([]);
  const controller = useRef<AbortController | null>(null);

  useEffect(() => {
    let live = true;
    void detectCapabilities().then((result) => live && setCapabilities(result));
    return () => {
      live = false;
    };
  }, []);

  const recommendation = useMemo(() => (capabilities ? recommendModel(capabilities) : undefined), [capabilities]);
  const recommendedValue = recommendation ? (recommendation.engine === 'webllm' ? `webgpu:${recommendation.model.modelId}` : `cpu:${recommendation.model.id}`) : `cpu:${ggufCatalog[0]?.id ?? ''}`;
  const value = chosen ?? recommendedValue;
  const running = phase.status === 'loading' || phase.status === 'running';
  const noF16 = capabilities?.webgpu.available === true && !capabilities.webgpu.shaderF16;

  async function run() {
    const choice = choiceFromValue(value, { url: endpointUrl, model: endpointModel, apiKey, structuredOutput });
    if (choice.kind === 'endpoint' && (!choice.url.trim() || !choice.model.trim())) {
      setPhase({ status: 'failed', message: 'Enter the endpoint URL and model first.' });
      return;
    }
    const abort = new AbortController();
    controller.current = abort;
    setPhase({ status: 'loading', progress: { progress: 0, text: 'Starting' } });
    let evalEngine;
    try {
      evalEngine = await createEvalEngine(choice, (progress) => setPhase((current) => (current.status === 'loading' ? { status: 'loading', progress } : current)));
      const { loadTimeMs } = await evalEngine.load();
      const cases = suite.slice(0, Math.max(1, Math.min(suite.length, caseCount)));
      setPhase({ status: 'running', done: 0, total: cases.length, valid: 0 });
      let valid = 0;
      const report = await runEval(evalEngine.engine, cases, {
        repair,
        signal: abort.signal,
        onProgress: ({ done, total, result }) => {
          if (result.valid) valid++;
          setPhase({ status: 'running', done, total, valid });
        },
      });
      setRows((current) => [...current, { report, repair, ...(loadTimeMs === undefined ? {} : { loadTimeMs }) }]);
      setPhase({ status: 'idle' });
    } catch (error) {
      if (abort.signal.aborted) setPhase({ status: 'failed', message: 'The suite was stopped.' });
      else if (choice.kind === 'endpoint') setPhase({ status: 'failed', message: error instanceof Error ? error.message : String(error), ...hintOf(error) });
      else {
        const classified = classifyModelError(error, { engine: choice.kind === 'webgpu' ? 'webllm' : 'wllama', modelId: choice.modelId });
        setPhase({ status: 'failed', message: classified.message, ...(classified.hint ? { hint: classified.hint } : {}) });
      }
    } finally {
      controller.current = null;
      await evalEngine?.dispose().catch(() => {});
    }
  }

  function download() {
    downloadText(`${JSON.stringify(rows.map((row) => row.report), null, 2)}\n`, 'stepwise-eval.json');
  }

  return (
    <main className="eval-page">
      <h1>Tool-calling eval</h1>
      <p className="hint">
        {evalCases.length} plan steps, each with a toolkit and the call a careful function caller makes: the seed project's tools and tools no model has seen. Every
        case goes through the distributor's own model path (prompt, JSON Schema constraint, validation). <a href="./">Back to Stepwise</a> · <a href="./?view=planner-eval">Planner eval</a> (many tasks, planners and prompt presets)
      </p>
      {recommendation && (
        <p className="hint">
          Recommended here: {recommendation.model.label}. {recommendation.reason}
        </p>
      )}
      <form
        className="form-grid"
        onSubmit={(event) => {
          event.preventDefault();
          void run();
        }}
      >
        <label htmlFor="eval-engine">Engine</label>
        <select id="eval-engine" value={value} onChange={(event) => setChosen(event.target.value)} disabled={running}>
          <optgroup label="CPU (GGUF, llama.cpp in WebAssembly)">
            {ggufCatalog.map((entry) => (
              <option key={entry.id} value={`cpu:${entry.id}`}>
                {entry.label}
              </option>
            ))}
          </optgroup>
          <optgroup label="WebGPU (web-llm)">
            {webLLMCatalog.map((entry) => (
              <option key={entry.modelId} value={`webgpu:${entry.modelId}`} disabled={noF16 && entry.needsShaderF16}>
                {entry.label}
                {noF16 && entry.needsShaderF16 ? ' (needs shader-f16)' : ''}
              </option>
            ))}
          </optgroup>
          <option value={endpointValue}>OpenAI-compatible endpoint</option>
        </select>
        {value === endpointValue && (
          <>
            <label htmlFor="eval-endpoint-url">Endpoint URL</label>
            <input id="eval-endpoint-url" type="url" value={endpointUrl} onChange={(event) => setEndpointUrl(event.target.value)} />
            <label htmlFor="eval-endpoint-model">Endpoint model</label>
            <input id="eval-endpoint-model" type="text" value={endpointModel} onChange={(event) => setEndpointModel(event.target.value)} />
            <label htmlFor="eval-api-key">API key</label>
            <input id="eval-api-key" type="password" autoComplete="off" value={apiKey} onChange={(event) => setApiKey(event.target.value)} />
            <label htmlFor="eval-structured-output">Structured output</label>
            <select id="eval-structured-output" value={structuredOutput} onChange={(event) => setStructuredOutput(event.target.value as typeof structuredOutput)}>
              <option value="json_schema">JSON Schema</option>
              <option value="json_object">JSON object only</option>
              <option value="none">None</option>
            </select>
          </>
        )}
        <label htmlFor="eval-case-count">Cases</label>
        <input id="eval-case-count" type="number" min={1} max={suite.length} value={caseCount} onChange={(event) => setCaseCount(Number(event.target.value) || suite.length)} />
        <span />
        <span className="controls">
          <FileButton title="Tool-caller records from Export training data (.jsonl, or the LLaMA-Factory .zip)" accept=".jsonl,.json,.zip" inputLabel="Cases file" onFile={(file) => void loadCases(file)}>
            Load cases
          </FileButton>
          {loaded && (
            <button
              type="button"
              onClick={() => {
                setLoaded(null);
                setCaseCount(evalCases.length);
              }}
            >
              Use the built-in cases
            </button>
          )}
          <span className="hint" role="status">
            {loaded ? `${loaded.cases.length} cases from ${loaded.name}.${loaded.note}` : `${evalCases.length} built-in cases.`}
          </span>
        </span>
        <span />
        <label>
          <input type="checkbox" checked={repair} onChange={(event) => setRepair(event.target.checked)} /> One repair round, as the distributor does
        </label>
        <span />
        <span className="controls">
          <button type="submit" className="primary" disabled={running}>
            Run the suite
          </button>
          <button type="button" disabled={!running} onClick={() => controller.current?.abort()}>
            Stop the suite
          </button>
        </span>
      </form>

      {phase.status === 'loading' && (
        <p>
          <label>
            Loading the model: <progress aria-label="Model loading" value={phase.progress.progress} max={1} /> {phase.progress.text}
          </label>
        </p>
      )}
      {phase.status === 'running' && (
        <p>
          <label>
            Running: <progress aria-label="Suite progress" value={phase.done} max={phase.total} /> {phase.done} of {phase.total} cases, {phase.valid} valid
          </label>
        </p>
      )}
      {phase.status === 'failed' && (
        <p className="error" role="alert">
          {phase.message} {phase.hint && <span className="hint">{phase.hint}</span>}
        </p>
      )}

      <table className="eval-results" aria-label="Results">
        <thead>
          <tr>
            <th scope="col">Engine</th>
            <th scope="col">Cases</th>
            <th scope="col">Valid</th>
            <th scope="col">Exact match</th>
            <th scope="col">Right tool</th>
            <th scope="col">Mean latency</th>
            <th scope="col">Tokens (prompt + completion)</th>
            <th scope="col">Load time</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={8} className="hint">
                No results yet.
              </td>
            </tr>
          )}
          {rows.map(({ report, loadTimeMs, repair: repaired }) => (
            <tr key={report.startedAt} data-engine={report.engineId}>
              <th scope="row">
                {report.engineLabel}
                {repaired ? ' (with repair)' : ''}
              </th>
              <td>{report.total}</td>
              <td data-metric="validity">{percent(report.validityPercent)}</td>
              <td data-metric="accuracy">{percent(report.accuracyPercent)}</td>
              <td>{percent(report.toolChoicePercent)}</td>
              <td>{milliseconds(report.meanLatencyMs)}</td>
              <td>
                {report.promptTokens} + {report.completionTokens}
              </td>
              <td>{milliseconds(loadTimeMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > 0 && (
        <p>
          <button type="button" onClick={download}>
            Download the results (JSON)
          </button>
        </p>
      )}
      {rows.map(({ report }) => (
        <details key={report.startedAt}>
          <summary>Cases for {report.engineLabel}</summary>
          <table className="eval-cases" aria-label={`Cases for ${report.engineLabel}`}>
            <thead>
              <tr>
                <th scope="col">Case</th>
                <th scope="col">Result</th>
                <th scope="col">Latency</th>
                <th scope="col">Call or problem</th>
              </tr>
            </thead>
            <tbody>
              {report.results.map((result) => (
                <tr key={result.caseId}>
                  <th scope="row">{result.caseId}</th>
                  <td>{result.exact ? 'exact' : result.valid ? 'valid' : 'invalid'}</td>
                  <td>{milliseconds(result.latencyMs)}</td>
                  <td className="mono">{result.call && result.valid ? JSON.stringify(result.call) : result.problems.join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
    </main>
  );
}

function hintOf(error: unknown): { hint?: string } {
  const hint = (error as { hint?: unknown } | null)?.hint;
  return typeof hint === 'string' ? { hint } : {};
}
