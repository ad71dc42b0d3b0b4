import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'toolkit/**/*.test.ts', 'e2e/fixtures/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
