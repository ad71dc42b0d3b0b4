import { describe, expect, it } from 'vitest';
import type { Capabilities } from './capabilities.ts';
import { recommendModel, tinyTestModel } from './model-catalog.ts';
import {
  chosenModelId,
  chosenModelLabel,
  customCpuModelId,
  customWebGpuModelId,
  f32Twin,
  parseSelfHostedGguf,
  parseSelfHostedWebLLM,
  readCustomModels,
  resolveInBrowserModel,
} from './model-choice.ts';

const page = 'http://127.0.0.1:5173/';
const selfHostedWebLLM = { modelId: 'My-Qwen', modelUrl: 'https://models.example/My-Qwen/', modelLibraryUrl: 'https://models.example/my-qwen-webgpu.wasm' };

describe('resolveInBrowserModel', () => {
  it('builds a catalog GGUF model with its options, its URL resolved against the page', () => {
    const spec = resolveInBrowserModel('cpu', { models: { webgpu: '', cpu: tinyTestModel.id } }, page);
    expect(spec).toEqual({
      engine: 'wllama',
      key: 'wllama:tiny-random-llama',
      options: {
        modelUrl: 'http://127.0.0.1:5173/models/tiny-random-llama.gguf',
        id: 'wllama:tiny-random-llama',
        label: tinyTestModel.label,
        grammarOptions: tinyTestModel.grammarOptions,
        metadataOverrides: tinyTestModel.metadataOverrides,
      },
    });
  });

  it('GGUF on WebGPU: the same model asks for every layer on the GPU, as an engine of its own', () => {
    const spec = resolveInBrowserModel('cpu', { models: { webgpu: '', cpu: tinyTestModel.id }, ggufOnWebGpu: true }, page);
    expect(spec.key).toBe('wllama:tiny-random-llama:webgpu');
    expect(spec.engine === 'wllama' && spec.options).toMatchObject({ gpuLayers: 999, label: `${tinyTestModel.label} on WebGPU`, id: 'wllama:tiny-random-llama' });
    const custom = resolveInBrowserModel('cpu', { models: { webgpu: '', cpu: customCpuModelId }, customModels: { cpu: { url: '/mine.gguf' } }, ggufOnWebGpu: true }, page);
    expect(custom.engine === 'wllama' && custom.options).toMatchObject({ gpuLayers: 999, label: 'GGUF on WebGPU: mine.gguf' });
  });

  it('takes the default of each engine when the setting is empty, unknown or names the other engine', () => {
    for (const webgpu of ['', 'no-such-model', tinyTestModel.id]) {
      const spec = resolveInBrowserModel('webgpu', { models: { webgpu, cpu: '' } }, page);
      expect(spec).toEqual({ engine: 'webllm', key: 'webllm:Qwen3-0.6B-q4f32_1-MLC', options: { modelId: 'Qwen3-0.6B-q4f32_1-MLC' } });
    }
    const cpu = resolveInBrowserModel('cpu', { models: { webgpu: '', cpu: 'Qwen3-0.6B-q4f32_1-MLC' } }, page);
    expect(cpu.key).toBe('wllama:qwen2.5-0.5b-instruct-q4_k_m');
  });

  it('builds the self-hosted models while they are chosen and set', () => {
    const settings = { models: { webgpu: customWebGpuModelId, cpu: customCpuModelId }, customModels: { cpu: { url: '/files/my-model.gguf?download=1' }, webgpu: selfHostedWebLLM } };
    expect(resolveInBrowserModel('webgpu', settings, page)).toEqual({
      engine: 'webllm',
      key: 'webllm:custom:My-Qwen:https://models.example/My-Qwen/:https://models.example/my-qwen-webgpu.wasm',
      options: {
        modelId: 'My-Qwen',
        appConfig: { model_list: [{ model_id: 'My-Qwen', model: selfHostedWebLLM.modelUrl, model_lib: selfHostedWebLLM.modelLibraryUrl }] },
        id: 'webllm:My-Qwen',
        label: 'WebGPU: My-Qwen',
      },
    });
    expect(resolveInBrowserModel('cpu', settings, page)).toEqual({
      engine: 'wllama',
      key: 'wllama:custom:http://127.0.0.1:5173/files/my-model.gguf?download=1',
      options: { modelUrl: 'http://127.0.0.1:5173/files/my-model.gguf?download=1', id: 'wllama:custom-gguf', label: 'CPU: my-model.gguf' },
    });
    // Chosen but never set (or damaged in storage): the default model runs.
    const damaged = { models: settings.models, customModels: { cpu: { url: 42 }, webgpu: 'oops' } };
    expect(readCustomModels(damaged)).toEqual({});
    expect(resolveInBrowserModel('cpu', damaged, page).key).toBe('wllama:qwen2.5-0.5b-instruct-q4_k_m');
  });
});

