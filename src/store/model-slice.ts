import type { StateCreator } from 'zustand';
import type { Capabilities } from '../engines/capabilities.ts';
import type { CachedModel, StorageReport } from '../engines/model-cache.ts';
import type { ModelTarget } from '../engines/model-choice.ts';
import type { ModelLoadError } from '../engines/model-errors.ts';
import type { ModelLoadProgress } from '../engines/types.ts';
import type { AppState } from './store.ts';

/** Loading one engine's model from the model manager. */
export type ModelLoadState =
  | { status: 'idle' }
  | { status: 'loading'; label: string; progress: ModelLoadProgress; startedAt: number; elapsedMs: number; controller: AbortController }
  | { status: 'loaded'; label: string; loadTimeMs?: number }
  | { status: 'failed'; error: ModelLoadError };

/** What the model manager shows. Not persisted; src/store/model-actions.ts changes it. */
export interface ModelManagerState {
  /** What this browser can run; undefined while it is being found out. */
  capabilities?: Capabilities;
  /** Site storage; undefined where the browser does not tell (or not yet read). */
  storage?: StorageReport;
  /** The models in the browser's storage; undefined until listed. */
  cachedModels?: CachedModel[];
  loads: Record<ModelTarget, ModelLoadState>;
  /** What the last action changed, for a person. */
  notice?: string;
  /** The key of the cached model being deleted. */
  deletingModel?: string;
  /** Why the last deletion failed. */
  cacheProblem?: string;
  /** Whether this page has asked the browser for persistent storage (it asks once by itself). */
  persistenceAsked: boolean;
}

export interface ModelSlice {
  modelManager: ModelManagerState;
  updateModelManager: (change: Partial<ModelManagerState> | ((state: ModelManagerState) => Partial<ModelManagerState>)) => void;
}

export const initialModelManagerState: ModelManagerState = {
  loads: { webgpu: { status: 'idle' }, cpu: { status: 'idle' } },
  persistenceAsked: false,
};

export const createModelSlice: StateCreator<AppState, [], [], ModelSlice> = (set) => ({
  modelManager: initialModelManagerState,
  updateModelManager: (change) =>
    set((state) => ({ modelManager: { ...state.modelManager, ...(typeof change === 'function' ? change(state.modelManager) : change) } })),
});
