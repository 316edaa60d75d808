// A run as the reader keeps it: its configuration, the data it trained on, its loss curve
// (downsampled), its test accuracy after each epoch, and how long it took. Plain data that
// IndexedDB (store.ts) can hold and a test can build; no DOM, no engine.
import type { TrainConfig } from '../config/types';

/** The data set a run trained and was tested on. */
export interface DataInfo {
  /** 'mnist' is the app's own MNIST; 'fashion-mnist' and 'custom' are the reader's files. */
  kind: 'mnist' | 'fashion-mnist' | 'custom';
  /** Shown in tables and legends: "MNIST", "Fashion-MNIST", "your data". */
  name: string;
  trainRows: number;
  testRows: number;
  /** Ten class names, or null for the digits 0–9. */
  classNames: string[] | null;
}

export const MNIST_DATA: Readonly<DataInfo> = Object.freeze({ kind: 'mnist', name: 'MNIST', trainRows: 60000, testRows: 10000, classNames: null });

export interface EpochResult {
  epoch: number;
  /** Steps completed when it was measured. */
  step: number;
  testAccuracy: number;
  testLoss: number;
}

/**
 * The training loss against steps, at most MAX_CURVE_POINTS points: point i is the mean
 * loss of the steps (step[i-1], step[i]] (a bucket), so a long run keeps its shape.
 */
export interface RunCurve {
  runId: string;
  /** Steps completed at the end of each bucket. */
  steps: number[];
  /** Mean training loss over each bucket (NaN where every step of it was non-finite). */
  loss: number[];
}

export type RunStatus = 'done' | 'stopped' | 'diverged';

export interface SavedRun {
  id: string;
  /** Date.now() when the run began. */
  createdAt: number;
  config: TrainConfig;
  data: DataInfo;
  status: RunStatus;
  /** The model file this run started from (an import), if any. */
  from: string | null;
  epochsDone: number;
  steps: number;
  /** Examples per epoch / examples per step, rounded up: converts steps to epochs. */
  stepsPerEpoch: number;
  samplesSeen: number;
  /** Wall-clock seconds spent training (paused time not counted). */
  seconds: number;
  evaluations: EpochResult[];
  /** The id of the model saved with the run, if any. */
  modelId: string | null;
}

/** A model kept in IndexedDB: the .npz bytes and what the models list shows. */
export interface SavedModel {
  id: string;
  createdAt: number;
  /** A file name: "firstnet-default-97.37.npz" or the imported file's name. */
  name: string;
  layers: number[];
  activation: string;
  testAccuracy: number | null;
  /** The data it was measured on. */
  dataName: string;
  runId: string | null;
  bytes: Uint8Array;
}

/** Most points a stored curve keeps. */
export const MAX_CURVE_POINTS = 2000;

/** Best test accuracy of a run, or null before its first evaluation. */
export function bestAccuracy(run: Pick<SavedRun, 'evaluations'>): number | null {
  let best: number | null = null;
  for (const e of run.evaluations) if (best === null || e.testAccuracy > best) best = e.testAccuracy;
  return best;
}

/** The last evaluation's accuracy, or null. */
export function finalAccuracy(run: Pick<SavedRun, 'evaluations'>): number | null {
  return run.evaluations.at(-1)?.testAccuracy ?? null;
}

/** Steps one epoch takes: the training set in batches, the last one the rest. */
export function stepsPerEpoch(config: Pick<TrainConfig, 'batch' | 'train'>): number {
  return config.batch === 'full' ? 1 : Math.ceil(config.train / config.batch);
}

/** A fresh id: time plus 32 random bits from crypto.getRandomValues (never part of training). */
export function newId(prefix: string): string {
  const [r] = crypto.getRandomValues(new Uint32Array(1));
  return `${prefix}-${Date.now().toString(36)}-${r!.toString(16).padStart(8, '0')}`;
}

/**
 * Collects step losses into at most `max` points: each point averages a bucket of steps;
 * when the points would exceed `max`, neighbours merge and buckets double (1, 2, 4, …
 * steps), so memory stays bounded for batch 1 × many epochs and the shape is kept.
 */
