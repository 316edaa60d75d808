// Typed wrapper around the wasm core (see firstnet-wasm.d.ts for the raw module).
// It owns every embind object and heap buffer: each wrapper has dispose(), heap buffers
// are allocated once and reused, and heap views are re-read after every call that may
// grow memory (a grown memory detaches old views; TOOLCHAIN.md).
import type {
  Dataset as RawDataset,
  EvalResult,
  FirstnetModule,
  LayerDiagnostics,
  Trainer as RawTrainer,
  TrainerSpec,
} from './firstnet-wasm';

export type { EvalResult, LayerDiagnostics, TrainerSpec };

export const IMAGE_BYTES = 784;
export const CLASSES = 10;

/** Parameters of one Dense layer: W is fanIn × fanOut row-major (a @ W + b), as in NumPy. */
export interface LayerParams {
  W: Float32Array;
  b: Float32Array;
  fanIn: number;
  fanOut: number;
}

export interface Evaluation extends EvalResult {
  /** count × 10 probabilities, row-major (only when asked for). */
  probabilities?: Float32Array;
  /** 10 × 10 counts, row = true label, column = prediction. */
  confusion: Int32Array;
}

/** A heap allocation that knows its size; freed by dispose(). */
class HeapBuffer {
  constructor(
    private readonly module: FirstnetModule,
    readonly ptr: number,
    readonly bytes: number,
  ) {}
  static alloc(module: FirstnetModule, bytes: number): HeapBuffer {
    const ptr = module._malloc(Math.max(bytes, 4));
    if (!ptr) throw new Error(`wasm memory: could not allocate ${bytes} bytes`);
    return new HeapBuffer(module, ptr, bytes);
  }
  f32(count = this.bytes / 4): Float32Array {
    return this.module.HEAPF32.subarray(this.ptr >> 2, (this.ptr >> 2) + count);
  }
  i32(count = this.bytes / 4): Int32Array {
    return this.module.HEAP32.subarray(this.ptr >> 2, (this.ptr >> 2) + count);
  }
  u8(count = this.bytes): Uint8Array {
    return this.module.HEAPU8.subarray(this.ptr, this.ptr + count);
  }
  dispose(): void {
    this.module._free(this.ptr);
  }
}

/** uint8 images (rows × 784) and labels held in wasm memory. */
export class Dataset {
  private raw: RawDataset | null;
  constructor(
    private readonly module: FirstnetModule,
    capacity: number,
  ) {
    this.raw = new module.Dataset(capacity);
  }
  /** The embind object, for Trainer calls; throws after dispose(). */
  get handle(): RawDataset {
    if (!this.raw) throw new Error('Dataset used after dispose()');
    return this.raw;
  }
  get capacity(): number {
    return this.handle.capacity();
  }
  get count(): number {
    return this.handle.count();
  }
  /**
   * Copies rows [offset, offset + n) in (images n × 784 bytes, labels n bytes) and marks
   * the first offset + n rows valid. Rows must be written in order, as chunks arrive.
   */
  write(offset: number, images: Uint8Array, labels: Uint8Array): void {
    const raw = this.handle;
    const n = labels.length;
    if (images.length !== n * IMAGE_BYTES) {
      throw new Error(`Dataset.write: images has ${images.length} bytes, expected ${n} × 784 = ${n * IMAGE_BYTES}`);
    }
    if (!Number.isInteger(offset) || offset < 0 || offset + n > raw.capacity()) {
      throw new Error(`Dataset.write: rows ${offset}..${offset + n} do not fit capacity ${raw.capacity()}`);
    }
    if (offset > raw.count()) {
      throw new Error(`Dataset.write: offset ${offset} leaves a gap after row ${raw.count()}`);
    }
    this.module.HEAPU8.set(images, raw.imagesPtr() + offset * IMAGE_BYTES);
    this.module.HEAPU8.set(labels, raw.labelsPtr() + offset);
    raw.setCount(Math.max(raw.count(), offset + n));
  }
  /** Row i's 784 pixels (a copy). */
  image(i: number): Uint8Array {
    const raw = this.handle;
    if (!Number.isInteger(i) || i < 0 || i >= raw.count()) throw new Error(`Dataset.image: row ${i} out of range 0..${raw.count() - 1}`);
    return this.module.HEAPU8.slice(raw.imagesPtr() + i * IMAGE_BYTES, raw.imagesPtr() + (i + 1) * IMAGE_BYTES);
  }
  /** Labels of rows [start, start + n) (a copy). */
  labels(start = 0, n = this.count - start): Uint8Array {
    const raw = this.handle;
    if (start < 0 || n < 0 || start + n > raw.count()) throw new Error(`Dataset.labels: rows ${start}..${start + n} out of range`);
    return this.module.HEAPU8.slice(raw.labelsPtr() + start, raw.labelsPtr() + start + n);
  }
  dispose(): void {
    this.raw?.delete();
    this.raw = null;
  }
}

