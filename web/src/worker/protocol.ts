// The messages between the page (client.ts) and the training worker (worker.ts).
//
// Two kinds travel main → worker: requests, each answered by exactly one response with
// the same id. One kind travels worker → main besides responses: events, a stream that
// the worker sends when it has news (data progress, step losses, evaluations, errors).
// Every message is checked by a validator where it arrives (ARCHITECTURE.md: what crosses
// a boundary is validated where it enters); a message that fails gets a clear error
// naming the field, never a crash.
import type { TrainConfig } from '../config/types';
import { configRangeProblem } from '../config/limits';
import { CLASS_NAMINGS, type ClassNaming } from '../data/classes';
import type { DataInfo } from '../runs/run';
import {
  INSIDE_EVENT_TYPES,
  INSIDE_METHODS,
  type InsideEventBody,
  type InsideRequestBody,
  validateInsideEvent,
  validateInsideRequest,
} from './insideProtocol';

/** How many test images the prediction grid shows (the first GRID_COUNT of the test set). */
export const GRID_COUNT = 48;

export type RunState =
  /** Engine or data still arriving; nothing to train on yet. */
  | 'loading'
  /** Train was pressed while loading: training starts when the data is in. */
  | 'waiting'
  /** A fresh network, not yet trained. */
  | 'idle'
  | 'training'
  | 'paused'
  /** config.epochs completed. */
  | 'done'
  /** Diverged or an error: Reset (or a new configuration) starts again. */
  | 'failed';

export const RUN_STATES: readonly RunState[] = ['loading', 'waiting', 'idle', 'training', 'paused', 'done', 'failed'];

// ---------------------------------------------------------------- main → worker

export type RequestBody =
  /** Where the data lives (manifest.json's folder, absolute URL). Sent once, first. */
  | { method: 'init'; dataUrl: string }
  /** A new configuration: disposes the network and builds a fresh one (a new run). */
  | { method: 'configure'; config: TrainConfig }
  /** Start or resume; after 'done' it starts a fresh run. */
  | { method: 'train' }
  | { method: 'pause' }
  /** One training step, then paused (for the embed API). */
  | { method: 'step' }
  /** A fresh network with the same configuration. */
  | { method: 'reset' }
  /** The current network as .npz bytes; answered with an ExportedModel. */
  | { method: 'exportModel' }
  /**
   * Replaces the network with a model file (.npz bytes, checked by readModelNpz in the
   * worker); answered with an ImportedModel. A refused file leaves the current network.
   */
  | { method: 'importModel'; name: string; bytes: Uint8Array }
  /**
   * Trains and tests on the reader's four IDX files instead of MNIST (files: [] goes back
   * to MNIST); answered with a DataInfo. Refused files leave the current data in place.
   */
  | { method: 'useData'; files: { name: string; bytes: Uint8Array }[]; naming: ClassNaming }
  /** Draw a digit and Look inside (insideProtocol.ts). */
  | InsideRequestBody;

export type Method = RequestBody['method'];
export type Request = RequestBody & { kind: 'request'; id: number };

// ---------------------------------------------------------------- worker → main

/** The answer to exportModel: the .npz bytes and a suggested file name. */
export interface ExportedModel {
  name: string;
  bytes: Uint8Array;
  layers: number[];
  activation: string;
  testAccuracy: number | null;
}

/** The answer to importModel: the configuration the worker now trains (the file's layers and activation). */
export interface ImportedModel {
  name: string;
  config: TrainConfig;
  /** Things the reader should be told, e.g. "no config in file: assuming ReLU". */
  notices: string[];
  /** Measured on the current test set right after loading (null while the data is still loading). */
  testAccuracy: number | null;
  testLoss: number | null;
  /** The grid images' probabilities (GRID_COUNT × 10), or null while the data is still loading. */
  probabilities: Float32Array | null;
}

export type Response =
  /** `value` carries the answer of exportModel, importModel and useData. */
  | { kind: 'response'; id: number; ok: true; value?: unknown }
  | { kind: 'response'; id: number; ok: false; error: string };

/** 'crashed': the engine trapped, ran out of memory or an error escaped (worker/fatal.ts); only a new worker helps. */
export type ErrorCause = 'diverged' | 'exception' | 'data' | 'engine' | 'protocol' | 'config' | 'crashed';
export const ERROR_CAUSES: readonly ErrorCause[] = ['diverged', 'exception', 'data', 'engine', 'protocol', 'config', 'crashed'];

