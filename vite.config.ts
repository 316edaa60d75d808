import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { type Plugin, defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { contentSecurityPolicy } from './scripts/vite-csp';

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
    // The threaded module's files (web/src/engine/load-browser-mt.ts, ?url) are always real
    // files: a pthread worker cannot be started from a data: URL, nor import one.
    assetsInlineLimit: (file) => (/firstnet-core-mt[.\w]*$/.test(file) ? false : undefined),
    // Multi-page: the app, the widget alone for iframes (contract §4), and a textbook page
    // that embeds three widgets. dist/firstnet-widget.js comes from firstnetWidget() below.
    rolldownOptions: {
      input: {
        index: resolve(root, 'index.html'),
        embed: resolve(root, 'embed.html'),
        'textbook-demo': resolve(root, 'textbook-demo.html'),
      },
    },
  },
  plugins: [
    firstnetWidget(),
    // A CSP meta tag in every built page (scripts/vite-csp.ts).
    contentSecurityPolicy(),
    // The service worker (web/src/sw.ts): precaches the app shell, wasm and data manifest
    // with a revision each; MNIST chunks are cached at run time. Registered by
    // web/src/ui/offline.ts (not injected), so the pages decide when.
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      injectRegister: false,
      manifest: false,
      injectManifest: {
        globPatterns: ['**/*.{html,js,css,wasm,svg}', 'data/*/manifest.json'],
        // The threaded module (and its loader's chunk) is fetched only by a cross-origin-
        // isolated page: precaching it would make every other page download it too.
        // Offline, an isolated page falls back to the precached single-threaded module.
        globIgnores: ['**/*.bin', '**/firstnet-core-mt*', '**/load-browser-mt*'],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
      },
    }),
  ],
  worker: {
    // A module worker: it imports the ES-module wasm glue (and, when the page is
    // cross-origin isolated, the threaded glue by URL: load-browser-mt.ts).
    format: 'es',
  },
  server: {
    fs: {
      // The worker imports build/wasm/firstnet-core.mjs (alias firstnet-core), outside the root.
      allow: [resolve(root, '..'), wasmDir],
    },
  },
});

/**
 * dist/firstnet-widget.js: the <firstnet-widget> element (web/src/embed/element.ts) as one
 * classic script under a stable name — a module script from another origin would need CORS
 * headers from the author's host; a classic script does not. The dev server builds it on
 * request.
 */
function firstnetWidget(): Plugin {
  const bundle = async (): Promise<string> => {
    const out = await esbuild({
      entryPoints: [resolve(root, 'src/embed/element.ts')],
      bundle: true,
      format: 'iife',
      minify: true,
      target: 'es2020',
      legalComments: 'none',
      write: false,
    });
    return out.outputFiles[0]!.text;
  };
  return {
    name: 'firstnet-widget',
    async generateBundle(_options, output) {
      // Only beside the pages (not in the worker's or the service worker's own bundles).
      if (!Object.values(output).some((c) => c.type === 'chunk' && c.facadeModuleId?.endsWith('.html'))) return;
      this.emitFile({ type: 'asset', fileName: 'firstnet-widget.js', source: await bundle() });
    },
    configureServer(server) {
      server.middlewares.use('/firstnet-widget.js', (_req, res, next) => {
        bundle().then((js) => {
          res.setHeader('Content-Type', 'text/javascript');
          res.end(js);
        }, next);
      });
    },
  };
}
