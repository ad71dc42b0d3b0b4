import { defaultMaxPlanSteps } from '../core/plan/types.ts';
import type { StateCreator } from 'zustand';
import type { AppState } from './store.ts';
import { defaultPresetName, defaultTemplates, type PromptPreset, type PromptTemplates } from '../core/prompts/templates.ts';

/** Which engine plays a role. The in-browser engines arrive with the model manager. */
export type EngineChoice = 'planner-endpoint' | 'webgpu' | 'cpu';

export const engineChoiceLabels: Record<EngineChoice, string> = {
  'planner-endpoint': 'Planner endpoint',
  webgpu: 'In-browser model (WebGPU)',
  cpu: 'In-browser model (CPU)',
};

export interface PlannerEndpointSettings {
  /** Base URL ending in `/v1`. */
  url: string;
  model: string;
  apiKey: string;
  /** Store the API key in this browser; off by default. */
  rememberKey: boolean;
  /** How to ask for JSON: `json_schema` where the server supports it. */
  structuredOutput: 'json_schema' | 'json_object' | 'none';
}

export interface Settings {
  planner: PlannerEndpointSettings;
  roles: { planner: EngineChoice; toolCaller: EngineChoice; solver: EngineChoice };
  /** Catalog ids of the in-browser models (src/engines/model-catalog.ts). */
  models: { webgpu: string; cpu: string };
  /**
   * Self-hosted models from the model manager: chosen with `models.cpu = 'custom-gguf'` or
   * `models.webgpu = 'custom-webllm'`.
   */
  customModels?: { cpu?: { url: string }; webgpu?: { modelId: string; modelUrl: string; modelLibraryUrl: string } };
  /** GGUF on WebGPU: the CPU engine's GGUF models offload their layers to the GPU (adapters with shader-f16). */
  ggufOnWebGpu?: boolean;
  /** Tools switched off by name; every other known tool is on. */
  disabledTools: string[];
  concurrency: number;
  /** Evidence longer than this many characters is cut with a marker. */
  evidenceLimit: number;
  toolTimeoutMs: number;
  /** Plans longer than this are cut there, with a message (a planner can write steps without end). */
  maxPlanSteps: number;
  pauseBeforeEachStep: boolean;
  /** Tools that pause the run before any step using them. */
  toolBreakpoints: string[];
  /** Settings the tools read (proxies, languages). */
  toolSettings: Record<string, string>;
  /** The prompts runs use, and the preset they were last loaded from (or saved as). */
  prompts: PromptPreset;
  /** Saved prompt presets (Default is built in and not among them). */
  promptPresets: PromptPreset[];
  /**
   * Where Export → Send to OTLP endpoint posts a run (OTLP/HTTP, JSON), and the
   * headers it sends, `Name: value` per line (credentials: kept for the session only).
   */
  otlp: { url: string; headers: string };
}

export const defaultSettings: Settings = {
  planner: { url: 'http://127.0.0.1:8000/v1', model: '', apiKey: '', rememberKey: false, structuredOutput: 'json_schema' },
  roles: { planner: 'planner-endpoint', toolCaller: 'planner-endpoint', solver: 'planner-endpoint' },
  models: { webgpu: '', cpu: '' },
  disabledTools: [],
  concurrency: 4,
  evidenceLimit: 8000,
  toolTimeoutMs: 30_000,
  maxPlanSteps: defaultMaxPlanSteps,
  pauseBeforeEachStep: false,
  toolBreakpoints: [],
  toolSettings: { wikiLanguage: 'en' },
  prompts: { name: defaultPresetName, templates: defaultTemplates },
  promptPresets: [],
  otlp: { url: '', headers: '' },
};

/** `Name: value` lines as headers; lines without a colon are left out. */
export function parseHeaderLines(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) && value !== '') headers[name] = value;
  }
  return headers;
}

/** The presets a person can pick: Default first, then the saved ones. */
export function allPromptPresets(settings: Pick<Settings, 'promptPresets'>): PromptPreset[] {
  return [{ name: defaultPresetName, templates: defaultTemplates }, ...settings.promptPresets.filter((preset) => preset.name !== defaultPresetName)];
}

function sameTemplates(a: PromptTemplates, b: PromptTemplates): boolean {
  return a.planner === b.planner && a.solver === b.solver && a.toolCaller === b.toolCaller;
}

/**
 * The prompts a run records: the preset's name when the text is the preset's, else the name
 * with "(edited)", so a trace never claims a preset it did not use.
 */
export function currentPrompts(settings: Pick<Settings, 'prompts' | 'promptPresets'>): PromptPreset {
  const { name, templates } = settings.prompts;
  const preset = allPromptPresets(settings).find((candidate) => candidate.name === name);
  return { name: preset && sameTemplates(preset.templates, templates) ? name : `${name} (edited)`, templates };
}

export interface SettingsSlice {
  settings: Settings;
  updateSettings: (change: Partial<Settings>) => void;
  updatePlanner: (change: Partial<PlannerEndpointSettings>) => void;
  setRole: (role: keyof Settings['roles'], choice: EngineChoice) => void;
  setToolEnabled: (name: string, enabled: boolean) => void;
  setToolBreakpoint: (name: string, enabled: boolean) => void;
}

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => ({
  settings: defaultSettings,
  updateSettings: (change) => set((state) => ({ settings: { ...state.settings, ...change } })),
  updatePlanner: (change) => set((state) => ({ settings: { ...state.settings, planner: { ...state.settings.planner, ...change } } })),
  setRole: (role, choice) => set((state) => ({ settings: { ...state.settings, roles: { ...state.settings.roles, [role]: choice } } })),
  setToolEnabled: (name, enabled) =>
    set((state) => ({
      settings: {
        ...state.settings,
        disabledTools: enabled ? state.settings.disabledTools.filter((tool) => tool !== name) : [...new Set([...state.settings.disabledTools, name])],
      },
    })),
  setToolBreakpoint: (name, enabled) =>
    set((state) => ({
      settings: {
        ...state.settings,
        toolBreakpoints: enabled ? [...new Set([...state.settings.toolBreakpoints, name])] : state.settings.toolBreakpoints.filter((tool) => tool !== name),
      },
    })),
});
