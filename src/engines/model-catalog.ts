import type { Capabilities } from './capabilities.ts';
import type { GbnfOptions } from './gbnf/json-schema-to-gbnf.ts';
import { webLLMModels, webLLMVersion } from 'virtual:webllm-models';
import type { WebLLMModelRecord } from '../../scripts/vite-webllm-models.ts';

/** Weight quantisation of a web-llm build: q4f16 needs the `shader-f16` WebGPU feature. */
export type WebLLMQuantization = 'q4f16_1' | 'q4f32_1';

/** A web-llm prebuilt model suited to tool calling. */
export interface WebLLMCatalogEntry {
  engine: 'webllm';
  /** Exactly as in the installed web-llm's `prebuiltAppConfig.model_list`. */
  modelId: string;
  family: 'Qwen3.5' | 'Qwen3' | 'Qwen2.5' | 'Llama-3.2' | 'Hermes-3';
  label: string;
  /** Billions of parameters, as the model's name gives them. */
  parameterBillions: number;
  quantization: WebLLMQuantization;
  needsShaderF16: boolean;
  /** web-llm's `vram_required_MB` (weights, KV cache for 4k tokens and buffers). */
  vramRequiredMB: number;
  /** web-llm's `low_resource_required`: it runs on low-end devices. */
  lowResourceRequired: boolean;
  /** Rough size of the first download, for a person (web-llm does not record it). */
  approximateDownloadMB: number;
  contextWindow: number;
  /** Qwen3 and Qwen3.5 think before answering unless told not to; tool calls switch that off. */
  thinking: boolean;
}

/** A GGUF file for the CPU engine (wllama). */
export interface GgufCatalogEntry {
  engine: 'wllama';
  id: string;
  label: string;
  url: string;
  approximateDownloadMB: number;
  contextWindow: number;
  /** Random weights: output is noise, only good for checking the machinery. */
  testModel: boolean;
  /** Grammar limits that keep generation short (a random model writes strings to the limit). */
  grammarOptions?: GbnfOptions;
  /** GGUF metadata overrides to load it with (`createWllamaEngine`'s `metadataOverrides`). */
  metadataOverrides?: Record<string, string>;
  note?: string;
}

/** Anything the model pickers can offer. */
export type CatalogEntry = WebLLMCatalogEntry | GgufCatalogEntry;

// Qwen3 first: the default build (the first without shader-f16) stays Qwen3 0.6B.
const familyOrder: readonly WebLLMCatalogEntry['family'][] = ['Qwen3', 'Qwen3.5', 'Qwen2.5', 'Llama-3.2', 'Hermes-3'];

function familyOf(name: string): WebLLMCatalogEntry['family'] | undefined {
  if (name.startsWith('Qwen3.5-')) return 'Qwen3.5';
  if (name.startsWith('Qwen3-')) return 'Qwen3';
  if (name.startsWith('Qwen2.5-')) return 'Qwen2.5';
  if (name.startsWith('Llama-3.2-')) return 'Llama-3.2';
  if (name.startsWith('Hermes-3-')) return 'Hermes-3';
  return undefined;
}

// Observed first downloads (MB) of the q4f16 builds; web-llm records no size. Others, and the
// q4f32 builds (a few per cent larger), are estimated from the parameter count.
const observedDownloadMB: Readonly<Record<string, number>> = {
  'Qwen3-0.6B': 340,
  'Qwen3-1.7B': 950,
  'Qwen3-4B': 2200,
  'Qwen2.5-0.5B-Instruct': 280,
  'Qwen2.5-1.5B-Instruct': 870,
  'Qwen2.5-3B-Instruct': 1700,
  'Llama-3.2-1B-Instruct': 700,
  'Llama-3.2-3B-Instruct': 1800,
  'Hermes-3-Llama-3.2-3B': 1800,
};

