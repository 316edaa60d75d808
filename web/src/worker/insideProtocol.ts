// Messages for "Draw a digit" and "Look inside", joined into protocol.ts's unions.
// Kept in their own file so the training protocol stays readable; no runtime import of
// protocol.ts (its validators call these with their own `fail`, so there is no cycle).
import type { LayerDiagnostics } from '../engine/engine';
import type { ReportRow, StepReport } from '../inside/stepReport';

/**
 * First-layer units shown as images, at most: every unit of the chapter's 128 and of any
 * layer up to 256 wide; a wider first layer (up to 1024) shows its first 256, and says so.
 * 256 tiles of 28 × 28 already fill the view; each image is 784 bytes (int8, below).
 */
export const MAX_WEIGHT_IMAGES = 256;
/** Test images sent for one confusion-matrix cell, at most. */
export const MAX_CELL_IMAGES = 48;
/** Mistakes sent after each evaluation, at most. */
export const MAX_MISTAKES = 24;

// ---------------------------------------------------------------- main → worker

export type InsideRequestBody =
  /** Ten probabilities for one 28 × 28 image (the drawn digit); answered with a Float32Array(10). */
  | { method: 'predictImage'; image: Uint8Array }
  /** Whether the weight images are on screen: the worker sends 'insideWeights' only then. */
  | { method: 'insideWatch'; weights: boolean }
  /** The test images of one confusion-matrix cell (after an evaluation); answered with CellImages. */
  | { method: 'insideTestImages'; actual: number; predicted: number }
  /** One training example's forward and backward pass; answered with a StepReport. */
  | { method: 'insideStep'; index: number };

export const INSIDE_METHODS = ['predictImage', 'insideWatch', 'insideTestImages', 'insideStep'] as const;

// ---------------------------------------------------------------- worker → main

/** Some test images with their indices, labels and the network's probabilities. */
export interface ImageSet {
  /** Rows of the test set. */
  indices: Int32Array;
  labels: Uint8Array;
  /** n × 784 pixels. */
  pixels: Uint8Array;
  /** n × 10. */
  probabilities: Float32Array;
}

/** The answer to insideTestImages. */
export interface CellImages {
  actual: number;
  predicted: number;
  /** How many test images are in the cell (only the first MAX_CELL_IMAGES are sent). */
  total: number;
  images: ImageSet;
}

export type InsideEventBody =
  /** A new network (new run, reset, imported model): the views start again. */
  | { type: 'insideNetwork'; sizes: number[]; activation: string; lr: number; optimizer: string; batch: number }
  /**
   * First-layer weights as images, one 784-value image per unit: W1[:, j] for j < units,
   * unit-major. `change` is W1[:, j] minus the same weights when the network was built.
   * Both are int8, each unit's image scaled to its own largest |value| (→ ±127): the view
   * scales every image to its own largest value anyway, and int8 gives the colour map all
   * the levels it has, in a quarter of the bytes of float32 (256 units: 2 × 196 KB).
   */
  | { type: 'insideWeights'; step: number; units: number; totalUnits: number; weights: Int8Array; change: Int8Array }
  /** Per-layer statistics of step `step` (sampled every few steps). */
  | { type: 'insideDiagnostics'; step: number; epoch: number; layers: LayerDiagnostics[] }
  /** After an evaluation on the test set: confusion counts (row = true, column = guess) and the first mistakes. */
  | { type: 'insideTestReport'; epoch: number; step: number; count: number; confusion: Int32Array; mistakesTotal: number; mistakes: ImageSet };

export const INSIDE_EVENT_TYPES = ['insideNetwork', 'insideWeights', 'insideDiagnostics', 'insideTestReport'] as const;

// ---------------------------------------------------------------- validators

type Obj = Record<string, unknown>;
type Fail = (what: string) => never;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checker(fail: Fail, where: string) {
  const int = (o: Obj, key: string, min = 0, max = Number.MAX_SAFE_INTEGER): number => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(`${where}: '${key}' must be an integer ${min}–${max} (got ${String(v).slice(0, 20)})`);
    return v as number;
  };
  const num = (o: Obj, key: string): number => {
    const v = o[key];
    if (typeof v !== 'number' || Number.isNaN(v)) fail(`${where}: '${key}' must be a number`);
    return v as number;
  };
  const str = (o: Obj, key: string): string => {
    const v = o[key];
    if (typeof v !== 'string') fail(`${where}: '${key}' must be a string`);
    return v as string;
  };
  const typed = <T>(o: Obj, key: string, ctor: new (n: number) => T, length?: number): T => {
    const v = o[key];
    if (!(v instanceof ctor)) fail(`${where}: '${key}' must be a ${ctor.name}`);
    const n = (v as unknown as { length: number }).length;
    if (length !== undefined && n !== length) fail(`${where}: '${key}' must have ${length} values (got ${n})`);
    return v as T;
  };
  const imageSet = (o: Obj, key: string): void => {
    const s = o[key];
    if (!isObj(s)) fail(`${where}: '${key}' must be an object`);
    const n = typed(s, 'indices', Int32Array).length;
    typed(s, 'labels', Uint8Array, n);
    typed(s, 'pixels', Uint8Array, n * 784);
    typed(s, 'probabilities', Float32Array, n * 10);
  };
  return { int, num, str, typed, imageSet };
}

