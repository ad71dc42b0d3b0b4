import { useState } from 'react';
import { parseSelfHostedGguf, parseSelfHostedWebLLM, type CustomModels } from '../engines/model-choice.ts';
import { saveSelfHostedGguf, saveSelfHostedWebLLM } from '../store/model-actions.ts';

/** The form for self-hosted models: a GGUF file for the CPU engine, a web-llm build for WebGPU. */
export function SelfHostedModels({ custom }: { custom: CustomModels }) {
  const [ggufUrl, setGgufUrl] = useState(custom.cpu?.url ?? '');
  const [modelUrl, setModelUrl] = useState(custom.webgpu?.modelUrl ?? '');
  const [libraryUrl, setLibraryUrl] = useState(custom.webgpu?.modelLibraryUrl ?? '');
  const [modelId, setModelId] = useState(custom.webgpu?.modelId ?? '');
  const [problem, setProblem] = useState<string>();

  function saveGguf() {
    const parsed = parseSelfHostedGguf(ggufUrl);
    setProblem(parsed.ok ? undefined : parsed.problem);
    if (parsed.ok) saveSelfHostedGguf(parsed.value);
  }

  function saveWebLLM() {
    const parsed = parseSelfHostedWebLLM({ modelUrl, modelLibraryUrl: libraryUrl, modelId });
    setProblem(parsed.ok ? undefined : parsed.problem);
    if (parsed.ok) saveSelfHostedWebLLM(parsed.value);
  }

  return (
    <details className="model-self-hosted">
      <summary>Self-hosted models</summary>
      <p className="hint">
        Serve the files from your own server (with CORS allowed for this page, and <code>Cross-Origin-Resource-Policy: cross-origin</code> since the page is cross-origin isolated).
      </p>
      <div className="form-grid">
        <label htmlFor="custom-gguf-url">GGUF file URL</label>
        <input id="custom-gguf-url" type="url" placeholder="https://models.example/qwen2.5-0.5b-instruct-q4_k_m.gguf" value={ggufUrl} onChange={(event) => setGgufUrl(event.target.value)} />
        <span />
        <span>
          <button type="button" onClick={saveGguf}>
            Use this GGUF file
          </button>
        </span>
        <label htmlFor="custom-webllm-url">Model weights URL</label>
        <input id="custom-webllm-url" type="url" placeholder="https://models.example/Qwen3-1.7B-q4f32_1-MLC/" value={modelUrl} onChange={(event) => setModelUrl(event.target.value)} />
        <label htmlFor="custom-webllm-library">Model library URL</label>
        <input id="custom-webllm-library" type="url" placeholder="https://models.example/Qwen3-1.7B-q4f32_1-ctx4k_cs1k-webgpu.wasm" value={libraryUrl} onChange={(event) => setLibraryUrl(event.target.value)} />
        <label htmlFor="custom-webllm-id">Model id</label>
        <input id="custom-webllm-id" type="text" placeholder="Qwen3-1.7B-q4f32_1-MLC" value={modelId} onChange={(event) => setModelId(event.target.value)} />
        <span />
        <span>
          <button type="button" onClick={saveWebLLM}>
            Use this WebGPU model
          </button>
        </span>
      </div>
      {problem && <p className="error">{problem}</p>}
    </details>
  );
}
