import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The web app: sources in web/, static assets (the generated MNIST chunks) in public/,
// output in dist/. base './' makes every URL relative, so dist/ works from any sub-path
// (a textbook's /widgets/firstnet/, a file server, GitHub Pages).
const root = fileURLToPath(new URL('./web', import.meta.url));
const wasmDir = fileURLToPath(new URL('./build/wasm', import.meta.url));

export default defineConfig({
  root,
  base: './',
  publicDir: resolve(root, '../public'),
  resolve: {
    // The generated wasm glue; tsconfig.json maps the same name to its hand-written .d.ts.
    alias: { 'firstnet-core': resolve(wasmDir, 'firstnet-core.mjs') },
  },
  build: {
    outDir: resolve(root, '../dist'),
    emptyOutDir: true,
    target: 'es2022',
    // Multi-page: index.html now; embed.html joins this list when embed mode lands.
    rolldownOptions: {
      input: {
        index: resolve(root, 'index.html'),
      },
    },
  },
  worker: {
    // A module worker: it imports the ES-module wasm glue.
    format: 'es',
  },
  server: {
    fs: {
      // The worker imports build/wasm/firstnet-core.mjs (alias firstnet-core), outside the root.
      allow: [resolve(root, '..'), wasmDir],
    },
  },
});
