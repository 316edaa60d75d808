// The status panel: data download progress, run state, epoch/step/samples per second,
// test accuracy, and messages. Counters that change 40 times a second are plain text;
// only messages and epoch results go through the aria-live regions, so a screen reader
// hears news, not a ticker.
import type { RunState } from '../worker/protocol';
import { el } from './dom';

export type MessageKind = 'info' | 'warning' | 'error';

export interface ProgressView {
  epoch: number;
  epochs: number;
  step: number;
  stepInEpoch: number;
  samplesSeen: number;
  /** Fraction of the next step done (full-batch steps take seconds). */
  stepProgress: number;
  samplesPerSec: number;
}

const STATE_TEXT: Record<RunState, string> = {
  loading: 'Loading',
  waiting: 'Waiting for data',
  idle: 'Ready',
  training: 'Training',
  paused: 'Paused',
  done: 'Done',
  failed: 'Stopped',
};

const fmtInt = new Intl.NumberFormat('en-US');

export class StatusView {
  private readonly stateEl = el('span', 'state');
  private readonly dataEl = el('div', 'data-progress');
  private readonly dataBar = el('progress');
  private readonly dataText = el('span');
  private readonly epochEl = el('dd');
  private readonly stepEl = el('dd');
  private readonly samplesEl = el('dd');
  private readonly rateEl = el('dd');
  private readonly accEl = el('dd', 'accuracy');
  /** Polite: data ready, epoch results, notices. */
  private readonly live = el('div', 'messages');
  /** Assertive: errors. */
  private readonly alerts = el('div', 'messages errors');
  /** Problems in the URL hash: kept until the URL changes (a new run does not clear them). */
  private readonly urlProblems = el('div', 'messages errors url-problems');

  constructor(root: HTMLElement) {
    root.replaceChildren();
    const head = el('div', 'status-head');
    head.append(el('span', 'label', 'Status'), this.stateEl);
    this.dataBar.max = 1;
    this.dataBar.value = 0;
    this.dataBar.setAttribute('aria-label', 'MNIST download');
    this.dataEl.append(this.dataText, this.dataBar);

    const stats = el('dl', 'stats');
    const add = (label: string, dd: HTMLElement) => {
      const wrap = el('div');
      wrap.append(el('dt', undefined, label), dd);
      stats.append(wrap);
    };
    add('Epoch', this.epochEl);
    add('Step', this.stepEl);
    add('Samples', this.samplesEl);
    add('Samples/s', this.rateEl);
    add('Test accuracy', this.accEl);

    this.live.setAttribute('role', 'status');
    this.live.setAttribute('aria-live', 'polite');
    for (const a of [this.alerts, this.urlProblems]) {
      a.setAttribute('role', 'alert');
      a.setAttribute('aria-live', 'assertive');
    }
    root.append(head, this.dataEl, stats, this.urlProblems, this.alerts, this.live);
    this.setState('loading');
    this.setDataProgress(0, 0);
    this.clearProgress(1);
  }

  setState(state: RunState): void {
    this.stateEl.textContent = STATE_TEXT[state];
    this.stateEl.dataset.state = state;
  }

  setDataProgress(loadedBytes: number, totalBytes: number): void {
    const mb = (b: number) => (b / 1e6).toFixed(1);
    this.dataEl.hidden = false;
    if (totalBytes > 0) {
      this.dataBar.value = Math.min(1, loadedBytes / totalBytes);
      this.dataText.textContent = `Downloading MNIST: ${mb(loadedBytes)} of ${mb(totalBytes)} MB`;
    } else {
      this.dataBar.removeAttribute('value'); // indeterminate
      this.dataText.textContent = loadedBytes > 0 ? `Downloading MNIST: ${mb(loadedBytes)} MB` : 'Loading the engine and MNIST…';
    }
  }

  setDataReady(testRows: number, trainRows: number): void {
    this.dataEl.hidden = true;
    this.say(`MNIST loaded: ${fmtInt.format(trainRows)} training and ${fmtInt.format(testRows)} test images.`);
  }

  clearProgress(epochs: number): void {
    this.setProgress({ epoch: 0, epochs, step: 0, stepInEpoch: 0, samplesSeen: 0, stepProgress: 0, samplesPerSec: 0 });
    this.accEl.textContent = '—';
  }

  setProgress(p: ProgressView): void {
    // p.epoch counts completed epochs: while the first runs it is 0 and we show "1 of 5".
    this.epochEl.textContent = `${Math.min(p.epoch + 1, p.epochs)} of ${p.epochs}`;
    const partial = p.stepProgress > 0 && p.stepProgress < 1 ? ` (+${Math.floor(p.stepProgress * 100)} %)` : '';
    this.stepEl.textContent = `${fmtInt.format(p.step)}${partial}`;
    this.samplesEl.textContent = fmtInt.format(p.samplesSeen);
    this.rateEl.textContent = p.samplesPerSec > 0 ? fmtInt.format(Math.round(p.samplesPerSec)) : '—';
  }

  setAccuracy(testAccuracy: number, testLoss: number, epoch: number): void {
    this.accEl.textContent = `${(testAccuracy * 100).toFixed(2)} %`;
    this.say(`Epoch ${epoch}: test accuracy ${(testAccuracy * 100).toFixed(2)} %, test loss ${testLoss.toFixed(4)}.`);
  }

  /** A polite message (replaces the previous one). */
  say(text: string, kind: MessageKind = 'info'): void {
    const p = el('p', `message ${kind}`, text);
    this.live.replaceChildren(p);
  }

  /**
   * Errors stay until cleared (a new run clears them). One fault can arrive twice — a crash
   * is both an error event and the refusal of the request that met it — and shows once.
   */
  error(text: string): void {
    if ([...this.alerts.children].some((p) => p.textContent === text)) return;
    this.alerts.append(el('p', 'message error', text));
  }

  /** Problems found in the URL hash (replaces the previous list; [] clears it). */
  setUrlProblems(texts: readonly string[]): void {
    this.urlProblems.replaceChildren(...texts.map((t) => el('p', 'message warning', t)));
  }

  clearErrors(): void {
    this.alerts.replaceChildren();
  }
}