function catalogEntry(record: WebLLMModelRecord): WebLLMCatalogEntry | undefined {
  const match = /^(.+)-(q4f16_1|q4f32_1)-MLC$/.exec(record.modelId);
  const name = match?.[1];
  const family = name ? familyOf(name) : undefined;
  if (!match || !name || !family) return undefined;
  const quantization = match[2] as WebLLMQuantization;
  const parameterBillions = Number(/(\d+(?:\.\d+)?)B(?:-|$)/.exec(name.slice(family.length))?.[1] ?? 0);
  const download = observedDownloadMB[name] ?? Math.round((parameterBillions * 560) / 10) * 10;
  return {
    engine: 'webllm',
    modelId: record.modelId,
    family,
    label: `${name.replace(/-/g, ' ')} (${quantization === 'q4f16_1' ? 'q4f16' : 'q4f32'})`,
    parameterBillions,
    quantization,
    needsShaderF16: quantization === 'q4f16_1',
    vramRequiredMB: record.vramRequiredMB,
    lowResourceRequired: record.lowResourceRequired,
    approximateDownloadMB: quantization === 'q4f16_1' ? download : Math.round((download * 1.04) / 10) * 10,
    contextWindow: record.contextWindow,
    thinking: family === 'Qwen3' || family === 'Qwen3.5',
  };
}

/**
 * Small web-llm models that follow a JSON Schema constraint well: the offered ids and every
 * figure come from the installed web-llm's records (`virtual:webllm-models`, built from its
 * `prebuiltAppConfig`), by family, smallest first within a family.
 */
export const webLLMCatalog: readonly WebLLMCatalogEntry[] = webLLMModels
  .map(catalogEntry)
  .filter((entry): entry is WebLLMCatalogEntry => entry !== undefined)
  .sort(
    (a, b) =>
      familyOrder.indexOf(a.family) - familyOrder.indexOf(b.family) || a.parameterBillions - b.parameterBillions || a.quantization.localeCompare(b.quantization),
  );

/** The web-llm version the catalog was read from. */
export const catalogWebLLMVersion = webLLMVersion;

/** The tiny generated model that tests load (`node scripts/generate-tiny-gguf.mjs`). */
export const tinyTestModel: GgufCatalogEntry = {
  engine: 'wllama',
  id: 'tiny-random-llama',
  label: 'Tiny random Llama (test model: random weights)',
  url: '/models/tiny-random-llama.gguf',
  approximateDownloadMB: 0.5,
  // The file says 512; loading it with this override gives room for real prompts, which its
  // one-character tokens make long (rope with random weights does not care).
  contextWindow: 4096,
  metadataOverrides: { 'llama.context_length': 'int:4096' },
  testModel: true,
  grammarOptions: { maxStringLength: 24, maxArrayItems: 4, maxAdditionalProperties: 2, whitespace: 'none', characters: 'ascii' },
  note: 'Generated with random weights: it proves the pipeline works, its answers are noise.',
};

/** GGUF models for the CPU engine. Real ones download from Hugging Face on first use. */
export const ggufCatalog: readonly GgufCatalogEntry[] = [
  tinyTestModel,
  {
    engine: 'wllama',
    id: 'qwen2.5-0.5b-instruct-q4_k_m',
    label: 'Qwen2.5 0.5B Instruct (Q4_K_M)',
    url: 'https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf',
    approximateDownloadMB: 490,
    contextWindow: 4096,
    testModel: false,
  },
  {
    engine: 'wllama',
    id: 'qwen3-0.6b-q8_0',
    label: 'Qwen3 0.6B (Q8_0)',
    url: 'https://huggingface.co/Qwen/Qwen3-0.6B-GGUF/resolve/main/Qwen3-0.6B-Q8_0.gguf',
    approximateDownloadMB: 640,
    contextWindow: 4096,
    testModel: false,
  },
  {
    engine: 'wllama',
    id: 'llama-3.2-1b-instruct-q4_k_m',
    label: 'Llama 3.2 1B Instruct (Q4_K_M)',
    url: 'https://huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF/resolve/main/Llama-3.2-1B-Instruct-Q4_K_M.gguf',
    approximateDownloadMB: 810,
    contextWindow: 4096,
    testModel: false,
  },
];

/** The catalog entry with this web-llm model id or GGUF id. */
export function findCatalogModel(id: string): CatalogEntry | undefined {
  return webLLMCatalog.find((entry) => entry.modelId === id) ?? ggufCatalog.find((entry) => entry.id === id);
}

