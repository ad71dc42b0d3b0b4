import { errorMessage, isAbortError } from '../src/core/errors.ts';
import type { Tool } from '../src/core/tools/types.ts';
import { places } from './shared/places.ts';
import { countOf } from './shared/text.ts';
import { ToolError } from './shared/tool-error.ts';

const toolName = 'save_file';
const maxContentChars = 10_000_000;

/** Saves a file somewhere and says where, for a person (`Downloads/report.md`). */
export type FileSaver = (name: string, blob: Blob) => Promise<string>;

interface WritableFileStream {
  write(data: Blob): Promise<void>;
  close(): Promise<void>;
}
interface SaveFileHandle {
  name: string;
  createWritable(): Promise<WritableFileStream>;
}
type ShowSaveFilePicker = (options: { suggestedName: string }) => Promise<SaveFileHandle>;

const mediaTypes: Record<string, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  markdown: 'text/markdown',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  json: 'application/json',
  html: 'text/html',
  htm: 'text/html',
  xml: 'application/xml',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  js: 'text/javascript',
  ts: 'text/plain',
  py: 'text/x-python',
  svg: 'image/svg+xml',
};

/**
 * A file name that every operating system accepts: no folders, no reserved characters, no
 * leading dots (hidden files), at most 200 characters. Empty when nothing usable is left.
 */
export function safeFileName(name: string): string {
  return name
    .replace(/^.*[/\\]/, '')
    .replace(/[<>:"|?*\p{Cc}]/gu, '_')
    .replace(/^[.\s]+/, '')
    .trim()
    .slice(0, 200);
}

function mediaTypeFor(name: string): string {
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  return mediaTypes[extension] ?? 'text/plain';
}

function isFileSaver(value: unknown): value is FileSaver {
  return typeof value === 'function';
}

async function saveWithPicker(picker: ShowSaveFilePicker, name: string, blob: Blob): Promise<string> {
  const handle = await picker({ suggestedName: name });
  const writable = await handle.createWritable();
  await writable.write(blob);
  await writable.close();
  return `the file "${handle.name}" chosen in the save dialog`;
}

function canDownload(): boolean {
  return typeof document !== 'undefined' && typeof URL !== 'undefined' && typeof URL.createObjectURL === 'function';
}

async function saveAsDownload(name: string, blob: Blob): Promise<string> {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // The browser reads the blob after click() returns; revoking at once can cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return 'the browser\'s downloads';
}

/**
 * `save_file`: writes text to a file the person keeps. Uses `settings.saveFile` (a
 * `FileSaver`) when the app provides one, else the File System Access API's save dialog, else a
 * download. It changes something outside the page, so it waits for approval.
 */
export const saveFile: Tool = {
  name: toolName,
  description:
    'Saves text to a file on the person\'s computer after they approve it; the input is a JSON object such as {"filename": "notes.md", "content": "the text to save"}. ' +
    'It reports the name and size saved; use it only when the task asks to save, export or write a file.',
  parameters: {
    type: 'object',
    properties: {
      filename: { type: 'string', minLength: 1, description: 'File name with an extension, for example "summary.md".' },
      content: { type: 'string', description: 'The full text to write into the file.' },
      mimeType: { type: 'string', description: 'Media type such as "text/markdown"; guessed from the extension when absent.' },
    },
    required: ['filename', 'content'],
    additionalProperties: false,
  },
  sideEffects: true,
  // The save dialog waits for the person.
  timeoutMs: 300_000,
  async run(args, context) {
    const name = safeFileName(String(args.filename ?? ''));
    if (name === '') {
      throw new ToolError(toolName, `"${String(args.filename ?? '')}" is not a usable file name.`, { hint: 'Give a name such as notes.txt.' });
    }
    const content = String(args.content ?? '');
    if (content.length > maxContentChars) {
      throw new ToolError(toolName, `the content has ${countOf(content.length, 'character')}, more than the ${maxContentChars.toLocaleString('en-US')} allowed.`, {
        hint: 'Save the text in several smaller files.',
      });
    }
    const mimeType = typeof args.mimeType === 'string' && /^[\w.+-]+\/[\w.+-]+$/.test(args.mimeType.trim()) ? args.mimeType.trim() : mediaTypeFor(name);
    const blob = new Blob([content], { type: mimeType.startsWith('text/') ? `${mimeType};charset=utf-8` : mimeType });
    const saved = `"${name}" (${countOf(blob.size, 'byte')}, ${mimeType})`;

    const saver = context.settings.saveFile;
    const picker = (globalThis as { showSaveFilePicker?: ShowSaveFilePicker }).showSaveFilePicker;
    // The save dialog opens only shortly after a click (the approval); later, Chrome rejects it,
    // headless even as a cancel, so go straight to a download when the click has expired.
    const activation = (globalThis as { navigator?: { userActivation?: { isActive: boolean } } }).navigator?.userActivation;
    try {
      if (isFileSaver(saver)) return `Saved ${saved} to ${await saver(name, blob)}.`;
      if (typeof picker === 'function' && activation?.isActive !== false) {
        try {
          return `Saved ${saved} to ${await saveWithPicker(picker, name, blob)}.`;
        } catch (error) {
          // The dialog needs a recent click; without one the browser refuses it, and a download still works.
          if (isAbortError(error) || !canDownload()) throw error;
        }
      }
      if (canDownload()) return `Saved ${saved} to ${await saveAsDownload(name, blob)}.`;
    } catch (error) {
      if (isAbortError(error) && !context.signal.aborted) {
        throw new ToolError(toolName, `the save dialog for ${saved} was cancelled, so nothing was saved.`, { cause: error });
      }
      if (context.signal.aborted) throw error;
      throw new ToolError(toolName, `could not save ${saved}: ${errorMessage(error)}`, {
        hint: 'Check that the browser lets this page download files, then re-run the step.',
        cause: error,
      });
    }
    throw new ToolError(toolName, 'this environment has no way to save files (no save dialog, no downloads).', {
      hint: `Open Stepwise in a browser that can download files, or switch save_file off in ${places.toolkit} so that plans do not use it.`,
    });
  },
};
