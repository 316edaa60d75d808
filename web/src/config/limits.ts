// Configurations at the edges (issue 6). The settings table (settings.ts) refuses values
// outside its ranges — 0 or 100,000 units, 50 layers, lr 0 or 1e6, epochs 0 — with a
// message naming the key. Two things it cannot do alone live here:
//   - a valid value that the core will clamp (batch larger than the training set: every
//     step then uses the whole set) gets a notice, so the reader is told rather than surprised;
//   - a TrainConfig that did not come through the table (a postMessage, a stale client) is
//     checked against the same ranges before it reaches the worker's engine.
// Messages are plain text for textContent.
import { FIELD_SETTINGS, type Setting } from './table';
import type { TrainConfig } from './types';

/** Valid settings that the core will adjust, each as one sentence naming the keys. */
export function configNotices(config: TrainConfig): string[] {
  const out: string[] = [];
  if (typeof config.batch === 'number' && config.batch > config.train) {
    out.push(
      `batch ${config.batch} is larger than the ${config.train} training images (train): ` +
        `each step uses all ${config.train}, i.e. full-batch gradient descent.`,
    );
  }
  return out;
}

const RANGE_KEYS = ['layers', 'activation', 'init', 'optimizer', 'lr', 'momentum', 'batch', 'epochs', 'seed', 'train'] as const;

/**
 * The first field of `config` outside the table's range, as "lr: 1000000 is out of range:
 * expected a number in (0, 1000]", or null. A value is in range when the table parses its
 * own formatting of it back to the same value.
 */
export function configRangeProblem(config: TrainConfig): string | null {
  for (const key of RANGE_KEYS) {
    const s = FIELD_SETTINGS[key] as Setting<typeof key>;
    let text: string;
    try {
      text = s.format(config[key] as never);
    } catch {
      return `${key}: not a valid value (expected ${s.range})`;
    }
    const back = s.parse(text);
    if ('error' in back || s.format(back.value as never) !== text) {
      const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
      return `${key}: ${shown} is out of range (expected ${back && 'error' in back ? back.error : s.range})`;
    }
  }
  return null;
}
