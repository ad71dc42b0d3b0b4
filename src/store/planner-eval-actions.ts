import { createOpenAIEngine } from '../core/llm/openai-engine.ts';
import type { PromptPreset } from '../core/prompts/templates.ts';
import { runPlannerEval, type EvalTask, type PlanMeasure } from '../eval/planner-eval.ts';
import { buildEngines } from './engines.ts';
import { eventLog } from './run-actions.ts';
import { allPromptPresets } from './settings-slice.ts';
import { useAppStore } from './store.ts';
import { enabledTools } from './toolkit-actions.ts';

/** One configuration as the person sets it on the page. */
export interface EvalConfigurationInput {
  id: string;
  url: string;
  model: string;
  /** A preset name from Settings → Prompts ("Default", saved ones, or the current prompts). */
  preset: string;
}

/** The name under which the prompts now in Settings are offered, when they are not a saved preset. */
export const currentPromptsName = 'Current prompts (Settings)';

/** The presets the page offers: Default, the saved ones, and the prompts now in Settings. */
export function evalPresets(): PromptPreset[] {
  const { settings } = useAppStore.getState();
  return [...allPromptPresets(settings), { name: currentPromptsName, templates: settings.prompts.templates }];
}

/** "2. model @ host · preset": numbered, so two alike configurations can be told apart. */
export function configurationLabel(input: EvalConfigurationInput, index: number): string {
  let host = input.url;
  try {
    host = new URL(input.url).host;
  } catch {
    // Shown as typed; the run says what is wrong with it.
  }
  return `${index + 1}. ${input.model} @ ${host} · ${input.preset}`;
}

/**
 * Runs the planner eval from the page: each configuration's planner is its endpoint and model
 * (with the API key from Settings when the URL is the planner's there); full runs take the tool
 * caller and solver from Settings. Every run is stored like any other, so it opens in the debugger
 * and is in History.
 */
export async function runEvalFromPage(options: {
  tasks: readonly EvalTask[];
  configurations: readonly EvalConfigurationInput[];
  mode: 'plan-only' | 'full';
  concurrency: number;
  signal: AbortSignal;
  onResult: (measure: PlanMeasure, done: number, total: number) => void;
}): Promise<PlanMeasure[]> {
  const { settings, addRunSummary, updateRunSummary } = useAppStore.getState();
  const presets = evalPresets();
  const configurations = options.configurations.map((input, index) => {
    const url = input.url.trim().replace(/\/+$/, '');
    const sameEndpoint = url === settings.planner.url.trim().replace(/\/+$/, '');
    return {
      id: input.id,
      label: configurationLabel(input, index),
      planner: createOpenAIEngine({ baseUrl: url, model: input.model.trim(), apiKey: sameEndpoint && settings.planner.apiKey ? settings.planner.apiKey : undefined, structuredOutput: settings.planner.structuredOutput }),
      prompts: presets.find((preset) => preset.name === input.preset) ?? (presets[0] as PromptPreset),
    };
  });
  const engines = options.mode === 'full' ? await buildEngines(settings) : undefined;
  const measures = await runPlannerEval({
    tasks: options.tasks,
    configurations,
    tools: enabledTools(),
    mode: options.mode,
    ...(engines ? { engines: { toolCaller: engines.toolCaller, solver: engines.solver, llmTool: engines.solver } } : {}),
    concurrency: options.concurrency,
    signal: options.signal,
    onEvent: (runId, event, job) => {
      eventLog.append(runId, event);
      if (event.type === 'run-start') addRunSummary({ id: runId, task: job.task.task, createdAt: event.startedAt, status: 'planning', stepCount: 0 });
    },
    onResult: (measure, done, total) => {
      updateRunSummary(measure.runId, { status: measure.status, stepCount: measure.steps });
      options.onResult(measure, done, total);
    },
  });
  await eventLog.flush();
  return measures;
}
