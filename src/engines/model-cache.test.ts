import { describe, expect, it, vi } from 'vitest';
import { deleteCachedModel, listCachedModels, readStorage, requestPersistentStorage, type ModelCacheApis } from './model-cache.ts';
import { tinyTestModel } from './model-catalog.ts';

const page = 'http://127.0.0.1:5173/';
const selfHosted = { modelId: 'My-Qwen', modelUrl: 'https://models.example/My-Qwen/', modelLibraryUrl: 'https://models.example/my-qwen-webgpu.wasm' };

function fakeApis(files: Record<string, number>, wllamaEntries: { name: string; size: number; metadata: { originalURL: string; originalSize: number } }[]) {
  const webLLM = {
    hasModelInCache: vi.fn(async (modelId: string) => modelId === 'Qwen3-0.6B-q4f32_1-MLC'),
    deleteModelAllInfoInCache: vi.fn(async () => {}),
  };
  const wllama = { list: vi.fn(async () => wllamaEntries), delete: vi.fn(async () => {}) };
  const apis: ModelCacheApis = {
    caches: {
      has: async (name) => name === 'webllm/model' && Object.keys(files).length > 0,
      open: async () => ({
        keys: async () => Object.keys(files).map((url) => ({ url })),
        match: async (request) => ({ headers: { get: (name: string) => (name === 'content-length' ? String(files[request.url]) : null) } }),
      }),
    },
    webLLM: async () => webLLM,
    wllamaCache: async () => wllama,
    baseUrl: page,
  };
  return { apis, webLLM, wllama };
}

describe('the models in the browser storage', () => {
  it('groups web-llm files by model, adds their sizes and asks web-llm whether each is complete', async () => {
    const { apis } = fakeApis(
      {
        'https://huggingface.co/mlc-ai/Qwen3-0.6B-q4f32_1-MLC/resolve/main/params_shard_0.bin': 1000,
        'https://huggingface.co/mlc-ai/Qwen3-0.6B-q4f32_1-MLC/resolve/main/params_shard_1.bin': 500,
        'https://models.example/My-Qwen/params_shard_0.bin': 300,
        'https://elsewhere.example/unrelated.bin': 99,
      },
      [],
    );
    const models = await listCachedModels({ webgpu: selfHosted }, apis);
    expect(models).toEqual([
      { key: 'webllm:Qwen3-0.6B-q4f32_1-MLC', engine: 'webllm', modelId: 'Qwen3-0.6B-q4f32_1-MLC', label: 'Qwen3 0.6B (q4f32)', bytes: 1500, complete: true },
      {
        key: 'webllm:My-Qwen',
        engine: 'webllm',
        modelId: 'My-Qwen',
        label: 'Self-hosted: My-Qwen',
        appConfig: { model_list: [{ model_id: 'My-Qwen', model: selfHosted.modelUrl, model_lib: selfHosted.modelLibraryUrl }] },
        bytes: 300,
        complete: false,
      },
    ]);
  });

  it('names wllama files by the catalog, the self-hosted URL or the file name, and marks partial downloads', async () => {
    const { apis } = fakeApis({}, [
      { name: 'a_tiny-random-llama.gguf', size: 600, metadata: { originalURL: `${page}models/tiny-random-llama.gguf`, originalSize: 600 } },
      { name: 'b_mine.gguf', size: 10, metadata: { originalURL: 'https://x.example/mine.gguf', originalSize: 20 } },
      { name: 'c_other.gguf', size: 5, metadata: { originalURL: 'https://y.example/other.gguf?x=1', originalSize: 0 } },
    ]);
    const models = await listCachedModels({ cpu: { url: 'https://x.example/mine.gguf' } }, apis);
    expect(models).toEqual([
      { key: 'wllama:a_tiny-random-llama.gguf', engine: 'wllama', name: 'a_tiny-random-llama.gguf', label: tinyTestModel.label, bytes: 600, complete: true },
      { key: 'wllama:b_mine.gguf', engine: 'wllama', name: 'b_mine.gguf', label: 'Self-hosted: mine.gguf', bytes: 10, complete: false },
      { key: 'wllama:c_other.gguf', engine: 'wllama', name: 'c_other.gguf', label: 'other.gguf', bytes: 5, complete: true },
    ]);
  });

  it('lists nothing from a cache that cannot be read, and never loads web-llm when it holds nothing', async () => {
    const { apis } = fakeApis({}, []);
    const loadWebLLM = vi.fn(apis.webLLM);
    const broken: ModelCacheApis = { ...apis, webLLM: loadWebLLM, wllamaCache: async () => Promise.reject(new Error('no OPFS')) };
    expect(await listCachedModels({}, broken)).toEqual([]);
    expect(loadWebLLM).not.toHaveBeenCalled();
    const { caches: _caches, ...withoutCacheStorage } = apis;
    expect(await listCachedModels({}, withoutCacheStorage)).toEqual([]);
  });

  it('deletes through the engine that stored the model', async () => {
    const { apis, webLLM, wllama } = fakeApis({}, []);
    const appConfig = { model_list: [] };
    await deleteCachedModel({ key: 'webllm:My-Qwen', engine: 'webllm', modelId: 'My-Qwen', appConfig, label: 'Self-hosted: My-Qwen', complete: true }, apis);
    expect(webLLM.deleteModelAllInfoInCache).toHaveBeenCalledWith('My-Qwen', appConfig);
    await deleteCachedModel({ key: 'wllama:b_mine.gguf', engine: 'wllama', name: 'b_mine.gguf', label: 'mine.gguf', complete: true }, apis);
    expect(wllama.delete).toHaveBeenCalledWith('b_mine.gguf');
  });
});

describe('site storage', () => {
  it('reads the estimate, with the part models take where the browser tells', async () => {
    const storage = { estimate: async () => ({ usage: 2000, quota: 10_000, usageDetails: { caches: 700, fileSystem: 300 } }), persisted: async () => false };
    expect(await readStorage(storage)).toEqual({ usage: 2000, quota: 10_000, persisted: false, cacheBytes: 1000 });
    expect(await readStorage({ estimate: async () => Promise.reject(new Error('denied')) })).toBeUndefined();
    expect(await readStorage(undefined)).toBeUndefined();
  });

  it('asks to keep the models unless they are kept already', async () => {
    const persist = vi.fn(async () => false);
    expect(await requestPersistentStorage({ persisted: async () => true, persist })).toBe(true);
    expect(persist).not.toHaveBeenCalled();
    expect(await requestPersistentStorage({ persisted: async () => false, persist })).toBe(false);
    expect(await requestPersistentStorage({ persisted: async () => false, persist: async () => Promise.reject(new Error('no')) })).toBe(false);
    expect(await requestPersistentStorage({})).toBeUndefined();
  });
});
