// First-layer weights as pictures: hidden unit j's 784 incoming weights W1[:, j] drawn as a
// 28 × 28 image in a diverging colour map (red: ink there raises the unit's z; blue: lowers
// it). "Change since the start" shows W1 minus the weights the network was built with:
// what training has written. One canvas for all tiles; the worker sends new weights about
// once a second while this view is on screen, and after each evaluation.
import type { EventOf } from '../../worker/client';
import type { InsideRecord } from './hook';
import { SIDE, diverging, el } from './images';

const GAP = 1;
type Mode = 'weights' | 'change';

export class WeightsView {
  private readonly canvas: HTMLCanvasElement;
  private readonly caption: HTMLElement;
  private updates = 0;
  private mode: Mode = 'weights';
  private last: EventOf<'insideWeights'> | null = null;
  private start: Float32Array | null = null;

  constructor(
    root: HTMLElement,
    private readonly record: InsideRecord,
  ) {
    const intro = el(
      'p',
      'hint',
      'Each square is one unit of the first hidden layer: its 784 weights, one per pixel, laid out as the image. ' +
        'Red where ink makes the unit fire more, blue where ink makes it fire less, white near 0. ' +
        'They start as random noise; training adds strokes. "Change since the start" shows only what training wrote.',
    );
    const modes = el('div', 'weights-modes');
    modes.setAttribute('role', 'radiogroup');
    modes.setAttribute('aria-label', 'Show');
    for (const [value, text] of [
      ['weights', 'Weights'],
      ['change', 'Change since the start'],
    ] as [Mode, string][]) {
      const label = el('label');
      const input = el('input');
      input.type = 'radio';
      input.name = 'weights-mode';
      input.value = value;
      input.checked = value === this.mode;
      input.addEventListener('change', () => {
        if (!input.checked) return;
        this.mode = value;
        if (this.last) this.render(this.last);
      });
      label.append(input, document.createTextNode(` ${text}`));
      modes.append(label);
    }
    this.canvas = el('canvas', 'weights-canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'First-layer weights: not received yet');
    this.caption = el('p', 'inside-caption', 'The weights appear when the network is built.');
    const legend = el('div', 'weights-legend');
    legend.setAttribute('aria-hidden', 'true');
    legend.append(el('span', '', 'negative'), el('span', 'ramp'), el('span', '', 'positive'));
    root.replaceChildren(intro, modes, this.canvas, legend, this.caption);
  }

  reset(): void {
    this.updates = 0;
    this.last = null;
    this.start = null;
    this.record.weights = null;
    this.canvas.width = 0;
    this.caption.textContent = 'The weights appear when the network is built.';
  }

  show(e: EventOf<'insideWeights'>): void {
    if (e.start) this.start = e.start;
    this.last = e;
    this.updates++;
    this.record.weights = { units: e.units, totalUnits: e.totalUnits, step: e.step, updates: this.updates };
    this.render(e);
  }

  private render(e: EventOf<'insideWeights'>): void {
    const { units } = e;
    if (units === 0) return;
    const change = this.mode === 'change' && this.start !== null && this.start.length === e.weights.length;
    const start = this.start;
    const values = change && start ? e.weights.map((w, i) => w - start[i]) : e.weights;
    const cols = units <= 16 ? Math.min(units, 5) : 8;
    const rows = Math.ceil(units / cols);
    const w = cols * (SIDE + GAP) - GAP;
    const h = rows * (SIDE + GAP) - GAP;
    this.canvas.width = w;
    this.canvas.height = h;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(w, h);
    for (let j = 0; j < units; j++) {
      const tile = values.subarray(j * SIDE * SIDE, (j + 1) * SIDE * SIDE);
      // Each image scaled to its own largest |value|, so a quiet unit still shows its pattern.
      let max = 0;
      for (const v of tile) max = Math.max(max, Math.abs(v));
      const scale = max > 0 && Number.isFinite(max) ? 1 / max : 0;
      const x0 = (j % cols) * (SIDE + GAP);
      const y0 = Math.floor(j / cols) * (SIDE + GAP);
      for (let p = 0; p < SIDE * SIDE; p++) {
        const [r, g, b] = diverging(tile[p] * scale);
        const o = ((y0 + Math.floor(p / SIDE)) * w + x0 + (p % SIDE)) * 4;
        img.data[o] = r;
        img.data[o + 1] = g;
        img.data[o + 2] = b;
        img.data[o + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    const of = units < e.totalUnits ? `the first ${units} of ${e.totalUnits} units` : `all ${units} units`;
    const when = e.step === 0 ? 'before training' : `after step ${e.step.toLocaleString('en')}`;
    const what = change ? 'The change since the start' : 'The weights';
    const note = change
      ? e.step === 0
        ? ' Nothing has changed yet: train to see it.'
        : ' Pixels near the border never have ink, so their weights never change: they stay white.'
      : ' Each square is scaled to its own largest weight.';
    this.caption.textContent = `${what} of ${of}, ${when}.${note}`;
    this.canvas.setAttribute('aria-label', `${what} of the first layer, ${of}, as 28 × 28 images, ${when}`);
  }
}
