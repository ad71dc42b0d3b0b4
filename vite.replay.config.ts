import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { webLLMModels } from './scripts/vite-webllm-models.ts';
import { viteSingleFile } from 'vite-plugin-singlefile';

// The replay page (Export → Replay page): one self-contained .html file, code, styles and the
// trace inside, that replays a run from disk with no network. Built after the app into
// dist/replay.html; the app fills in the trace when a person exports one. A replay runs no model
// and no tool: the runtime is replaced by a stand-in, so it is not in the file.
export default defineConfig({
  plugins: [react(), webLLMModels(), viteSingleFile()],
  resolve: {
    alias: [{ find: /^\.\/runtime\.ts$/, replacement: fileURLToPath(new URL('./src/store/runtime-unavailable.ts', import.meta.url)) }],
  },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: false,
    rolldownOptions: { input: fileURLToPath(new URL('./replay.html', import.meta.url)) },
  },
});