export type EventBody =
  /** `threads`: what the engine's trainers use (2: the threaded module of an isolated page; load-browser.ts). */
  | { type: 'ready'; version: string; threads: number }
  | { type: 'state'; state: RunState }
  | {
      type: 'dataProgress';
      loadedBytes: number;
      /** 0 when the manifest does not say. */
      totalBytes: number;
      /** Rows in place so far, per set. */
      testRows: number;
      trainRows: number;
    }
  | { type: 'dataReady'; testRows: number; trainRows: number }
  /** The grid's images, sent once after the test set arrives: n × 784 pixels, n labels. */
  | { type: 'gridImages'; pixels: Uint8Array; labels: Uint8Array }
  | {
      type: 'progress';
      /** Completed epochs and steps after this slice. */
      epoch: number;
      step: number;
      stepInEpoch: number;
      samplesSeen: number;
      /** Fraction (0–1) of the next step already computed (only large batches show it). */
      stepProgress: number;
      /** Mean loss of each step completed in this slice, in order; step numbers firstStep, firstStep+1, … */
      losses: number[];
      firstStep: number;
      samplesPerSec: number;
    }
  | {
      type: 'evaluation';
      epoch: number;
      step: number;
      /** Over the full test set; null for the grid-only look at an untrained network. */
      testAccuracy: number | null;
      testLoss: number | null;
      /** GRID_COUNT × 10 probabilities for the grid images. */
      probabilities: Float32Array;
    }
  | { type: 'done'; epoch: number }
  /** Bytes of wasm memory the engine holds (the heap only grows): shown in the about panel. */
  | { type: 'memory'; heapBytes: number }
  | { type: 'error'; cause: ErrorCause; message: string }
  /** Look inside (insideProtocol.ts). */
  | InsideEventBody;

export type EventType = EventBody['type'];
export type WorkerEvent = EventBody & { kind: 'event' };
export type FromWorker = Response | WorkerEvent;

// ---------------------------------------------------------------- validators

/** A message that failed validation; the message names the field. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

type Obj = Record<string, unknown>;

function fail(what: string): never {
  throw new ProtocolError(what);
}
function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function num(o: Obj, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number' || Number.isNaN(v)) fail(`${where}: '${key}' must be a number (got ${describe(v)})`);
  return v;
}
function finite(o: Obj, key: string, where: string): number {
  const v = num(o, key, where);
  if (!Number.isFinite(v)) fail(`${where}: '${key}' must be finite (got ${v})`);
  return v;
}
function int(o: Obj, key: string, where: string, min = 0): number {
  const v = num(o, key, where);
  if (!Number.isInteger(v) || v < min) fail(`${where}: '${key}' must be an integer ≥ ${min} (got ${v})`);
  return v;
}
function str(o: Obj, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string') fail(`${where}: '${key}' must be a string (got ${describe(v)})`);
  return v;
}
function oneOf<T extends string>(o: Obj, key: string, where: string, allowed: readonly T[]): T {
  const v = str(o, key, where);
  // The echoed value is untrusted: control characters would break the one-line message.
  const shown = v.slice(0, 40).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  if (!(allowed as readonly string[]).includes(v)) fail(`${where}: '${key}' must be one of ${allowed.join(', ')} (got '${shown}')`);
  return v as T;
}
function nullableNum(o: Obj, key: string, where: string): number | null {
  return o[key] === null ? null : num(o, key, where);
}
function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  return typeof v;
}

/** Checks the shape of a TrainConfig (ranges are settings.ts's job; the core checks again). */
export function validateConfig(v: unknown, where = 'config'): TrainConfig {
  if (!isObj(v)) fail(`${where} must be an object (got ${describe(v)})`);
  str(v, 'preset', where);
  if (!Array.isArray(v.layers) || !v.layers.every((n) => Number.isInteger(n) && n > 0)) {
    fail(`${where}: 'layers' must be an array of positive integers`);
  }
  oneOf(v, 'activation', where, ['relu', 'sigmoid', 'tanh']);
  if (!isObj(v.init)) fail(`${where}: 'init' must be an object`);
  oneOf(v.init, 'kind', `${where}.init`, ['he', 'xavier', 'normal']);
  finite(v.init, 'scale', `${where}.init`);
  oneOf(v, 'optimizer', where, ['sgd', 'momentum']);
  finite(v, 'lr', where);
  finite(v, 'momentum', where);
  if (v.batch !== 'full') int(v, 'batch', where, 1);
  int(v, 'epochs', where, 1);
  int(v, 'seed', where, 0);
  int(v, 'train', where, 1);
  if (!Array.isArray(v.hide) || !v.hide.every((s) => typeof s === 'string')) fail(`${where}: 'hide' must be an array of strings`);
  // Ranges too (config/limits.ts): a config that did not come through the settings table
  // (a postMessage, a stale client) must not reach the engine with lr 1e6 or 100,000 units.
  const problem = configRangeProblem(v as unknown as TrainConfig);
  if (problem) fail(`${where}: ${problem}`);
  return v as unknown as TrainConfig;
}

