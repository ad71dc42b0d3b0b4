import { describe, expect, it } from 'vitest';
import type { Capabilities } from './capabilities.ts';
import { catalogWebLLMVersion, findCatalogModel, ggufCatalog, isThinkingModel, recommendModel, tinyTestModel, vramBudgetMB, webLLMCatalog } from './model-catalog.ts';

function capabilities(overrides: Partial<Capabilities['webgpu']> = {}, extra: Partial<Capabilities> = {}): Capabilities {
  return {
    webgpu: {
      available: true,
      shaderF16: true,
      adapter: { vendor: 'nvidia', architecture: 'ampere', description: '' },
      maxBufferSize: 4 * 1024 ** 3,
      maxStorageBufferBindingSize: 2 * 1024 ** 3,
      ...overrides,
    },
    crossOriginIsolated: true,
    hardwareConcurrency: 8,
    deviceMemoryGb: 8,
    ...extra,
  };
}

describe('model catalog', () => {
  it('is read from the installed web-llm: every offered model, with its own id, VRAM and context figures', async () => {
    const { prebuiltAppConfig } = await import('@mlc-ai/web-llm');
    const { offeredWebLLMModel } = await import('../../scripts/vite-webllm-models.ts');
    const offered = prebuiltAppConfig.model_list.filter((model) => offeredWebLLMModel.test(model.model_id));
    expect(webLLMCatalog.map((entry) => entry.modelId).sort()).toEqual(offered.map((model) => model.model_id).sort());
    for (const entry of webLLMCatalog) {
      const record = offered.find((model) => model.model_id === entry.modelId);
      expect(record?.vram_required_MB, entry.modelId).toBe(entry.vramRequiredMB);
      expect(record?.low_resource_required ?? false).toBe(entry.lowResourceRequired);
      expect(record?.overrides?.context_window_size ?? 4096).toBe(entry.contextWindow);
    }
    expect(catalogWebLLMVersion).toBe((await import('@mlc-ai/web-llm/package.json', { with: { type: 'json' } })).default.version);
  });

  it('offers the Qwen3.5 models web-llm 0.2.83 brought, as thinking models', () => {
    for (const size of ['0.8B', '2B', '4B']) {
      const entry = findCatalogModel(`Qwen3.5-${size}-q4f16_1-MLC`);
      expect(entry, size).toMatchObject({ engine: 'webllm', family: 'Qwen3.5', thinking: true, needsShaderF16: true });
      expect(findCatalogModel(`Qwen3.5-${size}-q4f32_1-MLC`)).toMatchObject({ needsShaderF16: false });
    }
    expect(isThinkingModel('Qwen3.5-2B-q4f16_1-MLC')).toBe(true);
  });

  it('has both builds of every model and marks Qwen3 as thinking', () => {
    const names = new Set(webLLMCatalog.map((entry) => entry.modelId.replace(/-q4f(16|32)_1-MLC$/, '')));
    for (const name of names) {
      expect(findCatalogModel(`${name}-q4f16_1-MLC`)).toBeDefined();
      expect(findCatalogModel(`${name}-q4f32_1-MLC`)).toBeDefined();
    }
    expect(webLLMCatalog.filter((entry) => entry.thinking).every((entry) => isThinkingModel(entry.modelId))).toBe(true);
    expect(isThinkingModel('Qwen2.5-1.5B-Instruct-q4f16_1-MLC')).toBe(false);
  });

  it('lists the tiny test model first among GGUF models, served by this site', () => {
    expect(ggufCatalog[0]).toBe(tinyTestModel);
    expect(tinyTestModel.url).toBe('/models/tiny-random-llama.gguf');
    expect(tinyTestModel.label).toMatch(/test model: random weights/);
    expect(ggufCatalog.filter((entry) => !entry.testModel).every((entry) => entry.url.startsWith('https://huggingface.co/'))).toBe(true);
  });
});

describe('recommendModel', () => {
  it('takes the q4f16 build when shader-f16 is there', () => {
    const result = recommendModel(capabilities());
    expect(result.engine).toBe('webllm');
    expect(result.model).toMatchObject({ modelId: 'Qwen3-1.7B-q4f16_1-MLC' });
  });

  it('takes the q4f32 build when shader-f16 is missing', () => {
    const result = recommendModel(capabilities({ shaderF16: false }));
    expect(result.engine === 'webllm' && result.model.quantization).toBe('q4f32_1');
    expect(result.reason).toMatch(/no shader-f16/);
  });

  it('steps down in size when memory is short', () => {
    expect(recommendModel(capabilities({}, { deviceMemoryGb: 4 })).model).toMatchObject({ modelId: 'Qwen3-1.7B-q4f16_1-MLC' });
    expect(recommendModel(capabilities({ shaderF16: false }, { deviceMemoryGb: 4 })).model).toMatchObject({ modelId: 'Qwen2.5-1.5B-Instruct-q4f32_1-MLC' });
    expect(recommendModel(capabilities({}, { deviceMemoryGb: 2 })).model).toMatchObject({ modelId: 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC' });
    const smallBuffers = capabilities({ maxBufferSize: 128 * 1024 ** 2, maxStorageBufferBindingSize: 128 * 1024 ** 2 });
    expect(vramBudgetMB(smallBuffers)).toBe(1024);
    expect(recommendModel(smallBuffers).model).toMatchObject({ modelId: 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC' });
  });

  it('offers larger models when asked and they fit', () => {
    expect(recommendModel(capabilities(), { preferLarger: true }).model).toMatchObject({ modelId: 'Qwen3-4B-q4f16_1-MLC' });
    expect(recommendModel(capabilities({}, { deviceMemoryGb: 4 }), { preferLarger: true }).model).toMatchObject({ modelId: 'Qwen3-1.7B-q4f16_1-MLC' });
  });

  it('falls back to the CPU engine without WebGPU or without room', () => {
    const none = recommendModel(capabilities({ available: false, reason: 'navigator.gpu is missing' }));
    expect(none.engine).toBe('wllama');
    expect(none.model).toMatchObject({ engine: 'wllama', testModel: false });
    expect(none.reason).toMatch(/navigator\.gpu is missing/);
    const tiny = recommendModel(capabilities({ shaderF16: false }, { deviceMemoryGb: 1 }));
    expect(tiny.engine).toBe('wllama');
  });

  it('takes the smallest model on a software GPU (headless Chromium with SwiftShader)', () => {
    const swiftShader = capabilities({
      shaderF16: false,
      adapter: { vendor: 'google', architecture: 'swiftshader', description: '' },
      maxBufferSize: 1024 ** 3,
      maxStorageBufferBindingSize: 1024 ** 3,
    });
    const result = recommendModel(swiftShader, { preferLarger: true });
    expect(result.model).toMatchObject({ modelId: 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC' });
    expect(result.reason).toMatch(/SwiftShader/);
  });
});
