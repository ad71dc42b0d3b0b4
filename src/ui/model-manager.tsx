import { useEffect, useMemo, useState } from 'react';
import type { Capabilities } from '../engines/capabilities.ts';
import type { StorageReport } from '../engines/model-cache.ts';
import { findCatalogModel, ggufCatalog, recommendModel, webLLMCatalog } from '../engines/model-catalog.ts';
import { chosenModelId, customCpuModelId, customWebGpuModelId, modelFileName, readCustomModels } from '../engines/model-choice.ts';
import { formatBytes, formatMegabytes } from '../engines/model-progress.ts';
import { openModelManager, preferRunnableWebGpuBuild } from '../store/model-actions.ts';
import { useAppStore } from '../store/store.ts';
import { CachedModels } from './model-cached.tsx';
import { ModelSection, WayForward, type ModelRow } from './model-section.tsx';
import { SelfHostedModels } from './model-self-hosted.tsx';
import './model-manager.css';

/** Next to a disabled Load WebGPU model button. */
const noWebGpuAdapterReason =
  'This browser has no WebGPU adapter: use the CPU engine, or a browser and GPU with WebGPU (Chrome or Edge 113+, Safari 26+, or Firefox 141+ on Windows).';

function DeviceCapabilities({ capabilities, storage }: { capabilities: Capabilities | undefined; storage: StorageReport | undefined }) {
  if (!capabilities) return <p className="hint" role="status">Checking what this browser can run…</p>;
  const { webgpu } = capabilities;
  const adapter = webgpu.adapter;
  return (
    <dl className="model-capabilities" aria-label="Device capabilities">
      <dt>WebGPU</dt>
      <dd>{webgpu.available ? 'available' : `not available: ${webgpu.reason ?? 'unknown reason'}`}</dd>
      {webgpu.available && (
        <>
          <dt>GPU adapter</dt>
          <dd>{adapter ? [adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' · ') || 'no details given' : 'no details given'}</dd>
          <dt>shader-f16</dt>
          <dd>{webgpu.shaderF16 ? 'yes (q4f16 builds run)' : 'no (q4f32 builds only)'}</dd>
          <dt>Max buffer size</dt>
          <dd>{webgpu.maxBufferSize === undefined ? 'unknown' : formatBytes(webgpu.maxBufferSize)}</dd>
        </>
      )}
      <dt>CPU threads</dt>
      <dd>
        {capabilities.hardwareConcurrency}
        {capabilities.crossOriginIsolated ? '' : ' (page not cross-origin isolated: the CPU engine uses one thread)'}
      </dd>
      <dt>Storage</dt>
      <dd>
        {storage
          ? `${formatBytes(storage.usage)} used of ${formatBytes(storage.quota)}${storage.cacheBytes === undefined ? '' : ` (models and caches ${formatBytes(storage.cacheBytes)})`}`
          : 'unknown'}
      </dd>
      <dt>Persistent storage</dt>
      <dd>{storage ? (storage.persisted ? 'yes: the browser keeps downloaded models' : 'no: the browser may evict models when space runs low') : 'unknown'}</dd>
    </dl>
  );
}

/** Why GGUF on WebGPU cannot run here, or undefined where it can. */
function ggufOnWebGpuUnavailable(capabilities: Capabilities | undefined): string | undefined {
  if (!capabilities) return 'Checking this device…';
  if (!capabilities.webgpu.available) return `No WebGPU here (${(capabilities.webgpu.reason ?? 'no adapter').replace(/\.$/, '')}): GGUF models run on the CPU.`;
  if (!capabilities.webgpu.shaderF16) return "This GPU has no shader-f16, which every llama.cpp WebGPU shader needs: GGUF models run on the CPU.";
  return undefined;
}

/** GGUF on WebGPU: the GGUF models on the GPU through llama.cpp's WebGPU backend, offered where the adapter has shader-f16. */
function GgufOnWebGpuChoice({ capabilities }: { capabilities: Capabilities | undefined }) {
  const chosen = useAppStore((state) => state.settings.ggufOnWebGpu === true);
  const updateSettings = useAppStore((state) => state.updateSettings);
  const unavailable = ggufOnWebGpuUnavailable(capabilities);
  return (
    <p className="gguf-webgpu">
      <label>
        <input
          type="checkbox"
          checked={chosen && unavailable === undefined}
          disabled={unavailable !== undefined}
          aria-describedby="gguf-webgpu-reason"
          onChange={(event) => updateSettings({ ggufOnWebGpu: event.target.checked })}
        />{' '}
        GGUF on WebGPU
      </label>{' '}
      <span id="gguf-webgpu-reason" className="hint">
        {unavailable ??
          'Every layer of these models (and of a self-hosted GGUF file) runs on the GPU through llama.cpp\'s WebGPU backend; it takes effect the next time the model loads. Calls record what ran them.'}
      </span>
    </p>
  );
}

const approximateBytes = (id: string) => (findCatalogModel(id)?.approximateDownloadMB ?? 0) * 1024 * 1024 || undefined;

/**
 * The in-browser models: what this device can run, the curated catalogs (web-llm on WebGPU,
 * GGUF on the CPU) with sizes and the recommendation, the choice of model per engine (written
 * to `settings.models`), loading with progress, errors with a way forward, the cached models,
 * and self-hosted models. State and actions: src/store/model-slice.ts and model-actions.ts.
 */
