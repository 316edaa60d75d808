// Main-thread side of the training worker: typed requests (each answered once) and a typed
// event stream, over plain postMessage.
//
// Why not Comlink: most of what the worker says is not an answer to a call but a stream
// it starts on its own (data progress, step losses 40 times a second, evaluations,
// errors). Comlink models calls and would need proxied callbacks for all of that; this
// layer is ~100 lines, validates every message that arrives (protocol.ts), and keeps the
// message format plain data that a test or the embed API can read.
import {
  type EventBody,
  type EventType,
  type RequestBody,
  ProtocolError,
  validateFromWorker,
} from './protocol';

export type EventOf<T extends EventType> = Extract<EventBody, { type: T }>;
type Listener<T extends EventType> = (event: EventOf<T>) => void;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (e: Error) => void;
}

export class TrainingClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<EventType, Set<(e: EventBody) => void>>();

  private worker: Worker;

  /** `factory` makes a new worker for restart() (startTrainingWorker passes one). */
  constructor(
    worker: Worker,
    private readonly factory: (() => Worker) | null = null,
  ) {
    this.worker = worker;
    this.attach(worker);
  }

  private attach(worker: Worker): void {
    // Events of a worker that restart() replaced are ignored.
    const current = () => worker === this.worker;
    worker.addEventListener('message', (e: MessageEvent<unknown>) => current() && this.receive(e.data));
    worker.addEventListener('messageerror', () => {
      if (current()) this.emit({ type: 'error', cause: 'protocol', message: 'A message from the training worker could not be read.' });
    });
    worker.addEventListener('error', (e: ErrorEvent) => {
      // The worker script failed to load, or an error escaped it: nothing will answer.
      e.preventDefault();
      if (!current()) return;
      const message = `The training worker failed: ${e.message || 'it could not be started'}`;
      this.rejectAll(new Error(message));
      this.emit({ type: 'error', cause: 'crashed', message });
    });
  }

  /**
   * Replaces the worker (after a crash: worker/fatal.ts) by a new one. Listeners stay
   * subscribed; requests still waiting are rejected. The caller sends init and configure again.
   */
  restart(): void {
    if (!this.factory) throw new Error('This training client cannot restart its worker.');
    const old = this.worker;
    this.worker = this.factory();
    this.attach(this.worker);
    old.terminate();
    this.rejectAll(new Error('The training engine was restarted.'));
  }

  /** Test-only faults (worker/debugCrash.ts): ignored unless the worker was started with debug on. */
  debug(action: string): void {
    this.worker.postMessage({ kind: 'debug', action });
  }

  /**
   * Sends a request; resolves when the worker has done it (with the answer's `value`, for
   * the requests that have one — check it with its validator), rejects with its error
   * message. `transfer` moves buffers (e.g. a dropped file's bytes) instead of copying them.
   */
  request(body: RequestBody, transfer: Transferable[] = []): Promise<unknown> {
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...body, kind: 'request', id }, transfer);
    });
  }

  /** Subscribes to one event type; returns the unsubscribe function. */
  on<T extends EventType>(type: T, listener: Listener<T>): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    const fn = listener as (e: EventBody) => void;
    set.add(fn);
    return () => set.delete(fn);
  }

  terminate(): void {
    this.worker.terminate();
    this.rejectAll(new Error('The training worker was stopped.'));
    this.listeners.clear();
  }

  private receive(data: unknown): void {
    let msg;
    try {
      msg = validateFromWorker(data);
    } catch (e) {
      const message = e instanceof ProtocolError ? e.message : String(e);
      this.emit({ type: 'error', cause: 'protocol', message: `Unexpected message from the training worker: ${message}` });
      return;
    }
    if (msg.kind === 'response') {
      const p = this.pending.get(msg.id);
      if (!p) return; // answered already or never asked: nothing waits for it
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(new Error(msg.error));
      return;
    }
    const { kind: _kind, ...body } = msg;
    this.emit(body as EventBody);
  }

  private emit(event: EventBody): void {
    for (const fn of this.listeners.get(event.type) ?? []) {
      try {
        fn(event);
      } catch (e) {
        // A failing listener must not silence the others; report it on the console.
        console.error(e);
      }
    }
  }

  private rejectAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

/**
 * Starts the training worker (a module worker; Vite bundles it and its wasm). `debug` (tests
 * only: window.__firstnetDebug) gives it the name that lets it honour debugCrash.ts faults.
 * Two literal `new Worker` calls: Vite needs static worker options to bundle the worker.
 */
export function startTrainingWorker(options: { debug?: boolean } = {}): TrainingClient {
  const make = options.debug
    ? () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'firstnet-training+debug' })
    : () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'firstnet-training' });
  performance.mark?.('firstnet worker created'); // for `npm run bench:browser`'s cold-start timeline
  return new TrainingClient(make(), make);
}
