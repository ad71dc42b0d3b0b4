import { defineConfig } from 'vitest/config';
import { webLLMModels } from './scripts/vite-webllm-models.ts';

export default defineConfig({
  plugins: [webLLMModels()],
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'toolkit/**/*.test.ts', 'e2e/fixtures/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
