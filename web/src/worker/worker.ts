/// <reference lib="webworker" />
// The training worker: owns the wasm Engine, the MNIST Datasets and the current
// TrainingRun. Trains in slices of ~25 ms of work, posting progress after each and
// yielding to the event loop between slices so pause/reset requests are handled.
// DOM-free (web/src/worker/tsconfig.json type-checks it against the webworker lib only).
import type { TrainConfig } from '../config/types';
import { loadDataset } from '../data/chunks';
import type { Dataset, Engine } from '../engine/engine';
import { loadEngine } from '../engine/load-browser';
import {
  type ErrorCause,
  type EventBody,
  GRID_COUNT,
  type Request,
  type RunState,
  ProtocolError,
  requestIdOf,
  validateRequest,
} from './protocol';
import { TrainingRun } from './session';

const SLICE_MS = 25;
const TEST_CAPACITY = 10_000;
const RATE_WINDOW_MS = 500;

type Post = (message: unknown, transfer?: Transferable[]) => void;

/** The MNIST rows in wasm memory, filled chunk by chunk as they arrive. */
class DataStore {
  loaded = false;
  gridSent = false;
  constructor(
    readonly test: Dataset,
    readonly train: Dataset,
  ) {}
  /** Copies a part in, clipped to the capacity (a chunk may hold more rows than asked for). */
  static write(d: Dataset, offset: number, images: Uint8Array, labels: Uint8Array): void {
    const n = Math.min(labels.length, d.capacity - offset);
    if (n > 0) d.write(offset, images.subarray(0, n * 784), labels.subarray(0, n));
  }
  dispose(): void {
    this.test.dispose();
    this.train.dispose();
  }
}

class WorkerHost {
  private readonly engine: Promise<Engine>;
  private dataUrl: string | null = null;
  private config: TrainConfig | null = null;
  private data: DataStore | null = null;
  private loadGeneration = 0;
  private loadAbort: AbortController | null = null;
  private run: TrainingRun | null = null;
  private state: RunState = 'loading';
  /** Train was asked for before the data was in. */
  private wantTrain = false;
  /** Requests are handled one at a time, in order (configure awaits the engine). */
  private queue: Promise<void> = Promise.resolve();
  private readonly tick = new MessageChannel();
  private sliceScheduled = false;
  private rate = { t: 0, samples: 0, perSec: 0 };

  constructor(private readonly post: Post) {
    this.engine = loadEngine();
    this.engine.then(
      (e) => this.emit({ type: 'ready', version: e.version }),
      (e) => this.fail('engine', `The training engine (WebAssembly) could not be loaded: ${messageOf(e)}`),
    );
    // Yield between slices with a message to ourselves: unlike nested setTimeout(0),
    // it is not clamped to 4 ms, and queued requests still run in between.
    this.tick.port1.onmessage = () => {
      this.sliceScheduled = false;
      this.runSlice();
    };
  }

  receive(data: unknown): void {
    let request: Request;
    try {
      request = validateRequest(data);
    } catch (e) {
      const id = requestIdOf(data);
      const message = `Unexpected message to the training worker: ${messageOf(e)}`;
      if (id !== null) this.post({ kind: 'response', id, ok: false, error: message });
      this.emit({ type: 'error', cause: 'protocol', message });
      return;
    }
    this.queue = this.queue.then(async () => {
      try {
        await this.handle(request);
        this.post({ kind: 'response', id: request.id, ok: true });
      } catch (e) {
        this.post({ kind: 'response', id: request.id, ok: false, error: messageOf(e) });
      }
    });
  }

  private async handle(r: Request): Promise<void> {
    switch (r.method) {
      case 'init':
        this.dataUrl = r.dataUrl;
        return;
      case 'configure':
        return this.configure(r.config);
      case 'train':
        return this.train();
      case 'pause':
        return this.pause();
      case 'step':
        return this.step();
      case 'reset':
        if (!this.config) throw new Error('reset before configure');
        return this.configure(this.config);
    }
  }

  /** A new run: a fresh network for `config`; loads more data if it needs more rows. */
  private async configure(config: TrainConfig): Promise<void> {
    const engine = await this.engine;
    this.run?.dispose();
    this.run = null;
    this.wantTrain = false;
    this.config = config;
    try {
      this.run = new TrainingRun(engine, config);
    } catch (e) {
      const message = `This configuration cannot be trained: ${messageOf(e)}`;
      this.fail('config', message);
      throw new Error(message);
    }
    this.ensureData(engine, config.train);
    if (this.data?.loaded) {
      this.setState('idle');
      this.postGridPredictions();
    } else {
      this.setState('loading');
    }
  }

