import type { ChatEngine } from '../core/llm/types.ts';
import type { InBrowserEngineKind } from './model-errors.ts';

/** How far loading a model has come. */
export interface ModelLoadProgress {
  /** 0 to 1. */
  progress: number;
  /** For a person, e.g. "Downloading 12.5 of 480 MB". */
  text: string;
  loadedBytes?: number;
  totalBytes?: number;
}

/** Called while a model downloads and initialises. */
export type ModelLoadProgressCallback = (progress: ModelLoadProgress) => void;

/** A ChatEngine whose model runs in the page: it loads lazily and can be unloaded. */
export interface InBrowserChatEngine extends ChatEngine {
  readonly kind: InBrowserEngineKind;
  /** The web-llm model id or the GGUF URL. */
  readonly modelId: string;
  /** Whether the model is loaded and ready. */
  readonly loaded: boolean;
  /** Milliseconds the last successful load took. */
  readonly loadTimeMs: number | undefined;
  /** What the loaded model runs on, where the engine can tell ("CPU", "WebGPU (25 of 25 layers offloaded)"). */
  readonly backend?: string | undefined;
  /** Loads the model now; `chat` does it on first use anyway. Rejects with a ModelLoadError. */
  load(): Promise<void>;
  /** Unloads the model and ends its worker; a later `chat` loads it again. */
  dispose(): Promise<void>;
}
