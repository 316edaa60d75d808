// URL state (contract §3) over the typed table of settings (table.ts): the `preset` key and
// the presets of presets.json, reading and writing the URL hash, lock=, and describing and
// comparing configs. The URL hash, the CLI flags, the presets and the UI all go through it,
// so `#lr=banana` and `--lr banana` get the same message. Messages are plain text: callers
// must show them with textContent, never as HTML.
import presetsJson from './presets.json';
import { DEFAULT_CONFIG, FIELD_SETTINGS, LOCKABLE, MAX_TRAIN, PAGE_KEYS, type Setting, type SettingsTable, cloneConfig, layerSizes, result } from './table';
import type { TrainConfig } from './types';

export * from './table';

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
  ...FIELD_SETTINGS,
};

/** Hash keys in their canonical order (preset first). */
export const SETTING_KEYS = Object.keys(SETTINGS) as (keyof TrainConfig)[];

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