/** One network and its optimiser state; trains on a Dataset. */
export class Trainer {
  private raw: RawTrainer | null;
  private readonly io: HeapBuffer; // 784 image bytes in, 10 floats out (predict)
  private readonly confusion: HeapBuffer; // 100 int32
  private probs: HeapBuffer | null = null; // grows to the largest evaluate asked for
  readonly spec: TrainerSpec;

  constructor(
    private readonly module: FirstnetModule,
    spec: TrainerSpec,
  ) {
    this.spec = { ...spec };
    this.raw = new module.Trainer(this.spec);
    this.io = HeapBuffer.alloc(module, IMAGE_BYTES + CLASSES * 4);
    this.confusion = HeapBuffer.alloc(module, CLASSES * CLASSES * 4);
  }
  private get handle(): RawTrainer {
    if (!this.raw) throw new Error('Trainer used after dispose()');
    return this.raw;
  }
  get layerCount(): number {
    return this.handle.layerCount();
  }
  /** Layer sizes, input first: [784, 128, 64, 10]. */
  get sizes(): number[] {
    const t = this.handle;
    const sizes = [t.layerIn(0)];
    for (let l = 0; l < t.layerCount(); l++) sizes.push(t.layerOut(l));
    return sizes;
  }
  get activation(): string {
    return this.handle.activation();
  }
  batchSize(trainCount: number): number {
    return this.handle.batchSize(trainCount);
  }
  /** Processes the next ≤ 256 examples of the current step; true when a step completed. */
  advance(train: Dataset, trainCount: number): boolean {
    return this.handle.advance(train.handle, trainCount);
  }
  /**
   * Advances until `maxSteps` steps completed or `shouldStop()` returns true (checked
   * between calls, e.g. a time budget). Returns the losses of the completed steps.
   */
  trainSteps(train: Dataset, trainCount: number, maxSteps: number, shouldStop: () => boolean = () => false): number[] {
    const t = this.handle;
    const d = train.handle;
    const losses: number[] = [];
    while (losses.length < maxSteps) {
      if (t.advance(d, trainCount)) losses.push(t.lastLoss());
      if (shouldStop()) break;
    }
    return losses;
  }
  get lastLoss(): number {
    return this.handle.lastLoss();
  }
  get steps(): number {
    return this.handle.steps();
  }
  get epochs(): number {
    return this.handle.epochs();
  }
  get stepInEpoch(): number {
    return this.handle.stepInEpoch();
  }
  get samplesSeen(): number {
    return this.handle.samplesSeen();
  }
  get diverged(): boolean {
    return this.handle.diverged();
  }
  /** Loss, accuracy and confusion over rows [start, start + count); probabilities on request. */
  evaluate(data: Dataset, start = 0, count = data.count - start, withProbabilities = false): Evaluation {
    const t = this.handle;
    let probsPtr = 0;
    if (withProbabilities) {
      const bytes = count * CLASSES * 4;
      if (!this.probs || this.probs.bytes < bytes) {
        this.probs?.dispose();
        this.probs = HeapBuffer.alloc(this.module, bytes);
      }
      probsPtr = this.probs.ptr;
    }
    this.confusion.i32().fill(0);
    const r = t.evaluate(data.handle, start, count, probsPtr, this.confusion.ptr);
    const out: Evaluation = { ...r, confusion: this.confusion.i32().slice() };
    if (withProbabilities && this.probs) out.probabilities = this.probs.f32(count * CLASSES).slice();
    return out;
  }
  /** Ten probabilities for one 28 × 28 uint8 image. */
  predict(image: Uint8Array): Float32Array {
    if (image.length !== IMAGE_BYTES) throw new Error(`predict: image must have 784 pixels (got ${image.length})`);
    this.io.u8(IMAGE_BYTES).set(image);
    this.handle.predict(this.io.ptr, this.io.ptr + IMAGE_BYTES);
    return this.module.HEAPF32.slice((this.io.ptr + IMAGE_BYTES) >> 2, ((this.io.ptr + IMAGE_BYTES) >> 2) + CLASSES);
  }
  getParams(): LayerParams[] {
    return Array.from({ length: this.handle.layerCount() }, (_, l) => this.layerParams(l));
  }
  /** Layer l's parameters only (0-based; e.g. the first layer's weights for pictures). */
  layerParams(l: number): LayerParams {
    const t = this.handle;
    const fanIn = t.layerIn(l);
    const fanOut = t.layerOut(l);
    const buf = HeapBuffer.alloc(this.module, (fanIn * fanOut + fanOut) * 4);
    try {
      t.getParams(l, buf.ptr, buf.ptr + fanIn * fanOut * 4);
      const all = buf.f32();
      return { W: all.slice(0, fanIn * fanOut), b: all.slice(fanIn * fanOut), fanIn, fanOut };
    } finally {
      buf.dispose();
    }
  }
  /** Sets every layer's parameters; shapes must match this network's. */
  setParams(layers: LayerParams[]): void {
    const t = this.handle;
    if (layers.length !== t.layerCount()) {
      throw new Error(`setParams: model has ${layers.length} layers, this network has ${t.layerCount()}`);
    }
    layers.forEach((p, l) => {
      const fanIn = t.layerIn(l);
      const fanOut = t.layerOut(l);
      if (p.W.length !== fanIn * fanOut || p.b.length !== fanOut) {
        throw new Error(`setParams: layer ${l + 1} is ${p.fanIn}×${p.fanOut}, this network's is ${fanIn}×${fanOut}`);
      }
      const buf = HeapBuffer.alloc(this.module, (fanIn * fanOut + fanOut) * 4);
      try {
        const all = buf.f32();
        all.set(p.W, 0);
        all.set(p.b, fanIn * fanOut);
        t.setParams(l, buf.ptr, buf.ptr + fanIn * fanOut * 4);
      } finally {
        buf.dispose();
      }
    });
  }
  diagnostics(): LayerDiagnostics[] {
    const t = this.handle;
    return Array.from({ length: t.layerCount() }, (_, l) => t.diagnostics(l));
  }
  dispose(): void {
    this.raw?.delete();
    this.raw = null;
    this.io.dispose();
    this.confusion.dispose();
    this.probs?.dispose();
    this.probs = null;
  }
}

/** The loaded module; a factory for datasets and trainers. */
export class Engine {
  /**
   * `threads`: what its trainers use unless the spec says otherwise — 1 for the default
   * module (no thread code), the module's maximum for firstnet-core-mt (load-browser.ts).
   */
  constructor(
    readonly module: FirstnetModule,
    readonly threads = 1,
  ) {}
  get version(): string {
    return this.module.version();
  }
  /** Bytes of wasm memory in use (the heap can only grow). */
  get heapBytes(): number {
    return this.module.HEAPU8.buffer.byteLength;
  }
  createDataset(capacity: number): Dataset {
    return new Dataset(this.module, capacity);
  }
  /** A dataset filled from whole arrays (images n × 784, labels n). */
  datasetFrom(images: Uint8Array, labels: Uint8Array): Dataset {
    const d = new Dataset(this.module, labels.length);
    try {
      d.write(0, images, labels);
    } catch (e) {
      d.dispose();
      throw e;
    }
    return d;
  }
  /** A trainer for `spec`; its `threads` defaults to this engine's (the bits do not depend on it). */
  createTrainer(spec: TrainerSpec): Trainer {
    return new Trainer(this.module, { ...spec, threads: spec.threads ?? this.threads });
  }
}
