// Bundles the CLI (web/src/cli/main.ts and what it imports) into build/cli/firstnet.mjs.
// The wasm module itself is loaded at run time from build/wasm/, not bundled.
import { build } from 'esbuild';

await build({
  entryPoints: ['web/src/cli/main.ts'],
  outfile: 'build/cli/firstnet.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
