// Loads the wasm core in node (CLI, Vitest). 3.1.6's loader cannot fetch file URLs, so the
// wasm bytes are read here and passed in (TOOLCHAIN.md).
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { Engine } from './engine';
import type { FirstnetModule, ModuleOptions } from './firstnet-wasm';

/** Loads build/wasm/firstnet-core.{mjs,wasm} from `dir` (default: the project's build/wasm). */
export async function loadEngineNode(dir?: string | URL): Promise<Engine> {
  const base = dir ? toDirUrl(dir) : defaultDir();
  const wasmBinary = await readFile(new URL('firstnet-core.wasm', base));
  const mod = (await import(/* @vite-ignore */ new URL('firstnet-core.mjs', base).href)) as {
    default: (o: ModuleOptions) => Promise<FirstnetModule>;
  };
  return new Engine(await mod.default({ wasmBinary }));
}

function defaultDir(): URL {
  // Right when this file runs from source (Vitest); the bundled CLI passes its own dir.
  return new URL('../../../build/wasm/', import.meta.url);
}

function toDirUrl(dir: string | URL): URL {
  const href = dir instanceof URL ? dir.href : pathToFileURL(dir).href;
  return new URL(href.endsWith('/') ? href : `${href}/`);
}
