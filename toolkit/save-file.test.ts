import { afterEach, describe, expect, it, vi } from 'vitest';
import { safeFileName, saveFile } from './save-file.ts';
import { ToolError } from './shared/tool-error.ts';
import { testContext } from './testing/context.ts';

afterEach(() => vi.unstubAllGlobals());

describe('save_file', () => {
  it('needs approval: it has side effects', () => {
    expect(saveFile.sideEffects).toBe(true);
  });

  it('hands the file to the app\'s saver and reports name, size and type', async () => {
    const saved: { name: string; blob: Blob }[] = [];
    const saver = async (name: string, blob: Blob) => {
      saved.push({ name, blob });
      return 'Downloads/summary.md';
    };
    const output = await saveFile.run({ filename: 'summary.md', content: '# Eiffel\n\nTour Eiffel – 1889' }, testContext({ settings: { saveFile: saver } }));
    expect(saved).toHaveLength(1);
    expect(saved[0]?.name).toBe('summary.md');
    expect(await saved[0]?.blob.text()).toBe('# Eiffel\n\nTour Eiffel – 1889');
    expect(saved[0]?.blob.type).toBe('text/markdown;charset=utf-8');
    // 28 characters, but "–" is three bytes in UTF-8: the size is in bytes.
    expect(output).toBe('Saved "summary.md" (30 bytes, text/markdown) to Downloads/summary.md.');
  });

  it('uses the given media type', async () => {
    let type = '';
    await saveFile.run(
      { filename: 'data.txt', content: '{}', mimeType: 'application/json' },
      testContext({ settings: { saveFile: async (_name: string, blob: Blob) => ((type = blob.type), 'x') } }),
    );
    expect(type).toBe('application/json');
  });

  it('uses the File System Access API where the page has it', async () => {
    const written: Blob[] = [];
    const picker = vi.fn(async (options: { suggestedName: string }) => ({
      name: options.suggestedName,
      createWritable: async () => ({ write: async (blob: Blob) => void written.push(blob), close: async () => undefined }),
    }));
    vi.stubGlobal('showSaveFilePicker', picker);
    const output = await saveFile.run({ filename: 'notes.txt', content: 'hello' }, testContext());
    expect(picker).toHaveBeenCalledWith({ suggestedName: 'notes.txt' });
    expect(await written[0]?.text()).toBe('hello');
    expect(output).toBe('Saved "notes.txt" (5 bytes, text/plain) to the file "notes.txt" chosen in the save dialog.');
  });

  it('skips the save dialog when the approval click has expired, and downloads instead', async () => {
    const picker = vi.fn();
    vi.stubGlobal('showSaveFilePicker', picker);
    vi.stubGlobal('navigator', { userActivation: { isActive: false } });
    const link = { href: '', download: '', rel: '', style: { display: '' }, click: vi.fn(), remove: () => undefined };
    vi.stubGlobal('document', { createElement: () => link, body: { append: () => undefined } });
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:http://127.0.0.1/2');
    try {
      expect(await saveFile.run({ filename: 'a.txt', content: 'x' }, testContext())).toBe('Saved "a.txt" (1 byte, text/plain) to the browser\'s downloads.');
      expect(picker).not.toHaveBeenCalled();
      expect(link.click).toHaveBeenCalledOnce();
    } finally {
      createObjectURL.mockRestore();
    }
  });

  it('says so when the person cancels the save dialog', async () => {
    vi.stubGlobal('showSaveFilePicker', async () => {
      throw new DOMException('The user aborted a request.', 'AbortError');
    });
    await expect(saveFile.run({ filename: 'notes.txt', content: 'hello' }, testContext())).rejects.toThrow(
      'save_file failed: the save dialog for "notes.txt" (5 bytes, text/plain) was cancelled, so nothing was saved.',
    );
  });

  it('falls back to a download link where there is a document', async () => {
    const clicks: { href: string; download: string }[] = [];
    const link = { href: '', download: '', rel: '', style: { display: '' }, click: () => clicks.push({ href: link.href, download: link.download }), remove: () => undefined };
    vi.stubGlobal('document', { createElement: () => link, body: { append: () => undefined } });
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:http://127.0.0.1/1');
    const revokeObjectURL = vi.spyOn(URL, 'revokeObjectURL').mockReturnValue(undefined);
    try {
      const output = await saveFile.run({ filename: 'report.csv', content: 'a,b\n1,2\n' }, testContext());
      expect(clicks).toEqual([{ href: 'blob:http://127.0.0.1/1', download: 'report.csv' }]);
      expect(output).toBe('Saved "report.csv" (8 bytes, text/csv) to the browser\'s downloads.');
    } finally {
      createObjectURL.mockRestore();
      revokeObjectURL.mockRestore();
    }
  });

  it('fails clearly where nothing can save files (Node without a saver)', async () => {
    const error = await saveFile.run({ filename: 'a.txt', content: 'x' }, testContext()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ToolError);
    expect((error as Error).message).toBe('save_file failed: this environment has no way to save files (no save dialog, no downloads).');
  });

  it('keeps file names to a plain name without folders or reserved characters', async () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Users\\me\\a:b?.txt')).toBe('a_b_.txt');
    expect(safeFileName('.bashrc')).toBe('bashrc');
    await expect(saveFile.run({ filename: '/', content: 'x' }, testContext({ settings: { saveFile: async () => 'x' } }))).rejects.toThrow(
      'save_file failed: "/" is not a usable file name.',
    );
  });
});