const METHODS: readonly Method[] = ['init', 'configure', 'train', 'pause', 'step', 'reset', 'exportModel', 'importModel', 'useData', ...INSIDE_METHODS];

/** Validates a message arriving in the worker. */
export function validateRequest(v: unknown): Request {
  if (!isObj(v)) fail(`request must be an object (got ${describe(v)})`);
  if (v.kind !== 'request') fail(`request: 'kind' must be 'request' (got ${describe(v.kind)})`);
  int(v, 'id', 'request');
  const method = oneOf(v, 'method', 'request', METHODS);
  const where = `request '${method}'`;
  if (method === 'init') {
    const url = str(v, 'dataUrl', where);
    try {
      new URL(url);
    } catch {
      fail(`${where}: 'dataUrl' must be an absolute URL`);
    }
  }
  if (method === 'configure') validateConfig(v.config, `${where}: config`);
  if (method === 'importModel') {
    str(v, 'name', where);
    if (!(v.bytes instanceof Uint8Array)) fail(`${where}: 'bytes' must be a Uint8Array`);
  }
  if ((INSIDE_METHODS as readonly string[]).includes(method)) validateInsideRequest(v, method, where, fail);
  if (method === 'useData') {
    oneOf(v, 'naming', where, CLASS_NAMINGS);
    if (!Array.isArray(v.files) || v.files.length > 8) fail(`${where}: 'files' must be an array of at most 8 files`);
    v.files.forEach((f: unknown, i: number) => {
      if (!isObj(f)) fail(`${where}: files[${i}] must be an object`);
      str(f, 'name', `${where}: files[${i}]`);
      if (!(f.bytes instanceof Uint8Array)) fail(`${where}: files[${i}]: 'bytes' must be a Uint8Array`);
    });
  }
  return v as unknown as Request;
}

/** Checks exportModel's answer. */
export function validateExportedModel(v: unknown): ExportedModel {
  const where = 'exportModel answer';
  if (!isObj(v)) fail(`${where} must be an object (got ${describe(v)})`);
  str(v, 'name', where);
  if (!(v.bytes instanceof Uint8Array)) fail(`${where}: 'bytes' must be a Uint8Array`);
  if (!Array.isArray(v.layers) || !v.layers.every((n) => Number.isInteger(n) && n > 0)) fail(`${where}: 'layers' must be an array of positive integers`);
  str(v, 'activation', where);
  nullableNum(v, 'testAccuracy', where);
  return v as unknown as ExportedModel;
}

/** Checks importModel's answer. */
export function validateImportedModel(v: unknown): ImportedModel {
  const where = 'importModel answer';
  if (!isObj(v)) fail(`${where} must be an object (got ${describe(v)})`);
  str(v, 'name', where);
  validateConfig(v.config, `${where}: config`);
  if (!Array.isArray(v.notices) || !v.notices.every((n) => typeof n === 'string')) fail(`${where}: 'notices' must be an array of strings`);
  nullableNum(v, 'testAccuracy', where);
  nullableNum(v, 'testLoss', where);
  if (v.probabilities !== null && (!(v.probabilities instanceof Float32Array) || v.probabilities.length % 10 !== 0)) {
    fail(`${where}: 'probabilities' must be null or a Float32Array of n × 10`);
  }
  return v as unknown as ImportedModel;
}

