#!/usr/bin/env node
// `npx firstnet …`: runs the bundled CLI (build/cli/firstnet.mjs, made by `npm run build`).
import { existsSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const bundle = new URL('build/cli/firstnet.mjs', root);
if (!existsSync(bundle) || !existsSync(new URL('build/wasm/firstnet-core.wasm', root))) {
  process.stderr.write('firstnet: not built yet — run `npm run build` (or `npm start`) first\n');
  process.exit(1);
}
const { main } = await import(bundle.href);
process.exitCode = await main(process.argv.slice(2), root);
