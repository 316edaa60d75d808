// The MNIST rows in wasm memory: the test set (10,000) and the first `train` training
// images, written into engine Datasets chunk by chunk as loadDataset yields them (no
// second copy of the whole set in JS). Runs in the worker; no DOM, no messages: it reports
// through the callbacks worker.ts gives it.
import { loadDataset } from '../data/chunks';
import type { Dataset, Engine } from '../engine/engine';
import { GRID_COUNT } from './protocol';

const TEST_CAPACITY = 10_000;

export interface DataCallbacks {
  progress(loadedBytes: number, totalBytes: number, testRows: number, trainRows: number): void;
  /** The first GRID_COUNT test images and labels (copies, transferable). */
  gridImages(pixels: Uint8Array, labels: Uint8Array): void;
  ready(data: MnistData): void;
  failed(message: string): void;
}

/** One download's datasets. */
export class MnistData {
  loaded = false;
  /** The download failed: the next ensure() starts it again. */
  failed = false;
  gridSent = false;
  constructor(
    readonly test: Dataset,
    readonly train: Dataset,
  ) {}
}

export class DataLoader {
  private current: MnistData | null = null;
  private generation = 0;
  private abort: AbortController | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly url: string,
    private readonly on: DataCallbacks,
  ) {}

  /** The data once every row asked for is in, else null. */
  get ready(): MnistData | null {
    return this.current?.loaded ? this.current : null;
  }

  /** Starts a download unless the rows `trainCount` needs are loaded or on their way. */
  ensure(trainCount: number): void {
    const old = this.current;
    if (old && !old.failed && old.train.capacity >= trainCount) return;
    this.abort?.abort();
    const generation = ++this.generation;
    const abort = (this.abort = new AbortController());
    // A complete test set is kept; everything else starts again.
    const keepTest = old?.loaded ? old.test : null;
    if (old && !keepTest) old.test.dispose();
    old?.train.dispose();
    const data = (this.current = new MnistData(keepTest ?? this.engine.createDataset(TEST_CAPACITY), this.engine.createDataset(trainCount)));
    data.gridSent = keepTest !== null;
    void this.load(data, trainCount, abort.signal, () => generation === this.generation);
  }

  private async load(data: MnistData, trainCount: number, signal: AbortSignal, isCurrent: () => boolean): Promise<void> {
    const skipTest = data.gridSent; // the kept test set is complete
    try {
      const parts = loadDataset(this.url, {
        trainCount,
        signal,
        onProgress: (p) => {
          if (isCurrent()) this.on.progress(p.loadedBytes, p.totalBytes || 0, data.test.count, data.train.count);
        },
      });
      for await (const part of parts) {
        if (!isCurrent()) return; // superseded: these datasets may be disposed
        const t0 = performance.now();
        if (part.set === 'test') {
          if (!skipTest) write(data.test, part.offset, part.images, part.labels);
        } else {
          write(data.train, part.offset, part.images, part.labels);
        }
        if (!data.gridSent && data.test.count >= Math.min(GRID_COUNT, data.test.capacity)) this.sendGrid(data);
        performance.measure?.(`firstnet write ${part.file}`, { start: t0, end: performance.now() }); // bench:browser's timeline
      }
      if (!isCurrent()) return;
      if (data.train.count < trainCount) throw new Error(`the data set has ${data.train.count} training images, ${trainCount} were asked for`);
      if (data.test.count === 0) throw new Error('the data set has no test images');
      if (!data.gridSent) this.sendGrid(data);
      data.loaded = true;
      this.on.ready(data);
    } catch (e) {
      if (!isCurrent() || signal.aborted) return;
      data.failed = true;
      this.on.failed(e instanceof Error ? e.message : String(e));
    }
  }

  private sendGrid(data: MnistData): void {
    const n = Math.min(GRID_COUNT, data.test.count);
    const pixels = new Uint8Array(n * 784);
    for (let i = 0; i < n; i++) pixels.set(data.test.image(i), i * 784);
    data.gridSent = true;
    this.on.gridImages(pixels, data.test.labels(0, n));
  }
}

/** Copies a part in, clipped to the capacity (a chunk may hold more rows than asked for). */
function write(d: Dataset, offset: number, images: Uint8Array, labels: Uint8Array): void {
  const n = Math.min(labels.length, d.capacity - offset);
  if (n > 0) d.write(offset, images.subarray(0, n * 784), labels.subarray(0, n));
}
