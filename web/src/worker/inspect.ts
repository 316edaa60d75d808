// The worker's side of "Draw a digit" and "Look inside": predictions for a drawn image,
// first-layer weights while they are on screen, per-layer diagnostics sampled every few
// steps, the confusion matrix and mistakes after each evaluation, a cell's test images,
// and one example stepped through. All of it reads the current network; none of it
// changes the network or the training order (determinism is untouched).
// DOM-free; worker.ts calls the hooks and routes the requests here.
import type { Activation } from '../config/types';
import type { Dataset, LayerParams } from '../engine/engine';
import { buildStepReport, type StepReport } from '../inside/stepReport';
import {
  type CellImages,
  type ImageSet,
  type InsideEventBody,
  type InsideRequestBody,
  MAX_CELL_IMAGES,
  MAX_MISTAKES,
  MAX_WEIGHT_IMAGES,
} from './insideProtocol';
import type { TrainingRun } from './session';

/** Weight images are sent at most this often while training (ms). */
const WEIGHTS_EVERY_MS = 1000;
/** Diagnostics samples per epoch, about (at least one per step for short epochs). */
const SAMPLES_PER_EPOCH = 50;
/** The fewest steps a slice is cut to for a diagnostics sample (stepsToNextSample). */
const MIN_SLICE_STEPS = 8;

type Emit = (body: InsideEventBody, transfer?: Transferable[]) => void;

/** What the inspector needs of the worker's data: the test set and the training rows. */
export interface InspectData {
  test: Dataset;
  train: Dataset;
}

/** The last full evaluation, kept to answer confusion-matrix clicks. */
interface LastEvaluation {
  test: Dataset;
  count: number;
  probabilities: Float32Array;
  labels: Uint8Array;
}

export class Inspector {
  private run: TrainingRun | null = null;
  private watchWeights = false;
  private weightsSentAt = -Infinity;
  /** The shown units' weights as built, unit-major float32 (for "change since the start"). */
  private start: Float32Array | null = null;
  private sampleEvery = 1;
  private nextSample = 1;
  private last: LastEvaluation | null = null;

  constructor(private readonly emit: Emit) {}

  /** A new network (configure, reset, import): tell the page, start the samples again. */
  newRun(run: TrainingRun): void {
    this.run = run;
    this.last = null;
    const batch = run.batchSize;
    const stepsPerEpoch = Math.ceil(run.config.train / batch);
    this.sampleEvery = Math.max(1, Math.round(stepsPerEpoch / SAMPLES_PER_EPOCH));
    this.nextSample = run.step + 1;
    this.start = firstLayerUnits(run.inspect.layerParams(0));
    const c = run.config;
    this.emit({ type: 'insideNetwork', sizes: run.sizes, activation: c.activation, lr: c.lr, optimizer: c.optimizer, batch });
    if (this.watchWeights) this.sendWeights(run);
  }

  /**
   * Steps the next slice may take so that it ends where a diagnostics sample is due: the
   * core's state can only be read between calls, and a slice of ~25 ms spans several sample
   * intervals on a fast machine, which silently thinned the samples (18 of 50 an epoch seen).
   * Never fewer than MIN_SLICE_STEPS, so that small runs (sampled every step or two) keep
   * slices long enough for the per-slice messages not to matter.
   */
  stepsToNextSample(run: TrainingRun): number {
    return Math.max(MIN_SLICE_STEPS, run === this.run ? this.nextSample - run.step : 1);
  }

  /** After each training slice: a diagnostics sample every few steps, weights about once a second. */
  afterSlice(run: TrainingRun): void {
    if (run !== this.run) this.newRun(run);
    if (run.step >= this.nextSample) {
      this.nextSample = run.step + this.sampleEvery;
      this.emit({ type: 'insideDiagnostics', step: run.step, epoch: run.epoch, layers: run.inspect.diagnostics() });
    }
    if (this.watchWeights && performance.now() - this.weightsSentAt >= WEIGHTS_EVERY_MS) this.sendWeights(run);
  }

  /**
   * After a full test-set evaluation: confusion counts and the first mistakes.
   * probabilities: count × 10 for test rows 0…count−1; confusion: 10 × 10.
   */
  afterEvaluation(run: TrainingRun, test: Dataset, probabilities: Float32Array, confusion: Int32Array): void {
    if (run !== this.run) this.newRun(run);
    const count = probabilities.length / 10;
    const labels = test.labels(0, count);
    this.last = { test, count, probabilities, labels };
    const wrong: number[] = [];
    let mistakesTotal = 0;
    for (let i = 0; i < count; i++) {
      if (argmax(probabilities, i) === labels[i]) continue;
      mistakesTotal++;
      if (wrong.length < MAX_MISTAKES) wrong.push(i);
    }
    const mistakes = this.imageSet(wrong);
    this.emit(
      { type: 'insideTestReport', epoch: run.epoch, step: run.step, count, confusion: confusion.slice(), mistakesTotal, mistakes },
      [mistakes.pixels.buffer, mistakes.probabilities.buffer],
    );
    if (this.watchWeights) this.sendWeights(run);
  }

