// The training configuration as the app, the worker and the CLI use it (contract §3).
// settings.ts maps each field to a URL-hash key / CLI flag with its parser and range;
// presets.json holds the chapter's presets as data an author can edit.

export type Activation = 'relu' | 'sigmoid' | 'tanh';
export type Optimizer = 'sgd' | 'momentum';

/** `he`, `xavier`, or `normal` with a scale (`normal:0.01` is the chapter's randn × 0.01). */
export interface InitSpec {
  kind: 'he' | 'xavier' | 'normal';
  /** Standard deviation for `normal`; ignored otherwise. */
  scale: number;
}

export interface TrainConfig {
  /** Preset this config started from (informative; overrides may follow). */
  preset: string;
  /** Hidden layer widths only, e.g. [128, 64]; input 784 and output 10 are implied. */
  layers: number[];
  activation: Activation;
  init: InitSpec;
  optimizer: Optimizer;
  lr: number;
  /** Momentum coefficient μ for optimizer `momentum`. */
  momentum: number;
  /** Examples per step, or 'full' for the whole training set. */
  batch: number | 'full';
  epochs: number;
  /** 32-bit unsigned integer. */
  seed: number;
  /** Use the first N training images (1–60000). */
  train: number;
  /** UI control groups to hide (embed mode), e.g. ['draw', 'weights']. */
  hide: string[];
  /** Settings the reader may not change (embed mode): table keys, or ['all']. */
  lock: string[];
  /** Embed mode: the only origin whose commands are taken ('' = the parent, whatever its origin). */
  origin: string;
}

export const INPUT_SIZE = 784;
export const OUTPUT_SIZE = 10;
