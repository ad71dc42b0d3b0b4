// @vitest-environment jsdom
import 'fake-indexeddb/auto';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { detectCapabilities, type Capabilities } from '../engines/capabilities.ts';
import type { CachedModel } from '../engines/model-cache.ts';
import { tinyTestModel } from '../engines/model-catalog.ts';
import { classifyModelError } from '../engines/model-errors.ts';
import { sharedCapabilities } from '../store/model-actions.ts';
import { initialModelManagerState } from '../store/model-slice.ts';
import { defaultSettings } from '../store/settings-slice.ts';
import { useAppStore } from '../store/store.ts';
import { ModelManager } from './model-manager.tsx';

const cached: CachedModel[] = [{ key: 'wllama:x_tiny.gguf', engine: 'wllama', name: 'x_tiny.gguf', label: tinyTestModel.label, bytes: 600_000, complete: true }];

// The browser's model storage, stood in for: jsdom has neither Cache Storage nor OPFS.
const cacheMocks = vi.hoisted(() => ({ deleteCachedModel: vi.fn(async () => {}) }));
vi.mock('../engines/model-cache.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../engines/model-cache.ts')>()),
  listCachedModels: vi.fn(async () => cached),
  readStorage: vi.fn(async () => ({ usage: 2_000_000, quota: 100_000_000, persisted: false })),
  deleteCachedModel: cacheMocks.deleteCachedModel,
}));

