// Test-only faults for the "worker dies" browser test (issue 6). OFF in normal use: the
// worker honours them only when it was started with the debug name (client.ts does that
// only when the page was opened with window.__firstnetDebug = true set before the app
// loads, which only a test or the reader's own console can do). Even then they can only
// break the reader's own tab, which is the point.
//
//   { kind: 'debug', action: 'throw' }  an exception outside any handler (a later task)
//   { kind: 'debug', action: 'trap' }   a WebAssembly trap (`unreachable`) outside any handler
//   { kind: 'debug', action: 'oom' }    fills the engine's wasm heap to its 2 GB limit, so
//                                       the next network (Reset, Train again) does not fit
import type { Engine } from '../engine/engine';

export const DEBUG_WORKER_NAME = 'firstnet-training+debug';
export const DEBUG_ACTIONS = ['throw', 'trap', 'oom'] as const;
export type DebugAction = (typeof DEBUG_ACTIONS)[number];

/** A module whose only function executes `unreachable`: (module (func (export "f") unreachable)). */
const TRAP_WASM = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: () -> ()
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, // export "f" = func 0
  0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b, // code: no locals, unreachable, end
]);

/** Heap blocks held by 'oom' (never freed: the worker is to be replaced). */
const held: number[] = [];

/**
 * Handles `data` if it is a debug message and debug is enabled; returns true if it was a
 * debug message (handled or ignored), false for anything else (a normal request).
 */
export function handleDebugMessage(data: unknown, enabled: boolean, engine: Promise<Engine>): boolean {
  if (typeof data !== 'object' || data === null || (data as { kind?: unknown }).kind !== 'debug') return false;
  const action = (data as { action?: unknown }).action;
  if (!enabled || !DEBUG_ACTIONS.includes(action as DebugAction)) return true; // ignored
  switch (action as DebugAction) {
    case 'throw':
      setTimeout(() => {
        throw new Error('debug: an exception outside any request handler');
      });
      break;
    case 'trap':
      setTimeout(() => {
        const instance = new WebAssembly.Instance(new WebAssembly.Module(TRAP_WASM));
        (instance.exports.f as () => void)();
      });
      break;
    case 'oom':
      void engine.then((e) => {
        // Largest blocks first, then smaller ones, until not even 64 KB is left.
        for (let size = 256 * 1024 * 1024; size >= 64 * 1024; size /= 2) {
          for (;;) {
            const p = e.module._malloc(size);
            if (!p) break;
            held.push(p);
          }
        }
      });
      break;
  }
  return true;
}
