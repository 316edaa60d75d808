// Loads the wasm core in a browser or worker. Memoised: one module per realm.
import createFirstnetModule from '../../../build/wasm/firstnet-core.mjs';
import wasmUrl from '../../../build/wasm/firstnet-core.wasm?url';
import { Engine } from './engine';

let engine: Promise<Engine> | null = null;

export function loadEngine(): Promise<Engine> {
  engine ??= createFirstnetModule({ locateFile: () => wasmUrl }).then((m) => new Engine(m));
  return engine;
}
