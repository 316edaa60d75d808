// Loads the wasm core in a browser or worker. Memoised: one module per realm.
// 'firstnet-core' is build/wasm/firstnet-core.mjs (vite.config.ts alias); its glue finds
// the .wasm with new URL('firstnet-core.wasm', import.meta.url), which Vite rewrites to the
// hashed asset, and fetches it with instantiateStreaming (served as application/wasm).
//
// A cross-origin-isolated page (COOP same-origin + COEP require-corp: SharedArrayBuffer
// exists) gets the threaded module instead, from a chunk of its own (load-browser-mt.ts),
// so a page that is not isolated never fetches it. Its trainers use 2 threads and give
// the same bits as one (kernels.cpp splits products by output columns). If it cannot
// start, the default module is used and the console says why: threads are a speed-up,
// never a reason for the app not to work.
import createFirstnetModule from 'firstnet-core';
import { Engine } from './engine';

/** The threaded module's threads (CMakeLists.txt FIRSTNET_MT_THREADS). */
const MT_THREADS = 2;

let engine: Promise<Engine> | null = null;
/** The threaded module: not tried, starting, running, or given up (then the default one runs). */
let threaded: 'no' | 'starting' | 'running' | 'abandoned' = 'no';

export function loadEngine(): Promise<Engine> {
  if (engine) return engine;
  if (!threadsPossible()) return (engine = loadDefault());
  threaded = 'starting';
  engine = import('./load-browser-mt')
    .then((m) => m.loadThreadedModule())
    .then(
      (m) => {
        threaded = 'running';
        return new Engine(m, MT_THREADS);
      },
      (e: unknown) => {
        threaded = 'abandoned';
        console.warn(`firstnet: the threaded engine could not start (${e instanceof Error ? e.message : String(e)}); using the single-threaded one`);
        return loadDefault();
      },
    );
  return engine;
}

/**
 * True for an error that escaped from a pthread worker of a threaded module that is still
 * starting or was given up: Emscripten's handler rethrows the worker's error event
 * (library_pthread.js: worker.onerror … throw e), and the pool has two workers, so the
 * second can fail after the first made the page fall back. Not a crash of the engine in
 * use (worker.ts ignores it); once the threaded module runs, it is one.
 */
export function isThreadStartError(error: unknown): boolean {
  return (threaded === 'starting' || threaded === 'abandoned') && error instanceof Event;
}

function loadDefault(): Promise<Engine> {
  return createFirstnetModule().then((m) => new Engine(m));
}

/** Threads can run here: the realm is cross-origin isolated and has a second core. */
function threadsPossible(): boolean {
  return globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function' && (globalThis.navigator?.hardwareConcurrency ?? 1) >= MT_THREADS;
}