/** Whether a web-llm model id names a Qwen3 or Qwen3.5 model (which think unless told not to). */
export function isThinkingModel(modelId: string): boolean {
  return /^Qwen3(?:\.5)?-/i.test(modelId);
}

/** What to run for tool calls on this machine, and why. */
export type ModelRecommendation =
  | { engine: 'webllm'; model: WebLLMCatalogEntry; reason: string }
  | { engine: 'wllama'; model: GgufCatalogEntry; reason: string };

/** Preferred function callers, best first; the first that fits is recommended. */
const preferenceOrder = ['Qwen3-1.7B', 'Qwen2.5-1.5B-Instruct', 'Qwen3-0.6B', 'Qwen2.5-0.5B-Instruct'];
const largerPreferenceOrder = ['Qwen3-4B', 'Qwen2.5-3B-Instruct', ...preferenceOrder];

/**
 * Picks a web-llm model for the tool caller: the q4f32 build where `shader-f16` is missing,
 * a size whose VRAM need fits a budget guessed from device memory and buffer limits (browsers
 * do not tell GPU memory), and the CPU engine where there is no WebGPU at all.
 * `preferLarger` allows the 3–4B models when they fit.
 */
export function recommendModel(capabilities: Capabilities, options: { preferLarger?: boolean } = {}): ModelRecommendation {
  const cpuModel = ggufCatalog.find((entry) => !entry.testModel) ?? tinyTestModel;
  const { webgpu } = capabilities;
  if (!webgpu.available) {
    return { engine: 'wllama', model: cpuModel, reason: `No WebGPU: ${(webgpu.reason ?? 'not available').replace(/\.$/, '')}. The CPU engine works everywhere, slowly.` };
  }
  const quantization: WebLLMQuantization = webgpu.shaderF16 ? 'q4f16_1' : 'q4f32_1';
  const budgetMB = vramBudgetMB(capabilities);
  const isSoftware = /swiftshader/i.test(`${webgpu.adapter?.architecture ?? ''} ${webgpu.adapter?.description ?? ''}`);
  const order = options.preferLarger && !isSoftware ? largerPreferenceOrder : preferenceOrder;
  const candidates = order
    .map((name) => webLLMCatalog.find((entry) => entry.modelId === `${name}-${quantization}-MLC`))
    .filter((entry): entry is WebLLMCatalogEntry => entry !== undefined);
  // A software GPU runs anything, but slowly: take the smallest.
  const fitting = isSoftware ? candidates.slice(-1) : candidates.filter((entry) => entry.vramRequiredMB <= budgetMB);
  const chosen = fitting[0];
  const f16Note = webgpu.shaderF16 ? 'shader-f16 available, so the q4f16 build' : 'no shader-f16, so the q4f32 build';
  if (!chosen) {
    return {
      engine: 'wllama',
      model: cpuModel,
      reason: `No web-llm model fits the estimated ${Math.round(budgetMB)} MB of GPU memory (${f16Note}); the CPU engine needs no GPU.`,
    };
  }
  const reason = isSoftware
    ? `The GPU is a software renderer (SwiftShader): the smallest model, ${f16Note}.`
    : `${chosen.label} needs about ${Math.round(chosen.vramRequiredMB)} MB of GPU memory, within the estimated ${Math.round(budgetMB)} MB; ${f16Note}.`;
  return { engine: 'webllm', model: chosen, reason };
}

/**
 * A guess at usable GPU memory: half the device memory the browser reports (4 GiB assumed when
 * it reports none; Chrome caps the figure at 8), less when the adapter's buffers are small,
 * which marks mobile and low-end GPUs.
 */
export function vramBudgetMB(capabilities: Capabilities): number {
  let budget = (capabilities.deviceMemoryGb ?? 4) * 1024 * 0.5;
  const bufferLimit = Math.min(capabilities.webgpu.maxBufferSize ?? Infinity, capabilities.webgpu.maxStorageBufferBindingSize ?? Infinity);
  if (bufferLimit < 256 * 1024 * 1024) budget = Math.min(budget, 1024);
  else if (bufferLimit < 1024 * 1024 * 1024) budget = Math.min(budget, 2048);
  return budget;
}
