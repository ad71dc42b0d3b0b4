// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import indexText from '../../public/demos/index.json?raw';
import killersTrace from '../../public/demos/killers-of-the-flower-moon.json?raw';
import { TraceControls, type TraceControlsProps } from './trace-controls.tsx';

const fetchMock = vi.fn(async (input: string | URL | Request) => {
  const url = String(input instanceof Request ? input.url : input);
  if (url.endsWith('/demos/index.json')) return new Response(indexText, { headers: { 'content-type': 'application/json' } });
  if (url.endsWith('/demos/killers-of-the-flower-moon.json')) return new Response(killersTrace);
  if (url.endsWith('/demos/tokyo-and-paris.json')) return new Response('{"format": "stepwise-trace", "version": 1, "events": "oops"}');
  return new Response('not found', { status: 404 });
});

function setup(props: Partial<TraceControlsProps> = {}) {
  const handlers = {
    onExport: vi.fn(() => killersTrace),
    onImport: vi.fn(),
    onReplay: vi.fn(),
    onSpeedChange: vi.fn(),
  };
  const view = render(<TraceControls {...handlers} {...props} />);
  return { ...handlers, ...view };
}

function chooseFile(content: string, name = 'trace.json') {
  const input = screen.getByLabelText<HTMLInputElement>('Trace file');
  fireEvent.change(input, { target: { files: [new File([content], name, { type: 'application/json' })] } });
}

beforeEach(() => {
  vi.stubGlobal('fetch', fetchMock);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  fetchMock.mockClear();
});

