import { create } from 'zustand';
import { createJSONStorage, persist, type PersistStorage } from 'zustand/middleware';
import { indexedDbStorage } from './persistence.ts';
import { createModelSlice, type ModelSlice } from './model-slice.ts';
import { createRunsSlice, type RunsSlice } from './runs-slice.ts';
import { createSettingsSlice, defaultSettings, type Settings, type SettingsSlice } from './settings-slice.ts';
import { createToolkitSlice, type ToolkitSlice } from './toolkit-slice.ts';

export type AppState = SettingsSlice & RunsSlice & ToolkitSlice & ModelSlice;

const storeVersion = 2;

interface PersistedState {
  settings: Settings;
  runIndex: RunsSlice['runIndex'];
  customTools: ToolkitSlice['customTools'];
  mcpServers: ToolkitSlice['mcpServers'];
}

/**
 * What persists of the state, built again only when one of its sources changed: the store
 * changes every frame while a run streams, the settings and the run index seldom.
 */
let lastPart: { sources: readonly unknown[]; state: PersistedState } | undefined;
function persistedPart(state: AppState): PersistedState {
  const sources = [state.settings, state.runIndex, state.customTools, state.mcpServers];
  if (lastPart?.sources.every((source, index) => source === sources[index])) return lastPart.state;
  const persisted: PersistedState = {
    settings: {
      ...state.settings,
      planner: state.settings.planner.rememberKey ? state.settings.planner : { ...state.settings.planner, apiKey: '' },
      // OpenTelemetry headers carry credentials (Langfuse's Basic auth): never stored.
      otlp: { ...state.settings.otlp, headers: '' },
    },
    runIndex: state.runIndex,
    customTools: state.customTools,
    // Bearer tokens are secrets like the API key: kept for the session only.
    mcpServers: state.mcpServers.map(({ token: _token, ...server }) => server),
  };
  lastPart = { sources, state: persisted };
  return persisted;
}

const jsonStorage = createJSONStorage<PersistedState>(() => indexedDbStorage);
// The part last written: an update that leaves it as it was writes nothing (no JSON, no transaction).
let lastWritten: PersistedState | undefined;

/**
 * The persisted state as read back: history entries that fail their schema are left out, not
 * cast. The schema loads with the stored state, not with the page.
 */
const checkedStorage: PersistStorage<PersistedState> = {
  getItem: async (name) => {
    const stored = await jsonStorage?.getItem(name);
    if (!stored || typeof stored.state !== 'object' || stored.state === null || !('runIndex' in stored.state)) return stored ?? null;
    const { parseRunIndex } = await import('./run-index-schema.ts');
    return { ...stored, state: { ...stored.state, runIndex: parseRunIndex(stored.state.runIndex) } };
  },
  setItem: (name, value) => {
    if (value.state === lastWritten) return;
    lastWritten = value.state;
    return jsonStorage?.setItem(name, value);
  },
  removeItem: (name) => {
    lastWritten = undefined;
    return jsonStorage?.removeItem(name);
  },
};

/**
 * The one store. Settings and the run index persist through IndexedDB; each run's events
 * persist separately (EventLog) as they happen. The API key is kept only when the person asks.
 */
export const useAppStore = create<AppState>()(
  persist(
    (...parts) => ({
      ...createSettingsSlice(...parts),
      ...createRunsSlice(...parts),
      ...createToolkitSlice(...parts),
      ...createModelSlice(...parts),
    }),
    {
      name: 'stepwise',
      version: storeVersion,
      // Hydrated by restoreAfterReload, which then marks interrupted runs.
      skipHydration: true,
      storage: checkedStorage,
      partialize: persistedPart,
      migrate: (persisted, version) => migrate(persisted, version),
      merge: (persisted, current) => {
        const state = persisted as Partial<PersistedState> | undefined;
        return {
          ...current,
          settings: { ...defaultSettings, ...state?.settings, planner: { ...defaultSettings.planner, ...state?.settings?.planner } },
          runIndex: state?.runIndex ?? current.runIndex,
          customTools: state?.customTools ?? current.customTools,
          mcpServers: state?.mcpServers ?? current.mcpServers,
        };
      },
    },
  ),
);

/** Brings persisted state of an older version up to the current one. */
export function migrate(persisted: unknown, version: number): PersistedState {
  const state = (persisted ?? {}) as Partial<PersistedState>;
  // Version 0 had no run index; version 1 had no custom tools or MCP servers.
  const upgraded = version < 1 ? { settings: { ...defaultSettings, ...state.settings }, runIndex: [] } : state;
  return { customTools: [], mcpServers: [], ...upgraded } as PersistedState;
}