  /** Answers the Inside requests. */
  handle(r: InsideRequestBody, run: TrainingRun | null, data: InspectData | null): Float32Array | CellImages | StepReport | undefined {
    switch (r.method) {
      case 'predictImage':
        if (!run) throw new Error('There is no network yet: wait until it is built.');
        return run.inspect.predict(r.image);
      case 'insideWatch':
        this.watchWeights = r.weights;
        if (r.weights && run) this.sendWeights(run);
        return undefined;
      case 'insideTestImages':
        return this.cellImages(r.actual, r.predicted, data);
      case 'insideStep':
        return this.step(r.index, run, data);
    }
  }

  private sendWeights(run: TrainingRun): void {
    this.weightsSentAt = performance.now();
    const first: LayerParams = run.inspect.layerParams(0);
    const { units, weights, change } = weightImages(first, this.start);
    this.emit({ type: 'insideWeights', step: run.step, units, totalUnits: first.fanOut, weights, change }, [weights.buffer, change.buffer]);
  }

  private cellImages(actual: number, predicted: number, data: InspectData | null): CellImages {
    const last = this.last;
    if (!last) throw new Error('The confusion matrix appears after the first evaluation (the end of an epoch).');
    if (!data || data.test !== last.test) throw new Error('The test set has changed since the last evaluation: train an epoch to see it again.');
    const rows: number[] = [];
    let total = 0;
    for (let i = 0; i < last.count; i++) {
      if (last.labels[i] !== actual || argmax(last.probabilities, i) !== predicted) continue;
      total++;
      if (rows.length < MAX_CELL_IMAGES) rows.push(i);
    }
    return { actual, predicted, total, images: this.imageSet(rows) };
  }

  private imageSet(rows: number[]): ImageSet {
    const last = this.last;
    const n = rows.length;
    const set: ImageSet = { indices: Int32Array.from(rows), labels: new Uint8Array(n), pixels: new Uint8Array(n * 784), probabilities: new Float32Array(n * 10) };
    if (!last) return set;
    rows.forEach((row, k) => {
      set.labels[k] = last.labels[row];
      set.pixels.set(last.test.image(row), k * 784);
      set.probabilities.set(last.probabilities.subarray(row * 10, row * 10 + 10), k * 10);
    });
    return set;
  }

  private step(index: number, run: TrainingRun | null, data: InspectData | null): StepReport {
    if (!run) throw new Error('There is no network yet: wait until it is built.');
    if (!data) throw new Error('The training images are still loading.');
    if (run.diverged) throw new Error('This network diverged: its weights are not finite numbers, so there is nothing to step through. Reset first.');
    const rows = Math.min(run.config.train, data.train.count);
    if (rows === 0) throw new Error('There are no training images.');
    const row = index % rows;
    const label = data.train.labels(row, 1)[0];
    return buildStepReport(run.inspect.getParams(), run.config.activation as Activation, data.train.image(row), label, run.config.lr, row);
  }
}

/**
 * The first min(fanOut, MAX_WEIGHT_IMAGES) units' incoming weights, unit-major float32:
 * W1 is fanIn × fanOut (row = pixel), unit j's image is column j.
 */
export function firstLayerUnits(first: LayerParams): Float32Array {
  const units = Math.min(first.fanOut, MAX_WEIGHT_IMAGES);
  const out = new Float32Array(units * first.fanIn);
  for (let p = 0; p < first.fanIn; p++) {
    const row = p * first.fanOut;
    for (let j = 0; j < units; j++) out[j * first.fanIn + p] = first.W[row + j];
  }
  return out;
}

/**
 * The shown units' weight images and their change since `start` (the same units as built;
 * null or another shape: no change yet), each unit's image scaled to its own largest
 * |value| and rounded to int8 (−127…127). An image with no finite largest value (a diverged
 * network) or all zeros is all 0 (white).
 */
export function weightImages(first: LayerParams, start: Float32Array | null): { units: number; weights: Int8Array; change: Int8Array } {
  const now = firstLayerUnits(first);
  const units = now.length / first.fanIn;
  const diff = new Float32Array(now.length);
  if (start && start.length === now.length) for (let i = 0; i < now.length; i++) diff[i] = now[i] - start[i];
  return { units, weights: quantise(now, first.fanIn), change: quantise(diff, first.fanIn) };
}

/** Per image of `size` values: round(127 · v / max |v|) as int8. */
function quantise(values: Float32Array, size: number): Int8Array {
  const out = new Int8Array(values.length);
  for (let o = 0; o < values.length; o += size) {
    let max = 0;
    for (let i = o; i < o + size; i++) max = Math.max(max, Math.abs(values[i]));
    if (!(max > 0) || !Number.isFinite(max)) continue;
    const k = 127 / max;
    for (let i = o; i < o + size; i++) out[i] = Math.round(values[i] * k);
  }
  return out;
}

function argmax(probabilities: Float32Array, row: number): number {
  let best = 0;
  const o = row * 10;
  for (let k = 1; k < 10; k++) if (probabilities[o + k] > probabilities[o + best]) best = k;
  return best;
}
