// The models the in-browser engines keep in the browser's storage: web-llm in Cache Storage,
// wllama in its own cache (OPFS). Listing, deleting, the storage estimate and persistence.
import type { AppConfig } from '@mlc-ai/web-llm';
import type { StorageCapabilities } from './capabilities.ts';
import { customWebLLMAppConfig, modelFileName, type CustomModels } from './model-choice.ts';
import { ggufCatalog, webLLMCatalog } from './model-catalog.ts';

interface CachedModelBase {
  /** Unique among the cached models: `webllm:<model id>` or `wllama:<cache entry name>`. */
  key: string;
  label: string;
  /** Stored bytes, where the cache tells. */
  bytes?: number;
  /** Every file is there (an interrupted download leaves some). */
  complete: boolean;
}

/** A model in the browser's storage, with what it takes to delete it. */
export type CachedModel =
  | (CachedModelBase & { engine: 'webllm'; modelId: string; appConfig?: AppConfig })
  | (CachedModelBase & { engine: 'wllama'; name: string });

/** The browser and library APIs the cache lives behind; tests pass stand-ins. */
export interface ModelCacheApis {
  /** Cache Storage, where web-llm keeps its files; absent outside a secure context. */
  caches?: {
    has: (name: string) => Promise<boolean>;
    open: (name: string) => Promise<{
      keys: () => Promise<readonly { url: string }[]>;
      match: (request: { url: string }) => Promise<{ headers: { get: (name: string) => string | null } } | undefined>;
    }>;
  };
  webLLM: () => Promise<{
    hasModelInCache: (modelId: string, appConfig?: AppConfig) => Promise<boolean>;
    deleteModelAllInfoInCache: (modelId: string, appConfig?: AppConfig) => Promise<void>;
  }>;
  wllamaCache: () => Promise<{
    list: () => Promise<{ name: string; size: number; metadata: { originalURL: string; originalSize: number } }[]>;
    delete: (name: string) => Promise<void>;
  }>;
  /** The page's URL, against which relative model URLs resolve. */
  baseUrl?: string;
}

function browserCaches(cacheStorage: CacheStorage): NonNullable<ModelCacheApis['caches']> {
  return {
    has: (name) => cacheStorage.has(name),
    open: async (name) => {
      const cache = await cacheStorage.open(name);
      // The requests handed back are the ones `keys()` gave.
      return { keys: () => cache.keys(), match: (request) => cache.match(request as Request) };
    },
  };
}

/** The real APIs. web-llm (6 MB) and wllama load only when asked for. */
export function browserModelCacheApis(): ModelCacheApis {
  return {
    ...(globalThis.caches ? { caches: browserCaches(globalThis.caches) } : {}),
    webLLM: () => import('@mlc-ai/web-llm'),
    wllamaCache: async () => new (await import('@wllama/wllama')).CacheManager(),
    ...(globalThis.location ? { baseUrl: globalThis.location.href } : {}),
  };
}

const webLLMCacheName = 'webllm/model';

async function listWebLLMCache(custom: CustomModels, apis: ModelCacheApis): Promise<CachedModel[]> {
  const cacheStorage = apis.caches;
  if (!cacheStorage || !(await cacheStorage.has(webLLMCacheName))) return [];
  const cache = await cacheStorage.open(webLLMCacheName);
  const groups = new Map<string, { label: string; bytes: number; appConfig?: AppConfig }>();
  for (const request of await cache.keys()) {
    const url = request.url;
    const entry = webLLMCatalog.find((model) => url.includes(`/${model.modelId}/`));
    const customModel = custom.webgpu && url.startsWith(custom.webgpu.modelUrl.replace(/\/+$/, '')) ? custom.webgpu : undefined;
    const modelId = entry?.modelId ?? customModel?.modelId;
    if (!modelId) continue;
    const group = groups.get(modelId) ?? {
      label: entry?.label ?? `Self-hosted: ${modelId}`,
      bytes: 0,
      ...(customModel ? { appConfig: customWebLLMAppConfig(customModel) } : {}),
    };
    const response = await cache.match(request);
    group.bytes += Number(response?.headers.get('content-length') ?? 0) || 0;
    groups.set(modelId, group);
  }
  // Only now: nothing needs web-llm when no model is cached.
  if (groups.size === 0) return [];
  const webllm = await apis.webLLM();
  const models: CachedModel[] = [];
  for (const [modelId, group] of groups) {
    const complete = await webllm.hasModelInCache(modelId, group.appConfig).catch(() => false);
    models.push({
      key: `webllm:${modelId}`,
      engine: 'webllm',
      modelId,
      label: group.label,
      ...(group.appConfig ? { appConfig: group.appConfig } : {}),
      ...(group.bytes > 0 ? { bytes: group.bytes } : {}),
      complete,
    });
  }
  return models;
}

async function listWllamaCache(custom: CustomModels, apis: ModelCacheApis): Promise<CachedModel[]> {
  const entries = await (await apis.wllamaCache()).list();
  const absolute = (url: string) => (apis.baseUrl ? new URL(url, apis.baseUrl).href : url);
  return entries.map((entry) => {
    const url = entry.metadata.originalURL;
    const catalogEntry = ggufCatalog.find((model) => absolute(model.url) === url);
    const isCustom = custom.cpu !== undefined && absolute(custom.cpu.url) === url;
    return {
      key: `wllama:${entry.name}`,
      engine: 'wllama',
      name: entry.name,
      label: catalogEntry?.label ?? (isCustom ? `Self-hosted: ${modelFileName(url)}` : modelFileName(url || entry.name)),
      bytes: entry.size,
      complete: entry.metadata.originalSize <= 0 || entry.size === entry.metadata.originalSize,
    };
  });
}

/** Every model stored by web-llm and wllama, with sizes; a cache that cannot be read lists nothing. */
export async function listCachedModels(custom: CustomModels, apis: ModelCacheApis = browserModelCacheApis()): Promise<CachedModel[]> {
  const [webllm, wllama] = await Promise.all([listWebLLMCache(custom, apis).catch(() => []), listWllamaCache(custom, apis).catch(() => [])]);
  return [...webllm, ...wllama];
}

/** Deletes a cached model's files. */
export async function deleteCachedModel(model: CachedModel, apis: ModelCacheApis = browserModelCacheApis()): Promise<void> {
  if (model.engine === 'webllm') await (await apis.webLLM()).deleteModelAllInfoInCache(model.modelId, model.appConfig);
  else await (await apis.wllamaCache()).delete(model.name);
}

/** Site storage, and the part that caches and files (the models) take where the browser tells. */
export interface StorageReport extends StorageCapabilities {
  cacheBytes?: number;
}

type StorageApi = Partial<Pick<StorageManager, 'estimate' | 'persisted' | 'persist'>>;

/** The storage estimate, or undefined where the browser gives none. */
export async function readStorage(storage: StorageApi | undefined = globalThis.navigator?.storage): Promise<StorageReport | undefined> {
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

/**
 * Asks the browser to keep downloaded models (`navigator.storage.persist()`): true when they
 * are kept, false when refused, undefined where the browser cannot be asked.
 */
export async function requestPersistentStorage(storage: StorageApi | undefined = globalThis.navigator?.storage): Promise<boolean | undefined> {
  if (!storage?.persist) return undefined;
  try {
    if (storage.persisted && (await storage.persisted())) return true;
    return await storage.persist();
  } catch {
    return false;
  }
}
