// The loss chart in words, for readers who cannot see it: current (smoothed) loss, its
// trend, and the test accuracy after the last epoch. A polite live region, refreshed when
// something worth hearing happens (an epoch's result, a pause, the end) and at most every
// SPEAK_EVERY_MS while training, so a screen reader hears news, not a ticker.
import type { TrainingClient } from '../worker/client';

/** Same smoothing as the chart's line (lossChart.ts): debiased exponential moving average. */
const SMOOTHING = 0.9;
const SPEAK_EVERY_MS = 20_000;
/** Relative change of the smoothed loss below which it counts as flat. */
const FLAT = 0.03;

export type Trend = 'falling' | 'flat' | 'rising' | 'not a number';

/** Trend of the smoothed loss between two readings. */
export function lossTrend(before: number, now: number): Trend {
  if (!Number.isFinite(now)) return 'not a number';
  if (!Number.isFinite(before) || before <= 0) return 'flat';
  const change = (now - before) / before;
  return change < -FLAT ? 'falling' : change > FLAT ? 'rising' : 'flat';
}

export interface SummaryView {
  steps: number;
  /** Smoothed training loss now, and at the previous summary (NaN if none). */
  loss: number;
  lossBefore: number;
  epochs: { epoch: number; testAccuracy: number }[];
  paused: boolean;
  done: boolean;
}

const fmtInt = new Intl.NumberFormat('en-US');
const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

/** The summary as one or two sentences. */
export function summaryText(v: SummaryView): string {
  if (v.steps === 0) return 'Chart: no training yet. The loss line appears when training starts.';
  const trend = lossTrend(v.lossBefore, v.loss);
  const where = v.done ? 'finished after' : v.paused ? 'paused after' : 'after';
  let text =
    trend === 'not a number'
      ? `Chart: the training loss is no longer a number ${where} ${fmtInt.format(v.steps)} steps: training diverged.`
      : `Chart: training loss ${v.loss.toFixed(3)} ${where} ${fmtInt.format(v.steps)} steps${Number.isFinite(v.lossBefore) ? `, ${trend} (was ${v.lossBefore.toFixed(3)})` : ''}.`;
  const last = v.epochs.at(-1);
  if (last) {
    const prev = v.epochs.at(-2);
    const change = prev ? `, ${last.testAccuracy >= prev.testAccuracy ? 'up' : 'down'} from ${pct(prev.testAccuracy)}` : '';
    text += ` Test accuracy ${pct(last.testAccuracy)} after epoch ${last.epoch}${change}.`;
  }
  return text;
}

export class ChartSummary {
  private readonly el = document.createElement('p');
  private view: SummaryView = { steps: 0, loss: NaN, lossBefore: NaN, epochs: [], paused: false, done: false };
  private ema = 0;
  private emaSteps = 0;
  private lastSpoken = 0;

  constructor(chart: HTMLElement, client: TrainingClient) {
    this.el.className = 'chart-summary';
    this.el.id = 'chart-summary';
    this.el.setAttribute('role', 'status');
    this.el.setAttribute('aria-live', 'polite');
    this.el.setAttribute('aria-atomic', 'true');
    chart.after(this.el);
    // The canvas says nothing to a screen reader: the chart is an image described by the summary.
    chart.setAttribute('role', 'img');
    chart.setAttribute('aria-label', 'Chart of the training loss per step and the test accuracy per epoch');
    chart.setAttribute('aria-describedby', this.el.id);
    this.speak();

    client.on('state', (e) => {
      if (e.state === 'idle') this.reset();
      this.view.paused = e.state === 'paused';
      this.view.done = e.state === 'done';
      if (e.state === 'paused' || e.state === 'done' || e.state === 'failed' || e.state === 'idle') this.speak();
    });
    client.on('progress', (e) => {
      for (const loss of e.losses) {
        if (!Number.isFinite(loss)) {
          this.view.loss = NaN;
          continue;
        }
        this.emaSteps++;
        this.ema = SMOOTHING * this.ema + (1 - SMOOTHING) * loss;
        this.view.loss = this.ema / (1 - SMOOTHING ** this.emaSteps);
      }
      if (e.losses.length) this.view.steps = e.firstStep + e.losses.length;
      if (performance.now() - this.lastSpoken >= SPEAK_EVERY_MS) this.speak();
    });
    client.on('evaluation', (e) => {
      if (e.testAccuracy === null) return;
      this.view.epochs.push({ epoch: e.epoch, testAccuracy: e.testAccuracy });
      this.speak();
    });
  }

  private reset(): void {
    this.view = { steps: 0, loss: NaN, lossBefore: NaN, epochs: [], paused: false, done: false };
    this.ema = this.emaSteps = 0;
  }

  private speak(): void {
    const text = summaryText(this.view);
    if (text !== this.el.textContent) this.el.textContent = text;
    this.lastSpoken = performance.now();
    if (this.view.steps > 0) this.view.lossBefore = this.view.loss;
  }
}
