// The Emscripten/embind module built from cpp/ (cpp/bindings.cpp is its only embind file).
// Hand-written: Emscripten 3.1.6 has no --emit-tsd. tests/unit/engine.test.ts calls every
// member declared here against the real wasm, so a drift between this file and
// bindings.cpp fails a test.
//
// Memory: every pointer argument is a byte offset into the module's heap. Views such as
// HEAPU8 are detached when memory grows: re-read `module.HEAPU8` after any call that may
// allocate (constructors, evaluate, setCount) instead of caching it.
// Lifetime: embind objects are not garbage-collected; call delete() on every one.

/** Plain object copied into the C++ `TrainerSpec` (embind value_object). */
export interface TrainerSpec {
  /** All layer sizes, input first and output last, comma-separated: "784,128,64,10". */
  layers: string;
  /** "relu" | "sigmoid" | "tanh" (hidden layers; the output is always softmax). */
  activation: string;
  /** "he" | "xavier" | "normal" (normal = randn × initScale, the chapter's init). */
  init: string;
  /** Only used by init "normal": the standard deviation (chapter: 0.01). */
  initScale: number;
  /** "sgd" | "momentum". */
  optimizer: string;
  lr: number;
  /** Momentum coefficient, used by optimizer "momentum" (v = μv + g; W -= lr·v). */
  momentum: number;
  /** Examples per step; 0 means the whole training set (full-batch gradient descent). */
  batch: number;
  /** 32-bit unsigned seed: same seed and spec ⇒ same weights and batch order everywhere. */
  seed: number;
  /**
   * Threads for the products, 1 … the module's maximum (2 in firstnet-core-mt); the bits
   * are the same for every value. Only the threaded module binds it, and there it is
   * required (embind's value_object refuses a missing field); the default module ignores
   * it (a value_object reads only its own fields). Engine.createTrainer fills it in.
   */
  threads?: number;
}

/** Returned by Trainer.evaluate. */
export interface EvalResult {
  /** Mean cross-entropy over the evaluated examples. */
  loss: number;
  /** Fraction correct, 0–1. */
  accuracy: number;
  correct: number;
  count: number;
}

/** Per-layer statistics from Trainer.diagnostics (issue 3 will show them). */
export interface LayerDiagnostics {
  activationMean: number;
  activationStd: number;
  /** ReLU: fraction of units that were 0 for every example of the last batch; sigmoid/tanh: fraction saturated (|a| near its limit). */
  inactiveFraction: number;
  weightGradNorm: number;
  weightNorm: number;
}

/** uint8 images (count × 784, row-major, one byte a pixel) and uint8 labels (0–9) held in wasm memory. */
export interface Dataset {
  /** Rows allocated. */
  capacity(): number;
  /** Rows marked valid with setCount. */
  count(): number;
  /** Heap offset of capacity × 784 image bytes, to be filled by HEAPU8.set. */
  imagesPtr(): number;
  /** Heap offset of capacity label bytes. */
  labelsPtr(): number;
  /** Mark the first n rows valid; throws if n > capacity or a label among them is > 9. */
  setCount(n: number): void;
  delete(): void;
}

export interface Trainer {
  /** Number of Dense layers (hidden layers + 1). */
  layerCount(): number;
  /** fan_in of Dense layer l (0-based). */
  layerIn(l: number): number;
  /** fan_out of Dense layer l. */
  layerOut(l: number): number;
  /** The hidden activation's name. */
  activation(): string;
  /** Examples per step for a training set of n rows (batch, or n when batch is full). */
  batchSize(n: number): number;
  /**
   * Processes the next part of the current step on the first `trainCount` rows of `train`:
   * at most 256 examples (a full batch is processed in several calls, its gradient summed
   * in a fixed order). Returns true when this call completed a step (weights updated);
   * then lastLoss() is that step's mean loss. A new epoch's order is drawn from the seed.
   * Throws if trainCount changes in the middle of an epoch or exceeds train.count().
   */
  advance(train: Dataset, trainCount: number): boolean;
  /** Mean cross-entropy of the last completed step (NaN before the first). */
  lastLoss(): number;
  /** Completed steps since construction. */
  steps(): number;
  /** Completed epochs since construction. */
  epochs(): number;
  /** Completed steps in the current epoch. */
  stepInEpoch(): number;
  /** Examples processed in completed steps. */
  samplesSeen(): number;
  /** True once any weight, bias or the loss has become NaN or ±Inf; training then refuses to continue. */
  diverged(): boolean;
  /**
   * Forward pass over rows [start, start+count) of data. Writes count × 10 float32
   * probabilities at probsPtr (skipped when 0) and adds the 10×10 confusion counts
   * (int32, row = true label, column = prediction) into confusionPtr (skipped when 0).
   */
  evaluate(data: Dataset, start: number, count: number, probsPtr: number, confusionPtr: number): EvalResult;
  /** 784 uint8 pixels at imagePtr → 10 float32 probabilities at outPtr. */
  predict(imagePtr: number, outPtr: number): void;
  /** Copies layer l's W (fan_in × fan_out, row-major float32, used as a @ W + b) and b (fan_out). */
  getParams(l: number, wPtr: number, bPtr: number): void;
  /** Sets layer l's W and b from float32 buffers of the same shapes; throws on a non-finite value (weights unchanged). Resets momentum. */
  setParams(l: number, wPtr: number, bPtr: number): void;
  /** Statistics of layer l from the last completed step (zeros before the first). */
  diagnostics(l: number): LayerDiagnostics;
  delete(): void;
}

export interface FirstnetModule {
  HEAPU8: Uint8Array;
  HEAPF32: Float32Array;
  HEAP32: Int32Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  Dataset: new (capacity: number) => Dataset;
  Trainer: new (spec: TrainerSpec) => Trainer;
  /** Core version string, e.g. "firstnet-core 0.1.0". */
  version(): string;
}

export interface ModuleOptions {
  /** The .wasm bytes; required in node (3.1.6's loader cannot fetch file URLs). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (path: string, prefix: string) => string;
  /**
   * Threaded module only: the URL of the glue itself, which each pthread worker imports to
   * run the module (with EXPORT_ES6, 3.1.6 has no fallback but './<name>.mjs' beside the
   * worker script, which hashed asset names break).
   */
  mainScriptUrlOrBlob?: string;
}

declare const createFirstnetModule: (options?: ModuleOptions) => Promise<FirstnetModule>;
export default createFirstnetModule;
