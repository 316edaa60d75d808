// The chapter's presets (contract §3). The words and values live in presets.json so an
// author can edit them; every preset's settings go through the same table as the URL hash
// (settings.ts), and a bad one throws here at load, which fails the unit tests, not a reader.
import presetsJson from './presets.json';
import { buildPreset, configForPreset, type PresetJson } from './settings';
import type { TrainConfig } from './types';

export interface Preset {
  id: string;
  title: string;
  /** The chapter section or exercise it illustrates. */
  illustrates: string;
  /** One plain paragraph: what it shows and what to look for. */
  explanation: string;
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
    return Object.freeze({ ...p, settings: Object.freeze({ ...p.settings }), config: Object.freeze(config) });
  });
  if (!seen.has('default')) throw new Error("presets.json: a preset 'default' is required");
  return Object.freeze(out);
}

/** All presets, in the order an author listed them. */
export const PRESETS: readonly Preset[] = load(presetsJson);

/** A fresh, editable copy of preset `id`'s config; throws for an unknown id. */
export function presetConfig(id: string): TrainConfig {
  const c = configForPreset(id);
  if (!c) throw new Error(`unknown preset '${id}' (known: ${PRESETS.map((p) => p.id).join(', ')})`);
  return c;
}
