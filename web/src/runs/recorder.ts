// The run in progress, recorded from the worker's events as they arrive on the page: step
// losses (into a bounded curve), test accuracy after each epoch, time spent training. At
// the end it becomes a SavedRun + RunCurve for the store. DOM-free, engine-free.
import { cloneConfig } from '../config/settings';
import type { TrainConfig } from '../config/types';
import { CurveBuilder, type DataInfo, type EpochResult, type RunCurve, type RunStatus, type SavedRun, newId, stepsPerEpoch } from './run';

export class RunRecorder {
  readonly id = newId('run');
  readonly createdAt = Date.now();
  readonly config: TrainConfig;
  private readonly curve = new CurveBuilder();
  private readonly evaluations: EpochResult[] = [];
  private samplesSeen = 0;
  private epochsDone = 0;
  private trainingSince: number | null = null;
  private trainedMs = 0;
  status: RunStatus = 'stopped';
  modelId: string | null = null;
  /** Saved in its current form (a later change clears it). */
  saved = false;

  constructor(
    config: TrainConfig,
    readonly data: DataInfo,
    /** The model file the run started from, if any. */
    readonly from: string | null = null,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.config = cloneConfig(config);
  }

  get steps(): number {
    return this.curve.stepCount;
  }

  /** Nothing trained yet: not worth keeping. */
  get empty(): boolean {
    return this.steps === 0 && this.evaluations.length === 0;
  }

  get finished(): boolean {
    return this.status === 'done' || this.status === 'diverged';
  }

  addLosses(firstStep: number, losses: readonly number[], samplesSeen: number): void {
    if (losses.length === 0) return;
    this.curve.add(firstStep, losses);
    this.samplesSeen = samplesSeen;
    this.saved = false;
  }

  addEvaluation(e: EpochResult): void {
    // A repeated evaluation of the same epoch replaces the earlier one.
    const i = this.evaluations.findIndex((x) => x.epoch === e.epoch);
    if (i >= 0) this.evaluations[i] = { ...e };
    else this.evaluations.push({ ...e });
    this.epochsDone = Math.max(this.epochsDone, e.epoch);
    this.saved = false;
  }

  /** The worker's state changed: time counts only while it trains. */
  setTraining(training: boolean): void {
    const t = this.now();
    if (training && this.trainingSince === null) this.trainingSince = t;
    if (!training && this.trainingSince !== null) {
      this.trainedMs += t - this.trainingSince;
      this.trainingSince = null;
    }
  }

  finish(status: RunStatus): void {
    this.setTraining(false);
    this.status = status;
    this.saved = false;
  }

  get seconds(): number {
    const running = this.trainingSince === null ? 0 : this.now() - this.trainingSince;
    return (this.trainedMs + running) / 1000;
  }

  /** The run as the store keeps it (copies: later events do not change it). */
  snapshot(): { run: SavedRun; curve: RunCurve } {
    const run: SavedRun = {
      id: this.id,
      createdAt: this.createdAt,
      config: cloneConfig(this.config),
      data: { ...this.data, classNames: this.data.classNames ? [...this.data.classNames] : null },
      status: this.status,
      from: this.from,
      epochsDone: this.epochsDone,
      steps: this.steps,
      stepsPerEpoch: stepsPerEpoch({ batch: this.config.batch, train: Math.min(this.config.train, this.data.trainRows) }),
      samplesSeen: this.samplesSeen,
      seconds: Math.round(this.seconds * 100) / 100,
      evaluations: this.evaluations.map((e) => ({ ...e })),
      modelId: this.modelId,
    };
    return { run, curve: this.curve.curve(this.id) };
  }
}
