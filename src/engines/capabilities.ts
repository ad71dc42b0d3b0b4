import { errorMessage } from '../core/errors.ts';

/** What the GPU adapter says about itself. */
export interface WebGpuAdapterInfo {
  vendor: string;
  architecture: string;
  description: string;
}

/** WebGPU as the in-browser engines see it. */
export interface WebGpuCapabilities {
  available: boolean;
  /** Why WebGPU is not available, for a person. */
  reason?: string;
  adapter?: WebGpuAdapterInfo;
  /** 16-bit float shaders: q4f16 models need them, q4f32 builds do not. */
  shaderF16: boolean;
  maxBufferSize?: number;
  maxStorageBufferBindingSize?: number;
}

/** Site storage (where downloaded models are cached). */
export interface StorageCapabilities {
  usage: number;
  quota: number;
  persisted: boolean;
}

/** What this browser can run. */
export interface Capabilities {
  webgpu: WebGpuCapabilities;
  storage?: StorageCapabilities;
  /** Needed for multi-threaded WebAssembly (COOP/COEP headers). */
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  /** `navigator.deviceMemory` (GiB, rounded by the browser) where the browser tells it. */
  deviceMemoryGb?: number;
}

/** Where detection looks; tests pass fakes. */
export interface DetectionEnvironment {
  navigator?: unknown;
  crossOriginIsolated?: boolean;
  /** Give up on `requestAdapter()` after this long (some drivers never answer). Default 5000. */
  adapterTimeoutMs?: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}

function method(target: Record<string, unknown>, name: string): ((...args: unknown[]) => unknown) | undefined {
  const candidate = target[name];
  return typeof candidate === 'function' ? (candidate as (...args: unknown[]) => unknown).bind(target) : undefined;
}

function numberField(target: unknown, name: string): number | undefined {
  if (!isRecord(target)) return undefined;
  const value = target[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function stringField(target: unknown, name: string): string {
  if (!isRecord(target)) return '';
  const value = target[name];
  return typeof value === 'string' ? value : '';
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(errorMessage(error)));
      },
    );
  });
}

/** What WebGPU offers here: an adapter, its shader-f16 and limits, or why there is none. Never waits longer than `timeoutMs`. */
export async function detectWebGpu(navigatorObject: unknown, timeoutMs: number): Promise<WebGpuCapabilities> {
  const gpu = isRecord(navigatorObject) ? navigatorObject.gpu : undefined;
  if (!isRecord(gpu)) {
    return { available: false, shaderF16: false, reason: 'This browser has no WebGPU (navigator.gpu is missing; it also needs a secure context such as https or localhost).' };
  }
  const requestAdapter = method(gpu, 'requestAdapter');
  if (!requestAdapter) return { available: false, shaderF16: false, reason: 'navigator.gpu.requestAdapter is missing.' };
  let adapter: unknown;
  try {
    adapter = await withTimeout(Promise.resolve(requestAdapter()), timeoutMs, 'The GPU adapter did not answer.');
  } catch (error) {
    return { available: false, shaderF16: false, reason: `Requesting a GPU adapter failed: ${errorMessage(error)}` };
  }
  if (!isRecord(adapter)) {
    return { available: false, shaderF16: false, reason: 'WebGPU is present but no GPU adapter is available (blocklisted driver, or WebGPU disabled).' };
  }

  const hasFeature = isRecord(adapter.features) ? method(adapter.features, 'has') : undefined;
  const shaderF16 = hasFeature ? hasFeature('shader-f16') === true : false;
  let info: unknown = adapter.info;
  const requestAdapterInfo = method(adapter, 'requestAdapterInfo');
  if (!isRecord(info) && requestAdapterInfo) {
    try {
      info = await Promise.resolve(requestAdapterInfo());
    } catch {
      info = undefined;
    }
  }
  return {
    available: true,
    shaderF16,
    adapter: isRecord(info)
      ? { vendor: stringField(info, 'vendor'), architecture: stringField(info, 'architecture'), description: stringField(info, 'description') }
      : undefined,
    maxBufferSize: numberField(adapter.limits, 'maxBufferSize'),
    maxStorageBufferBindingSize: numberField(adapter.limits, 'maxStorageBufferBindingSize'),
  };
}

async function detectStorage(navigatorObject: unknown): Promise<StorageCapabilities | undefined> {
  const storage = isRecord(navigatorObject) ? navigatorObject.storage : undefined;
  if (!isRecord(storage)) return undefined;
  const estimate = method(storage, 'estimate');
  if (!estimate) return undefined;
  try {
    const result = await Promise.resolve(estimate());
    const persisted = method(storage, 'persisted');
    const isPersisted = persisted ? (await Promise.resolve(persisted())) === true : false;
    return { usage: numberField(result, 'usage') ?? 0, quota: numberField(result, 'quota') ?? 0, persisted: isPersisted };
  } catch {
    return undefined;
  }
}

/**
 * Finds out what this browser can run: WebGPU (adapter, shader-f16, buffer limits), site
 * storage, cross-origin isolation and CPU threads. Never throws; what is missing says why.
 */
export async function detectCapabilities(environment: DetectionEnvironment = {}): Promise<Capabilities> {
  const navigatorObject: unknown = 'navigator' in environment ? environment.navigator : globalThis.navigator;
  const [webgpu, storage] = await Promise.all([
    detectWebGpu(navigatorObject, environment.adapterTimeoutMs ?? 5000),
    detectStorage(navigatorObject),
  ]);
  const isolated = environment.crossOriginIsolated ?? (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated ?? false;
  const capabilities: Capabilities = {
    webgpu,
    crossOriginIsolated: isolated === true,
    hardwareConcurrency: numberField(navigatorObject, 'hardwareConcurrency') ?? 1,
  };
  if (storage) capabilities.storage = storage;
  const deviceMemory = numberField(navigatorObject, 'deviceMemory');
  if (deviceMemory !== undefined) capabilities.deviceMemoryGb = deviceMemory;
  return capabilities;
}
