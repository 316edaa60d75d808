// The threaded wasm core (build/wasm/firstnet-core-mt.*, CMakeLists.txt) in node, wrapped
// in the same Engine as the default module. The app's worker loads it only when the page
// is cross-origin isolated (web/src/engine/load-browser-mt.ts), see README.
//
// Two things differ from web/src/engine/load-node.ts: the pthread worker script is loaded
// as firstnet-core-mt.worker.cjs (the build's copy: this package is "type": "module", and
// Emscripten 3.1.6's worker is CommonJS), and TrainerSpec's `threads` field, which only this
// module binds, is given by the caller.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { Engine, type Trainer, type TrainerSpec } from '../web/src/engine/engine';
import type { FirstnetModule, ModuleOptions } from '../web/src/engine/firstnet-wasm';

/** TrainerSpec.threads of firstnet-core-mt: at most the module's FIRSTNET_MT_THREADS (2). */
export type ThreadedSpec = TrainerSpec & { threads: number };

/** Loads firstnet-core-mt.{mjs,wasm} from `dir` (the build/wasm directory). */
export async function loadThreadedEngineNode(dir: string): Promise<Engine> {
  const base = pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`);
  const wasmBinary = await readFile(new URL('firstnet-core-mt.wasm', base));
  const mod = (await import(new URL('firstnet-core-mt.mjs', base).href)) as {
    default: (o: ModuleOptions) => Promise<FirstnetModule>;
  };
  const locateFile = (path: string) =>
    new URL(path.endsWith('.worker.js') ? path.replace(/\.js$/, '.cjs') : path, base).pathname;
  return new Engine(await mod.default({ wasmBinary, locateFile }));
}

/** A trainer of the threaded module (Engine.createTrainer copies every field of spec). */
export function createThreadedTrainer(engine: Engine, spec: ThreadedSpec): Trainer {
  return engine.createTrainer(spec);
}
