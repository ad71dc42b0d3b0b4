import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { z } from 'zod';
import type { AppConfig } from '@mlc-ai/web-llm';
import { detectCapabilities, type Capabilities, type StorageCapabilities } from '../engines/capabilities.ts';
import { findCatalogModel, ggufCatalog, recommendModel, webLLMCatalog, type GgufCatalogEntry, type WebLLMCatalogEntry } from '../engines/model-catalog.ts';
import { classifyModelError, type InBrowserEngineKind, type ModelLoadError } from '../engines/model-errors.ts';
import type { InBrowserChatEngine, ModelLoadProgress, ModelLoadProgressCallback } from '../engines/types.ts';
import type { EngineChoice, Settings } from '../store/settings-slice.ts';
import { useAppStore } from '../store/store.ts';
import './model-manager.css';

// ---------------------------------------------------------------------------------------------
// Self-hosted models. Settings gains `customModels` (see the note to the lead); until the type
// has it the field rides along in the persisted settings object, read through this schema.

/** A self-hosted web-llm model: a weights folder (with `mlc-chat-config.json`) and its compiled library. */
export interface CustomWebLLMModel {
  /** The id web-llm knows it by; any name. */
  modelId: string;
  /** URL of the folder with `mlc-chat-config.json`, `tensor-cache.json` and the shards (a Hugging Face repository URL works). */
  modelUrl: string;
  /** URL of the compiled model library (`…-webgpu.wasm`). */
  modelLibraryUrl: string;
}

/** Self-hosted models, kept in settings. */
export interface CustomModels {
  /** A GGUF file for the CPU engine. */
  cpu?: { url: string };
  webgpu?: CustomWebLLMModel;
}

/** `settings.models.cpu` when the self-hosted GGUF file is chosen. */
export const customCpuModelId = 'custom-gguf';
/** `settings.models.webgpu` when the self-hosted web-llm model is chosen. */
export const customWebGpuModelId = 'custom-webllm';

const customModelsSchema = z.object({
  cpu: z.object({ url: z.string().min(1) }).optional().catch(undefined),
  webgpu: z.object({ modelId: z.string().min(1), modelUrl: z.string().min(1), modelLibraryUrl: z.string().min(1) }).optional().catch(undefined),
});

/** The self-hosted models in settings (an absent or damaged field reads as none). */
export function readCustomModels(settings: Settings): CustomModels {
  const parsed = customModelsSchema.safeParse((settings as Settings & { customModels?: unknown }).customModels ?? {});
  return parsed.success ? parsed.data : {};
}

/** The web-llm app config that makes a self-hosted model loadable by id. */
export function customWebLLMAppConfig(model: CustomWebLLMModel): AppConfig {
  return { model_list: [{ model_id: model.modelId, model: model.modelUrl, model_lib: model.modelLibraryUrl }] };
}