export function ModelManager() {
  const models = useAppStore((state) => state.settings.models);
  const customModels = useAppStore((state) => state.settings.customModels);
  const capabilities = useAppStore((state) => state.modelManager.capabilities);
  const storage = useAppStore((state) => state.modelManager.storage);
  const cached = useAppStore((state) => state.modelManager.cachedModels);
  const notice = useAppStore((state) => state.modelManager.notice);
  const webGpuFailed = useAppStore((state) => state.modelManager.loads.webgpu.status === 'failed');
  const [showEveryBuild, setShowEveryBuild] = useState(false);
  const custom = useMemo(() => readCustomModels({ customModels }), [customModels]);

  useEffect(() => {
    void openModelManager();
  }, []);
  useEffect(() => preferRunnableWebGpuBuild(), [capabilities, models.webgpu]);

  const recommendation = useMemo(() => (capabilities ? recommendModel(capabilities) : undefined), [capabilities]);
  const recommendedId = recommendation ? (recommendation.engine === 'webllm' ? recommendation.model.modelId : recommendation.model.id) : undefined;
  const webGpuAvailable = capabilities?.webgpu.available === true;
  const shaderF16 = capabilities?.webgpu.shaderF16 ?? false;
  const noWebGpu = capabilities !== undefined && !webGpuAvailable;
  const webgpuChoice = chosenModelId('webgpu', { models, customModels }, recommendation);
  const cpuChoice = chosenModelId('cpu', { models, customModels }, recommendation);

  const webgpuRows = webLLMCatalog
    .filter((entry) => showEveryBuild || entry.needsShaderF16 === shaderF16 || entry.modelId === webgpuChoice)
    .map((entry): ModelRow => {
      const cachedEntry = cached?.find((model) => model.key === `webllm:${entry.modelId}`);
      return {
        id: entry.modelId,
        label: entry.label,
        download: formatMegabytes(entry.approximateDownloadMB),
        memory: formatMegabytes(entry.vramRequiredMB),
        recommended: entry.modelId === recommendedId,
        ...(entry.needsShaderF16 && webGpuAvailable && !shaderF16 ? { unusable: 'needs shader-f16' } : {}),
        ...(cachedEntry ? { cached: cachedEntry.complete ? 'downloaded' : 'partly downloaded' } : {}),
      };
    });
  const cpuRows = ggufCatalog.map((entry): ModelRow => {
    const cachedEntry = cached?.find((model) => model.engine === 'wllama' && model.label === entry.label);
    return {
      id: entry.id,
      label: entry.label,
      download: formatMegabytes(entry.approximateDownloadMB),
      // llama.cpp maps the weights and adds the KV cache: roughly the file size again for a 4k context.
      memory: `about ${formatMegabytes(entry.approximateDownloadMB * 1.3)}`,
      recommended: entry.id === recommendedId,
      ...(cachedEntry ? { cached: 'downloaded' } : {}),
      ...(entry.note ? { note: entry.note } : {}),
    };
  });

  return (
    <section className="model-manager" aria-label="In-browser models">
      <h3>In-browser models</h3>
      <p className="hint">
        These models run in this page: no server needed. For hard tasks a large planner behind the planner endpoint is recommended; a small model here turns each step
        into a tool call.
      </p>
      <DeviceCapabilities capabilities={capabilities} storage={storage} />
      {recommendation && (
        <p className="model-recommendation">
          Recommended for this device: <strong>{recommendation.model.label}</strong> ({recommendation.engine === 'webllm' ? 'WebGPU engine' : 'CPU engine'}). {recommendation.reason}
        </p>
      )}
      {noWebGpu && !webGpuFailed && (
        <div className="model-error" role="status">
          <p>No WebGPU in this browser: {capabilities.webgpu.reason}</p>
          <p className="hint">The CPU engine runs small models on the processor (slower); the planner endpoint runs them on a server.</p>
          <WayForward failed="webgpu" webGpuAvailable={webGpuAvailable} />
        </div>
      )}
      {notice && (
        <p className="hint" role="status">
          {notice}
        </p>
      )}

      <ModelSection
        target="webgpu"
        name="WebGPU models"
        caption={`WebGPU models (web-llm)${!shaderF16 && webGpuAvailable ? ': q4f32 builds, since this GPU has no shader-f16' : ''}`}
        memoryHeading="GPU memory"
        rows={webgpuRows}
        {...(custom.webgpu ? { selfHosted: { id: customWebGpuModelId, label: custom.webgpu.modelId, url: custom.webgpu.modelUrl } } : {})}
        chosenId={webgpuChoice}
        loadName="Load WebGPU model"
        {...(noWebGpu ? { unavailable: noWebGpuAdapterReason } : {})}
        approximateBytes={approximateBytes(webgpuChoice)}
        webGpuAvailable={webGpuAvailable}
      >
        <label className="hint">
          <input type="checkbox" checked={showEveryBuild} onChange={(event) => setShowEveryBuild(event.target.checked)} /> Show every build
        </label>
      </ModelSection>

      <ModelSection
        target="cpu"
        name="CPU models"
        caption="CPU models (GGUF, llama.cpp in WebAssembly)"
        memoryHeading="Memory (RAM)"
        rows={cpuRows}
        {...(custom.cpu ? { selfHosted: { id: customCpuModelId, label: modelFileName(custom.cpu.url), url: custom.cpu.url } } : {})}
        chosenId={cpuChoice}
        loadName="Load CPU model"
        approximateBytes={approximateBytes(cpuChoice)}
        webGpuAvailable={webGpuAvailable}
      >
        <GgufOnWebGpuChoice capabilities={capabilities} />
      </ModelSection>

      <CachedModels />
      <SelfHostedModels custom={custom} />
    </section>
  );
}
