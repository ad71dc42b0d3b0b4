// Which in-browser model runs for each engine, from the settings: the curated catalogs or a
// self-hosted model. The one factory that builds an engine for that choice is here too; runs
// (src/store/engines.ts) and the model manager (src/store/model-actions.ts) both use it.
import type { AppConfig } from '@mlc-ai/web-llm';
import { z } from 'zod';
import { findCatalogModel, ggufCatalog, webLLMCatalog, type GgufCatalogEntry, type ModelRecommendation, type WebLLMCatalogEntry } from './model-catalog.ts';
import type { InBrowserChatEngine, ModelLoadProgressCallback } from './types.ts';
import type { WebLLMEngineOptions } from './webllm/webllm-engine.ts';
import type { WllamaEngineOptions } from './wllama-engine.ts';

/** The in-browser engines as settings name them: web-llm on WebGPU, wllama on the CPU. */
export type ModelTarget = 'webgpu' | 'cpu';

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

/** The part of the settings that picks the in-browser models. */
export interface ModelSettings {
  /** Catalog ids, or the custom ids above. */
  models: { webgpu: string; cpu: string };
  /** Persisted data: read through {@link readCustomModels}. */
  customModels?: unknown;
  /** GGUF on WebGPU: the GGUF models offload every layer to the GPU (see createWllamaEngine). */
  ggufOnWebGpu?: boolean;
}

/** Layers asked of llama.cpp's WebGPU backend for GGUF on WebGPU: all of them (llama.cpp caps it at the model's count). */
export const allGpuLayers = 999;

const customModelsSchema = z.object({
  cpu: z.object({ url: z.string().min(1) }).optional().catch(undefined),
  webgpu: z.object({ modelId: z.string().min(1), modelUrl: z.string().min(1), modelLibraryUrl: z.string().min(1) }).optional().catch(undefined),
});

/** The self-hosted models in settings (an absent or damaged field reads as none). */
export function readCustomModels(settings: Pick<ModelSettings, 'customModels'>): CustomModels {
  const parsed = customModelsSchema.safeParse(settings.customModels ?? {});
  return parsed.success ? parsed.data : {};
}

/** The web-llm app config that makes a self-hosted model loadable by id. */
export function customWebLLMAppConfig(model: CustomWebLLMModel): AppConfig {
  return { model_list: [{ model_id: model.modelId, model: model.modelUrl, model_lib: model.modelLibraryUrl }] };
}