function fileName(url: string): string {
  return url.split(/[?#]/)[0]?.split('/').filter(Boolean).pop() ?? url;
}

// ---------------------------------------------------------------------------------------------
// Loading a model from the manager.

/** What the Load button loads: the engine kind and the model chosen in settings. */
export type ModelTarget = 'webgpu' | 'cpu';

/**
 * Loads the model chosen for `target` and reports progress; rejects with a ModelLoadError.
 * The app may pass its own so that the loaded engine is the one runs use.
 */
export type ModelLoader = (target: ModelTarget, settings: Settings, onProgress: ModelLoadProgressCallback, signal: AbortSignal) => Promise<{ label: string; loadTimeMs?: number }>;

/** Builds an engine for the model chosen for `target` (catalog or self-hosted); the engines load with `import()`. */
export async function createChosenEngine(target: ModelTarget, settings: Settings, onProgress: ModelLoadProgressCallback): Promise<InBrowserChatEngine> {
  const engines = await import('../engines/index.ts');
  const custom = readCustomModels(settings);
  if (target === 'webgpu') {
    if (settings.models.webgpu === customWebGpuModelId && custom.webgpu) {
      return engines.createWebLLMEngine({ modelId: custom.webgpu.modelId, appConfig: customWebLLMAppConfig(custom.webgpu), label: `WebGPU: ${custom.webgpu.modelId}`, onProgress });
    }
    const entry = effectiveWebLLMEntry(settings.models.webgpu);
    return engines.createWebLLMEngine({ modelId: entry.modelId, onProgress });
  }
  if (settings.models.cpu === customCpuModelId && custom.cpu) {
    return engines.createWllamaEngine({ modelUrl: new URL(custom.cpu.url, globalThis.location?.href).href, id: `wllama:${customCpuModelId}`, label: `CPU: ${fileName(custom.cpu.url)}`, onProgress });
  }
  const entry = effectiveGgufEntry(settings.models.cpu);
  return engines.createWllamaEngine({
    modelUrl: new URL(entry.url, globalThis.location?.href).href,
    id: `wllama:${entry.id}`,
    label: entry.label,
    onProgress,
    ...(entry.grammarOptions ? { grammarOptions: entry.grammarOptions } : {}),
    ...(entry.metadataOverrides ? { metadataOverrides: entry.metadataOverrides } : {}),
  });
}

/**
 * The default loader: builds the engine, loads it (the download lands in the browser's cache),
 * and disposes of it, so a model is never held twice; the next run loads it from the cache.
 */
export const loadAndRelease: ModelLoader = async (target, settings, onProgress, signal) => {
  const engine = await createChosenEngine(target, settings, onProgress);
  const stop = () => void engine.dispose();
  signal.addEventListener('abort', stop, { once: true });
  try {
    await engine.load();
    return { label: engine.label, ...(engine.loadTimeMs === undefined ? {} : { loadTimeMs: engine.loadTimeMs }) };
  } finally {
    signal.removeEventListener('abort', stop);
    await engine.dispose();
  }
};

/** The web-llm catalog entry that runs for a setting value (buildEngines' default when unset). */
function effectiveWebLLMEntry(modelId: string): WebLLMCatalogEntry {
  const entry = findCatalogModel(modelId);
  if (entry?.engine === 'webllm') return entry;
  return webLLMCatalog.find((model) => !model.needsShaderF16) ?? (webLLMCatalog[0] as WebLLMCatalogEntry);
}

function effectiveGgufEntry(id: string): GgufCatalogEntry {
  const entry = findCatalogModel(id);
  if (entry?.engine === 'wllama') return entry;
  return ggufCatalog.find((model) => !model.testModel) ?? (ggufCatalog[0] as GgufCatalogEntry);
}

/** The q4f32 twin of a q4f16 web-llm build, for GPUs without shader-f16. */
export function f32Twin(modelId: string): string | undefined {
  const twin = modelId.replace('-q4f16_1-', '-q4f32_1-');
  return twin !== modelId && findCatalogModel(twin) ? twin : undefined;
}

// ---------------------------------------------------------------------------------------------
// Formatting.

/** Bytes for a person: `512 KB`, `1.4 GB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return 'unknown';
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} bytes` : `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

function formatMegabytes(megabytes: number): string {
  return formatBytes(megabytes * 1024 * 1024);
}

/** Seconds for a person: `45 s`, `3 min 10 s`. */
export function formatDuration(milliseconds: number): string {
  const seconds = Math.max(0, Math.round(milliseconds / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
}

/** What a progress bar says: bytes so far and time left, estimated from the rate so far. */
export function describeProgress(progress: ModelLoadProgress, elapsedMs: number, approximateTotalBytes?: number): string {
  const fraction = Math.min(1, Math.max(0, progress.progress));
  const parts: string[] = [];
  if (progress.loadedBytes !== undefined && progress.totalBytes) parts.push(`${formatBytes(progress.loadedBytes)} of ${formatBytes(progress.totalBytes)}`);
  else if (approximateTotalBytes) parts.push(`about ${formatBytes(fraction * approximateTotalBytes)} of ${formatBytes(approximateTotalBytes)}`);
  parts.push(`${Math.floor(fraction * 100)}%`);
  if (fraction > 0.01 && fraction < 1 && elapsedMs > 500) parts.push(`about ${formatDuration((elapsedMs * (1 - fraction)) / fraction)} left`);
  return parts.join(' · ');
}

// ---------------------------------------------------------------------------------------------
// Capabilities and storage.

let capabilitiesPromise: Promise<Capabilities> | undefined;

/** Detects once per page: the adapter does not change, and requesting one can take a while. */
export function sharedCapabilities(): Promise<Capabilities> {
  capabilitiesPromise ??= detectCapabilities();
  return capabilitiesPromise;
}

async function readStorage(): Promise<(StorageCapabilities & { cacheBytes?: number }) | undefined> {
  const storage = globalThis.navigator?.storage;
  if (!storage?.estimate) return undefined;
  try {
    const estimate = (await storage.estimate()) as StorageEstimate & { usageDetails?: { caches?: number; fileSystem?: number } };
    const persisted = storage.persisted ? await storage.persisted() : false;
    const details = estimate.usageDetails;
    const cacheBytes = details ? (details.caches ?? 0) + (details.fileSystem ?? 0) : undefined;
    return { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0, persisted, ...(cacheBytes === undefined ? {} : { cacheBytes }) };
  } catch {
    return undefined;
  }
}

let persistenceRequested = false;

/** Asks the browser once per page to keep downloaded models (`navigator.storage.persist()`). */
async function requestPersistence(): Promise<boolean | undefined> {
  const storage = globalThis.navigator?.storage;
  if (persistenceRequested || !storage?.persist) return undefined;
  persistenceRequested = true;
  try {
    if (storage.persisted && (await storage.persisted())) return true;
    return await storage.persist();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Cached models.

/** A model in the browser's storage. */
export interface CachedModel {
  key: string;
  engine: InBrowserEngineKind;
  label: string;
  /** Stored bytes, where the cache tells. */
  bytes?: number;
  /** web-llm: every file is there (an interrupted download leaves some). */
  complete: boolean;
  remove: () => Promise<void>;
}

async function listWebLLMCache(custom: CustomModels): Promise<CachedModel[]> {
  const cacheStorage = globalThis.caches;
  if (!cacheStorage || !(await cacheStorage.has('webllm/model'))) return [];
  const cache = await cacheStorage.open('webllm/model');
  const requests = await cache.keys();
  const groups = new Map<string, { label: string; bytes: number; appConfig?: AppConfig; modelId: string }>();
  for (const request of requests) {
    const url = request.url;
    const entry = webLLMCatalog.find((model) => url.includes(`/${model.modelId}/`));
    const customModel = custom.webgpu && url.startsWith(custom.webgpu.modelUrl.replace(/\/+$/, '')) ? custom.webgpu : undefined;
    const modelId = entry?.modelId ?? customModel?.modelId;
    if (!modelId) continue;
    const group = groups.get(modelId) ?? {
      modelId,
      label: entry?.label ?? `Self-hosted: ${modelId}`,
      bytes: 0,
      ...(customModel ? { appConfig: customWebLLMAppConfig(customModel) } : {}),
    };
    const response = await cache.match(request);
    group.bytes += Number(response?.headers.get('content-length') ?? 0) || 0;
    groups.set(modelId, group);
  }
  if (groups.size === 0) return [];
  // Only now: web-llm is 6 MB, and nothing needs it when no model is cached.
  const webllm = await import('@mlc-ai/web-llm');
  const models: CachedModel[] = [];
  for (const group of groups.values()) {
    const complete = await webllm.hasModelInCache(group.modelId, group.appConfig).catch(() => false);
    models.push({
      key: `webllm:${group.modelId}`,
      engine: 'webllm',
      label: group.label,
      ...(group.bytes > 0 ? { bytes: group.bytes } : {}),
      complete,
      remove: () => webllm.deleteModelAllInfoInCache(group.modelId, group.appConfig),
    });
  }
  return models;
}

async function listWllamaCache(custom: CustomModels): Promise<CachedModel[]> {
  const { CacheManager } = await import('@wllama/wllama');
  const manager = new CacheManager();
  const entries = await manager.list();
  const base = globalThis.location?.href;
  const absolute = (url: string) => (base ? new URL(url, base).href : url);
  return entries.map((entry) => {
    const url = entry.metadata.originalURL;
    const catalogEntry = ggufCatalog.find((model) => absolute(model.url) === url);
    const isCustom = custom.cpu !== undefined && absolute(custom.cpu.url) === url;
    return {
      key: `wllama:${entry.name}`,
      engine: 'wllama' as const,
      label: catalogEntry?.label ?? (isCustom ? `Self-hosted: ${fileName(url)}` : fileName(url || entry.name)),
      bytes: entry.size,
      complete: entry.metadata.originalSize <= 0 || entry.size === entry.metadata.originalSize,
      remove: () => manager.delete(entry.name),
    };
  });
}

/** Every model stored by web-llm (Cache Storage) and wllama (its cache, OPFS), with sizes. */
export async function listCachedModels(custom: CustomModels): Promise<CachedModel[]> {
  const [webllm, wllama] = await Promise.all([listWebLLMCache(custom).catch(() => []), listWllamaCache(custom).catch(() => [])]);
  return [...webllm, ...wllama];
}

// ---------------------------------------------------------------------------------------------
// The component.

type LoadState =
  | { status: 'idle' }
  | { status: 'loading'; progress: ModelLoadProgress; startedAt: number; elapsedMs: number; label: string; controller: AbortController }
  | { status: 'loaded'; label: string; loadTimeMs?: number }
  | { status: 'failed'; error: ModelLoadError };

const engineOfTarget: Record<ModelTarget, InBrowserEngineKind> = { webgpu: 'webllm', cpu: 'wllama' };
const roleNames: Record<keyof Settings['roles'], string> = { planner: 'Planner', toolCaller: 'Tool caller', solver: 'Solver' };

/** Whether a planner endpoint is set up (a model named; the URL alone has a default). */
export function hasPlannerEndpoint(settings: Settings): boolean {
  return settings.planner.url.trim() !== '' && settings.planner.model.trim() !== '';
}

function DeviceCapabilities({ capabilities, storage }: { capabilities: Capabilities | undefined; storage: Awaited<ReturnType<typeof readStorage>> }) {
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

function ProgressLine({ state, approximateBytes, onCancel }: { state: Extract<LoadState, { status: 'loading' }>; approximateBytes?: number; onCancel: () => void }) {
  const description = describeProgress(state.progress, state.elapsedMs, approximateBytes);
  return (
    <div className="model-progress">
      <label>
        Loading {state.label}: <progress aria-label={`Loading ${state.label}`} value={state.progress.progress} max={1} /> <span>{description}</span>
      </label>
      {state.progress.text && <div className="hint">{state.progress.text}</div>}
      <button type="button" onClick={onCancel}>
        Cancel loading
      </button>
    </div>
  );
}

/**
 * The in-browser models: what this device can run, the curated catalogs (web-llm on WebGPU,
 * GGUF on the CPU) with sizes and the recommendation, the choice of model per engine (written
 * to `settings.models`), loading with progress, errors with a way forward, the cached models,
 * and self-hosted models.
 */
export function ModelManager({ loadModel = loadAndRelease }: { loadModel?: ModelLoader }) {
  const settings = useAppStore((state) => state.settings);
  const updateSettings = useAppStore((state) => state.updateSettings);
  const setRole = useAppStore((state) => state.setRole);
  const [capabilities, setCapabilities] = useState<Capabilities>();
  const [storage, setStorage] = useState<Awaited<ReturnType<typeof readStorage>>>();
  const [cached, setCached] = useState<CachedModel[]>();
  const [loads, setLoads] = useState<Record<ModelTarget, LoadState>>({ webgpu: { status: 'idle' }, cpu: { status: 'idle' } });
  const [showEveryBuild, setShowEveryBuild] = useState(false);
  const [notice, setNotice] = useState<string>();
  const custom = useMemo(() => readCustomModels(settings), [settings]);
  const mounted = useRef(true);

  const refreshStorage = useCallback(() => {
    void readStorage().then((result) => mounted.current && setStorage(result));
    void listCachedModels(readCustomModels(useAppStore.getState().settings)).then((models) => mounted.current && setCached(models));
  }, []);

  useEffect(() => {
    mounted.current = true;
    void sharedCapabilities().then((result) => mounted.current && setCapabilities(result));
    refreshStorage();
    return () => {
      mounted.current = false;
    };
  }, [refreshStorage]);

  const recommendation = useMemo(() => (capabilities ? recommendModel(capabilities) : undefined), [capabilities]);
  const shaderF16 = capabilities?.webgpu.shaderF16 ?? false;

  // A q4f16 build cannot run without shader-f16: take its q4f32 twin.
  useEffect(() => {
    if (!capabilities?.webgpu.available || capabilities.webgpu.shaderF16) return;
    const chosen = findCatalogModel(settings.models.webgpu);
    if (chosen?.engine !== 'webllm' || !chosen.needsShaderF16) return;
    const twin = f32Twin(chosen.modelId);
    if (!twin) return;
    updateSettings({ models: { ...settings.models, webgpu: twin } });
    void Promise.resolve().then(() => mounted.current && setNotice(`This GPU has no shader-f16, so the q4f32 build ${twin} replaces ${chosen.modelId}.`));
  }, [capabilities, settings.models, updateSettings]);

  const webgpuChoice = settings.models.webgpu === customWebGpuModelId && custom.webgpu
    ? customWebGpuModelId
    : settings.models.webgpu || (recommendation?.engine === 'webllm' ? recommendation.model.modelId : effectiveWebLLMEntry('').modelId);
  const cpuChoice = settings.models.cpu === customCpuModelId && custom.cpu
    ? customCpuModelId
    : settings.models.cpu || (recommendation?.engine === 'wllama' ? recommendation.model.id : effectiveGgufEntry('').id);

  const chooseModel = (target: ModelTarget, id: string) => {
    updateSettings({ models: { ...useAppStore.getState().settings.models, [target]: id } });
    setLoads((current) => ({ ...current, [target]: { status: 'idle' } }));
  };

  const visibleWebLLM = webLLMCatalog.filter((entry) => showEveryBuild || entry.needsShaderF16 === shaderF16 || entry.modelId === webgpuChoice);

  async function load(target: ModelTarget) {
    const current = useAppStore.getState().settings;
    const controller = new AbortController();
    const startedAt = performance.now();
    const label = target === 'webgpu'
      ? (webgpuChoice === customWebGpuModelId ? custom.webgpu?.modelId : findCatalogModel(webgpuChoice)?.label) ?? webgpuChoice
      : (cpuChoice === customCpuModelId ? fileName(custom.cpu?.url ?? '') : findCatalogModel(cpuChoice)?.label) ?? cpuChoice;
    const withChoice: Settings = { ...current, models: { ...current.models, webgpu: webgpuChoice, cpu: cpuChoice } };
    // What was loaded is what runs use.
    if (current.models[target] !== withChoice.models[target]) updateSettings({ models: { ...current.models, [target]: withChoice.models[target] } });
    setLoads((states) => ({ ...states, [target]: { status: 'loading', label, startedAt, elapsedMs: 0, controller, progress: { progress: 0, text: 'Starting' } } }));
    const persisted = await requestPersistence();
    if (persisted === false) setNotice('The browser did not grant persistent storage: it may evict downloaded models when space runs low.');
    try {
      const result = await loadModel(target, withChoice, (progress) => {
        if (!mounted.current) return;
        setLoads((states) => {
          const state = states[target];
          if (state.status !== 'loading' || state.controller !== controller) return states;
          return { ...states, [target]: { ...state, progress, elapsedMs: performance.now() - startedAt } };
        });
      }, controller.signal);
      if (!mounted.current || controller.signal.aborted) return;
      setLoads((states) => ({ ...states, [target]: { status: 'loaded', label: result.label, ...(result.loadTimeMs === undefined ? {} : { loadTimeMs: result.loadTimeMs }) } }));
    } catch (error) {
      if (!mounted.current) return;
      if (controller.signal.aborted) {
        setLoads((states) => ({ ...states, [target]: { status: 'idle' } }));
        return;
      }
      setLoads((states) => ({ ...states, [target]: { status: 'failed', error: classifyModelError(error, { engine: engineOfTarget[target], modelId: target === 'webgpu' ? webgpuChoice : cpuChoice, phase: 'load' }) } }));
    } finally {
      refreshStorage();
    }
  }

  /** Moves every role on `from` (or, when none uses it, the tool caller) to `to`. */
  function switchRoles(from: EngineChoice, to: EngineChoice) {
    const roles = useAppStore.getState().settings.roles;
    const moved = (Object.keys(roles) as (keyof Settings['roles'])[]).filter((role) => roles[role] === from);
    const targets = moved.length > 0 ? moved : (['toolCaller'] as const);
    for (const role of targets) setRole(role, to);
    const names = targets.map((role) => roleNames[role]).join(', ');
    const endpointNote = to === 'planner-endpoint' && !hasPlannerEndpoint(useAppStore.getState().settings) ? ' Enter the Planner URL and Planner model above.' : '';
    setNotice(`${names} now ${targets.length > 1 ? 'use' : 'uses'} the ${to === 'cpu' ? 'CPU engine' : to === 'webgpu' ? 'WebGPU engine' : 'planner endpoint'}.${endpointNote}`);
  }

  function wayForward(failed: ModelTarget) {
    const other: ModelTarget = failed === 'webgpu' ? 'cpu' : 'webgpu';
    return (
      <div className="controls">
        {(other === 'cpu' || capabilities?.webgpu.available) && (
          <button type="button" onClick={() => switchRoles(failed, other)}>
            {other === 'cpu' ? 'Use the CPU engine' : 'Use the WebGPU engine'}
          </button>
        )}
        <button type="button" onClick={() => switchRoles(failed, 'planner-endpoint')}>
          Use the planner endpoint
        </button>
      </div>
    );
  }

  const webgpuLoad = loads.webgpu;
  const cpuLoad = loads.cpu;
  const noWebGpu = capabilities && !capabilities.webgpu.available;
  const recommendedId = recommendation ? (recommendation.engine === 'webllm' ? recommendation.model.modelId : recommendation.model.id) : undefined;

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
      {noWebGpu && webgpuLoad.status !== 'failed' && (
        <div className="model-error" role="status">
          <p>No WebGPU in this browser: {capabilities.webgpu.reason}</p>
          <p className="hint">The CPU engine runs small models on the processor (slower); the planner endpoint runs them on a server.</p>
          {wayForward('webgpu')}
        </div>
      )}
      {notice && (
        <p className="hint" role="status">
          {notice}
        </p>
      )}

      <table className="model-table" aria-label="WebGPU models">
        <caption>
          WebGPU models (web-llm){!shaderF16 && capabilities?.webgpu.available ? ': q4f32 builds, since this GPU has no shader-f16' : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Download</th>
            <th scope="col">GPU memory</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {visibleWebLLM.map((entry) => {
            const unusable = entry.needsShaderF16 && capabilities?.webgpu.available === true && !shaderF16;
            const recommended = entry.modelId === recommendedId;
            const cachedEntry = cached?.find((model) => model.key === `webllm:${entry.modelId}`);
            return (
              <tr key={entry.modelId} className={recommended ? 'recommended' : undefined}>
                <td>
                  <label>
                    <input type="radio" name="webgpu-model" value={entry.modelId} checked={webgpuChoice === entry.modelId} disabled={unusable} onChange={() => chooseModel('webgpu', entry.modelId)} />{' '}
                    {entry.label}
                  </label>
                </td>
                <td>{formatMegabytes(entry.approximateDownloadMB)}</td>
                <td>{formatMegabytes(entry.vramRequiredMB)}</td>
                <td>
                  <div className="model-notes">
                    {recommended && <span className="model-badge">recommended</span>}
                    {unusable && <span className="hint">needs shader-f16</span>}
                    {cachedEntry && <span className="model-badge downloaded">{cachedEntry.complete ? 'downloaded' : 'partly downloaded'}</span>}
                  </div>
                </td>
              </tr>
            );
          })}
          {custom.webgpu && (
            <tr>
              <td>
                <label>
                  <input type="radio" name="webgpu-model" value={customWebGpuModelId} checked={webgpuChoice === customWebGpuModelId} onChange={() => chooseModel('webgpu', customWebGpuModelId)} /> Self-hosted:{' '}
                  {custom.webgpu.modelId}
                </label>
              </td>
              <td colSpan={3} className="hint">
                {custom.webgpu.modelUrl}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <label className="hint">
        <input type="checkbox" checked={showEveryBuild} onChange={(event) => setShowEveryBuild(event.target.checked)} /> Show every build
      </label>
      <div className="controls">
        <button type="button" className="primary" onClick={() => void load('webgpu')} disabled={webgpuLoad.status === 'loading'}>
          Load WebGPU model
        </button>
        {webgpuLoad.status === 'loaded' && (
          <span role="status">
            Loaded {webgpuLoad.label}
            {webgpuLoad.loadTimeMs === undefined ? '' : ` in ${(webgpuLoad.loadTimeMs / 1000).toFixed(1)} s`}.
          </span>
        )}
      </div>
      {webgpuLoad.status === 'loading' && (
        <ProgressLine state={webgpuLoad} approximateBytes={(findCatalogModel(webgpuChoice)?.approximateDownloadMB ?? 0) * 1024 * 1024 || undefined} onCancel={() => webgpuLoad.controller.abort()} />
      )}
      {webgpuLoad.status === 'failed' && (
        <div className="model-error" role="alert">
          <p>{webgpuLoad.error.message}</p>
          {webgpuLoad.error.hint && <p className="hint">{webgpuLoad.error.hint}</p>}
          {wayForward('webgpu')}
        </div>
      )}

      <table className="model-table" aria-label="CPU models">
        <caption>CPU models (GGUF, llama.cpp in WebAssembly)</caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Download</th>
            <th scope="col">Memory (RAM)</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {ggufCatalog.map((entry) => {
            const recommended = entry.id === recommendedId;
            const cachedEntry = cached?.find((model) => model.engine === 'wllama' && model.label === entry.label);
            return (
              <tr key={entry.id} className={recommended ? 'recommended' : undefined}>
                <td>
                  <label>
                    <input type="radio" name="cpu-model" value={entry.id} checked={cpuChoice === entry.id} onChange={() => chooseModel('cpu', entry.id)} /> {entry.label}
                  </label>
                </td>
                <td>{formatMegabytes(entry.approximateDownloadMB)}</td>
                {/* llama.cpp maps the weights and adds the KV cache: roughly the file size again for a 4k context. */}
                <td>about {formatMegabytes(entry.approximateDownloadMB * 1.3)}</td>
                <td>
                  <div className="model-notes">
                    {recommended && <span className="model-badge">recommended</span>}
                    {cachedEntry && <span className="model-badge downloaded">downloaded</span>}
                    {entry.note && <span className="hint">{entry.note}</span>}
                  </div>
                </td>
              </tr>
            );
          })}
          {custom.cpu && (
            <tr>
              <td>
                <label>
                  <input type="radio" name="cpu-model" value={customCpuModelId} checked={cpuChoice === customCpuModelId} onChange={() => chooseModel('cpu', customCpuModelId)} /> Self-hosted:{' '}
                  {fileName(custom.cpu.url)}
                </label>
              </td>
              <td colSpan={3} className="hint">
                {custom.cpu.url}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <div className="controls">
        <button type="button" className="primary" onClick={() => void load('cpu')} disabled={cpuLoad.status === 'loading'}>
          Load CPU model
        </button>
        {cpuLoad.status === 'loaded' && (
          <span role="status">
            Loaded {cpuLoad.label}
            {cpuLoad.loadTimeMs === undefined ? '' : ` in ${(cpuLoad.loadTimeMs / 1000).toFixed(1)} s`}.
          </span>
        )}
      </div>
      {cpuLoad.status === 'loading' && (
        <ProgressLine state={cpuLoad} approximateBytes={(findCatalogModel(cpuChoice)?.approximateDownloadMB ?? 0) * 1024 * 1024 || undefined} onCancel={() => cpuLoad.controller.abort()} />
      )}
      {cpuLoad.status === 'failed' && (
        <div className="model-error" role="alert">
          <p>{cpuLoad.error.message}</p>
          {cpuLoad.error.hint && <p className="hint">{cpuLoad.error.hint}</p>}
          {wayForward('cpu')}
        </div>
      )}

      <CachedModels models={cached} storage={storage} onChange={refreshStorage} />
      <SelfHostedModels custom={custom} onSave={(next, target, id) => {
        updateSettings({ ...customModelsChange(next), models: { ...useAppStore.getState().settings.models, [target]: id } });
        setNotice(target === 'cpu' ? 'The CPU engine now uses the self-hosted GGUF file.' : 'The WebGPU engine now uses the self-hosted model.');
      }} />
    </section>
  );
}

/** A settings change that stores the self-hosted models. */
function customModelsChange(custom: CustomModels): Partial<Settings> {
  // `customModels` is not in the Settings type yet (the lead adds it); the store keeps any field.
  return { customModels: custom } as unknown as Partial<Settings>;
}

function CachedModels({ models, storage, onChange }: { models: CachedModel[] | undefined; storage: Awaited<ReturnType<typeof readStorage>>; onChange: () => void }) {
  const [deleting, setDeleting] = useState<string>();
  const [problem, setProblem] = useState<string>();
  async function remove(model: CachedModel) {
    setDeleting(model.key);
    setProblem(undefined);
    try {
      await model.remove();
    } catch (error) {
      setProblem(`Could not delete ${model.label}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setDeleting(undefined);
      onChange();
    }
  }
  return (
    <section aria-label="Cached models" className="model-cached">
      <h4>Downloaded models</h4>
      {models === undefined ? (
        <p className="hint">Looking in the browser's storage…</p>
      ) : models.length === 0 ? (
        <p className="hint">None yet. Models are stored in this browser after their first load.</p>
      ) : (
        <ul>
          {models.map((model) => (
            <li key={model.key}>
              {model.label} ({model.engine === 'webllm' ? 'WebGPU' : 'CPU'}): {model.bytes === undefined ? 'size unknown' : formatBytes(model.bytes)}
              {model.complete ? '' : ', incomplete'}{' '}
              <button type="button" aria-label={`Delete ${model.label}`} disabled={deleting === model.key} onClick={() => void remove(model)}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      {storage && <p className="hint">Site storage in use: {formatBytes(storage.usage)} of {formatBytes(storage.quota)}.</p>}
      {problem && <p className="error">{problem}</p>}
      {storage && !storage.persisted && (
        <button
          type="button"
          onClick={() => {
            persistenceRequested = false;
            void requestPersistence().then(onChange);
          }}
        >
          Keep downloaded models
        </button>
      )}
    </section>
  );
}

function SelfHostedModels({ custom, onSave }: { custom: CustomModels; onSave: (custom: CustomModels, target: ModelTarget, id: string) => void }) {
  const [ggufUrl, setGgufUrl] = useState(custom.cpu?.url ?? '');
  const [modelUrl, setModelUrl] = useState(custom.webgpu?.modelUrl ?? '');
  const [libraryUrl, setLibraryUrl] = useState(custom.webgpu?.modelLibraryUrl ?? '');
  const [modelId, setModelId] = useState(custom.webgpu?.modelId ?? '');
  const [problem, setProblem] = useState<string>();

  const validUrl = (text: string) => {
    try {
      const url = new URL(text, globalThis.location?.href);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  };

  function saveGguf() {
    const url = ggufUrl.trim();
    if (!validUrl(url)) return setProblem('The GGUF file URL is not an http(s) address.');
    if (!/\.gguf$/i.test(fileName(url))) return setProblem('The CPU engine loads files whose name ends in .gguf.');
    setProblem(undefined);
    onSave({ ...custom, cpu: { url } }, 'cpu', customCpuModelId);
  }

  function saveWebLLM() {
    const weights = modelUrl.trim();
    const library = libraryUrl.trim();
    if (!validUrl(weights)) return setProblem('The model weights URL is not an http(s) address.');
    if (!validUrl(library) || !/\.wasm$/i.test(fileName(library))) return setProblem('The model library URL must point to the compiled .wasm file.');
    const id = modelId.trim() || fileName(weights);
    setProblem(undefined);
    onSave({ ...custom, webgpu: { modelId: id, modelUrl: weights, modelLibraryUrl: library } }, 'webgpu', customWebGpuModelId);
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
