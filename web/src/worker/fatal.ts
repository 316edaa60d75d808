// Faults after which the worker's engine cannot be trusted (issue 6, "the worker dies"):
// a WebAssembly trap (unreachable, out-of-bounds access, stack overflow, an Emscripten
// abort), running out of memory (std::bad_alloc from the core, a failed malloc, a failed
// ArrayBuffer allocation), or an exception that escaped every handler. A trap can leave the
// core's objects and Emscripten's stack pointer half-updated, so the worker does not try to
// carry on: it reports cause 'crashed' and the page offers a new worker (client.restart()).
// DOM-free: runs in the worker.

/** What went wrong, in words, if `e` is a fault that needs a new worker; null otherwise. */
export function fatalFault(e: unknown): string | null {
  if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) {
    return `the WebAssembly engine trapped (${short(e.message)})`;
  }
  const message = e instanceof Error ? e.message : String(e);
  if (/std::bad_alloc|could not allocate|out of memory|Array buffer allocation failed|Cannot enlarge memory/i.test(message)) {
    return `it ran out of memory (${short(message)})`;
  }
  if (e instanceof RangeError && /Maximum call stack/i.test(message)) return `its stack overflowed (${short(message)})`;
  return null;
}

/** The one-line message the page shows for a fault. */
export function crashMessage(fault: string): string {
  return `The training engine stopped: ${fault}. Restart it to go on — your settings and charts are kept.`;
}

function short(s: string): string {
  const one = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return one.length > 120 ? `${one.slice(0, 120)}…` : one;
}