/** The last path segment of a URL, without query or fragment. */
export function modelFileName(url: string): string {
  return url.split(/[?#]/)[0]?.split('/').filter(Boolean).pop() ?? url;
}

/** The web-llm catalog entry that runs for a setting value: the first build without shader-f16 when unset or unknown. */
export function effectiveWebLLMEntry(modelId: string): WebLLMCatalogEntry {
  const entry = findCatalogModel(modelId);
  if (entry?.engine === 'webllm') return entry;
  return webLLMCatalog.find((model) => !model.needsShaderF16) ?? (webLLMCatalog[0] as WebLLMCatalogEntry);
}

/** The GGUF catalog entry that runs for a setting value: the first real (not test) model when unset or unknown. */
export function effectiveGgufEntry(id: string): GgufCatalogEntry {
  const entry = findCatalogModel(id);
  if (entry?.engine === 'wllama') return entry;
  return ggufCatalog.find((model) => !model.testModel) ?? (ggufCatalog[0] as GgufCatalogEntry);
}

/** The q4f32 twin of a q4f16 web-llm build, for GPUs without shader-f16. */
export function f32Twin(modelId: string): string | undefined {
  const twin = modelId.replace('-q4f16_1-', '-q4f32_1-');
  return twin !== modelId && findCatalogModel(twin) ? twin : undefined;
}

/**
 * The model the manager shows as chosen for `target`: the setting, else the recommended model
 * of that engine, else the engine's default. The self-hosted id counts only while its model is set.
 */
export function chosenModelId(target: ModelTarget, settings: ModelSettings, recommendation?: ModelRecommendation): string {
  const custom = readCustomModels(settings);
  if (target === 'webgpu') {
    if (settings.models.webgpu === customWebGpuModelId && custom.webgpu) return customWebGpuModelId;
    return settings.models.webgpu || (recommendation?.engine === 'webllm' ? recommendation.model.modelId : effectiveWebLLMEntry('').modelId);
  }
  if (settings.models.cpu === customCpuModelId && custom.cpu) return customCpuModelId;
  return settings.models.cpu || (recommendation?.engine === 'wllama' ? recommendation.model.id : effectiveGgufEntry('').id);
}

/** A name for a person of the model `id` chosen for `target` (catalog label, self-hosted id or file name). */
export function chosenModelLabel(target: ModelTarget, id: string, custom: CustomModels): string {
  if (target === 'webgpu' && id === customWebGpuModelId) return custom.webgpu?.modelId ?? id;
  if (target === 'cpu' && id === customCpuModelId) return custom.cpu ? modelFileName(custom.cpu.url) : id;
  return findCatalogModel(id)?.label ?? id;
}

/** What to build for a choice: the engine options, and a key that is the same for the same model. */
export type InBrowserModelSpec =
  | { engine: 'webllm'; key: string; options: Omit<WebLLMEngineOptions, 'onProgress'> }
  | { engine: 'wllama'; key: string; options: Omit<WllamaEngineOptions, 'onProgress'> };

/** The model that runs on `target` with these settings; relative URLs resolve against `baseUrl` (the page). */
export function resolveInBrowserModel(target: ModelTarget, settings: ModelSettings, baseUrl: string | undefined = globalThis.location?.href): InBrowserModelSpec {
  const custom = readCustomModels(settings);
  if (target === 'webgpu') {
    if (settings.models.webgpu === customWebGpuModelId && custom.webgpu) {
      const { modelId, modelUrl, modelLibraryUrl } = custom.webgpu;
      return {
        engine: 'webllm',
        key: `webllm:custom:${modelId}:${modelUrl}:${modelLibraryUrl}`,
        options: { modelId, appConfig: customWebLLMAppConfig(custom.webgpu), id: `webllm:${modelId}`, label: `WebGPU: ${modelId}` },
      };
    }
    const entry = effectiveWebLLMEntry(settings.models.webgpu);
    return { engine: 'webllm', key: `webllm:${entry.modelId}`, options: { modelId: entry.modelId } };
  }
  // The same model on the GPU is another engine: switching builds it anew.
  const gpu = settings.ggufOnWebGpu === true;
  const backend = gpu ? { gpuLayers: allGpuLayers } : {};
  if (settings.models.cpu === customCpuModelId && custom.cpu) {
    const modelUrl = new URL(custom.cpu.url, baseUrl).href;
    return {
      engine: 'wllama',
      key: `wllama:custom:${modelUrl}${gpu ? ':webgpu' : ''}`,
      options: { modelUrl, id: `wllama:${customCpuModelId}`, label: `${gpu ? 'GGUF on WebGPU' : 'CPU'}: ${modelFileName(custom.cpu.url)}`, ...backend },
    };
  }
  const entry = effectiveGgufEntry(settings.models.cpu);
  return {
    engine: 'wllama',
    key: `wllama:${entry.id}${gpu ? ':webgpu' : ''}`,
    options: {
      modelUrl: new URL(entry.url, baseUrl).href,
      id: `wllama:${entry.id}`,
      label: gpu ? `${entry.label} on WebGPU` : entry.label,
      ...backend,
      ...(entry.grammarOptions ? { grammarOptions: entry.grammarOptions } : {}),
      ...(entry.metadataOverrides ? { metadataOverrides: entry.metadataOverrides } : {}),
    },
  };
}

/** Builds the engine for a resolved model; web-llm and wllama load with `import()` (they stay out of the first bundle). */
export async function createInBrowserEngine(spec: InBrowserModelSpec, onProgress: ModelLoadProgressCallback): Promise<InBrowserChatEngine> {
  const engines = await import('./index.ts');
  return spec.engine === 'webllm' ? engines.createWebLLMEngine({ ...spec.options, onProgress }) : engines.createWllamaEngine({ ...spec.options, onProgress });
}

/** A self-hosted model as typed into the form: the model to save, or what is wrong with it. */
export type SelfHostedParse<T> = { ok: true; value: T } | { ok: false; problem: string };

function isHttpUrl(text: string, baseUrl: string | undefined): boolean {
  try {
    const url = new URL(text, baseUrl);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Checks a self-hosted GGUF file URL. */
export function parseSelfHostedGguf(text: string, baseUrl: string | undefined = globalThis.location?.href): SelfHostedParse<{ url: string }> {
  const url = text.trim();
  if (!isHttpUrl(url, baseUrl)) return { ok: false, problem: 'The GGUF file URL is not an http(s) address.' };
  if (!/\.gguf$/i.test(modelFileName(url))) return { ok: false, problem: 'The CPU engine loads files whose name ends in .gguf.' };
  return { ok: true, value: { url } };
}

/** Checks a self-hosted web-llm model; the id defaults to the weights folder's name. */
export function parseSelfHostedWebLLM(
  input: { modelUrl: string; modelLibraryUrl: string; modelId: string },
  baseUrl: string | undefined = globalThis.location?.href,
): SelfHostedParse<CustomWebLLMModel> {
  const modelUrl = input.modelUrl.trim();
  const modelLibraryUrl = input.modelLibraryUrl.trim();
  if (!isHttpUrl(modelUrl, baseUrl)) return { ok: false, problem: 'The model weights URL is not an http(s) address.' };
  if (!isHttpUrl(modelLibraryUrl, baseUrl) || !/\.wasm$/i.test(modelFileName(modelLibraryUrl))) return { ok: false, problem: 'The model library URL must point to the compiled .wasm file.' };
  return { ok: true, value: { modelId: input.modelId.trim() || modelFileName(modelUrl), modelUrl, modelLibraryUrl } };
}