/** Checks an Inside request (method already known to be one of INSIDE_METHODS). */
export function validateInsideRequest(v: Obj, method: string, where: string, fail: Fail): void {
  const c = checker(fail, where);
  switch (method) {
    case 'predictImage':
      c.typed(v, 'image', Uint8Array, 784);
      break;
    case 'insideWatch':
      if (typeof v.weights !== 'boolean') fail(`${where}: 'weights' must be a boolean`);
      break;
    case 'insideTestImages':
      c.int(v, 'actual', 0, 9);
      c.int(v, 'predicted', 0, 9);
      break;
    case 'insideStep':
      c.int(v, 'index');
      break;
  }
}

const STAT_KEYS: readonly (keyof LayerDiagnostics)[] = ['activationMean', 'activationStd', 'inactiveFraction', 'weightGradNorm', 'weightNorm'];
const PHASES = ['forward', 'backward', 'update'];

/** Checks an Inside event (type already known to be one of INSIDE_EVENT_TYPES). */
export function validateInsideEvent(v: Obj, type: string, where: string, fail: Fail): void {
  const c = checker(fail, where);
  switch (type) {
    case 'insideNetwork':
      if (!Array.isArray(v.sizes) || v.sizes.length < 2 || !v.sizes.every((n) => Number.isInteger(n) && n > 0)) fail(`${where}: 'sizes' must be layer sizes`);
      c.str(v, 'activation');
      c.num(v, 'lr');
      c.str(v, 'optimizer');
      c.int(v, 'batch', 1);
      break;
    case 'insideWeights': {
      c.int(v, 'step');
      const units = c.int(v, 'units', 0, MAX_WEIGHT_IMAGES);
      c.int(v, 'totalUnits', units);
      c.typed(v, 'weights', Int8Array, units * 784);
      c.typed(v, 'change', Int8Array, units * 784);
      break;
    }
    case 'insideDiagnostics':
      c.int(v, 'step');
      c.int(v, 'epoch');
      if (!Array.isArray(v.layers) || !v.layers.every((l) => isObj(l) && STAT_KEYS.every((k) => typeof l[k] === 'number'))) {
        fail(`${where}: 'layers' must be an array of layer statistics`);
      }
      break;
    case 'insideTestReport':
      c.int(v, 'epoch');
      c.int(v, 'step');
      c.int(v, 'count');
      c.typed(v, 'confusion', Int32Array, 100);
      c.int(v, 'mistakesTotal');
      c.imageSet(v, 'mistakes');
      break;
  }
}

function answerFail(what: string): never {
  throw new Error(`Unexpected answer from the training worker: ${what}`);
}

/** Checks predictImage's answer: ten probabilities. */
export function validatePrediction(v: unknown): Float32Array {
  if (!(v instanceof Float32Array) || v.length !== 10) answerFail('predictImage: expected a Float32Array of 10 probabilities');
  return v;
}

/** Checks insideTestImages's answer. */
export function validateCellImages(v: unknown): CellImages {
  const where = 'insideTestImages';
  if (!isObj(v)) answerFail(`${where}: expected an object`);
  const c = checker(answerFail, where);
  c.int(v, 'actual', 0, 9);
  c.int(v, 'predicted', 0, 9);
  c.int(v, 'total');
  c.imageSet(v, 'images');
  return v as unknown as CellImages;
}

/** Checks insideStep's answer. */
export function validateStepReport(r: unknown): StepReport {
  const where = 'insideStep';
  if (!isObj(r)) answerFail(`${where}: expected an object`);
  const rc = checker(answerFail, where);
  rc.int(r, 'index');
  rc.int(r, 'label', 0, 9);
  rc.int(r, 'predicted', 0, 9);
  rc.num(r, 'lr');
  rc.num(r, 'loss');
  rc.num(r, 'lossAfter');
  rc.str(r, 'activation');
  rc.typed(r, 'pixels', Uint8Array, 784);
  if (!Array.isArray(r.sizes) || !r.sizes.every((n) => Number.isInteger(n) && n > 0)) answerFail(`${where}: 'sizes' must be layer sizes`);
  if (!Array.isArray(r.rows) || !r.rows.every(isRow)) answerFail(`${where}: 'rows' must be an array of rows`);
  return r as unknown as StepReport;
}

function isRow(v: unknown): v is ReportRow {
  if (!isObj(v)) return false;
  return (
    PHASES.includes(v.phase as string) &&
    typeof v.name === 'string' &&
    typeof v.code === 'string' &&
    typeof v.note === 'string' &&
    Array.isArray(v.shape) &&
    v.shape.every((n) => Number.isInteger(n)) &&
    Array.isArray(v.values) &&
    v.values.every((x) => isObj(x) && typeof x.at === 'string' && typeof x.value === 'number' && (x.after === undefined || typeof x.after === 'number'))
  );
}