export class CurveBuilder {
  private steps: number[] = [];
  private sums: number[] = [];
  private counts: number[] = [];
  private bucket = 1;
  private pendingSum = 0;
  private pendingFinite = 0;
  private pendingSteps = 0;
  private lastStep = 0;

  constructor(private readonly max = MAX_CURVE_POINTS) {
    if (!Number.isInteger(max) || max < 2) throw new Error(`CurveBuilder: max must be an integer ≥ 2 (got ${max})`);
  }

  /** Losses of consecutive steps; losses[0] is step `firstStep` (0-based). Gaps are tolerated. */
  add(firstStep: number, losses: readonly number[]): void {
    for (let i = 0; i < losses.length; i++) {
      const loss = losses[i]!;
      if (Number.isFinite(loss)) {
        this.pendingSum += loss;
        this.pendingFinite++;
      }
      this.pendingSteps++;
      this.lastStep = firstStep + i + 1;
      if (this.pendingSteps >= this.bucket) this.flush();
    }
  }

  /** Steps covered so far. */
  get stepCount(): number {
    return this.lastStep;
  }

  /** The curve so far (the partial last bucket included), as plain arrays. */
  curve(runId: string): RunCurve {
    const steps = this.steps.slice();
    const loss = this.sums.map((s, i) => (this.counts[i]! > 0 ? s / this.counts[i]! : NaN));
    if (this.pendingSteps > 0) {
      steps.push(this.lastStep);
      loss.push(this.pendingFinite > 0 ? this.pendingSum / this.pendingFinite : NaN);
    }
    // A partial bucket can make it max + 1: merge the last two then.
    if (steps.length > this.max) {
      steps.splice(-2, 1);
      const b = loss.pop()!;
      const a = loss.pop()!;
      loss.push(Number.isNaN(a) ? b : Number.isNaN(b) ? a : (a + b) / 2);
    }
    return { runId, steps, loss };
  }

  private flush(): void {
    this.steps.push(this.lastStep);
    this.sums.push(this.pendingSum);
    this.counts.push(this.pendingFinite);
    this.pendingSum = this.pendingFinite = this.pendingSteps = 0;
    if (this.steps.length >= this.max) this.halve();
  }

  /** Merges neighbouring points: half as many, buckets twice as wide (sums stay exact). */
  private halve(): void {
    const steps: number[] = [];
    const sums: number[] = [];
    const counts: number[] = [];
    const n = this.steps.length;
    for (let i = 0; i + 1 < n; i += 2) {
      steps.push(this.steps[i + 1]!);
      sums.push(this.sums[i]! + this.sums[i + 1]!);
      counts.push(this.counts[i]! + this.counts[i + 1]!);
    }
    if (n % 2 === 1) {
      // The odd last point becomes the start of the pending bucket.
      this.pendingSum += this.sums[n - 1]!;
      this.pendingFinite += this.counts[n - 1]!;
      this.pendingSteps += this.bucket;
    }
    this.steps = steps;
    this.sums = sums;
    this.counts = counts;
    this.bucket *= 2;
  }
}

/** Downsamples an existing curve to at most `max` points by averaging equal runs of points. */
export function downsampleCurve(curve: RunCurve, max = MAX_CURVE_POINTS): RunCurve {
  const n = curve.steps.length;
  if (n <= max) return { runId: curve.runId, steps: curve.steps.slice(), loss: curve.loss.slice() };
  const group = Math.ceil(n / max);
  const steps: number[] = [];
  const loss: number[] = [];
  for (let i = 0; i < n; i += group) {
    const end = Math.min(n, i + group);
    let sum = 0;
    let finite = 0;
    for (let j = i; j < end; j++) {
      const v = curve.loss[j]!;
      if (Number.isFinite(v)) {
        sum += v;
        finite++;
      }
    }
    steps.push(curve.steps[end - 1]!);
    loss.push(finite ? sum / finite : NaN);
  }
  return { runId: curve.runId, steps, loss };
}
