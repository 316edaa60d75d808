// The typed table of every setting but `preset` (contract §3): for each TrainConfig field
// its URL-hash key (= CLI flag), default, valid range, parser and serializer; the defaults;
// and the mapping to the engine's TrainerSpec. It knows nothing of the presets, so the worker
// (which validates configs and builds specs with it) does not carry the authors' texts in
// presets.json; settings.ts adds `preset` and the URL state on top. Messages are plain text.
import type { TrainerSpec } from '../engine/firstnet-wasm';
import { INPUT_SIZE, OUTPUT_SIZE, type Activation, type InitSpec, type Optimizer, type TrainConfig } from './types';

/** Control groups that `hide=` may hide (embed mode). */
export const HIDE_GROUPS = ['controls', 'chart', 'grid', 'draw', 'weights', 'presets', 'data', 'about', 'models', 'runs'] as const;
export const ACTIVATIONS: readonly Activation[] = ['relu', 'sigmoid', 'tanh'];
export const OPTIMIZERS: readonly Optimizer[] = ['sgd', 'momentum'];
export const MAX_HIDDEN_LAYERS = 8;
export const MAX_WIDTH = 1024;
export const MAX_TRAIN = 60000;
/** Settings that shape the page, not the network: a preset never sets them, runs never differ by them. */
export const PAGE_KEYS = ['hide', 'lock', 'origin'] as const;
/** Settings `lock=` may fix (the reader's controls for them are disabled); `all` fixes every one. */
export const LOCKABLE = ['preset', 'layers', 'activation', 'init', 'optimizer', 'lr', 'momentum', 'batch', 'epochs', 'seed', 'train'] as const;

export type Result<T> = { value: T } | { error: string };

export interface Setting<K extends keyof TrainConfig> {
  key: K;
  /** Short label for controls and --help. */
  label: string;
  /** The valid values, in words (used in error messages). */
  range: string;
  /** The closed list of values, for enumerations. */
  choices?: readonly string[];
  parse(raw: string): Result<TrainConfig[K]>;
  format(value: TrainConfig[K]): string;
}

export type SettingsTable = { [K in keyof TrainConfig]: Setting<K> };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^\d{1,10}$/;

function num(raw: string, ok: (x: number) => boolean): number | null {
  const s = raw.trim();
  if (!NUMBER.test(s)) return null;
  const x = Number(s);
  return Number.isFinite(x) && ok(x) ? x : null;
}

function int(raw: string, min: number, max: number): number | null {
  const s = raw.trim();
  if (!INTEGER.test(s)) return null;
  const x = Number(s);
  return x >= min && x <= max ? x : null;
}

function choice<T extends string>(raw: string, list: readonly T[]): T | null {
  const s = raw.trim().toLowerCase();
  return (list as readonly string[]).includes(s) ? (s as T) : null;
}

export function result<T>(v: T | null, range: string): Result<T> {
  return v === null ? { error: range } : { value: v };
}

