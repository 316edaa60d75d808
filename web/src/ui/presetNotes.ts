// Beside a preset's explanation: what it measured (seeded, so the reader can check) and
// what to notice; after a run, the same note with how this run compares. The numbers come
// from presets.json's "measured" (scripts/measure-presets.mjs), never from the chapter.
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
      const base = presetConfigOrNull(p.id);
      const d = base ? diffConfigs(config, base) : 'same settings';
      const changed = [d === 'same settings' ? '' : d, data.kind === 'mnist' ? '' : `${data.name} instead of MNIST`].filter(Boolean).join('; ');
      text += ` (That is for the preset's own settings on MNIST; here: ${changed}.)`;
    }
    this.measured.textContent = text;
    this.notice.textContent = p.notice ? `What to notice: ${p.notice}` : '';
  }
}

/** After a run: how it compares with the measured number, and what to notice. */
export function afterRunNote(config: TrainConfig, data: DataInfo, finalAccuracy: number | null): string {
  const p = PRESETS.find((q) => q.id === config.preset);
  if (!p || finalAccuracy === null) return '';
  const parts: string[] = [];
  if (p.measured && isMeasuredRun(p, config, data)) {
    const same = Math.round(finalAccuracy * 10000) === Math.round(p.measured.testAccuracy * 10000);
    parts.push(
      same
        ? `This run ends at ${pct(finalAccuracy)}, exactly the measured number for “${p.id}” with seed ${p.measured.seed}.`
        : `This run ends at ${pct(finalAccuracy)}; the measured number for “${p.id}” is ${pct(p.measured.testAccuracy)}.`,
    );
  }
  if (p.notice) parts.push(`What to notice: ${p.notice}`);
  return parts.join(' ');
}
