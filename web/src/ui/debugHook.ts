// A read-only view of the current run for tests and the curious (window.__firstnet):
// the first step losses exactly as the worker sent them, the last loss, evaluations and
// the grid score. Getters return copies; nothing here can change the app.
import type { TrainConfig } from '../config/types';
import type { RunState } from '../worker/protocol';

/** Losses kept exactly (the rest of a run lives only in the chart, bucketed). */
const LOSS_HEAD = 1000;

export interface EvaluationRecord {
  epoch: number;
  step: number;
  testAccuracy: number;
  testLoss: number;
}

export class RunRecord {
  state: RunState = 'loading';
  engineVersion = '';
  /** Threads of the engine's trainers: 1, or 2 with the threaded module (a cross-origin-isolated page). */
  engineThreads = 0;
  config: TrainConfig | null = null;
  steps = 0;
  lastLoss = NaN;
  readonly lossHead: number[] = [];
  readonly evaluations: EvaluationRecord[] = [];
  grid: { right: number; total: number; epoch: number } | null = null;
  errors: string[] = [];

  addLosses(firstStep: number, losses: readonly number[]): void {
    losses.forEach((loss, i) => {
      const step = firstStep + i;
      if (step < LOSS_HEAD && step === this.lossHead.length) this.lossHead.push(loss);
      this.lastLoss = loss;
    });
    if (losses.length) this.steps = firstStep + losses.length;
  }

  clear(): void {
    this.steps = 0;
    this.lastLoss = NaN;
    this.lossHead.length = 0;
    this.evaluations.length = 0;
    this.grid = null;
    this.errors = [];
  }
}

/** Installs window.__firstnet as a frozen object of getters over `record`. */
export function exposeRecord(record: RunRecord): void {
  const view = Object.freeze({
    get state() {
      return record.state;
    },
    get engineVersion() {
      return record.engineVersion;
    },
    get engineThreads() {
      return record.engineThreads;
    },
    get config() {
      return record.config ? structuredClone(record.config) : null;
    },
    get steps() {
      return record.steps;
    },
    get lastLoss() {
      return record.lastLoss;
    },
    /** The first ≤ 1000 step losses of the run, exactly as computed. */
    get losses() {
      return record.lossHead.slice();
    },
    get evaluations() {
      return record.evaluations.map((e) => ({ ...e }));
    },
    get grid() {
      return record.grid ? { ...record.grid } : null;
    },
    get errors() {
      return record.errors.slice();
    },
  });
  Object.defineProperty(window, '__firstnet', { value: view, writable: false, configurable: false, enumerable: false });
}
