/// <reference lib="webworker" />
// The training worker: owns the wasm Engine, the MNIST Datasets and the current
// TrainingRun. Trains in slices of ~25 ms of work, posting progress after each and
// yielding to the event loop between slices so pause/reset requests are handled.
// DOM-free (web/src/worker/tsconfig.json type-checks it against the webworker lib only).
import type { TrainConfig } from '../config/types';
import type { Engine } from '../engine/engine';
import { loadEngine } from '../engine/load-browser';
import { DataLoader, type MnistData } from './datasets';
import {
  type ErrorCause,
  type EventBody,
  type Request,
  type RunState,
  ProtocolError,
  requestIdOf,
  validateRequest,
} from './protocol';
import { TrainingRun } from './session';

const SLICE_MS = 25;
const RATE_WINDOW_MS = 500;

type Post = (message: unknown, transfer?: Transferable[]) => void;

class WorkerHost {
  private readonly engine: Promise<Engine>;
  private dataUrl: string | null = null;
  private config: TrainConfig | null = null;
  private loader: DataLoader | null = null;
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
    if (this.data) {
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
    if (!this.data) {
      this.wantTrain = true;
      this.setState('waiting');
      return;
    }
    this.rate = { t: performance.now(), samples: this.samplesDone(this.run), perSec: this.rate.perSec };
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
    if (!run || !this.data) throw new Error('no data yet: wait for the download');
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
    if (this.state !== 'training' || !run || !data) return;
    this.trainSlice(run, data, Infinity);
    if (this.state === 'training') this.scheduleSlice();
  }

  /** One slice of work and everything it leads to: progress, evaluation, done or failure. */
  private trainSlice(run: TrainingRun, data: MnistData, maxSteps: number): void {
    let result;
    try {
      result = run.slice(data.train, SLICE_MS, maxSteps);
    } catch (e) {
      const message = run.diverged ? divergedMessage(run) : `Training stopped at step ${run.step}: ${messageOf(e)}`;
      this.fail(run.diverged ? 'diverged' : 'exception', message);
      return;
    }
    const now = performance.now();
    // Measured over ≥ 0.5 s windows; a short run gets its first figure after 0.1 s.
    const elapsed = now - this.rate.t;
    if (elapsed >= RATE_WINDOW_MS || (this.rate.perSec === 0 && elapsed >= 100)) {
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

  /** The data, once every row the configuration needs has arrived. */
  private get data(): MnistData | null {
    return this.loader?.ready ?? null;
  }

  private ensureData(engine: Engine, trainCount: number): void {
    if (!this.loader) {
      if (!this.dataUrl) throw new Error('configure before init: the data URL is unknown');
      this.loader = new DataLoader(engine, this.dataUrl, {
        progress: (loadedBytes, totalBytes, testRows, trainRows) => this.emit({ type: 'dataProgress', loadedBytes, totalBytes, testRows, trainRows }),
        gridImages: (pixels, labels) => this.emit({ type: 'gridImages', pixels, labels }, [pixels.buffer, labels.buffer]),
        ready: (data) => {
          this.emit({ type: 'dataReady', testRows: data.test.count, trainRows: data.train.count });
          this.onDataLoaded();
        },
        failed: (message) => this.fail('data', `The MNIST data could not be loaded: ${message}`),
      });
    }
    this.loader.ensure(trainCount);
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

  /** The untrained network's guesses for the grid (no test-set accuracy yet). */
  private postGridPredictions(): void {
    if (!this.run || !this.data) return;
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
  const { init } = run.config;
  return (
    `Training diverged at step ${run.step}: the loss or a weight became NaN or infinite ` +
    `(learning rate ${run.config.lr}, init ${init.kind === 'normal' ? `normal:${init.scale}` : init.kind}). Try a smaller learning rate, then Reset.`
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
