import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Capabilities } from '../engines/capabilities.ts';
import type { CachedModel, ModelCacheApis } from '../engines/model-cache.ts';
import { tinyTestModel } from '../engines/model-catalog.ts';
import type { ModelLoadProgressCallback } from '../engines/types.ts';
import {
  cancelModelLoad,
  chooseModel,
  deleteCachedModel,
  loadChosenModel,
  preferRunnableWebGpuBuild,
  saveSelfHostedGguf,
  switchRoles,
  type ModelLoader,
} from './model-actions.ts';
import { initialModelManagerState } from './model-slice.ts';
import { defaultSettings } from './settings-slice.ts';
import { useAppStore } from './store.ts';

const state = () => useAppStore.getState();
const manager = () => state().modelManager;

function cacheApis(entries: { name: string; size: number; url: string }[] = [], remove = vi.fn(async (_name: string) => {})) {
  const apis: ModelCacheApis = {
    webLLM: async () => Promise.reject(new Error('not in this test')),
    wllamaCache: async () => ({ list: async () => entries.map((entry) => ({ name: entry.name, size: entry.size, metadata: { originalURL: entry.url, originalSize: entry.size } })), delete: remove }),
    baseUrl: 'http://127.0.0.1:5173/',
  };
  return { apis, remove };
}

/** A loader the test finishes by hand. */
function manualLoader() {
  let resolve!: (result: { label: string; loadTimeMs?: number }) => void;
  let reject!: (error: unknown) => void;
  let onProgress!: ModelLoadProgressCallback;
  let signal!: AbortSignal;
  const loader = vi.fn<ModelLoader>((_target, _settings, progress, abortSignal) => {
    onProgress = progress;
    signal = abortSignal;
    return new Promise((done, fail) => {
      resolve = done;
      reject = fail;
    });
  });
  return { loader, resolve: (result: { label: string; loadTimeMs?: number }) => resolve(result), reject: (error: unknown) => reject(error), progress: (value: number) => onProgress({ progress: value, text: `at ${value}` }), signal: () => signal };
}

const noWebGpu: Capabilities = { webgpu: { available: false, shaderF16: false, reason: 'This browser has no WebGPU (navigator.gpu is missing).' }, crossOriginIsolated: true, hardwareConcurrency: 4 };
const noShaderF16: Capabilities = { webgpu: { available: true, shaderF16: false }, crossOriginIsolated: true, hardwareConcurrency: 4 };

