// The model manager's actions: finding out what the browser can run, choosing and loading the
// in-browser models, the models in the browser's storage, and moving roles between engines.
// The component (src/ui/model-manager.tsx) shows `state.modelManager` and calls these.
import { errorMessage } from '../core/errors.ts';
import { detectCapabilities, type Capabilities } from '../engines/capabilities.ts';
import { deleteCachedModel as deleteFromCache, listCachedModels, readStorage, requestPersistentStorage, type CachedModel, type ModelCacheApis } from '../engines/model-cache.ts';
import { recommendModel, findCatalogModel } from '../engines/model-catalog.ts';

export { recommendModel };
import {
  chosenModelId,
  chosenModelLabel,
  createInBrowserEngine,
  customCpuModelId,
  customWebGpuModelId,
  f32Twin,
  readCustomModels,
  resolveInBrowserModel,
  type CustomWebLLMModel,
  type ModelTarget,
} from '../engines/model-choice.ts';
import { classifyModelError, type InBrowserEngineKind } from '../engines/model-errors.ts';
import type { ModelLoadProgressCallback } from '../engines/types.ts';
import type { ModelLoadState } from './model-slice.ts';
import type { EngineChoice, Settings } from './settings-slice.ts';
import { useAppStore } from './store.ts';

const store = () => useAppStore.getState();
const update: ReturnType<typeof store>['updateModelManager'] = (change) => store().updateModelManager(change);

function setLoad(target: ModelTarget, state: ModelLoadState): void {
  update((current) => ({ loads: { ...current.loads, [target]: state } }));
}

// Detection runs once per page: the adapter does not change, and requesting one can take
// seconds. This module owns the promise; the result goes into the store for the page.
let capabilitiesPromise: Promise<Capabilities> | undefined;

/** What this browser can run, detected once per page (also kept in `modelManager.capabilities`). */
export function sharedCapabilities(): Promise<Capabilities> {
  capabilitiesPromise ??= detectCapabilities().then((capabilities) => {
    update({ capabilities });
    return capabilities;
  });
  return capabilitiesPromise;
}

/** Whether a planner endpoint is set up (a model named; the URL alone has a default). */
export function hasPlannerEndpoint(settings: Settings): boolean {
  return settings.planner.url.trim() !== '' && settings.planner.model.trim() !== '';
}

/** For the manager's first showing: detects the capabilities and reads the storage and the cached models. */
export async function openModelManager(cacheApis?: ModelCacheApis): Promise<void> {
  await Promise.all([sharedCapabilities(), refreshModelStorage(cacheApis)]);
}

/** Reads the storage estimate and lists the cached models again. */
export async function refreshModelStorage(cacheApis?: ModelCacheApis): Promise<void> {
  await Promise.all([
    readStorage().then((storage) => update({ storage })),
    listCachedModels(readCustomModels(store().settings), cacheApis).then((cachedModels) => update({ cachedModels })),
  ]);
}

/** Chooses the model for an engine (written to `settings.models`); a finished load's result is cleared. */
export function chooseModel(target: ModelTarget, id: string): void {
  store().updateSettings({ models: { ...store().settings.models, [target]: id } });
  if (store().modelManager.loads[target].status !== 'loading') setLoad(target, { status: 'idle' });
}

/** A q4f16 build cannot run without shader-f16: the chosen one is replaced by its q4f32 twin. */
export function preferRunnableWebGpuBuild(): void {
  const { settings, updateSettings, modelManager } = store();
  const { capabilities } = modelManager;
  if (!capabilities?.webgpu.available || capabilities.webgpu.shaderF16) return;
  const chosen = findCatalogModel(settings.models.webgpu);
  if (chosen?.engine !== 'webllm' || !chosen.needsShaderF16) return;
  const twin = f32Twin(chosen.modelId);
  if (!twin) return;
  updateSettings({ models: { ...settings.models, webgpu: twin } });
  update({ notice: `This GPU has no shader-f16, so the q4f32 build ${twin} replaces ${chosen.modelId}.` });
}

/**
 * Loads the model chosen for `target` and reports progress; rejects with a ModelLoadError.
 * `loadChosenModel` takes another for tests.
 */