describe('TraceControls', () => {
  /** Opens the Open menu and chooses `name`. */
  function chooseFromOpen(name: string): void {
    fireEvent.click(screen.getByRole('button', { name: 'Open' }));
    fireEvent.click(screen.getByRole('menuitem', { name }));
  }

  it('exports the trace text as a .json download', async () => {
    // jsdom has no object URLs: put stand-ins in place for this test only.
    const createObjectURL = vi.fn((_blob: Blob) => 'blob:trace');
    const revokeObjectURL = vi.fn();
    const saved = { createObjectURL: URL.createObjectURL, revokeObjectURL: URL.revokeObjectURL };
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    try {
      const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
        expect(this.download).toBe('run-1.json');
        expect(this.href).toBe('blob:trace');
      });
      const { onExport } = setup({ exportFileName: 'run-1.json' });
      fireEvent.click(screen.getByRole('button', { name: 'Export' }));
      fireEvent.click(screen.getByRole('menuitem', { name: 'JSON trace' }));
      expect(onExport).toHaveBeenCalledOnce();
      await waitFor(() => expect(click).toHaveBeenCalledOnce());
      expect(createObjectURL.mock.calls[0]?.[0]).toBeInstanceOf(Blob);
      expect(document.querySelector('a[download]')).toBeNull();
    } finally {
      Object.assign(URL, saved);
    }
  });

  it('says so when there is nothing to export, and accepts an async onExport', async () => {
    setup({ onExport: async () => '' });
    fireEvent.click(screen.getByRole('button', { name: 'Export' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'JSON trace' }));
    expect((await screen.findByRole('alert')).textContent).toContain('There is no run to export.');
    cleanup();
    setup({ onExport: () => Promise.reject(new Error('IndexedDB is closed')) });
    fireEvent.click(screen.getByRole('button', { name: 'Export' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'JSON trace' }));
    expect((await screen.findByRole('alert')).textContent).toContain('IndexedDB is closed');
  });

  it('with no run on screen, Export still offers Export training data (over the history) and only that', () => {
    const onExportTrainingData = vi.fn();
    setup({ canExport: false, onExportTrainingData, onExportOtlp: vi.fn(async () => '{}') });
    fireEvent.click(screen.getByRole('button', { name: 'Export' }));
    expect(screen.getByRole('menuitem', { name: 'JSON trace' })).toHaveProperty('disabled', true);
    expect(screen.getByRole('menuitem', { name: 'OpenTelemetry' })).toHaveProperty('disabled', true);
    fireEvent.click(screen.getByRole('menuitem', { name: 'Export training data' }));
    expect(onExportTrainingData).toHaveBeenCalledTimes(1);
  });

  it('Export is a menu: it opens on a click or ArrowDown, moves with the arrow keys and closes on Escape', () => {
    setup({ onExportOtlp: vi.fn(async () => '{}') });
    const button = screen.getByRole('button', { name: 'Export' });
    expect(button.getAttribute('aria-haspopup')).toBe('menu');
    fireEvent.keyDown(button, { key: 'ArrowDown' });
    const items = screen.getAllByRole('menuitem');
    expect(items.map((item) => item.textContent)).toEqual(['JSON trace', 'OpenTelemetry']);
    expect(document.activeElement).toBe(items[0]);
    fireEvent.keyDown(items[0] as HTMLElement, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(items[1]);
    fireEvent.keyDown(items[1] as HTMLElement, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(items[0]);
    fireEvent.keyDown(items[0] as HTMLElement, { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it('imports a valid trace file and hands the trace over', async () => {
    const { onImport } = setup();
    chooseFile(killersTrace);
    await waitFor(() => expect(onImport).toHaveBeenCalledOnce());
    expect(onImport.mock.calls[0]?.[0].run.id).toBe('demo-killers-of-the-flower-moon');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows the problems of a file that is not a valid trace in an alert', async () => {
    const { onImport } = setup();
    chooseFile(JSON.stringify({ format: 'stepwise-trace', version: 1, run: { id: 'r', task: 't' }, events: [{ type: 'foo', at: 0 }] }), 'broken.json');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('broken.json is not a trace this app can open:');
    expect(alert.textContent).toContain('events[0]: unknown event type "foo"');
    expect(onImport).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();

    chooseFile('{"format": "stepwise-trace", "version": 4}', 'future.json');
    expect((await screen.findByRole('alert')).textContent).toContain('version 4 is newer than this app supports');
  });

  it('replays the run on screen at the chosen speed, or the trace last opened', async () => {
    const { onReplay, onSpeedChange, onImport } = setup();
    fireEvent.change(screen.getByRole('combobox', { name: 'Replay speed' }), { target: { value: 'instant' } });
    expect(onSpeedChange).toHaveBeenCalledWith(Infinity);
    chooseFromOpen('Replay');
    await waitFor(() => expect(onReplay).toHaveBeenCalledOnce());
    expect(onReplay.mock.calls[0]?.[1]).toBe(Infinity);
    expect(onReplay.mock.calls[0]?.[0].events.length).toBeGreaterThan(100);

    chooseFile(killersTrace.replace('"demo-killers-of-the-flower-moon"', '"opened-file"'));
    await waitFor(() => expect(onImport).toHaveBeenCalledOnce());
    fireEvent.change(screen.getByRole('combobox', { name: 'Replay speed' }), { target: { value: '2' } });
    chooseFromOpen('Replay');
    expect(onReplay.mock.calls[1]?.[0].run.id).toBe('opened-file');
    expect(onReplay.mock.calls[1]?.[1]).toBe(2);
  });

  it('offers the speeds 0.5×, 1×, 2×, 4× and instant', () => {
    setup();
    const options = [...screen.getByRole<HTMLSelectElement>('combobox', { name: 'Replay speed' }).options].map((option) => option.textContent);
    expect(options).toEqual(['0.5×', '1×', '2×', '4×', 'instant']);
  });

  it('follows a controlled speed and reports a new one', () => {
    const onSpeedChange = vi.fn();
    const { rerender } = setup({ speed: 2, onSpeedChange });
    const select = screen.getByRole<HTMLSelectElement>('combobox', { name: 'Replay speed' });
    expect(select.value).toBe('2');
    fireEvent.change(select, { target: { value: 'instant' } });
    expect(onSpeedChange).toHaveBeenCalledWith(Infinity);
    rerender(<TraceControls onExport={() => killersTrace} onImport={vi.fn()} onReplay={vi.fn()} speed={Infinity} onSpeedChange={onSpeedChange} />);
    expect(select.value).toBe('instant');
    // Replays are driven by the run controls (Pause, Step, Continue): no button of its own.
    expect(screen.queryByRole('button', { name: /hold|resume/i })).toBeNull();
  });

  it('lists the demos from /demos/index.json in the Open menu and replays the one chosen', async () => {
    const { onReplay } = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Open' }));
    const demos = screen.getByRole('group', { name: 'Demos' });
    await waitFor(() =>
      expect(within(demos).getAllByRole('menuitem').map((item) => item.textContent)).toEqual([
        'Killers of the Flower Moon: director, films, bilibili',
        'Tokyo and Paris: local time and population',
      ]),
    );
    fireEvent.click(within(demos).getByRole('menuitem', { name: 'Killers of the Flower Moon: director, films, bilibili' }));
    await waitFor(() => expect(onReplay).toHaveBeenCalledOnce());
    expect(onReplay.mock.calls[0]?.[0].run.task).toContain('Killers of the Flower Moon');
    expect(onReplay.mock.calls[0]?.[1]).toBe(1);
    expect(String(fetchMock.mock.calls.at(-1)?.[0])).toMatch(/\/demos\/killers-of-the-flower-moon\.json$/);

    chooseFromOpen('Tokyo and Paris: local time and population');
    expect((await screen.findByRole('alert')).textContent).toContain('The demo "Tokyo and Paris: local time and population" is damaged:');
  });

  it('says when the demo list cannot be loaded', async () => {
    setup({ demosUrl: '/missing/index.json' });
    fireEvent.click(screen.getByRole('button', { name: 'Open' }));
    await waitFor(() => expect(screen.getByRole('group', { name: 'Demos' }).textContent).toContain('The demo list could not be loaded'));
  });

  it('uses names that do not collide with the run controls', () => {
    setup();
    for (const name of ['Run', 'Pause', 'Step', 'Continue', 'Stop', 'Settings']) {
      expect(screen.queryAllByRole('button', { name: new RegExp(name, 'i') })).toEqual([]);
    }
  });
});
