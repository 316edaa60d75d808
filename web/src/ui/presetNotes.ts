// Beside a preset's explanation: what it measured (seeded, so the reader can check) and
// what to notice; after a run, how this run compares with it (the notice is not repeated).
// The numbers come from presets.json's "measured" (scripts/measure-presets.mjs), never from
// the chapter.
import { PRESETS, type Preset } from '../config/presets';
import { configForPreset as presetConfigOrNull, diffConfigs } from '../config/settings';
import type { TrainConfig } from '../config/types';
import type { DataInfo } from '../runs/run';

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

/** "With seed 1 this run ends at 97.37 % test accuracy after 5 epochs (training loss 0.325 in the first epoch, 0.069 in the last)." */
export function measuredSentence(p: Preset): string {
  const m = p.measured;
  if (!m) return '';
  const epochs = `${m.epochs} epoch${m.epochs === 1 ? '' : 's'}`;
  const loss = m.epochs > 1 ? ` (mean training loss ${fmtLoss(m.trainLossFirstEpoch)} in the first epoch, ${fmtLoss(m.trainLossLastEpoch)} in the last)` : ` (mean training loss ${fmtLoss(m.trainLossFirstEpoch)})`;
  return `Measured: with seed ${m.seed} this run ends at ${pct(m.testAccuracy)} test accuracy after ${epochs}${loss}.`;
}

function fmtLoss(x: number): string {
  return x >= 1 ? x.toFixed(4) : x.toFixed(3);
}

/** Whether `config` on `data` is the preset's own measured run (so the numbers must match). */
export function isMeasuredRun(p: Preset, config: TrainConfig, data: Pick<DataInfo, 'kind' | 'trainRows'>): boolean {
  const base = presetConfigOrNull(p.id);
  return !!p.measured && !!base && data.kind === 'mnist' && diffConfigs(config, base) === 'same settings';
}

export class PresetNotes {
  private readonly measured = document.createElement('p');
  private readonly notice = document.createElement('p');

  constructor(root: HTMLElement) {
    this.measured.className = 'preset-measured';
    this.notice.className = 'preset-notice';
    root.replaceChildren(this.measured, this.notice);
  }

  /** The preset's measured numbers and what to notice; a word when the settings differ from it. */
  show(config: TrainConfig, data: DataInfo): void {
    const p = PRESETS.find((q) => q.id === config.preset);
    if (!p) {
      this.measured.textContent = '';
      this.notice.textContent = '';
      return;
    }
    let text = measuredSentence(p);
    if (text && !isMeasuredRun(p, config, data)) {
      text += ` (That is for the preset's own settings on MNIST; here: ${differencesFromMeasured(p, config, data)}.)`;
    }
    this.measured.textContent = text;
    this.notice.textContent = p.notice ? `What to notice: ${p.notice}` : '';
  }
}

/**
 * What this run's settings (and data) change from the preset's measured run, in diffConfigs'
 * "yours vs measured" form; '' when it is the measured run.
 */
export function differencesFromMeasured(p: Preset, config: TrainConfig, data: Pick<DataInfo, 'kind' | 'name'>): string {
  const base = presetConfigOrNull(p.id);
  const d = base ? diffConfigs(config, base) : 'same settings';
  return [d === 'same settings' ? '' : d, data.kind === 'mnist' ? '' : `${data.name} instead of MNIST`].filter(Boolean).join('; ');
}

/**
 * After a run: how it compares with the measured number. The "What to notice" text is not
 * repeated here (it stays beside the explanation, written for the measured run); when this
 * run is not that run, or ends elsewhere, the note says so plainly, so the reader does not
 * read the seed-1 numbers as a description of their own run.
 */
export function afterRunNote(config: TrainConfig, data: DataInfo, finalAccuracy: number | null): string {
  const p = PRESETS.find((q) => q.id === config.preset);
  if (!p || !p.measured || finalAccuracy === null) return '';
  const m = p.measured;
  const ran = `This run ends at ${pct(finalAccuracy)} test accuracy.`;
  if (!isMeasuredRun(p, config, data)) {
    return `${ran} Your run differs from the measured one in: ${differencesFromMeasured(p, config, data)} (yours vs measured); the measured ${pct(m.testAccuracy)} and the notes on “${p.id}” are for the preset as given.`;
  }
  const same = Math.round(finalAccuracy * 10000) === Math.round(m.testAccuracy * 10000);
  return same
    ? `${ran} That is exactly the measured number for “${p.id}” with seed ${m.seed}: the notes on it describe this run.`
    : `${ran} Your run differs from the measured one in its result: the same settings measured ${pct(m.testAccuracy)}, so the notes on “${p.id}” are for the preset as given, not for this run.`;
}
