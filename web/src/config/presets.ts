// The chapter's presets (contract §3). The words and values live in presets.json so an
// author can edit them; every preset's settings go through the same table as the URL hash
// (settings.ts), and a bad one throws here at load, which fails the unit tests, not a reader.
import presetsJson from './presets.json';
import { buildPreset, configForPreset, type PresetJson } from './settings';
import type { TrainConfig } from './types';

/**
 * What the CLI measured for a preset with its own settings (scripts/measure-presets.mjs):
 * the same wasm as the browser, so a reader with the same seed sees these numbers exactly.
 */
export interface PresetMeasurement {
  seed: number;
  epochs: number;
  /** After the last epoch, as a fraction (0–1). */
  testAccuracy: number;
  testLoss: number;
  /** Mean training loss over the first and the last epoch's steps. */
  trainLossFirstEpoch: number;
  trainLossLastEpoch: number;
  testAccuracyPerEpoch: number[];
  testLossPerEpoch: number[];
  /** Seconds of training (evaluation excluded) on the machine that measured it. */
  seconds: number;
}

/** A one-click way on from a preset: another preset to switch to (the chapter's fix). */
export interface PresetFix {
  /** The preset the button switches to. */
  preset: string;
  /** The button's text, e.g. "Fix it: He init, lr 0.1, batch 64". */
  label: string;
}

/** A one-click way to keep shrinking: halve every hidden layer (at least 1 unit each). */
export interface PresetHalve {
  label: string;
}

export interface Preset {
  id: string;
  title: string;
  /** The chapter section or exercise it illustrates. */
  illustrates: string;
  /** One plain paragraph: what it shows and what to look for. */
  explanation: string;
  /** What to notice, written from the measured numbers (shown beside them and after a run). */
  notice: string;
  measured: PresetMeasurement | null;
  /** presets.json "fix": a button that switches to another preset (null: none). */
  fix: PresetFix | null;
  /** presets.json "halve": a button that halves the hidden layers (null: none). */
  halve: PresetHalve | null;
  /** Its settings as written in presets.json (URL-style strings). */
  settings: Readonly<Record<string, string>>;
  config: Readonly<TrainConfig>;
}

function load(list: unknown): readonly Preset[] {
  if (!Array.isArray(list) || list.length === 0) throw new Error('presets.json: must be a non-empty array');
  const seen = new Set<string>();
  const out = list.map((entry: unknown, i): Preset => {
    const p = entry as PresetJson;
    const where = `presets.json[${i}]`;
    if (typeof p !== 'object' || p === null) throw new Error(`${where}: must be an object`);
    for (const f of ['id', 'title', 'illustrates', 'explanation'] as const) {
      if (typeof p[f] !== 'string' || p[f].trim() === '') throw new Error(`${where}: ${f} must be a non-empty string`);
    }
    if (!/^[a-z0-9][a-z0-9-]*$/.test(p.id)) throw new Error(`${where}: id '${p.id}' must be lowercase letters, digits and '-'`);
    if (seen.has(p.id)) throw new Error(`${where}: id '${p.id}' is used twice`);
    seen.add(p.id);
    if (typeof p.settings !== 'object' || p.settings === null) throw new Error(`${where} (${p.id}): settings must be an object`);
    const { config, errors } = buildPreset(p);
    if (errors.length) throw new Error(`${where} (${p.id}): ${errors.join('; ')}`);
    const extra = entry as { notice?: unknown; measured?: unknown; fix?: unknown; halve?: unknown };
    const notice = extra.notice ?? '';
    if (typeof notice !== 'string') throw new Error(`${where} (${p.id}): notice must be a string`);
    const measured = extra.measured === undefined ? null : checkMeasured(extra.measured, `${where} (${p.id}).measured`, config.epochs);
    const fix = extra.fix === undefined ? null : checkFix(extra.fix, `${where} (${p.id}).fix`);
    const halve = extra.halve === undefined ? null : Object.freeze({ label: checkLabel(extra.halve, `${where} (${p.id}).halve`) });
    return Object.freeze({ ...p, notice, measured, fix, halve, settings: Object.freeze({ ...p.settings }), config: Object.freeze(config) });
  });
  if (!seen.has('default')) throw new Error("presets.json: a preset 'default' is required");
  // A fix names a preset that exists (checked once all ids are known) and is not itself.
  out.forEach((p, i) => {
    if (!p.fix) return;
    if (!seen.has(p.fix.preset)) throw new Error(`presets.json[${i}] (${p.id}).fix: preset '${p.fix.preset}' does not exist (known: ${[...seen].join(', ')})`);
    if (p.fix.preset === p.id) throw new Error(`presets.json[${i}] (${p.id}).fix: a preset cannot be its own fix`);
  });
  return Object.freeze(out);
}

function checkLabel(v: unknown, where: string): string {
  const label = typeof v === 'object' && v !== null ? (v as { label?: unknown }).label : undefined;
  if (typeof label !== 'string' || label.trim() === '') throw new Error(`${where}: must be an object with a non-empty "label"`);
  return label;
}

function checkFix(v: unknown, where: string): PresetFix {
  const label = checkLabel(v, where);
  const preset = (v as { preset?: unknown }).preset;
  if (typeof preset !== 'string' || preset === '') throw new Error(`${where}: "preset" must name a preset`);
  return Object.freeze({ preset, label });
}

/**
 * The next size down for the "halve" button: every hidden width halved, rounded down,
 * at least 1 (32,16 → 16,8 → 8,4 → 4,2 → 2,1 → 1,1). Null when every layer is already 1
 * (or there are none): nothing is left to halve.
 */
export function halvedLayers(layers: readonly number[]): number[] | null {
  if (!layers.some((n) => n > 1)) return null;
  return layers.map((n) => Math.max(1, Math.floor(n / 2)));
}

function checkMeasured(v: unknown, where: string, epochs: number): PresetMeasurement {
  if (typeof v !== 'object' || v === null) throw new Error(`${where}: must be an object`);
  const m = v as Record<string, unknown>;
  const nums = ['seed', 'epochs', 'testAccuracy', 'testLoss', 'trainLossFirstEpoch', 'trainLossLastEpoch', 'seconds'];
  for (const k of nums) if (typeof m[k] !== 'number' || !Number.isFinite(m[k])) throw new Error(`${where}: ${k} must be a finite number`);
  for (const k of ['testAccuracyPerEpoch', 'testLossPerEpoch']) {
    const a = m[k];
    if (!Array.isArray(a) || a.length !== m.epochs || !a.every((x) => typeof x === 'number')) throw new Error(`${where}: ${k} must list one number per epoch`);
  }
  if (m.epochs !== epochs) throw new Error(`${where}: measured over ${String(m.epochs)} epochs, but the preset trains ${epochs}: measure it again (scripts/measure-presets.mjs)`);
  return Object.freeze({ ...(m as unknown as PresetMeasurement) });
}

/** All presets, in the order an author listed them. */
export const PRESETS: readonly Preset[] = load(presetsJson);

/** A fresh, editable copy of preset `id`'s config; throws for an unknown id. */
export function presetConfig(id: string): TrainConfig {
  const c = configForPreset(id);
  if (!c) throw new Error(`unknown preset '${id}' (known: ${PRESETS.map((p) => p.id).join(', ')})`);
  return c;
}