beforeEach(() => {
  useAppStore.setState({ settings: defaultSettings, modelManager: { ...initialModelManagerState, persistenceAsked: true } });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('loading a model from the manager', () => {
  it('goes from idle to loading with progress to loaded, writes the choice to settings and lists the cache again', async () => {
    chooseModel('cpu', tinyTestModel.id);
    const { apis } = cacheApis([{ name: 'x_tiny-random-llama.gguf', size: 600, url: 'http://127.0.0.1:5173/models/tiny-random-llama.gguf' }]);
    const load = manualLoader();
    expect(manager().loads.cpu).toEqual({ status: 'idle' });

    const done = loadChosenModel('cpu', { loader: load.loader, cacheApis: apis });
    expect(manager().loads.cpu).toMatchObject({ status: 'loading', label: tinyTestModel.label, progress: { progress: 0, text: 'Starting' } });
    await vi.waitFor(() => expect(load.loader).toHaveBeenCalledOnce());
    expect(load.loader.mock.calls[0]?.[1].models.cpu).toBe(tinyTestModel.id);
    load.progress(0.4);
    expect(manager().loads.cpu).toMatchObject({ status: 'loading', progress: { progress: 0.4, text: 'at 0.4' } });
    // A second click while it loads starts nothing.
    await loadChosenModel('cpu', { loader: load.loader, cacheApis: apis });
    expect(load.loader).toHaveBeenCalledOnce();

    load.resolve({ label: 'CPU: tiny', loadTimeMs: 1234 });
    await done;
    expect(manager().loads.cpu).toEqual({ status: 'loaded', label: 'CPU: tiny', loadTimeMs: 1234 });
    expect(manager().cachedModels?.map((model) => model.label)).toEqual([tinyTestModel.label]);

    // Another choice clears the result.
    chooseModel('cpu', 'qwen3-0.6b-q8_0');
    expect(state().settings.models.cpu).toBe('qwen3-0.6b-q8_0');
    expect(manager().loads.cpu).toEqual({ status: 'idle' });
  });

  it('writes the model it shows as chosen into settings, so runs use what was loaded', async () => {
    const load = manualLoader();
    const done = loadChosenModel('cpu', { loader: load.loader, cacheApis: cacheApis().apis });
    expect(state().settings.models.cpu).toBe('qwen2.5-0.5b-instruct-q4_k_m');
    await vi.waitFor(() => expect(load.loader).toHaveBeenCalledOnce());
    load.resolve({ label: 'CPU: Qwen' });
    await done;
    expect(manager().loads.cpu).toEqual({ status: 'loaded', label: 'CPU: Qwen' });
  });

  it('fails with a classified error and a hint', async () => {
    const load = manualLoader();
    const done = loadChosenModel('webgpu', { loader: load.loader, cacheApis: cacheApis().apis });
    await vi.waitFor(() => expect(load.loader).toHaveBeenCalledOnce());
    load.reject(new Error('Failed to fetch'));
    await done;
    const failed = manager().loads.webgpu;
    expect(failed.status).toBe('failed');
    if (failed.status !== 'failed') return;
    expect(failed.error.kind).toBe('network');
    expect(failed.error.message).toMatch(/^The WebGPU engine could not load Qwen3-0\.6B-q4f32_1-MLC: the download failed/);
    expect(failed.error.hint).toContain('The model could not be downloaded');
  });

  it('goes back to idle at once when cancelled, and ignores what the loader says afterwards', async () => {
    const load = manualLoader();
    const done = loadChosenModel('cpu', { loader: load.loader, cacheApis: cacheApis().apis });
    await vi.waitFor(() => expect(load.loader).toHaveBeenCalledOnce());
    cancelModelLoad('cpu');
    expect(load.signal().aborted).toBe(true);
    expect(manager().loads.cpu).toEqual({ status: 'idle' });
    load.progress(0.9);
    load.reject(new Error('The operation was aborted'));
    await done;
    expect(manager().loads.cpu).toEqual({ status: 'idle' });
  });

  it('does not try WebGPU without an adapter, and says why instead of blaming a download', async () => {
    useAppStore.getState().updateModelManager({ capabilities: noWebGpu });
    const load = manualLoader();
    await loadChosenModel('webgpu', { loader: load.loader, cacheApis: cacheApis().apis });
    expect(load.loader).not.toHaveBeenCalled();
    const failed = manager().loads.webgpu;
    expect(failed.status === 'failed' && failed.error.kind).toBe('webgpu-unavailable');
    expect(failed.status === 'failed' && failed.error.message).toContain('WebGPU is not available');
  });

  it('asks once per page to keep downloaded models, and says when the browser refuses', async () => {
    useAppStore.getState().updateModelManager({ persistenceAsked: false });
    const persist = vi.fn(async () => false);
    vi.stubGlobal('navigator', { storage: { persist, persisted: async () => false } });
    for (let attempt = 0; attempt < 2; attempt++) {
      const load = manualLoader();
      const done = loadChosenModel('cpu', { loader: load.loader, cacheApis: cacheApis().apis });
      await vi.waitFor(() => expect(load.loader).toHaveBeenCalledOnce());
      load.resolve({ label: 'CPU: Qwen' });
      await done;
    }
    expect(persist).toHaveBeenCalledOnce();
    expect(manager().notice).toBe('The browser did not grant persistent storage: it may evict downloaded models when space runs low.');
  });
});

describe('model manager actions', () => {
  it('moves the roles on a failed engine elsewhere and says so', () => {
    state().setRole('planner', 'webgpu');
    state().setRole('solver', 'webgpu');
    switchRoles('webgpu', 'cpu');
    expect(state().settings.roles).toEqual({ planner: 'cpu', toolCaller: 'planner-endpoint', solver: 'cpu' });
    expect(manager().notice).toBe('Planner, Solver now use the CPU engine.');
    // No role on the failed engine: the tool caller moves.
    switchRoles('webgpu', 'planner-endpoint');
    expect(state().settings.roles.toolCaller).toBe('planner-endpoint');
    expect(manager().notice).toBe('Tool caller now uses the planner endpoint. Enter the Planner URL and Planner model above.');
  });

  it('takes the q4f32 twin of a q4f16 build on a GPU without shader-f16', () => {
    state().updateSettings({ models: { webgpu: 'Qwen3-1.7B-q4f16_1-MLC', cpu: '' } });
    preferRunnableWebGpuBuild();
    expect(state().settings.models.webgpu).toBe('Qwen3-1.7B-q4f16_1-MLC');
    state().updateModelManager({ capabilities: noShaderF16 });
    preferRunnableWebGpuBuild();
    expect(state().settings.models.webgpu).toBe('Qwen3-1.7B-q4f32_1-MLC');
    expect(manager().notice).toBe('This GPU has no shader-f16, so the q4f32 build Qwen3-1.7B-q4f32_1-MLC replaces Qwen3-1.7B-q4f16_1-MLC.');
  });

  it('stores a self-hosted GGUF file and chooses it', () => {
    saveSelfHostedGguf({ url: '/models/mine.gguf' });
    expect(state().settings.customModels).toEqual({ cpu: { url: '/models/mine.gguf' } });
    expect(state().settings.models.cpu).toBe('custom-gguf');
    expect(manager().notice).toBe('The CPU engine now uses the self-hosted GGUF file.');
  });

  it('deletes a cached model and lists the cache again; a failure says which model', async () => {
    const entry = { name: 'x_tiny.gguf', size: 600, url: 'http://127.0.0.1:5173/models/tiny-random-llama.gguf' };
    const model: CachedModel = { key: 'wllama:x_tiny.gguf', engine: 'wllama', name: entry.name, label: tinyTestModel.label, complete: true };
    const entries = [entry];
    const { apis, remove } = cacheApis(entries);
    remove.mockImplementation(async () => void entries.pop());
    const deleting = deleteCachedModel(model, apis);
    expect(manager().deletingModel).toBe(model.key);
    await deleting;
    expect(remove).toHaveBeenCalledWith('x_tiny.gguf');
    expect(manager().deletingModel).toBeUndefined();
    expect(manager().cachedModels).toEqual([]);

    remove.mockRejectedValueOnce(new Error('The file is in use'));
    await deleteCachedModel(model, apis);
    expect(manager().cacheProblem).toBe(`Could not delete ${tinyTestModel.label}: The file is in use`);
  });
});
