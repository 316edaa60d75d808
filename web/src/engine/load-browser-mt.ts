// The threaded core, build/wasm/firstnet-core-mt.* (CMakeLists.txt: -pthread, 2 threads),
// for a cross-origin-isolated page. Reached only through load-browser.ts's dynamic import,
// so a page that is not isolated fetches neither this chunk nor the files it names.
//
// Vite takes the three build outputs as plain assets (?url: hashed names, not bundled,
// never inlined: vite.config.ts). The glue must stay the one file Emscripten wrote:
// every pthread worker imports that same file (mainScriptUrlOrBlob) to run the module, and
// bundling it would make Vite follow its `new Worker(new URL('firstnet-core-mt.worker.js',
// import.meta.url))` and rebuild Emscripten's classic worker script as a module worker.
// With locateFile set, the glue takes the .wasm and the worker script from here instead
// (library_pthread.js allocateUnusedWorker, preamble.js). No blob: or data: URL is made:
// the pthread workers are same-origin scripts, so a CSP of 'self' covers them.
import glueUrl from '../../../build/wasm/firstnet-core-mt.mjs?url';
import wasmUrl from '../../../build/wasm/firstnet-core-mt.wasm?url';
import workerUrl from '../../../build/wasm/firstnet-core-mt.worker.js?url';
import type { FirstnetModule, ModuleOptions } from './firstnet-wasm';

/**
 * Startup has this long (module, wasm, and the pthread workers that each import the glue
 * and instantiate the wasm) before the page gives up on threads: a pthread worker whose
 * import fails never reports back, and the module would wait for it forever.
 */
const START_TIMEOUT_MS = 15_000;

/** The module with its pthread workers started; rejects if any part fails to load. */
export async function loadThreadedModule(): Promise<FirstnetModule> {
  const abs = (u: string) => new URL(u, globalThis.location.href).href;
  const urls = { glue: abs(glueUrl), wasm: abs(wasmUrl), worker: abs(workerUrl) };
  const mod = (await import(/* @vite-ignore */ urls.glue)) as { default: (o: ModuleOptions) => Promise<FirstnetModule> };
  let fail: (e: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const workerFailed = () => fail(new Error(`a pthread worker failed to load (${urls.worker})`));
  const timer = setTimeout(() => fail(new Error(`its threads did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
  const options: ModuleOptions = {
    locateFile: (path) => (path.endsWith('.wasm') ? urls.wasm : path.endsWith('.worker.js') ? urls.worker : path),
    mainScriptUrlOrBlob: urls.glue,
  };
  try {
    const ready = mod.default(options);
    // The factory has started the pool's workers already (PThread.init, run by the module
    // body; Module.PThread is exported for worker.js). A worker whose script cannot be
    // loaded fires error on its Worker, possibly before Emscripten has put a handler there.
    const pool = (options as { PThread?: { unusedWorkers?: unknown } }).PThread?.unusedWorkers;
    for (const w of Array.isArray(pool) ? pool : []) if (w instanceof Worker) w.addEventListener('error', workerFailed);
    return await Promise.race([ready, failed]);
  } finally {
    clearTimeout(timer);
  }
}
