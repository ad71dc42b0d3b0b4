import { createOpenAIEngine } from '../core/llm/openai-engine.ts';
import type { ChatEngine } from '../core/llm/types.ts';
import { StepwiseError } from '../core/errors.ts';
import { createInBrowserEngine, resolveInBrowserModel, type ModelTarget } from '../engines/model-choice.ts';
import type { InBrowserChatEngine, ModelLoadProgress } from '../engines/types.ts';
import type { EngineChoice, Settings } from './settings-slice.ts';

/** The endpoint is not set up, and a role needs it. */
export class EngineSetupError extends StepwiseError {
  override readonly name = 'EngineSetupError';
}

// In-browser engines hold a loaded model: keep one per model across runs.
const inBrowserEngines = new Map<string, Promise<InBrowserChatEngine>>();

function inBrowserEngine(choice: ModelTarget, settings: Settings, onProgress: (progress: ModelLoadProgress) => void): Promise<InBrowserChatEngine> {
  const spec = resolveInBrowserModel(choice, settings);
  let engine = inBrowserEngines.get(spec.key);
  if (!engine) {
    engine = createInBrowserEngine(spec, onProgress);
    // A failed import must not stay cached: the next run tries again.
    engine.catch(() => inBrowserEngines.delete(spec.key));
    inBrowserEngines.set(spec.key, engine);
  }
  return engine;
}

/** The planner endpoint from settings, or a clear error when it is not set up. */
export function plannerEndpoint(settings: Settings): ChatEngine {
  const { url, model, apiKey, structuredOutput } = settings.planner;
  if (!url.trim() || !model.trim()) {
    throw new EngineSetupError('The planner endpoint is not set up.', {
      hint: 'Open Settings and enter the Planner URL (ending in /v1) and the Planner model, or choose an in-browser model for each role.',
    });
  }
  return createOpenAIEngine({ baseUrl: url.trim().replace(/\/+$/, ''), model: model.trim(), apiKey: apiKey || undefined, structuredOutput });
}

/** Builds the engine for each role from settings; in-browser models load lazily on first use. */
export async function buildEngines(
  settings: Settings,
  onProgress: (progress: ModelLoadProgress) => void = () => {},
): Promise<{ planner: ChatEngine; toolCaller: ChatEngine; solver: ChatEngine }> {
  const cache = new Map<EngineChoice, Promise<ChatEngine>>();
  const engineFor = (choice: EngineChoice) => {
    let engine = cache.get(choice);
    if (!engine) {
      engine = choice === 'planner-endpoint' ? Promise.resolve().then(() => plannerEndpoint(settings)) : inBrowserEngine(choice, settings, onProgress);
      cache.set(choice, engine);
    }
    return engine;
  };
  const [planner, toolCaller, solver] = await Promise.all([
    engineFor(settings.roles.planner),
    engineFor(settings.roles.toolCaller),
    engineFor(settings.roles.solver),
  ]);
  return { planner, toolCaller, solver };
}
