import { defineConfig } from '@playwright/test';

// Debian's Chromium by default; STEPWISE_CHROMIUM points at another Chrome or Chromium.
const executablePath = process.env.STEPWISE_CHROMIUM ?? '/usr/bin/chromium';
const appPort = 4173;
export const plannerPort = 8787;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? 'reports/playwright.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${appPort}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--enable-unsafe-webgpu',
        '--enable-unsafe-swiftshader',
        '--use-webgpu-adapter=swiftshader',
      ],
    },
  },
  webServer: [
    {
      command: `npm run build && npx vite preview --port ${appPort} --strictPort`,
      url: `http://127.0.0.1:${appPort}`,
      reuseExistingServer: !process.env.CI,
      timeout: 180_000,
    },
    {
      command: `npx tsx e2e/fixtures/planner-server-cli.ts --port ${plannerPort} --profile vllm`,
      url: `http://127.0.0.1:${plannerPort}/v1/models`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
  ],
});
