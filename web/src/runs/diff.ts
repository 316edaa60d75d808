// What differs between runs, in words, for legends and the runs table: two runs get
// diffConfigs' "sigmoid vs relu"; each run gets a short label of just the settings that
// vary across the compared set ("sigmoid", "relu"; "lr 0.5", "lr 0.1").
import { PAGE_KEYS, SETTINGS, type Setting, SETTING_KEYS, configForPreset, diffConfigs, layerSizes } from '../config/settings';
import type { TrainConfig } from '../config/types';
import type { DataInfo } from './run';

export interface Comparable {
  config: TrainConfig;
  data: Pick<DataInfo, 'name'>;
}

/** Keys compared: the settings table's (not the preset's name, not the page keys hide/lock/origin), then the data set. */
type Key = Exclude<keyof TrainConfig, 'preset' | (typeof PAGE_KEYS)[number]> | 'data';

const KEYS: Key[] = [...SETTING_KEYS.filter((k): k is Exclude<Key, 'data'> => k !== 'preset' && !(PAGE_KEYS as readonly string[]).includes(k)), 'data'];
/** Keys whose value says what it is ("relu", "784-128-64-10", "he"): shown without the key name. */
const BARE: ReadonlySet<Key> = new Set(['layers', 'activation', 'init', 'optimizer', 'data']);

function value(key: Key, r: Comparable): string {
  if (key === 'data') return r.data.name;
  if (key === 'layers') return layerSizes(r.config).join('-');
  return (SETTINGS[key] as Setting<typeof key>).format(r.config[key] as never);
}

function word(key: Key, r: Comparable): string {
  return BARE.has(key) ? value(key, r) : `${key} ${value(key, r)}`;
}

/** Keys whose value is not the same in every run (momentum only when one uses it). */
export function varyingKeys(runs: readonly Comparable[]): Key[] {
  const anyMomentum = runs.some((r) => r.config.optimizer === 'momentum');
  return KEYS.filter((k) => {
    if (k === 'momentum' && !anyMomentum) return false;
    const first = runs[0] ? value(k, runs[0]) : '';
    return runs.some((r) => value(k, r) !== first);
  });
}

export interface Legend {
  /** One line naming what differs: "sigmoid vs relu" (two runs), or the varying settings. */
  title: string;
  /** One label per run, in order: just its values of the varying settings. */
  labels: string[];
}

/** Legend text for overlaid runs; runs with identical settings are told apart by number ("run 1", "run 2"). */
export function legendFor(runs: readonly Comparable[]): Legend {
  if (runs.length === 0) return { title: '', labels: [] };
  if (runs.length === 1) {
    const r = runs[0]!;
    return { title: '', labels: [describeAgainstPreset(r, configForPreset(r.config.preset))] };
  }
  const keys = varyingKeys(runs);
  const labels = runs.map((r, i) => (keys.length ? keys.map((k) => word(k, r)).join(', ') : `run ${i + 1}`));
  if (keys.length === 0) return { title: 'same settings', labels };
  if (runs.length === 2) {
    const [a, b] = [runs[1]!, runs[0]!]; // the newer run first: "sigmoid vs relu"
    const parts = [diffConfigs(a.config, b.config)].filter((s) => s !== 'same settings');
    if (a.data.name !== b.data.name) parts.push(`${a.data.name} vs ${b.data.name}`);
    return { title: parts.join(', '), labels };
  }
  return { title: labels.join(' vs '), labels };
}

/** One run alone: its preset, and what was changed from it ("sigmoid", "default, lr 0.5 vs 0.1"). */
export function describeAgainstPreset(r: Comparable, preset?: TrainConfig | null): string {
  const name = r.config.preset;
  if (!preset) return r.data.name === 'MNIST' ? name : `${name} on ${r.data.name}`;
  const d = diffConfigs(r.config, preset);
  const base = d === 'same settings' ? name : `${name}: ${d}`;
  return r.data.name === 'MNIST' ? base : `${base} on ${r.data.name}`;
}
