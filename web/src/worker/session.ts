// One training run inside the worker: a Trainer built from a TrainConfig, trained in time
// slices, evaluated on the test set at each epoch end. No DOM, no messages: worker.ts
// decides when to run a slice and what to post.
import { toTrainerSpec } from '../config/table';
import type { TrainConfig } from '../config/types';
import type { Dataset, Engine, LayerParams, Trainer } from '../engine/engine';
import type { ModelFile } from '../formats/npz';
import { modelFromTrainer } from '../model/model';
import { GRID_COUNT } from './protocol';

export interface SliceResult {
  /** Mean loss of each step completed in the slice, in order. */
  losses: number[];
  /** Step number (0-based, since the run began) of losses[0]. */
  firstStep: number;
  /** An epoch ended in this slice (the slice stops there so the epoch can be evaluated). */
  epochEnded: boolean;
}

export interface EpochEvaluation {
  testAccuracy: number;
  testLoss: number;
  /** GRID_COUNT × 10 probabilities of the grid images (the first test rows). */
  probabilities: Float32Array;
  /** count × 10 probabilities of the whole test set, and the 10 × 10 confusion counts (Look inside). */
  allProbabilities: Float32Array;
  confusion: Int32Array;
}

/** Examples one trainer.advance call processes at most (firstnet-wasm.d.ts). */
const ADVANCE_EXAMPLES = 256;

export class TrainingRun {
  private readonly trainer: Trainer;
  /** advance() calls since the last completed step (a full batch of 60,000 takes 235). */
  private partialCalls = 0;
  /** The latest full test-set evaluation (recorded in an exported model's config). */
  lastEvaluation: { testAccuracy: number; testLoss: number } | null = null;

  constructor(
    engine: Engine,
    readonly config: TrainConfig,
  ) {
    this.trainer = engine.createTrainer(toTrainerSpec(config));
  }

  get epoch(): number {
    return this.trainer.epochs;
  }
  get step(): number {
    return this.trainer.steps;
  }
  get stepInEpoch(): number {
    return this.trainer.stepInEpoch;
  }
  get samplesSeen(): number {
    return this.trainer.samplesSeen;
  }
  get diverged(): boolean {
    return this.trainer.diverged;
  }
  /** Examples per step (the training set size for full batch). */
  get batchSize(): number {
    return this.trainer.batchSize(this.config.train);
  }
  /** Fraction (0–1) of the current step's examples already processed: large batches take many slices. */
  get stepProgress(): number {
    return Math.min(1, (this.partialCalls * ADVANCE_EXAMPLES) / this.batchSize);
  }
  /** config.epochs completed. */
  get finished(): boolean {
    return this.trainer.epochs >= this.config.epochs;
  }

  /**
   * Calls trainer.advance (≤ 256 examples each) until `budgetMs` of work is spent, a
   * step diverges, or an epoch ends; at least one call, so a slow step still progresses.
   */
  slice(train: Dataset, budgetMs: number, maxSteps = Infinity): SliceResult {
    const t = this.trainer;
    const start = performance.now();
    const firstStep = t.steps;
    const epochBefore = t.epochs;
    const losses: number[] = [];
    let epochEnded = false;
    do {
      if (!t.advance(train, this.config.train)) {
        this.partialCalls++;
      } else {
        this.partialCalls = 0;
        losses.push(t.lastLoss);
        if (t.diverged) break;
        if (t.epochs !== epochBefore) {
          epochEnded = true;
          break;
        }
        if (losses.length >= maxSteps) break;
      }
    } while (performance.now() - start < budgetMs);
    return { losses, firstStep, epochEnded };
  }

  /** Loss and accuracy over the whole test set, and the grid images' probabilities. */
  evaluate(test: Dataset): EpochEvaluation {
    const r = this.trainer.evaluate(test, 0, test.count, true);
    const n = Math.min(GRID_COUNT, test.count);
    const probabilities = r.probabilities ? r.probabilities.slice(0, n * 10) : new Float32Array(0);
    this.lastEvaluation = { testAccuracy: r.accuracy, testLoss: r.loss };
    return { testAccuracy: r.accuracy, testLoss: r.loss, probabilities, allProbabilities: r.probabilities ?? new Float32Array(0), confusion: r.confusion };
  }

  /** Probabilities for the grid images only (cheap: used for the untrained network). */
  gridProbabilities(test: Dataset): Float32Array {
    const n = Math.min(GRID_COUNT, test.count);
    return this.trainer.evaluate(test, 0, n, true).probabilities ?? new Float32Array(0);
  }

  /** Replaces the weights (an imported model); shapes must match the config's layers. */
  setParams(layers: LayerParams[]): void {
    this.trainer.setParams(layers);
  }

  /** The network as a model file (contract §1), with the latest evaluation as its metrics. */
  toModel(): ModelFile {
    return modelFromTrainer(this.trainer, this.config, this.lastEvaluation ?? {});
  }

  /** Read-only views of the network for Draw a digit and Look inside (worker/inspect.ts). */
  get inspect(): Pick<Trainer, 'predict' | 'getParams' | 'layerParams' | 'diagnostics'> {
    return this.trainer;
  }

  /** Layer sizes, input first. */
  get sizes(): number[] {
    return this.trainer.sizes;
  }

  dispose(): void {
    this.trainer.dispose();
  }
}