  private train(): void {
    if (!this.config) throw new Error('train before configure');
    if (this.state === 'training' || this.state === 'waiting') return;
    if (this.state === 'done' || this.state === 'failed' || !this.run) {
      throw new Error(this.state === 'done' ? 'training is done: reset to train again' : 'no network to train: reset first');
    }
    if (!this.data?.loaded) {
      this.wantTrain = true;
      this.setState('waiting');
      return;
    }
    this.rate = { t: performance.now(), samples: this.run.samplesSeen, perSec: this.rate.perSec };
    this.setState('training');
    this.scheduleSlice();
  }

  private pause(): void {
    if (this.state === 'training') this.setState('paused');
    if (this.state === 'waiting') {
      this.wantTrain = false;
      this.setState('loading');
    }
  }

  private step(): void {
    const run = this.run;
    if (!run || !this.data?.loaded) throw new Error('no data yet: wait for the download');
    if (this.state === 'training' || this.state === 'done' || this.state === 'failed') return;
    this.setState('paused');
    this.trainSlice(run, this.data, 1);
  }

  /** Examples processed, counting the part of a step in progress (for samples per second). */
  private samplesDone(run: TrainingRun): number {
    return run.samplesSeen + Math.round(run.stepProgress * run.batchSize);
  }

  private scheduleSlice(): void {
    if (this.sliceScheduled) return;
    this.sliceScheduled = true;
    this.tick.port2.postMessage(null);
  }

  private runSlice(): void {
    const run = this.run;
    const data = this.data;
    if (this.state !== 'training' || !run || !data?.loaded) return;
    this.trainSlice(run, data, Infinity);
    if (this.state === 'training') this.scheduleSlice();
  }

  /** One slice of work and everything it leads to: progress, evaluation, done or failure. */
  private trainSlice(run: TrainingRun, data: DataStore, maxSteps: number): void {
    let result;
    try {
      result = run.slice(data.train, SLICE_MS, maxSteps);
    } catch (e) {
      const message = run.diverged ? divergedMessage(run) : `Training stopped at step ${run.step}: ${messageOf(e)}`;
      this.fail(run.diverged ? 'diverged' : 'exception', message);
      return;
    }
    const now = performance.now();
    if (now - this.rate.t >= RATE_WINDOW_MS) {
      const samples = this.samplesDone(run);
      this.rate = { t: now, samples, perSec: ((samples - this.rate.samples) * 1000) / (now - this.rate.t) };
    }
    this.emit({
      type: 'progress',
      epoch: run.epoch,
      step: run.step,
      stepInEpoch: run.stepInEpoch,
      samplesSeen: run.samplesSeen,
      stepProgress: run.stepProgress,
      losses: result.losses,
      firstStep: result.firstStep,
      samplesPerSec: this.rate.perSec,
    });
    if (run.diverged) {
      this.fail('diverged', divergedMessage(run));
      return;
    }
    if (!result.epochEnded) return;
    try {
      const ev = run.evaluate(data.test);
      this.emit(
        { type: 'evaluation', epoch: run.epoch, step: run.step, testAccuracy: ev.testAccuracy, testLoss: ev.testLoss, probabilities: ev.probabilities },
        [ev.probabilities.buffer],
      );
    } catch (e) {
      this.fail('exception', `Evaluation after epoch ${run.epoch} failed: ${messageOf(e)}`);
      return;
    }
    if (run.finished) {
      this.setState('done');
      this.emit({ type: 'done', epoch: run.epoch });
    }
  }

  /** Starts loading unless the rows `trainCount` needs are loaded or on their way. */
  private ensureData(engine: Engine, trainCount: number): void {
    if (this.data && this.data.train.capacity >= trainCount) return;
    if (!this.dataUrl) throw new Error('configure before init: the data URL is unknown');
    this.loadAbort?.abort();
    const generation = ++this.loadGeneration;
    const abort = (this.loadAbort = new AbortController());
    // Keep a complete test set; everything else starts again.
    const keepTest = this.data?.loaded ? this.data.test : null;
    if (this.data && !keepTest) this.data.test.dispose();
    this.data?.train.dispose();
    const data = (this.data = new DataStore(keepTest ?? engine.createDataset(TEST_CAPACITY), engine.createDataset(trainCount)));
    data.gridSent = keepTest !== null;
    const current = () => generation === this.loadGeneration;
    void this.loadInto(data, this.dataUrl, trainCount, abort.signal, current, keepTest !== null);
  }

