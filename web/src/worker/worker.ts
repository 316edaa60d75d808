/// <reference lib="webworker" />
// The training worker: owns the wasm Engine, the MNIST Datasets and the current
// TrainingRun. Trains in slices of ~25 ms of work, posting progress after each and
// yielding to the event loop between slices so pause/reset requests are handled.
// DOM-free (web/src/worker/tsconfig.json type-checks it against the webworker lib only).
import type { TrainConfig } from '../config/types';
import type { ClassNaming } from '../data/classes';
import type { Engine } from '../engine/engine';
import { isThreadStartError, loadEngine } from '../engine/load-browser';
import { readModelNpz, writeModelNpz } from '../formats/npz';
import { configForModel } from '../model/import';
import { type DataInfo, MNIST_DATA } from '../runs/run';
import { DataLoader, type MnistData } from './datasets';
import {
  type ErrorCause,
  type EventBody,
  type ExportedModel,
  type ImportedModel,
  type Request,
  type RunState,
  ProtocolError,
  requestIdOf,
  validateRequest,
} from './protocol';
import { Inspector } from './inspect';
import { TrainingRun } from './session';
import { DEBUG_WORKER_NAME, handleDebugMessage } from './debugCrash';
import { crashMessage, fatalFault } from './fatal';
import { LossWatch, blowUpMessage, smallerLr } from './lossWatch';
import { type UserFile, gridOf, identifyIdxFiles, userDatasets } from './userData';

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
  /** Set once the engine trapped or ran out of memory (crash()): the worker must be replaced. */
  private crashed: string | null = null;
  /** Train was asked for before the data was in. */
  private wantTrain = false;
  /** Requests are handled one at a time, in order (configure awaits the engine). */
  private queue: Promise<void> = Promise.resolve();
  private readonly tick = new MessageChannel();
  private sliceScheduled = false;
  private rate = { t: 0, samples: 0, perSec: 0 };
  /** The reader's own data set (useData), used instead of MNIST while set. */
  private userData: { data: MnistData; info: DataInfo } | null = null;
  /** Back on MNIST before its grid images were sent: send them when it is ready. */
  private mnistGridStale = false;
  /** Draw a digit and Look inside: read-only views of the current network (inspect.ts). */
  private readonly inside = new Inspector((body, transfer) => this.emit(body, transfer));

  constructor(private readonly post: Post) {
    this.engine = loadEngine();
    this.engine.then(
      (e) => this.emit({ type: 'ready', version: e.version, threads: e.threads }),
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
    // Test-only faults (debugCrash.ts): honoured only in a worker started with the debug name.
    if (handleDebugMessage(data, (self as unknown as DedicatedWorkerGlobalScope).name === DEBUG_WORKER_NAME, this.engine)) return;
    if (this.crashed !== null) {
      // After a trap or out of memory nothing here is trusted: every request gets the reason.
      const id = requestIdOf(data);
      if (id !== null) this.post({ kind: 'response', id, ok: false, error: crashMessage(this.crashed) });
      return;
    }
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
        const value = await this.handle(request);
        if (value === undefined) this.post({ kind: 'response', id: request.id, ok: true });
        else this.post({ kind: 'response', id: request.id, ok: true, value }, transferOf(value));
      } catch (e) {
        const fault = fatalFault(e);
        if (fault) this.crash(fault);
        this.post({ kind: 'response', id: request.id, ok: false, error: fault ? crashMessage(fault) : messageOf(e) });
      }
    });
  }

  private async handle(r: Request): Promise<unknown> {
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
      case 'exportModel':
        return this.exportModel();
      case 'importModel':
        return this.importModel(r.name, r.bytes);
      case 'useData':
        return this.useData(r.files, r.naming);
      case 'predictImage':
      case 'insideWatch':
      case 'insideTestImages':
      case 'insideStep':
        return this.inside.handle(r, this.run, this.data);
    }
  }

  /** The current network as .npz bytes (contract §1). */
  private exportModel(): ExportedModel {
    const run = this.run;
    if (!run) throw new Error('There is no network to export yet.');
    if (run.diverged) throw new Error('This network diverged (its weights are not finite numbers): there is nothing worth exporting. Reset first.');
    const model = run.toModel();
    const acc = run.lastEvaluation?.testAccuracy ?? null;
    const name = `firstnet-${run.config.preset}${acc === null ? '' : `-${(acc * 100).toFixed(2)}`}.npz`;
    return { name, bytes: writeModelNpz(model), layers: run.sizes, activation: run.config.activation, testAccuracy: acc };
  }

  /**
   * A model file becomes the current network (its layers and activation; the other
   * settings stay). Everything is checked and built before the current network is touched,
   * so a refused file changes nothing.
   */
  private async importModel(name: string, bytes: Uint8Array): Promise<ImportedModel> {
    const engine = await this.engine;
    if (!this.config) throw new Error('import before configure');
    const model = readModelNpz(bytes, name);
    const config = configForModel(this.config, model, name);
    let run: TrainingRun;
    try {
      run = new TrainingRun(engine, config);
    } catch (e) {
      throw new Error(`${name}: this model cannot be used: ${messageOf(e)}`);
    }
    let ev = null;
    try {
      run.setParams(model.layers);
      if (this.data) ev = run.evaluate(this.data.test);
    } catch (e) {
      run.dispose();
      throw new Error(`${name}: this model cannot be used: ${messageOf(e)}`);
    }
    this.run?.dispose();
    this.run = run;
    this.config = config;
    this.wantTrain = false;
    this.inside.newRun(run);
    if (ev && this.data) this.inside.afterEvaluation(run, this.data.test, ev.allProbabilities, ev.confusion);
    this.setState(this.data ? 'idle' : 'loading');
    return {
      name,
      config,
      notices: model.notices,
      testAccuracy: ev?.testAccuracy ?? null,
      testLoss: ev?.testLoss ?? null,
      probabilities: ev?.probabilities ?? null,
    };
  }

  /** The reader's four IDX files replace MNIST (no files: back to MNIST). Checked before anything changes. */
  private async useData(files: UserFile[], naming: ClassNaming): Promise<DataInfo> {
    const engine = await this.engine;
    if (this.state === 'training' || this.state === 'waiting') this.pause();
    if (files.length === 0) {
      this.disposeUserData();
      const ready = this.loader?.ready;
      if (ready) {
        const g = gridOf(ready.test);
        this.emit({ type: 'gridImages', pixels: g.pixels, labels: g.labels }, [g.pixels.buffer, g.labels.buffer]);
      } else {
        this.mnistGridStale = true;
      }
      return { ...MNIST_DATA, trainRows: ready?.train.count ?? MNIST_DATA.trainRows, testRows: ready?.test.count ?? MNIST_DATA.testRows };
    }
    const identified = identifyIdxFiles(files, naming);
    const data = userDatasets(engine, identified);
    this.disposeUserData();
    this.userData = { data, info: identified.info };
    const g = gridOf(data.test);
    this.emit({ type: 'gridImages', pixels: g.pixels, labels: g.labels }, [g.pixels.buffer, g.labels.buffer]);
    return identified.info;
  }

  private disposeUserData(): void {
    if (!this.userData) return;
    // The current network may be mid-epoch on these rows: it must not train on freed memory.
    if (this.run && this.state !== 'done' && this.state !== 'failed') this.setState('idle');
    this.userData.data.test.dispose();
    this.userData.data.train.dispose();
    this.userData = null;
  }

  /** A new run: a fresh network for `config`; loads more data if it needs more rows. */
  private async configure(config: TrainConfig): Promise<void> {
    const engine = await this.engine;
    this.run?.dispose();
    this.run = null;
    this.wantTrain = false;
    this.config = config;
    // The MNIST rows before the network: a larger training set (the data saver's "all
    // 60,000") then reuses the space the old set and the old network freed — the wasm heap
    // never shrinks, and a phone's budget is 64 MB.
    if (!this.userData) this.ensureData(engine, config.train);
    try {
      this.run = new TrainingRun(engine, config);
    } catch (e) {
      const fault = fatalFault(e); // e.g. a network too large for the heap that is left
      if (fault) {
        this.crash(fault);
        throw new Error(crashMessage(fault));
      }
      const message = `This configuration cannot be trained: ${messageOf(e)}`;
      this.fail('config', message);
      throw new Error(message);
    }
    this.inside.newRun(this.run);
    if (this.userData) {
      const rows = this.userData.data.train.count;
      if (config.train > rows) {
        const message = `This configuration cannot be trained: train ${config.train} is more than the ${rows} training images in ${this.userData.info.name}; set Training images to ${rows} or fewer.`;
        this.fail('config', message);
        throw new Error(message);
      }
    }
    this.postMemory(engine);
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
    this.trainSlice(run, data, this.inside.stepsToNextSample(run));
    if (this.state === 'training') this.scheduleSlice();
  }

  /** One slice of work and everything it leads to: progress, evaluation, done or failure. */
  private trainSlice(run: TrainingRun, data: MnistData, maxSteps: number): void {
    let result;
    try {
      result = run.slice(data.train, SLICE_MS, maxSteps);
    } catch (e) {
      const fault = fatalFault(e);
      if (fault) return this.crash(fault);
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
    // A blow-up that stays finite (sigmoid at lr 10): stopped here, in the slice that showed it.
    const blowUp = watchOf(run).add(result.firstStep, result.losses);
    if (blowUp) {
      this.fail('diverged', blowUpMessage(blowUp, run.config.lr));
      return;
    }
    this.inside.afterSlice(run);
    if (!result.epochEnded) return;
    try {
      const ev = run.evaluate(data.test);
      this.emit(
        { type: 'evaluation', epoch: run.epoch, step: run.step, testAccuracy: ev.testAccuracy, testLoss: ev.testLoss, probabilities: ev.probabilities },
        [ev.probabilities.buffer],
      );
      this.inside.afterEvaluation(run, data.test, ev.allProbabilities, ev.confusion);
    } catch (e) {
      this.fail('exception', `Evaluation after epoch ${run.epoch} failed: ${messageOf(e)}`);
      return;
    }
    if (run.finished) {
      this.setState('done');
      this.emit({ type: 'done', epoch: run.epoch });
      void this.engine.then((e) => this.postMemory(e)); // training and evaluation may have grown it
    }
  }

  /** The data, once every row the configuration needs has arrived. */
  private get data(): MnistData | null {
    return this.userData?.data ?? this.loader?.ready ?? null;
  }

  private ensureData(engine: Engine, trainCount: number): void {
    if (!this.loader) {
      if (!this.dataUrl) throw new Error('configure before init: the data URL is unknown');
      this.loader = new DataLoader(engine, this.dataUrl, {
        // While the reader's own data is in use, MNIST's news is not shown.
        progress: (loadedBytes, totalBytes, testRows, trainRows) => {
          if (!this.userData) this.emit({ type: 'dataProgress', loadedBytes, totalBytes, testRows, trainRows });
        },
        gridImages: (pixels, labels) => {
          if (this.userData) this.mnistGridStale = true;
          else this.emit({ type: 'gridImages', pixels, labels }, [pixels.buffer, labels.buffer]);
        },
        ready: (data) => {
          if (this.userData) return;
          if (this.mnistGridStale) {
            this.mnistGridStale = false;
            const g = gridOf(data.test);
            this.emit({ type: 'gridImages', pixels: g.pixels, labels: g.labels }, [g.pixels.buffer, g.labels.buffer]);
          }
          this.emit({ type: 'dataReady', testRows: data.test.count, trainRows: data.train.count });
          this.postMemory(engine);
          this.onDataLoaded();
        },
        failed: (message) => {
          if (!this.userData) this.fail('data', `The MNIST data could not be loaded: ${message}`);
        },
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

  /**
   * A fault after which the engine is not trusted (fatal.ts): stop for good and say so; the
   * page offers a new worker. Later requests are answered with the same reason.
   */
  crash(fault: string): void {
    if (this.crashed !== null) return;
    this.crashed = fault;
    this.fail('crashed', crashMessage(fault));
  }

  /** Reports an error and stops training; Reset or a new configuration starts again. */
  fail(cause: ErrorCause, message: string): void {
    this.wantTrain = false;
    this.setState('failed');
    this.emit({ type: 'error', cause, message });
  }

  /** The wasm heap's size (datasets and networks live there; it only grows): for the about panel. */
  private postMemory(engine: Engine): void {
    this.emit({ type: 'memory', heapBytes: engine.heapBytes });
  }

  private emit(body: EventBody, transfer: Transferable[] = []): void {
    this.post({ ...body, kind: 'event' }, transfer);
  }
}

/** Each run's loss watch (lossWatch.ts), made on its first slice. */
const watches = new WeakMap<TrainingRun, LossWatch>();
function watchOf(run: TrainingRun): LossWatch {
  let w = watches.get(run);
  if (!w) watches.set(run, (w = new LossWatch()));
  return w;
}

function divergedMessage(run: TrainingRun): string {
  const { init } = run.config;
  return (
    `Training diverged at step ${run.step}: the loss or a weight became NaN or infinite ` +
    `(learning rate ${run.config.lr}, init ${init.kind === 'normal' ? `normal:${init.scale}` : init.kind}). ` +
    `Try a learning rate 10× smaller (${smallerLr(run.config.lr)}), then Reset.`
  );
}

/** Buffers an answer can move instead of copy (an exported model's bytes, grid probabilities). */
function transferOf(value: unknown): Transferable[] {
  if (typeof value !== 'object' || value === null) return [];
  const out: Transferable[] = [];
  for (const v of Object.values(value)) if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) out.push(v.buffer);
  return out;
}

function messageOf(e: unknown): string {
  if (e instanceof ProtocolError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

// ---------------------------------------------------------------- entry

const scope = self as unknown as DedicatedWorkerGlobalScope;
performance.mark?.('firstnet worker running'); // the worker's module has loaded (bench:browser's timeline)
const host = new WorkerHost((message, transfer = []) => scope.postMessage(message, transfer));
scope.addEventListener('message', (e: MessageEvent<unknown>) => host.receive(e.data));
// Anything that escapes becomes an error event: the worker stays alive and says why.
// Something that escaped every handler leaves the worker in an unknown state: it reports a
// crash (a trap and out of memory say so) and the page offers a new worker.
scope.addEventListener('error', (e: ErrorEvent) => {
  e.preventDefault();
  if (isThreadStartError(e.error)) return; // the threaded module's failed start: load-browser.ts falls back
  host.crash(fatalFault(e.error) ?? `an unexpected error escaped (${e.message || 'no message'})`);
});
scope.addEventListener('unhandledrejection', (e: PromiseRejectionEvent) => {
  e.preventDefault();
  host.crash(fatalFault(e.reason) ?? `an unexpected error escaped (${messageOf(e.reason)})`);
});
