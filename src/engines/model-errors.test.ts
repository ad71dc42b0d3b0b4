import { describe, expect, it } from 'vitest';
import { StepwiseError } from '../core/errors.ts';
import { classifyModelError, ModelLoadError, modelErrorKind } from './model-errors.ts';

describe('modelErrorKind', () => {
  it.each([
    // web-llm without internet: a plain string across the worker boundary
    ['TypeError: Failed to fetch', 'network'],
    ["Failed to execute 'add' on 'Cache': Request failed", 'network'],
    ['NetworkError when attempting to fetch resource.', 'network'],
    ['Failed to fetch http://127.0.0.1:5173/models/x.gguf: HTTP 500', 'network'],
    // wllama's download error for a missing file
    ['Failed to fetch http://127.0.0.1:5173/models/missing.gguf: HTTP 404', 'not-found'],
    ['WebGPU is not supported in your current environment, but it is necessary to run the WebLLM engine.', 'webgpu-unavailable'],
    ['Cannot find WebGPU in the environment', 'webgpu-unavailable'],
    ['Unable to find a compatible GPU.', 'webgpu-unavailable'],
    ['This model requires WebGPU extension shader-f16, which is not enabled in this browser.', 'shader-f16'],
    [
      'The WebGPU device was lost while loading the model. This issue often occurs due to running out of memory (OOM).',
      'out-of-memory',
    ],
    ['GPUDeviceLostInfo: Device was lost', 'device-lost'],
    ['Error: device lost: destroyed', 'device-lost'],
    ['RangeError: Array buffer allocation failed', 'out-of-memory'],
    ['GPUOutOfMemoryError: Buffer allocation failed', 'out-of-memory'],
    ['QuotaExceededError: The quota has been exceeded.', 'quota'],
    ['Prompt tokens exceed context window size: number of prompt tokens: 5000; context window size: 4096', 'context-overflow'],
    ['the request exceeds the available context size, try increasing it', 'context-overflow'],
    ['(ABORT) Aborted(). Build with -sASSERTIONS for more info.', 'crashed'],
    ['RuntimeError: unreachable', 'crashed'],
    ['wllama has crashed, please reload the module', 'crashed'],
    ['[json.exception.type_error.316] invalid UTF-8 byte at index 3: 0xE6', 'invalid-text'],
    ['RangeError: Invalid typed array length: 1163217991', 'invalid-text'],
    ['tiny.gguf is not a GGUF model that llama.cpp could load (invalid magic or unsupported architecture).', 'unsupported-model'],
    ['Cannot find model record in appConfig for Qwen9-1B-MLC. Please check if the model ID is correct', 'unsupported-model'],
    // a dev server or SPA host answering a missing file with its index.html
    ['SyntaxError: Unexpected token \'<\', "<!doctype "... is not valid JSON', 'unsupported-model'],
    ['Something odd', 'unknown'],
  ])('%s → %s', (text, kind) => {
    expect(modelErrorKind(text)).toBe(kind);
    expect(modelErrorKind(new Error(text))).toBe(kind);
  });
});

describe('classifyModelError', () => {
  it('wraps a string from the worker in a ModelLoadError with a hint that offers another engine', () => {
    const error = classifyModelError('TypeError: Failed to fetch', { engine: 'webllm', modelId: 'Qwen3-0.6B-q4f32_1-MLC' });
    expect(error).toBeInstanceOf(ModelLoadError);
    expect(error).toBeInstanceOf(StepwiseError);
    expect(error.kind).toBe('network');
    expect(error.transient).toBe(true);
    expect(error.modelId).toBe('Qwen3-0.6B-q4f32_1-MLC');
    expect(error.message).toContain('could not load Qwen3-0.6B-q4f32_1-MLC');
    expect(error.message).toContain('Failed to fetch');
    expect(error.hint).toMatch(/CPU engine/);
    expect(error.hint).toMatch(/planner endpoint/);
  });

  it('points WebGPU failures at the CPU engine and f16 failures at the q4f32 build', () => {
    expect(classifyModelError('Cannot find WebGPU in the environment', { engine: 'webllm' }).hint).toMatch(/CPU engine/);
    expect(classifyModelError('requires WebGPU extension shader-f16', { engine: 'webllm' }).hint).toMatch(/q4f32/);
  });

  it('says the CPU engine restarts after a crash, and names the phase', () => {
    const error = classifyModelError(new Error('RuntimeError: unreachable'), { engine: 'wllama', phase: 'generate' });
    expect(error.kind).toBe('crashed');
    expect(error.message).toMatch(/^The CPU engine failed while generating/);
    expect(error.hint).toMatch(/restarts/);
    expect(error.hint).toMatch(/WebGPU engine/);
  });

  it('keeps a ModelLoadError as it is', () => {
    const original = classifyModelError('OOM', { engine: 'webllm' });
    expect(classifyModelError(original, { engine: 'wllama' })).toBe(original);
  });
});