/** Every setting's entry but `preset`'s (settings.ts adds it, from presets.json). */
export const FIELD_SETTINGS: Omit<SettingsTable, 'preset'> = {
  layers: {
    key: 'layers',
    label: 'Hidden layers',
    range: `0 to ${MAX_HIDDEN_LAYERS} comma-separated widths, each 1–${MAX_WIDTH} (empty for no hidden layer)`,
    parse(raw) {
      const s = raw.trim();
      if (s === '') return { value: [] };
      const parts = s.split(',');
      const widths = parts.map((p) => int(p, 1, MAX_WIDTH));
      if (parts.length > MAX_HIDDEN_LAYERS || widths.some((w) => w === null)) return { error: this.range };
      return { value: widths as number[] };
    },
    format: (v) => v.join(','),
  },
  activation: {
    key: 'activation',
    label: 'Activation',
    range: 'relu, sigmoid or tanh',
    choices: ACTIVATIONS,
    parse(raw) {
      return result(choice(raw, ACTIVATIONS), this.range);
    },
    format: (v) => v,
  },
  init: {
    key: 'init',
    label: 'Initialisation',
    range: 'he, xavier or normal:<scale> with scale in (0, 100]',
    choices: ['he', 'xavier', 'normal:0.01'],
    parse(raw) {
      const s = raw.trim().toLowerCase();
      // The scale is kept (0.01, the chapter's) for he/xavier only so that switching to normal has a value.
      if (s === 'he' || s === 'xavier') return { value: { kind: s, scale: 0.01 } };
      const m = /^normal:(.*)$/.exec(s);
      const scale = m ? num(m[1]!, (x) => x > 0 && x <= 100) : null;
      return result<InitSpec>(scale === null ? null : { kind: 'normal', scale }, this.range);
    },
    format: (v) => (v.kind === 'normal' ? `normal:${v.scale}` : v.kind),
  },
  optimizer: {
    key: 'optimizer',
    label: 'Optimizer',
    range: 'sgd or momentum',
    choices: OPTIMIZERS,
    parse(raw) {
      return result(choice(raw, OPTIMIZERS), this.range);
    },
    format: (v) => v,
  },
  lr: {
    key: 'lr',
    label: 'Learning rate',
    range: 'a number in (0, 1000]',
    parse(raw) {
      // As the float32 the core uses: 1e-320 would be 0 there (a run that never learns).
      return result(num(raw, (x) => x > 0 && x <= 1000 && Math.fround(x) > 0), this.range);
    },
    format: (v) => String(v),
  },
  momentum: {
    key: 'momentum',
    label: 'Momentum',
    range: 'a number in [0, 1)',
    parse(raw) {
      // As float32 0.99999999 is 1: momentum that never decays.
      return result(num(raw, (x) => x >= 0 && x < 1 && Math.fround(x) < 1), this.range);
    },
    format: (v) => String(v),
  },
  batch: {
    key: 'batch',
    label: 'Batch size',
    range: `an integer 1–${MAX_TRAIN} or full`,
    parse(raw) {
      if (raw.trim().toLowerCase() === 'full') return { value: 'full' };
      return result(int(raw, 1, MAX_TRAIN), this.range);
    },
    format: (v) => String(v),
  },
  epochs: {
    key: 'epochs',
    label: 'Epochs',
    range: 'an integer 1–1000',
    parse(raw) {
      return result(int(raw, 1, 1000), this.range);
    },
    format: (v) => String(v),
  },
  seed: {
    key: 'seed',
    label: 'Seed',
    range: 'an integer 0–4294967295',
    parse(raw) {
      return result(int(raw, 0, 4294967295), this.range);
    },
    format: (v) => String(v),
  },
  train: {
    key: 'train',
    label: 'Training images',
    range: `an integer 1–${MAX_TRAIN}`,
    parse(raw) {
      return result(int(raw, 1, MAX_TRAIN), this.range);
    },
    format: (v) => String(v),
  },
  hide: {
    key: 'hide',
    label: 'Hidden controls',
    range: `a comma list of ${HIDE_GROUPS.join(', ')} (or empty)`,
    choices: HIDE_GROUPS,
    parse(raw) {
      const s = raw.trim();
      if (s === '') return { value: [] };
      const groups = s.split(',').map((g) => choice(g, HIDE_GROUPS));
      if (groups.some((g) => g === null)) return { error: this.range };
      return { value: [...new Set(groups as string[])] };
    },
    format: (v) => v.join(','),
  },
  lock: {
    key: 'lock',
    label: 'Fixed settings',
    range: `all, or a comma list of ${LOCKABLE.join(', ')} (or empty)`,
    choices: ['all', ...LOCKABLE],
    parse(raw) {
      const s = raw.trim();
      if (s === '') return { value: [] };
      const keys = s.split(',').map((k) => choice(k, this.choices!));
      if (keys.some((k) => k === null)) return { error: this.range };
      return { value: keys.includes('all') ? ['all'] : [...new Set(keys as string[])] };
    },
    format: (v) => v.join(','),
  },
  origin: {
    key: 'origin',
    label: 'Host origin',
    range: 'an origin such as https://book.example (scheme, host and port only), or empty',
    parse(raw) {
      const s = raw.trim();
      if (s === '') return { value: '' };
      let origin: string | null = null;
      try {
        const u = new URL(s);
        // Only the origin itself: no path, query, fragment or credentials.
        if ((u.protocol === 'https:' || u.protocol === 'http:') && u.origin === s.replace(/\/$/, '').toLowerCase()) origin = u.origin;
      } catch {
        origin = null;
      }
      return result(origin, this.range);
    },
    format: (v) => v,
  },
};

/** The table's defaults: the `default` preset (presets.json holds the same values). */
export const DEFAULT_CONFIG: Readonly<TrainConfig> = Object.freeze<TrainConfig>({
  preset: 'default',
  layers: [128, 64],
  activation: 'relu',
  init: { kind: 'he', scale: 0.01 },
  optimizer: 'sgd',
  lr: 0.1,
  momentum: 0.9,
  batch: 64,
  epochs: 5,
  seed: 1,
  train: 60000,
  hide: [],
  lock: [],
  origin: '',
});

export function cloneConfig(c: Readonly<TrainConfig>): TrainConfig {
  return { ...c, layers: [...c.layers], init: { ...c.init }, hide: [...c.hide], lock: [...c.lock] };
}

/** Layer sizes input first: [784, 128, 64, 10]. */
export function layerSizes(config: TrainConfig): number[] {
  return [INPUT_SIZE, ...config.layers, OUTPUT_SIZE];
}

/** The engine's spec (web/src/engine/firstnet-wasm.d.ts TrainerSpec). */
export function toTrainerSpec(config: TrainConfig): TrainerSpec {
  return {
    layers: layerSizes(config).join(','),
    activation: config.activation,
    init: config.init.kind,
    initScale: config.init.scale,
    optimizer: config.optimizer,
    lr: config.lr,
    momentum: config.momentum,
    batch: config.batch === 'full' ? 0 : config.batch,
    seed: config.seed,
  };
}
