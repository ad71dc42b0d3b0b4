import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';

/**
 * `virtual:webllm-models`: the web-llm prebuilt models Stepwise offers, with their figures read
 * from the installed @mlc-ai/web-llm's own `prebuiltAppConfig` when the app is built (or served,
 * or tested), so the catalog cannot drift from the library that loads the models. Which models
 * are offered is Stepwise's choice (small models that follow a JSON Schema well, both
 * quantisations); every figure is web-llm's.
 */

export const offeredWebLLMModel =
  /^(?:Qwen3-(?:0\.6|1\.7|4)B|Qwen3\.5-(?:0\.8|2|4)B|Qwen2\.5-(?:0\.5|1\.5|3)B-Instruct|Llama-3\.2-[13]B-Instruct|Hermes-3-Llama-3\.2-3B)-q4f(?:16|32)_1-MLC$/;

/** One offered model as web-llm records it. */
export interface WebLLMModelRecord {
  modelId: string;
  vramRequiredMB: number;
  lowResourceRequired: boolean;
  contextWindow: number;
}

const virtualId = 'virtual:webllm-models';
const resolvedId = `\0${virtualId}`;

/** The offered models from the installed web-llm, and its version. */
export async function readWebLLMModels(): Promise<{ version: string; models: WebLLMModelRecord[] }> {
  const require = createRequire(import.meta.url);
  const { version } = JSON.parse(readFileSync(require.resolve('@mlc-ai/web-llm/package.json'), 'utf8')) as { version: string };
  const { prebuiltAppConfig } = await import('@mlc-ai/web-llm');
  const models = prebuiltAppConfig.model_list
    .filter((model) => offeredWebLLMModel.test(model.model_id))
    .map((model) => ({
      modelId: model.model_id,
      vramRequiredMB: model.vram_required_MB ?? 0,
      lowResourceRequired: model.low_resource_required ?? false,
      contextWindow: model.overrides?.context_window_size ?? 4096,
    }));
  return { version, models };
}

export function webLLMModels(): Plugin {
  return {
    name: 'stepwise-webllm-models',
    resolveId: (source) => (source === virtualId ? resolvedId : undefined),
    async load(id) {
      if (id !== resolvedId) return undefined;
      const { version, models } = await readWebLLMModels();
      return `export const webLLMVersion = ${JSON.stringify(version)};\nexport const webLLMModels = ${JSON.stringify(models)};\n`;
    },
  };
}
