import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { webLLMModels } from './scripts/vite-webllm-models.ts';

// COOP/COEP make the page cross-origin isolated, which multi-threaded WebAssembly
// (the CPU engine) needs; set on both the dev server and `vite preview`.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react(), webLLMModels()],
  server: { host: '127.0.0.1', port: 5173, headers: isolationHeaders },
  // `stepwise.test` (mapped to 127.0.0.1 by the e2e browser) plays a page on a public address.
  preview: { host: '127.0.0.1', port: 4173, headers: isolationHeaders, allowedHosts: ['stepwise.test'] },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    // Two pages: the app, and the tool-calling eval (eval.html).
    rolldownOptions: { input: { main: fileURLToPath(new URL('./index.html', import.meta.url)), eval: fileURLToPath(new URL('./eval.html', import.meta.url)) } },
  },
});
