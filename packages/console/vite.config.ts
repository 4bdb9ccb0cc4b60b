import { defineConfig } from 'vite';

/** Builds the console into `dist/`, which `dbplane up` serves at `/`. */
export default defineConfig({
  base: '/',
  resolve: { conditions: ['source'] },
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 2000 },
  server: { proxy: { '/v1': 'http://127.0.0.1:7070' } },
});
