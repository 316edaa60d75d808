// The one typed table of training settings (contract §3): for every TrainConfig field its
// URL-hash key (= CLI flag), default, valid range, parser and serializer. The URL hash, the
// CLI flags, the presets (presets.json) and the UI all go through it, so `#lr=banana` and
// `--lr banana` get the same message. Messages are plain text: callers must show them with
// textContent, never as HTML.
import type { TrainerSpec } from '../engine/firstnet-wasm';
import presetsJson from './presets.json';
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

type Result<T> = { value: T } | { error: string };

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

function result<T>(v: T | null, range: string): Result<T> {
  return v === null ? { error: range } : { value: v };
}

const presetIds = (): string[] => (presetsJson as PresetJson[]).map((p) => p.id);

export const SETTINGS: SettingsTable = {
  preset: {
    key: 'preset',
    label: 'Preset',
    get range() {
      return `one of ${presetIds().join(', ')}`;
    },
    get choices() {
      return presetIds();
    },
    parse(raw) {
      const id = raw.trim().toLowerCase();
      return result(presetIds().includes(id) ? id : null, this.range);
    },
    format: (v) => v,
  },
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

/** Hash keys in their canonical order (preset first). */
export const SETTING_KEYS = Object.keys(SETTINGS) as (keyof TrainConfig)[];

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

/** Untrusted text made safe for a one-line message (still to be shown as text, not HTML). */
function quote(raw: string): string {
  const s = raw.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  return `'${s.length > 40 ? `${s.slice(0, 40)}…` : s}'`;
}

function isKey(key: string): key is keyof TrainConfig {
  return Object.prototype.hasOwnProperty.call(SETTINGS, key);
}

// ---------------------------------------------------------------- presets (data)

/** One entry of presets.json, as an author writes it. */
export interface PresetJson {
  id: string;
  title: string;
  illustrates: string;
  explanation: string;
  /** URL-style values, applied over DEFAULT_CONFIG through this table. */
  settings: Record<string, string>;
}

/** A preset's config and the problems found building it (a test asserts there are none). */
export function buildPreset(p: PresetJson): { config: TrainConfig; errors: string[] } {
  const config = cloneConfig(DEFAULT_CONFIG);
  config.preset = p.id;
  const errors: string[] = [];
  for (const [key, raw] of Object.entries(p.settings)) {
    if (key === 'preset' || (PAGE_KEYS as readonly string[]).includes(key)) errors.push(`${key}: a preset may not set it`);
    else if (typeof raw !== 'string') errors.push(`${key}: values are written as strings, e.g. "0.1"`);
    else {
      const err = applySetting(config, key, raw);
      if (err) errors.push(`${key}: ${err}`);
    }
  }
  return { config, errors };
}

/** The config of preset `id` (a fresh copy), or null for an unknown id. */
export function configForPreset(id: string): TrainConfig | null {
  const p = (presetsJson as PresetJson[]).find((q) => q.id === id);
  return p ? buildPreset(p).config : null;
}

// ---------------------------------------------------------------- API

/**
 * Applies one `key=raw` setting to `config` (in place). Returns null, or a one-line message
 * such as "'banana' is not valid: expected a number in (0, 1000]". `preset` replaces every
 * field but the page keys (hide, lock, origin) with that preset's values, so apply it first.
 */
export function applySetting(config: TrainConfig, key: string, raw: string): string | null {
  if (!isKey(key)) return `unknown setting ${quote(key)} (known: ${SETTING_KEYS.join(', ')})`;
  const r = (SETTINGS[key] as Setting<typeof key>).parse(raw);
  if ('error' in r) return `${quote(raw)} is not valid: expected ${r.error}`;
  if (key === 'preset') {
    const { hide, lock, origin } = config;
    Object.assign(config, configForPreset(r.value as string)!, { hide, lock, origin });
  } else {
    (config as unknown as Record<string, unknown>)[key] = r.value;
  }
  return null;
}

const MAX_HASH = 4096;

/**
 * Reads URL state such as `#preset=sigmoid&lr=0.05&hide=draw`: starts from the preset named
 * by `preset=` (or `default`), then applies the other keys. Bad values are not applied and
 * give an error naming the key and value; unknown keys give a notice.
 */
export function parseHash(hash: string): { config: TrainConfig; errors: string[]; notices: string[]; originError: string | null } {
  const errors: string[] = [];
  const notices: string[] = [];
  /** Set when origin= may have been meant but could not be read: embed mode then fails closed. */
  let originError: string | null = null;
  let s = hash.startsWith('#') ? hash.slice(1) : hash;
  if (s.length > MAX_HASH) {
    errors.push(`the URL state is longer than ${MAX_HASH} characters: ignored`);
    // Whether it held an origin= is unknown: assume it did (the safe reading).
    originError = `origin: the URL state is longer than ${MAX_HASH} characters, so origin= could not be read`;
    s = '';
  }
  const pairs = new Map<string, string>();
  for (const seg of s.split('&')) {
    if (!seg) continue;
    const eq = seg.indexOf('=');
    let key: string;
    let raw: string;
    try {
      key = decodeURIComponent(eq < 0 ? seg : seg.slice(0, eq));
    } catch {
      errors.push(`${quote(seg)} has a bad %-escape: ignored`);
      // The key itself is unreadable: it may have been origin.
      originError ??= `origin: ${quote(seg)} has a bad %-escape, so origin= could not be read`;
      continue;
    }
    try {
      raw = eq < 0 ? '' : decodeURIComponent(seg.slice(eq + 1));
    } catch {
      errors.push(`${quote(seg)} has a bad %-escape: ignored`);
      if (key.trim().toLowerCase() === 'origin') originError ??= `origin: ${quote(seg)} has a bad %-escape`;
      continue;
    }
    if (!isKey(key)) {
      // 'Origin', ' origin': close enough to have been meant as origin=.
      if (key.trim().toLowerCase() === 'origin') originError ??= `origin: unknown key ${quote(key)} (write origin=, lower case)`;
      notices.push(`unknown key ${quote(key)} ignored`);
      continue;
    }
    if (eq < 0) {
      errors.push(`${key}: no value given (write ${key}=…)`);
      if (key === 'origin') originError ??= 'origin: no value given (write origin=https://…)';
      continue;
    }
    if (pairs.has(key)) notices.push(`${key} given more than once: the last value is used`);
    pairs.delete(key);
    pairs.set(key, raw);
  }
  const config = cloneConfig(DEFAULT_CONFIG);
  const preset = pairs.get('preset');
  if (preset !== undefined) {
    const err = applySetting(config, 'preset', preset);
    if (err) errors.push(`preset: ${err}`);
  }
  for (const [key, raw] of pairs) {
    if (key === 'preset') continue;
    const err = applySetting(config, key, raw);
    if (err) errors.push(`${key}: ${err}`);
    if (err && key === 'origin') originError ??= `origin: ${err}`;
  }
  return { config, errors, notices, originError };
}

function format<K extends keyof TrainConfig>(key: K, config: TrainConfig): string {
  return (SETTINGS[key] as Setting<K>).format(config[key]);
}

function encode(v: string): string {
  return encodeURIComponent(v).replace(/%2C/gi, ',').replace(/%3A/gi, ':');
}

/** URL state (without '#') for `config`: its preset plus the keys that differ from it. */
export function configToHash(config: TrainConfig): string {
  const base = configForPreset(config.preset);
  const preset = base ? config.preset : 'default';
  const ref = base ?? cloneConfig(DEFAULT_CONFIG);
  const parts = [`preset=${encode(preset)}`];
  for (const key of SETTING_KEYS) {
    if (key === 'preset') continue;
    const v = format(key, config);
    if (v !== format(key, ref)) parts.push(`${key}=${encode(v)}`);
  }
  return parts.join('&');
}

/** The settings `config.lock` fixes (`all` expanded). */
export function lockedKeys(config: Pick<TrainConfig, 'lock'>): Set<string> {
  return new Set(config.lock.includes('all') ? LOCKABLE : config.lock);
}

/** `next` with `prev`'s values for every setting `prev.lock` fixes (a reader's change cannot move them). */
export function keepLocked(next: TrainConfig, prev: TrainConfig): TrainConfig {
  const out = cloneConfig(next);
  for (const key of lockedKeys(prev)) {
    if (key === 'preset') continue; // the label of where settings came from, not a setting
    (out as unknown as Record<string, unknown>)[key] = structuredClone(prev[key as keyof TrainConfig]);
  }
  out.lock = [...prev.lock];
  return out;
}

/**
 * The reader-side guard for actions other than the form (the divergence fix, compare against
 * the default, a model import): which of `keys` would change from `prev` to `next` although
 * `prev.lock` fixes them. Without `next`, every locked one of `keys` (the new values are not
 * known yet, e.g. a model file's layers). Host commands do not go through this: the author may.
 */
export function lockedChanges(prev: TrainConfig, keys: readonly (keyof TrainConfig)[], next?: TrainConfig): string[] {
  const locked = lockedKeys(prev);
  return keys.filter((k) => k !== 'preset' && locked.has(k) && (!next || format(k, prev) !== format(k, next)));
}

/** "lr is fixed by the author of this page (lock=lr)" for lockedChanges' answer. */
export function lockedMessage(keys: readonly string[]): string {
  const names = keys.length > 1 ? `${keys.slice(0, -1).join(', ')} and ${keys.at(-1)}` : keys[0];
  return `${names} ${keys.length > 1 ? 'are' : 'is'} fixed by the author of this page (lock=${keys.join(',')})`;
}

/** Layer sizes input first: [784, 128, 64, 10]. */
export function layerSizes(config: TrainConfig): number[] {
  return [INPUT_SIZE, ...config.layers, OUTPUT_SIZE];
}

/** One line for legends and logs: "784-128-64-10 relu he sgd lr 0.1 batch 64". */
export function describeConfig(config: TrainConfig): string {
  const opt = config.optimizer === 'momentum' ? `momentum ${config.momentum}` : config.optimizer;
  const parts = [layerSizes(config).join('-'), config.activation, format('init', config), opt, `lr ${config.lr}`, `batch ${config.batch}`];
  if (config.train < MAX_TRAIN) parts.push(`train ${config.train}`);
  return parts.join(' ');
}

/** What differs between two configs, `a` first: "sigmoid vs relu, lr 0.5 vs 0.1" ("same settings" if nothing). */
export function diffConfigs(a: TrainConfig, b: TrainConfig): string {
  const out: string[] = [];
  for (const key of SETTING_KEYS) {
    if (key === 'preset' || (PAGE_KEYS as readonly string[]).includes(key)) continue;
    if (key === 'momentum' && a.optimizer !== 'momentum' && b.optimizer !== 'momentum') continue;
    const va = key === 'layers' ? layerSizes(a).join('-') : format(key, a);
    const vb = key === 'layers' ? layerSizes(b).join('-') : format(key, b);
    if (va === vb) continue;
    const named = key !== 'layers' && key !== 'activation' && key !== 'init' && key !== 'optimizer';
    out.push(named ? `${key} ${va} vs ${vb}` : `${va} vs ${vb}`);
  }
  return out.length ? out.join(', ') : 'same settings';
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
