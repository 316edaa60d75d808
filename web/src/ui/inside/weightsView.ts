// First-layer weights as pictures: hidden unit j's 784 incoming weights W1[:, j] drawn as a
// 28 × 28 image in a diverging colour map (red: ink there raises the unit's z; blue: lowers
// it). "Change since the start" shows W1 minus the weights the network was built with:
// what training has written. One canvas for all tiles; the worker sends new weights about
// once a second while this view is on screen, and after each evaluation, already scaled
// per image to int8 (insideProtocol.ts), so drawing is one table look-up per pixel.
// Every unit of the first layer is shown, up to MAX_WEIGHT_IMAGES (256), with a note when
// a wider layer is cut.
import type { EventOf } from '../../worker/client';
import type { InsideRecord } from './hook';
import { SIDE, diverging } from './images';
import { el } from '../dom';

const GAP = 1;
type Mode = 'weights' | 'change';

/** Colour of each int8 level q (index q + 128): diverging(q / 127), computed once. */
const COLOURS: Uint8Array = (() => {
  const lut = new Uint8Array(256 * 3);
  for (let q = -128; q <= 127; q++) lut.set(diverging(q / 127), (q + 128) * 3);
  return lut;
})();

/** Tiles per row: a few for a tiny layer, 8 up to 64 units, 16 beyond (256 units: 16 × 16). */
function columns(units: number): number {
  return units <= 16 ? Math.min(units, 5) : units <= 64 ? 8 : 16;
}

export class WeightsView {
  private readonly canvas: HTMLCanvasElement;
  private readonly caption: HTMLElement;
  private updates = 0;
  private mode: Mode = 'weights';
  private last: EventOf<'insideWeights'> | null = null;

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
    this.record.weights = null;
    this.canvas.width = 0;
    this.caption.textContent = 'The weights appear when the network is built.';
  }

  show(e: EventOf<'insideWeights'>): void {
    this.last = e;
    this.updates++;
    this.record.weights = { units: e.units, totalUnits: e.totalUnits, step: e.step, updates: this.updates };
    this.render(e);
  }

  private render(e: EventOf<'insideWeights'>): void {
    const { units } = e;
    if (units === 0) return;
    const change = this.mode === 'change';
    const values = change ? e.change : e.weights; // int8, each image already scaled to ±127
    const cols = columns(units);
    const rows = Math.ceil(units / cols);
    const w = cols * (SIDE + GAP) - GAP;
    const h = rows * (SIDE + GAP) - GAP;
    this.canvas.width = w;
    this.canvas.height = h;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(w, h);
    const data = img.data;
    for (let j = 0; j < units; j++) {
      const x0 = (j % cols) * (SIDE + GAP);
      const y0 = Math.floor(j / cols) * (SIDE + GAP);
      const base = j * SIDE * SIDE;
      for (let p = 0; p < SIDE * SIDE; p++) {
        const c = (values[base + p] + 128) * 3;
        const o = ((y0 + Math.floor(p / SIDE)) * w + x0 + (p % SIDE)) * 4;
        data[o] = COLOURS[c];
        data[o + 1] = COLOURS[c + 1];
        data[o + 2] = COLOURS[c + 2];
        data[o + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    const cut = units < e.totalUnits;
    const of = cut ? `the first ${units} of ${e.totalUnits} units` : `all ${units} units`;
    const when = e.step === 0 ? 'before training' : `after step ${e.step.toLocaleString('en')}`;
    const what = change ? 'The change since the start' : 'The weights';
    const note = change
      ? e.step === 0
        ? ' Nothing has changed yet: train to see it.'
        : ' Pixels near the border never have ink, so their weights never change: they stay white.'
      : ' Each square is scaled to its own largest weight.';
    const showing = cut ? ` Showing ${units} of ${e.totalUnits}: more squares would be too small to see.` : '';
    this.caption.textContent = `${what} of ${of}, ${when}.${note}${showing}`;
    this.canvas.setAttribute('aria-label', `${what} of the first layer, ${of}, as 28 × 28 images, ${when}`);
  }
}