export type ModelLoader = (target: ModelTarget, settings: Settings, onProgress: ModelLoadProgressCallback, signal: AbortSignal) => Promise<{ label: string; loadTimeMs?: number }>;

/**
 * The default loader: builds the engine with the factory runs use, loads it (the download
 * lands in the browser's cache) and disposes of it, so a model is never held twice; the next
 * run loads it from the cache.
 */
export const loadAndRelease: ModelLoader = async (target, settings, onProgress, signal) => {
  const engine = await createInBrowserEngine(resolveInBrowserModel(target, settings), onProgress);
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

const engineOfTarget: Record<ModelTarget, InBrowserEngineKind> = { webgpu: 'webllm', cpu: 'wllama' };

/** Asks the browser to keep downloaded models, once per page. */
async function askForPersistenceOnce(): Promise<boolean | undefined> {
  if (store().modelManager.persistenceAsked) return undefined;
  update({ persistenceAsked: true });
  return requestPersistentStorage();
}

/**
 * Loads the model chosen for `target`: idle → loading (with progress) → loaded, failed (a
 * ModelLoadError with a hint) or, when cancelled, idle again. The chosen model is written to
 * the settings first, so what was loaded is what runs use.
 */
export async function loadChosenModel(target: ModelTarget, options: { loader?: ModelLoader; cacheApis?: ModelCacheApis } = {}): Promise<void> {
  const { settings, updateSettings, modelManager } = store();
  if (modelManager.loads[target].status === 'loading') return;
  const { capabilities } = modelManager;
  const modelId = chosenModelId(target, settings, capabilities ? recommendModel(capabilities) : undefined);
  const engine = engineOfTarget[target];
  if (target === 'webgpu' && capabilities && !capabilities.webgpu.available) {
    // The Load button is disabled then; say the real reason rather than blame a download.
    const reason = capabilities.webgpu.reason ?? 'WebGPU is not available';
    setLoad(target, { status: 'failed', error: classifyModelError(reason, { engine, modelId, phase: 'load', kind: 'webgpu-unavailable' }) });
    return;
  }
  const chosen: Settings = { ...settings, models: { ...settings.models, [target]: modelId } };
  if (settings.models[target] !== modelId) updateSettings({ models: chosen.models });

  const controller = new AbortController();
  const startedAt = performance.now();
  const ownsLoad = () => {
    const current = store().modelManager.loads[target];
    return current.status === 'loading' && current.controller === controller;
  };
  setLoad(target, { status: 'loading', label: chosenModelLabel(target, modelId, readCustomModels(settings)), startedAt, elapsedMs: 0, controller, progress: { progress: 0, text: 'Starting' } });
  if ((await askForPersistenceOnce()) === false) update({ notice: 'The browser did not grant persistent storage: it may evict downloaded models when space runs low.' });
  if (!ownsLoad()) return;

  let outcome: ModelLoadState;
  try {
    const result = await (options.loader ?? loadAndRelease)(
      target,
      chosen,
      (progress) => {
        const current = store().modelManager.loads[target];
        if (current.status === 'loading' && current.controller === controller) setLoad(target, { ...current, progress, elapsedMs: performance.now() - startedAt });
      },
      controller.signal,
    );
    outcome = controller.signal.aborted ? { status: 'idle' } : { status: 'loaded', label: result.label, ...(result.loadTimeMs === undefined ? {} : { loadTimeMs: result.loadTimeMs }) };
  } catch (error) {
    outcome = controller.signal.aborted ? { status: 'idle' } : { status: 'failed', error: classifyModelError(error, { engine, modelId, phase: 'load' }) };
  }
  // Cancelled (or replaced) meanwhile: the state already says so.
  if (ownsLoad()) setLoad(target, outcome);
  await refreshModelStorage(options.cacheApis);
}

/** Stops loading the model of `target`. */
export function cancelModelLoad(target: ModelTarget): void {
  const current = store().modelManager.loads[target];
  if (current.status !== 'loading') return;
  current.controller.abort();
  setLoad(target, { status: 'idle' });
}

const roleNames: Record<keyof Settings['roles'], string> = { planner: 'Planner', toolCaller: 'Tool caller', solver: 'Solver' };
const choiceNames: Record<EngineChoice, string> = { cpu: 'CPU engine', webgpu: 'WebGPU engine', 'planner-endpoint': 'planner endpoint' };

/** Moves every role on `from` (or, when none uses it, the tool caller) to `to`, and says so. */
export function switchRoles(from: EngineChoice, to: EngineChoice): void {
  const { settings, setRole } = store();
  const moved = (Object.keys(settings.roles) as (keyof Settings['roles'])[]).filter((role) => settings.roles[role] === from);
  const targets = moved.length > 0 ? moved : (['toolCaller'] as const);
  for (const role of targets) setRole(role, to);
  const names = targets.map((role) => roleNames[role]).join(', ');
  const endpointNote = to === 'planner-endpoint' && !hasPlannerEndpoint(store().settings) ? ' Enter the Planner URL and Planner model above.' : '';
  update({ notice: `${names} now ${targets.length > 1 ? 'use' : 'uses'} the ${choiceNames[to]}.${endpointNote}` });
}

/** Stores a self-hosted GGUF file and chooses it for the CPU engine. */
export function saveSelfHostedGguf(file: { url: string }): void {
  const { settings, updateSettings } = store();
  updateSettings({ customModels: { ...readCustomModels(settings), cpu: file }, models: { ...settings.models, cpu: customCpuModelId } });
  update({ notice: 'The CPU engine now uses the self-hosted GGUF file.' });
}

/** Stores a self-hosted web-llm model and chooses it for the WebGPU engine. */
export function saveSelfHostedWebLLM(model: CustomWebLLMModel): void {
  const { settings, updateSettings } = store();
  updateSettings({ customModels: { ...readCustomModels(settings), webgpu: model }, models: { ...settings.models, webgpu: customWebGpuModelId } });
  update({ notice: 'The WebGPU engine now uses the self-hosted model.' });
}

/** Deletes a cached model; a failure is kept in `modelManager.cacheProblem`. */
export async function deleteCachedModel(model: CachedModel, cacheApis?: ModelCacheApis): Promise<void> {
  update({ deletingModel: model.key, cacheProblem: undefined });
  try {
    await deleteFromCache(model, cacheApis);
  } catch (error) {
    update({ cacheProblem: `Could not delete ${model.label}: ${errorMessage(error)}` });
  } finally {
    update({ deletingModel: undefined });
    await refreshModelStorage(cacheApis);
  }
}

/** Asks the browser to keep downloaded models (the person asked), then reads the storage again. */
export async function keepDownloadedModels(cacheApis?: ModelCacheApis): Promise<void> {
  update({ persistenceAsked: true });
  await requestPersistentStorage();
  await refreshModelStorage(cacheApis);
}

/** Whether every role runs on `choice`. */
export const allRoles = (settings: Settings, choice: Settings['roles']['planner']) =>
  settings.roles.planner === choice && settings.roles.toolCaller === choice && settings.roles.solver === choice;

/**
 * The zero-server default (src/ui/use-zero-server-default.ts): the settings change that makes the in-browser model plan, call tools and solve when no
 * planner endpoint is set up and the roles are untouched; undefined when nothing should change.
 */
export function zeroServerSettings(settings: Settings, capabilities: Capabilities): { change: Partial<Settings>; engine: 'webgpu' | 'cpu'; modelLabel: string } | undefined {
  if (hasPlannerEndpoint(settings) || !allRoles(settings, 'planner-endpoint')) return undefined;
  const recommendation = recommendModel(capabilities);
  const engine = recommendation.engine === 'webllm' ? 'webgpu' : 'cpu';
  const recommendedId = recommendation.engine === 'webllm' ? recommendation.model.modelId : recommendation.model.id;
  return {
    engine,
    modelLabel: recommendation.model.label,
    change: {
      roles: { planner: engine, toolCaller: engine, solver: engine },
      models: { ...settings.models, [engine]: settings.models[engine] || recommendedId },
    },
  };
}