  private async loadInto(data: DataStore, url: string, trainCount: number, signal: AbortSignal, current: () => boolean, skipTest: boolean): Promise<void> {
    try {
      const parts = loadDataset(url, {
        trainCount,
        signal,
        onProgress: (p) => {
          if (!current()) return;
          this.emit({ type: 'dataProgress', loadedBytes: p.loadedBytes, totalBytes: p.totalBytes || 0, testRows: data.test.count, trainRows: data.train.count });
        },
      });
      for await (const part of parts) {
        if (!current()) return; // superseded: the datasets may be disposed
        if (part.set === 'test') {
          if (!skipTest) DataStore.write(data.test, part.offset, part.images, part.labels);
        } else {
          DataStore.write(data.train, part.offset, part.images, part.labels);
        }
        if (!data.gridSent && data.test.count >= Math.min(GRID_COUNT, data.test.capacity)) this.postGridImages(data);
      }
      if (!current()) return;
      if (data.train.count < trainCount) throw new Error(`the data set has ${data.train.count} training images, ${trainCount} were asked for`);
      if (data.test.count === 0) throw new Error('the data set has no test images');
      if (!data.gridSent) this.postGridImages(data);
      data.loaded = true;
      this.emit({ type: 'dataReady', testRows: data.test.count, trainRows: data.train.count });
      this.onDataLoaded();
    } catch (e) {
      if (!current() || signal.aborted) return;
      this.fail('data', `The MNIST data could not be loaded: ${messageOf(e)}`);
    }
  }

  private onDataLoaded(): void {
    if (!this.run) return;
    if (this.state === 'loading' || this.state === 'waiting') {
      const start = this.wantTrain;
      this.wantTrain = false;
      this.setState('idle');
      this.postGridPredictions();
      if (start) this.train();
    }
  }

  private postGridImages(data: DataStore): void {
    const n = Math.min(GRID_COUNT, data.test.count);
    const pixels = new Uint8Array(n * 784);
    for (let i = 0; i < n; i++) pixels.set(data.test.image(i), i * 784);
    const labels = data.test.labels(0, n);
    data.gridSent = true;
    this.emit({ type: 'gridImages', pixels, labels }, [pixels.buffer, labels.buffer]);
  }

  /** The untrained network's guesses for the grid (no test-set accuracy yet). */
  private postGridPredictions(): void {
    if (!this.run || !this.data?.loaded) return;
    try {
      const probabilities = this.run.gridProbabilities(this.data.test);
      this.emit({ type: 'evaluation', epoch: this.run.epoch, step: this.run.step, testAccuracy: null, testLoss: null, probabilities }, [probabilities.buffer]);
    } catch (e) {
      this.fail('exception', `Predicting the grid images failed: ${messageOf(e)}`);
    }
  }

  private setState(state: RunState): void {
    if (state === this.state) return;
    this.state = state;
    this.emit({ type: 'state', state });
  }

  /** Reports an error and stops training; Reset or a new configuration starts again. */
  fail(cause: ErrorCause, message: string): void {
    this.wantTrain = false;
    this.setState('failed');
    this.emit({ type: 'error', cause, message });
  }

  private emit(body: EventBody, transfer: Transferable[] = []): void {
    this.post({ ...body, kind: 'event' }, transfer);
  }
}

function divergedMessage(run: TrainingRun): string {
  return (
    `Training diverged at step ${run.step}: the loss or a weight became NaN or infinite ` +
    `(learning rate ${run.config.lr}, init ${run.config.init.kind}). Try a smaller learning rate, then Reset.`
  );
}

function messageOf(e: unknown): string {
  if (e instanceof ProtocolError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

// ---------------------------------------------------------------- entry

const scope = self as unknown as DedicatedWorkerGlobalScope;
const host = new WorkerHost((message, transfer = []) => scope.postMessage(message, transfer));
scope.addEventListener('message', (e: MessageEvent<unknown>) => host.receive(e.data));
// Anything that escapes becomes an error event: the worker stays alive and says why.
scope.addEventListener('error', (e: ErrorEvent) => {
  e.preventDefault();
  host.fail('exception', `Unexpected error in the training worker: ${e.message}`);
});
scope.addEventListener('unhandledrejection', (e: PromiseRejectionEvent) => {
  e.preventDefault();
  host.fail('exception', `Unexpected error in the training worker: ${messageOf(e.reason)}`);
});
