// The engines the eval page can run the suite on. In-browser engines load with import(), as
// in the app, so web-llm and wllama stay out of the page's first bundle.
import { createOpenAIEngine } from '../core/llm/openai-engine.ts';
import type { ChatEngine } from '../core/llm/types.ts';
import { findCatalogModel } from '../engines/model-catalog.ts';
import type { ModelLoadProgressCallback } from '../engines/types.ts';

/** What to run the suite on. */
export type EvalEngineChoice =
  | { kind: 'cpu'; modelId: string }
  | { kind: 'webgpu'; modelId: string }
  | { kind: 'endpoint'; url: string; model: string; apiKey?: string; structuredOutput?: 'json_schema' | 'json_object' | 'none' };

/** An engine for the suite, with `load` (download and start, with progress) and `dispose`. */
export interface EvalEngine {
  engine: ChatEngine;
  load(): Promise<{ loadTimeMs?: number }>;
  dispose(): Promise<void>;
}

/** Builds the chosen engine; catalog ids as in src/engines/model-catalog.ts. */
export async function createEvalEngine(choice: EvalEngineChoice, onProgress: ModelLoadProgressCallback): Promise<EvalEngine> {
  if (choice.kind === 'endpoint') {
    const engine = createOpenAIEngine({
      baseUrl: choice.url.trim().replace(/\/+$/, ''),
      model: choice.model.trim(),
      apiKey: choice.apiKey || undefined,
      structuredOutput: choice.structuredOutput ?? 'json_schema',
      label: `${choice.model.trim()} (endpoint)`,
    });
    return { engine, load: () => Promise.resolve({}), dispose: () => Promise.resolve() };
  }
  const entry = findCatalogModel(choice.modelId);
  const engines = await import('../engines/index.ts');
  if (choice.kind === 'webgpu') {
    if (entry?.engine !== 'webllm') throw new Error(`${choice.modelId} is not a WebGPU model of the catalog.`);
    const engine = engines.createWebLLMEngine({ modelId: entry.modelId, label: `WebGPU: ${entry.label}`, onProgress });
    return { engine, load: async () => (await engine.load(), { loadTimeMs: engine.loadTimeMs }), dispose: () => engine.dispose() };
  }
  if (entry?.engine !== 'wllama') throw new Error(`${choice.modelId} is not a CPU model of the catalog.`);
  const engine = engines.createWllamaEngine({
    modelUrl: new URL(entry.url, globalThis.location?.href).href,
    id: `wllama:${entry.id}`,
    label: `CPU: ${entry.label}`,
    onProgress,
    ...(entry.grammarOptions ? { grammarOptions: entry.grammarOptions } : {}),
    ...(entry.metadataOverrides ? { metadataOverrides: entry.metadataOverrides } : {}),
  });
  return { engine, load: async () => (await engine.load(), { loadTimeMs: engine.loadTimeMs }), dispose: () => engine.dispose() };
}
