import { createOpenAIEngine } from '../core/llm/openai-engine.ts';
import type { ChatEngine } from '../core/llm/types.ts';
import { StepwiseError } from '../core/errors.ts';
import type { InBrowserChatEngine, ModelLoadProgress } from '../engines/types.ts';
import { findCatalogModel, ggufCatalog, webLLMCatalog } from '../engines/model-catalog.ts';
import type { EngineChoice, Settings } from './settings-slice.ts';

/** The endpoint is not set up, and a role needs it. */
export class EngineSetupError extends StepwiseError {
  override readonly name = 'EngineSetupError';
}

// In-browser engines hold a loaded model: keep one per model across runs.
const inBrowserEngines = new Map<string, InBrowserChatEngine>();

async function inBrowserEngine(choice: 'webgpu' | 'cpu', settings: Settings, onProgress: (progress: ModelLoadProgress) => void): Promise<InBrowserChatEngine> {
  const engines = await import('../engines/index.ts');
  const custom = settings.customModels;
  if (choice === 'webgpu' && settings.models.webgpu === 'custom-webllm' && custom?.webgpu) {
    const { modelId, modelUrl, modelLibraryUrl } = custom.webgpu;
    const key = `webllm:custom:${modelId}:${modelUrl}:${modelLibraryUrl}`;
    let engine = inBrowserEngines.get(key);
    if (!engine) {
      const appConfig = { model_list: [{ model_id: modelId, model: modelUrl, model_lib: modelLibraryUrl }] };
      engine = engines.createWebLLMEngine({ modelId, appConfig, id: `webllm:${modelId}`, label: `WebGPU: ${modelId}`, onProgress });
      inBrowserEngines.set(key, engine);
    }
    return engine;
  }
  if (choice === 'cpu' && settings.models.cpu === 'custom-gguf' && custom?.cpu) {
    const modelUrl = new URL(custom.cpu.url, globalThis.location?.href).href;
    const key = `wllama:custom:${modelUrl}`;
    let engine = inBrowserEngines.get(key);
    if (!engine) {
      engine = engines.createWllamaEngine({ modelUrl, id: 'wllama:custom-gguf', label: `CPU: ${modelUrl.split(/[?#]/)[0]?.split('/').pop() ?? modelUrl}`, onProgress });
      inBrowserEngines.set(key, engine);
    }
    return engine;
  }
  if (choice === 'webgpu') {
    const entry = findCatalogModel(settings.models.webgpu) ?? webLLMCatalog.find((model) => !model.needsShaderF16);
    if (!entry || entry.engine !== 'webllm') throw new EngineSetupError('No WebGPU model is chosen.', { hint: 'Pick a model in Settings.' });
    const key = `webllm:${entry.modelId}`;
    let engine = inBrowserEngines.get(key);
    if (!engine) {
      engine = engines.createWebLLMEngine({ modelId: entry.modelId, onProgress });
      inBrowserEngines.set(key, engine);
    }
    return engine;
  }
  const entry = findCatalogModel(settings.models.cpu) ?? ggufCatalog.find((model) => !model.testModel);
  if (!entry || entry.engine !== 'wllama') throw new EngineSetupError('No CPU model is chosen.', { hint: 'Pick a model in Settings.' });
  const key = `wllama:${entry.id}`;
  let engine = inBrowserEngines.get(key);
  if (!engine) {
    engine = engines.createWllamaEngine({
      modelUrl: new URL(entry.url, globalThis.location?.href).href,
      id: key,
      label: entry.label,
      onProgress,
      ...(entry.grammarOptions ? { grammarOptions: entry.grammarOptions } : {}),
      ...(entry.metadataOverrides ? { metadataOverrides: entry.metadataOverrides } : {}),
    });
    inBrowserEngines.set(key, engine);
  }
  return engine;
}

/** The planner endpoint from settings, or a clear error when it is not set up. */
export function plannerEndpoint(settings: Settings): ChatEngine {
  const { url, model, apiKey, structuredOutput } = settings.planner;
  if (!url.trim() || !model.trim()) {
    throw new EngineSetupError('The planner endpoint is not set up.', {
      hint: 'Open Settings and enter the Planner URL (ending in /v1) and the Planner model, or choose an in-browser model for each role.',
    });
  }
  return createOpenAIEngine({ baseUrl: url.trim().replace(/\/+$/, ''), model: model.trim(), apiKey: apiKey || undefined, structuredOutput });
}

/** Builds the engine for each role from settings; in-browser models load lazily on first use. */
export async function buildEngines(
  settings: Settings,
  onProgress: (progress: ModelLoadProgress) => void = () => {},
): Promise<{ planner: ChatEngine; toolCaller: ChatEngine; solver: ChatEngine }> {
  const cache = new Map<EngineChoice, Promise<ChatEngine>>();
  const engineFor = (choice: EngineChoice) => {
    let engine = cache.get(choice);
    if (!engine) {
      engine = choice === 'planner-endpoint' ? Promise.resolve().then(() => plannerEndpoint(settings)) : inBrowserEngine(choice, settings, onProgress);
      cache.set(choice, engine);
    }
    return engine;
  };
  const [planner, toolCaller, solver] = await Promise.all([
    engineFor(settings.roles.planner),
    engineFor(settings.roles.toolCaller),
    engineFor(settings.roles.solver),
  ]);
  return { planner, toolCaller, solver };
}
