// What the page's companions (about panel, chart summary, pause-when-hidden) and embed mode
// (web/src/embed/) may do with the running app: the same actions as its buttons and form,
// and the worker's event stream. App (app.ts) implements it; nothing here knows the DOM.
import type { TrainConfig } from '../config/types';
import type { TrainingClient } from '../worker/client';
import type { RunState } from '../worker/protocol';

export interface AppHandle {
  /** The training worker: subscribe to its events (progress, evaluation, done, error …). */
  readonly client: TrainingClient;
  /** The current configuration (a copy). */
  config(): TrainConfig;
  state(): RunState;
  /** Train or resume; after done or a failure, a fresh run with the same settings. */
  train(): Promise<boolean>;
  pause(): Promise<boolean>;
  /** One training step, then paused. */
  step(): Promise<boolean>;
  /** A fresh network with the current settings. */
  reset(): Promise<boolean>;
  /** A new run with `config`: form, URL hash and worker follow (as if the reader had chosen it). */
  applyConfig(config: TrainConfig): Promise<boolean>;
  /** Errors of requests made through this handle are shown on the page and returned as false; this says why. */
  lastError(): string;
  /** A polite message in the status panel. */
  say(text: string): void;
}
