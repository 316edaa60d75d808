// Loads the wasm core in a browser or worker. Memoised: one module per realm.
// 'firstnet-core' is build/wasm/firstnet-core.mjs (vite.config.ts alias); its glue finds
// the .wasm with new URL('firstnet-core.wasm', import.meta.url), which Vite rewrites to the
// hashed asset, and fetches it with instantiateStreaming (served as application/wasm).
import createFirstnetModule from 'firstnet-core';
import { Engine } from './engine';

let engine: Promise<Engine> | null = null;

export function loadEngine(): Promise<Engine> {
  engine ??= createFirstnetModule().then((m) => new Engine(m));
  return engine;
}