const swiftShader: Capabilities = {
  webgpu: { available: true, shaderF16: false, adapter: { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader device' }, maxBufferSize: 1 << 30 },
  crossOriginIsolated: true,
  hardwareConcurrency: 8,
};

/** The text an element's aria-describedby points to. */
function description(element: HTMLElement): string {
  const ids = element.getAttribute('aria-describedby')?.split(/\s+/) ?? [];
  return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
}

/** Shows the manager with these capabilities (detection has run once by then, so it changes nothing). */
async function renderWith(capabilities: Capabilities) {
  await sharedCapabilities();
  useAppStore.getState().updateModelManager({ capabilities });
  render(<ModelManager />);
  await screen.findByRole('region', { name: 'Cached models' });
  return screen.getByRole('region', { name: 'In-browser models' });
}

beforeEach(() => {
  useAppStore.setState({ settings: defaultSettings, modelManager: { ...initialModelManagerState, persistenceAsked: true } });
});
afterEach(() => {
  cleanup();
  cacheMocks.deleteCachedModel.mockClear();
});

describe('ModelManager', () => {
  it('disables Load WebGPU model when the capability check finds no WebGPU adapter, and says why next to it', async () => {
    // jsdom has no navigator.gpu: the real check says so.
    const capabilities = await detectCapabilities();
    expect(capabilities.webgpu.available).toBe(false);
    const manager = await renderWith(capabilities);

    const load = within(manager).getByRole<HTMLButtonElement>('button', { name: 'Load WebGPU model' });
    expect(load.disabled).toBe(true);
    expect(description(load)).toMatch(/^This browser has no WebGPU adapter: use the CPU engine, or a browser and GPU with WebGPU \(Chrome or Edge 113\+/);
    expect(within(manager).getByRole<HTMLButtonElement>('button', { name: 'Load CPU model' }).disabled).toBe(false);
    expect(within(manager).getByLabelText('Device capabilities').textContent).toMatch(/WebGPU\s*not available: This browser has no WebGPU/);
    // The way forward is offered at once.
    const noWebGpu = within(manager).getByText(/^No WebGPU in this browser/).closest('[role="status"]') as HTMLElement;
    fireEvent.click(within(noWebGpu).getByRole('button', { name: 'Use the CPU engine' }));
    expect(useAppStore.getState().settings.roles.toolCaller).toBe('cpu');
    within(manager).getByText('Tool caller now uses the CPU engine.');
  });

  it('keeps Load WebGPU model enabled with a software adapter (SwiftShader), offering the q4f32 builds', async () => {
    const manager = await renderWith(swiftShader);
    const load = within(manager).getByRole<HTMLButtonElement>('button', { name: 'Load WebGPU model' });
    expect(load.disabled).toBe(false);
    expect(description(load)).toBe('');
    expect(within(manager).queryByText(/no WebGPU adapter/)).toBeNull();
    const table = within(manager).getByRole('table', { name: 'WebGPU models' });
    expect(table.textContent).toContain('since this GPU has no shader-f16');
    expect(within(table).queryByRole('radio', { name: /q4f16/ })).toBeNull();
    expect(within(table).getByRole('row', { name: /recommended/ }).textContent).toContain('q4f32');
    expect(within(table).getAllByRole('radio', { checked: true })).toHaveLength(1);
    fireEvent.click(within(manager).getByRole('checkbox', { name: 'Show every build' }));
    expect(within(table).getAllByRole<HTMLInputElement>('radio', { name: /q4f16/ })[0]?.disabled).toBe(true);
  });

  it('shows each load state of the store: progress with Cancel, loaded, failed with a way forward', async () => {
    const manager = await renderWith(swiftShader);
    const controller = new AbortController();
    await act(async () =>
      useAppStore.getState().updateModelManager({
        loads: { webgpu: { status: 'idle' }, cpu: { status: 'loading', label: 'Tiny', startedAt: 0, elapsedMs: 1000, controller, progress: { progress: 0.5, text: 'Downloading' } } },
      }),
    );
    expect(within(manager).getByRole('progressbar', { name: 'Loading Tiny' }).getAttribute('value')).toBe('0.5');
    expect(within(manager).getByRole<HTMLButtonElement>('button', { name: 'Load CPU model' }).disabled).toBe(true);
    fireEvent.click(within(manager).getByRole('button', { name: 'Cancel loading' }));
    expect(controller.signal.aborted).toBe(true);
    expect(within(manager).queryByRole('progressbar')).toBeNull();

    await act(async () => useAppStore.getState().updateModelManager({ loads: { webgpu: { status: 'idle' }, cpu: { status: 'loaded', label: 'CPU: Tiny', loadTimeMs: 1234 } } }));
    expect(within(manager).getAllByRole('status').map((element) => element.textContent)).toContain('Loaded CPU: Tiny in 1.2 s.');

    const error = classifyModelError(new Error('HTTP 404'), { engine: 'wllama', modelId: 'mine.gguf', phase: 'load' });
    await act(async () => useAppStore.getState().updateModelManager({ loads: { webgpu: { status: 'idle' }, cpu: { status: 'failed', error } } }));
    const alert = within(manager).getByRole('alert');
    expect(alert.textContent).toMatch(/The CPU engine could not load mine\.gguf: the model file was not found/);
    expect(alert.textContent).toContain('Check the model URL');
    fireEvent.click(within(alert).getByRole('button', { name: 'Use the WebGPU engine' }));
    expect(useAppStore.getState().settings.roles.toolCaller).toBe('webgpu');
    within(alert).getByRole('button', { name: 'Use the planner endpoint' });
  });

  it('lists the cached models with their size, and deletes one on request', async () => {
    const manager = await renderWith(swiftShader);
    const region = within(manager).getByRole('region', { name: 'Cached models' });
    expect(region.textContent).toContain(`${tinyTestModel.label} (CPU): 586 KB`);
    expect(region.textContent).toContain('Site storage in use: 1.9 MB of 95.4 MB.');
    within(region).getByRole('button', { name: 'Keep downloaded models' });
    expect(within(within(manager).getByRole('table', { name: 'CPU models' })).getByRole('row', { name: /Tiny random Llama/ }).textContent).toContain('downloaded');
    await act(async () => fireEvent.click(within(region).getByRole('button', { name: `Delete ${tinyTestModel.label}` })));
    expect(cacheMocks.deleteCachedModel).toHaveBeenCalledWith(cached[0], undefined);
  });

  it('checks a self-hosted GGUF URL, then chooses it for the CPU engine', async () => {
    const manager = await renderWith(swiftShader);
    fireEvent.click(within(manager).getByText('Self-hosted models'));
    const url = within(manager).getByRole('textbox', { name: 'GGUF file URL' });
    fireEvent.change(url, { target: { value: 'https://models.example/model.bin' } });
    fireEvent.click(within(manager).getByRole('button', { name: 'Use this GGUF file' }));
    within(manager).getByText('The CPU engine loads files whose name ends in .gguf.');
    fireEvent.change(url, { target: { value: '/models/no-such-model.gguf' } });
    fireEvent.click(within(manager).getByRole('button', { name: 'Use this GGUF file' }));
    expect(within(manager).getByRole<HTMLInputElement>('radio', { name: 'Self-hosted: no-such-model.gguf' }).checked).toBe(true);
    within(manager).getByText('The CPU engine now uses the self-hosted GGUF file.');
    expect(within(manager).queryByText(/ends in \.gguf/)).toBeNull();
  });
});