/** Checks useData's answer. */
export function validateDataInfo(v: unknown): DataInfo {
  const where = 'useData answer';
  if (!isObj(v)) fail(`${where} must be an object (got ${describe(v)})`);
  oneOf(v, 'kind', where, ['mnist', 'fashion-mnist', 'custom']);
  str(v, 'name', where);
  int(v, 'trainRows', where);
  int(v, 'testRows', where);
  if (v.classNames !== null && (!Array.isArray(v.classNames) || v.classNames.length !== 10 || !v.classNames.every((n) => typeof n === 'string'))) {
    fail(`${where}: 'classNames' must be null or ten strings`);
  }
  return v as unknown as DataInfo;
}

/** The request id of a message that failed validation, if it has a usable one (to answer it). */
export function requestIdOf(v: unknown): number | null {
  return isObj(v) && Number.isInteger(v.id) && (v.id as number) >= 0 ? (v.id as number) : null;
}

/** TrainerSpec.threads' upper bound in the core (cpp/threads.h kMaxThreads). */
const MAX_THREADS = 8;

const EVENT_TYPES: readonly EventType[] = ['ready', 'state', 'dataProgress', 'dataReady', 'gridImages', 'progress', 'evaluation', 'done', 'memory', 'error', ...INSIDE_EVENT_TYPES];

/** Validates a message arriving on the main thread. */
export function validateFromWorker(v: unknown): FromWorker {
  if (!isObj(v)) fail(`worker message must be an object (got ${describe(v)})`);
  if (v.kind === 'response') {
    int(v, 'id', 'response');
    if (v.ok === true) return v as unknown as Response;
    if (v.ok === false) {
      str(v, 'error', 'response');
      return v as unknown as Response;
    }
    fail(`response: 'ok' must be a boolean`);
  }
  if (v.kind !== 'event') fail(`worker message: 'kind' must be 'response' or 'event' (got ${describe(v.kind)})`);
  const type = oneOf(v, 'type', 'event', EVENT_TYPES);
  const where = `event '${type}'`;
  switch (type) {
    case 'ready':
      str(v, 'version', where);
      if (int(v, 'threads', where, 1) > MAX_THREADS) fail(`${where}: 'threads' must be at most ${MAX_THREADS} (got ${v.threads})`);
      break;
    case 'state':
      oneOf(v, 'state', where, RUN_STATES);
      break;
    case 'dataProgress':
      int(v, 'loadedBytes', where);
      int(v, 'totalBytes', where);
      int(v, 'testRows', where);
      int(v, 'trainRows', where);
      break;
    case 'dataReady':
      int(v, 'testRows', where);
      int(v, 'trainRows', where);
      break;
    case 'gridImages': {
      if (!(v.pixels instanceof Uint8Array)) fail(`${where}: 'pixels' must be a Uint8Array`);
      if (!(v.labels instanceof Uint8Array)) fail(`${where}: 'labels' must be a Uint8Array`);
      if (v.pixels.length !== v.labels.length * 784) fail(`${where}: ${v.pixels.length} pixels for ${v.labels.length} labels`);
      break;
    }
    case 'progress':
      int(v, 'epoch', where);
      int(v, 'step', where);
      int(v, 'stepInEpoch', where);
      int(v, 'samplesSeen', where);
      num(v, 'stepProgress', where);
      int(v, 'firstStep', where);
      num(v, 'samplesPerSec', where);
      if (!Array.isArray(v.losses) || !v.losses.every((x) => typeof x === 'number')) fail(`${where}: 'losses' must be an array of numbers`);
      break;
    case 'evaluation':
      int(v, 'epoch', where);
      int(v, 'step', where);
      nullableNum(v, 'testAccuracy', where);
      nullableNum(v, 'testLoss', where);
      if (!(v.probabilities instanceof Float32Array) || v.probabilities.length % 10 !== 0) {
        fail(`${where}: 'probabilities' must be a Float32Array of n × 10`);
      }
      break;
    case 'done':
      int(v, 'epoch', where);
      break;
    case 'memory':
      int(v, 'heapBytes', where);
      break;
    case 'error':
      oneOf(v, 'cause', where, ERROR_CAUSES);
      str(v, 'message', where);
      break;
    default:
      validateInsideEvent(v, type, where, fail);
  }
  return v as unknown as WorkerEvent;
}
