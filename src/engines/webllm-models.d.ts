// Built from the installed @mlc-ai/web-llm by scripts/vite-webllm-models.ts.
declare module 'virtual:webllm-models' {
  export const webLLMVersion: string;
  export const webLLMModels: readonly import('../../scripts/vite-webllm-models.ts').WebLLMModelRecord[];
}