describe('the chosen model', () => {
  const swiftShader: Capabilities = {
    webgpu: { available: true, shaderF16: false, adapter: { vendor: 'google', architecture: 'swiftshader', description: '' } },
    crossOriginIsolated: true,
    hardwareConcurrency: 4,
  };

  it('is the setting, else the recommendation for that engine, else the default', () => {
    const recommendation = recommendModel(swiftShader);
    expect(recommendation.engine).toBe('webllm');
    const settings = { models: { webgpu: '', cpu: '' } };
    expect(chosenModelId('webgpu', settings, recommendation)).toBe(recommendation.engine === 'webllm' ? recommendation.model.modelId : '');
    expect(chosenModelId('webgpu', settings)).toBe('Qwen3-0.6B-q4f32_1-MLC');
    expect(chosenModelId('cpu', settings, recommendation)).toBe('qwen2.5-0.5b-instruct-q4_k_m');
    expect(chosenModelId('cpu', { models: { webgpu: '', cpu: tinyTestModel.id } })).toBe(tinyTestModel.id);
    expect(chosenModelId('cpu', { models: { webgpu: '', cpu: customCpuModelId }, customModels: { cpu: { url: '/a.gguf' } } })).toBe(customCpuModelId);
  });

  it('has a label for a person', () => {
    expect(chosenModelLabel('cpu', tinyTestModel.id, {})).toBe(tinyTestModel.label);
    expect(chosenModelLabel('cpu', customCpuModelId, { cpu: { url: 'https://x.example/m/file.gguf' } })).toBe('file.gguf');
    expect(chosenModelLabel('webgpu', customWebGpuModelId, { webgpu: selfHostedWebLLM })).toBe('My-Qwen');
    expect(chosenModelLabel('webgpu', 'unknown-id', {})).toBe('unknown-id');
  });

  it('has a q4f32 twin for a q4f16 build', () => {
    expect(f32Twin('Qwen3-1.7B-q4f16_1-MLC')).toBe('Qwen3-1.7B-q4f32_1-MLC');
    expect(f32Twin('Qwen3-1.7B-q4f32_1-MLC')).toBeUndefined();
  });
});

describe('self-hosted models from the form', () => {
  it('accepts an http(s) GGUF file and says what is wrong otherwise', () => {
    expect(parseSelfHostedGguf(' /models/a.gguf ', page)).toEqual({ ok: true, value: { url: '/models/a.gguf' } });
    expect(parseSelfHostedGguf('ftp://x.example/a.gguf', page)).toEqual({ ok: false, problem: 'The GGUF file URL is not an http(s) address.' });
    expect(parseSelfHostedGguf('https://x.example/a.bin', page)).toEqual({ ok: false, problem: 'The CPU engine loads files whose name ends in .gguf.' });
  });

  it('accepts a web-llm build with its .wasm library, naming it after the weights folder by default', () => {
    expect(parseSelfHostedWebLLM({ modelUrl: selfHostedWebLLM.modelUrl, modelLibraryUrl: selfHostedWebLLM.modelLibraryUrl, modelId: ' ' }, page)).toEqual({ ok: true, value: selfHostedWebLLM });
    expect(parseSelfHostedWebLLM({ modelUrl: 'javascript:alert(1)', modelLibraryUrl: selfHostedWebLLM.modelLibraryUrl, modelId: '' }, page)).toEqual({
      ok: false,
      problem: 'The model weights URL is not an http(s) address.',
    });
    expect(parseSelfHostedWebLLM({ modelUrl: selfHostedWebLLM.modelUrl, modelLibraryUrl: 'https://models.example/lib.js', modelId: '' }, page)).toEqual({
      ok: false,
      problem: 'The model library URL must point to the compiled .wasm file.',
    });
  });
});
