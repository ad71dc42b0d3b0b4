// The public surface of the in-browser engines. Nothing here imports web-llm or wllama
// statically: both load with import() when an engine first runs, so they stay out of the
// first-load bundle (type-only imports are erased).
export { createWllamaEngine, fallbackPrompt, type WllamaEngineOptions } from './wllama-engine.ts';
export { createWebLLMEngine, type WebLLMEngineOptions } from './webllm/webllm-engine.ts';
export type { InBrowserChatEngine, ModelLoadProgress, ModelLoadProgressCallback } from './types.ts';
export {
  detectCapabilities,
  type Capabilities,
  type DetectionEnvironment,
  type StorageCapabilities,
  type WebGpuAdapterInfo,
  type WebGpuCapabilities,
} from './capabilities.ts';
export {
  findCatalogModel,
  ggufCatalog,
  isThinkingModel,
  recommendModel,
  tinyTestModel,
  vramBudgetMB,
  webLLMCatalog,
  type CatalogEntry,
  type GgufCatalogEntry,
  type ModelRecommendation,
  type WebLLMCatalogEntry,
  type WebLLMQuantization,
} from './model-catalog.ts';
export { classifyModelError, modelErrorKind, ModelLoadError, type InBrowserEngineKind, type ModelErrorKind } from './model-errors.ts';
export {
  convertJsonSchemaToGbnf,
  jsonSchemaToGbnf,
  SchemaGrammarError,
  type GbnfConversion,
  type GbnfOptions,
  type GbnfWhitespace,
} from './gbnf/json-schema-to-gbnf.ts';
