import { describe, expect, it } from 'vitest';
import { detectCapabilities } from './capabilities.ts';

const swiftShaderAdapter = {
  features: new Set(['float32-filterable']),
  limits: { maxBufferSize: 1073741824, maxStorageBufferBindingSize: 1073741824 },
  info: { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader device' },
};

function fakeNavigator(gpu: unknown, extra: Record<string, unknown> = {}) {
  return {
    gpu,
    hardwareConcurrency: 8,
    storage: { estimate: async () => ({ usage: 1000, quota: 5_000_000 }), persisted: async () => true },
    ...extra,
  };
}

describe('detectCapabilities', () => {
  it('reads the adapter, its limits and shader-f16', async () => {
    const result = await detectCapabilities({
      navigator: fakeNavigator({ requestAdapter: async () => swiftShaderAdapter }, { deviceMemory: 8 }),
      crossOriginIsolated: true,
    });
    expect(result).toEqual({
      webgpu: {
        available: true,
        shaderF16: false,
        adapter: { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader device' },
        maxBufferSize: 1073741824,
        maxStorageBufferBindingSize: 1073741824,
      },
      storage: { usage: 1000, quota: 5_000_000, persisted: true },
      crossOriginIsolated: true,
      hardwareConcurrency: 8,
      deviceMemoryGb: 8,
    });
  });

  it('finds shader-f16 and falls back to requestAdapterInfo()', async () => {
    const adapter = {
      features: new Set(['shader-f16']),
      limits: { maxBufferSize: 4294967296 },
      requestAdapterInfo: async () => ({ vendor: 'nvidia', architecture: 'ampere', description: '' }),
    };
    const result = await detectCapabilities({ navigator: fakeNavigator({ requestAdapter: async () => adapter }) });
    expect(result.webgpu.shaderF16).toBe(true);
    expect(result.webgpu.adapter?.vendor).toBe('nvidia');
  });

  it('says why WebGPU is missing, without throwing', async () => {
    const none = await detectCapabilities({ navigator: { hardwareConcurrency: 2 }, crossOriginIsolated: false });
    expect(none.webgpu.available).toBe(false);
    expect(none.webgpu.reason).toMatch(/navigator\.gpu/);
    expect(none.storage).toBeUndefined();

    const noAdapter = await detectCapabilities({ navigator: fakeNavigator({ requestAdapter: async () => null }) });
    expect(noAdapter.webgpu).toMatchObject({ available: false, reason: expect.stringMatching(/no GPU adapter/) });

    const failing = await detectCapabilities({ navigator: fakeNavigator({ requestAdapter: () => Promise.reject('GPU process crashed') }) });
    expect(failing.webgpu.reason).toMatch(/GPU process crashed/);

    const hanging = await detectCapabilities({ navigator: fakeNavigator({ requestAdapter: () => new Promise(() => {}) }), adapterTimeoutMs: 10 });
    expect(hanging.webgpu.reason).toMatch(/did not answer/);
  });

  it('copes with an environment that has no navigator at all', async () => {
    const result = await detectCapabilities({ navigator: undefined });
    expect(result.webgpu.available).toBe(false);
    expect(result.hardwareConcurrency).toBe(1);
  });
});
