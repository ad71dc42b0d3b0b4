import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { indexedDbStorage } from './persistence.ts';
import { createRunsSlice, type RunsSlice } from './runs-slice.ts';
import { createSettingsSlice, defaultSettings, type Settings, type SettingsSlice } from './settings-slice.ts';

export type AppState = SettingsSlice & RunsSlice;

const storeVersion = 1;

interface PersistedState {
  settings: Settings;
  runIndex: RunsSlice['runIndex'];
}

/**
 * The one store. Settings and the run index persist through IndexedDB; each run's events
 * persist separately (EventLog) as they happen. The API key is kept only when the person asks.
 */
export const useAppStore = create<AppState>()(
  persist(
    (...parts) => ({
      ...createSettingsSlice(...parts),
      ...createRunsSlice(...parts),
    }),
    {
      name: 'stepwise',
      version: storeVersion,
      // Hydrated by restoreAfterReload, which then marks interrupted runs.
      skipHydration: true,
      storage: createJSONStorage(() => indexedDbStorage),
      partialize: (state): PersistedState => ({
        settings: state.settings.planner.rememberKey ? state.settings : { ...state.settings, planner: { ...state.settings.planner, apiKey: '' } },
        runIndex: state.runIndex,
      }),
      migrate: (persisted, version) => migrate(persisted, version),
      merge: (persisted, current) => {
        const state = persisted as Partial<PersistedState> | undefined;
        return {
          ...current,
          settings: { ...defaultSettings, ...state?.settings, planner: { ...defaultSettings.planner, ...state?.settings?.planner } },
          runIndex: state?.runIndex ?? current.runIndex,
        };
      },
    },
  ),
);

/** Brings persisted state of an older version up to the current one. */
export function migrate(persisted: unknown, version: number): PersistedState {
  const state = (persisted ?? {}) as Partial<PersistedState>;
  // Version 0 had no run index.
  if (version < 1) return { settings: { ...defaultSettings, ...state.settings }, runIndex: [] };
  return state as PersistedState;
}
