// A small line chart on a canvas: one line per layer over training steps, linear or log
// scale. Lines differ by dash pattern as well as colour, so colour is never the only cue.
// Drawn on demand (the caller batches redraws to an animation frame). A draw reads no layout
// and no style: its width comes from a ResizeObserver and its colours from the caller, since
// a forced layout or style pass of the whole page, four charts ~12 times a second while
// training, made main-thread tasks of 50-90 ms (a CPU profile of npm run bench:browser).
import { el } from '../dom';

/** The colours a chart draws with (the page's CSS custom properties, read once per theme). */
export interface ChartColours {
  /** One per line (layer), in order. */
  lines: string[];
  gridLine: string;
}

export interface Series {
  label: string;
  /** [step, value] pairs in step order. */
  points: [number, number][];
}

const DASHES = [[], [6, 3], [2, 3], [8, 3, 2, 3]];
const HEIGHT = 110;

export class MiniChart {
  readonly root: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly range: HTMLElement;
  private readonly title: HTMLElement;
  /** The canvas's CSS width, kept by a ResizeObserver (0 until it first reports). */
  private cssWidth = 0;

  constructor(
    title: string,
    private readonly log: boolean,
  ) {
    this.root = el('figure', 'mini-chart');
    this.canvas = el('canvas');
    this.canvas.setAttribute('aria-hidden', 'true'); // the table beside it holds the numbers
    this.range = el('span', 'mini-range');
    const caption = el('figcaption');
    this.title = el('span', 'mini-title', title);
    caption.append(this.title, this.range);
    this.root.append(caption, this.canvas);
    new ResizeObserver((entries) => {
      for (const e of entries) this.cssWidth = e.contentRect.width;
    }).observe(this.canvas);
  }

  setTitle(title: string): void {
    this.title.textContent = title;
  }

  draw(series: Series[], colours: ChartColours, maxStep: number): void {
    const ratio = window.devicePixelRatio || 1;
    const cssW = Math.max(100, this.cssWidth || 200);
    const w = Math.round(cssW * ratio);
    const h = Math.round(HEIGHT * ratio);
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, w, h);
    const f = (v: number) => (this.log ? Math.log10(v) : v);
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of series) {
      for (const [, v] of s.points) {
        if (!Number.isFinite(v) || (this.log && v <= 0)) continue;
        lo = Math.min(lo, f(v));
        hi = Math.max(hi, f(v));
      }
    }
    if (!Number.isFinite(lo)) {
      this.range.textContent = '';
      return;
    }
    if (!this.log) lo = Math.min(lo, 0); // linear charts start at 0: a fraction, a mean of ReLUs
    if (hi - lo < 1e-12) hi = lo + (this.log ? 1 : Math.abs(lo) || 1); // a flat line: all zeros show as 0 – 1
    const pad = 4 * ratio;
    const x = (step: number) => pad + ((w - 2 * pad) * step) / Math.max(1, maxStep);
    const y = (v: number) => h - pad - ((h - 2 * pad) * (f(v) - lo)) / (hi - lo);
    ctx.strokeStyle = colours.gridLine;
    ctx.lineWidth = ratio;
    ctx.strokeRect(0.5, 0.5, w - 1, h - 1);
    ctx.lineWidth = 1.8 * ratio;
    series.forEach((s, i) => {
      ctx.strokeStyle = colours.lines[i % colours.lines.length]!;
      ctx.setLineDash(DASHES[i % DASHES.length].map((d) => d * ratio));
      ctx.beginPath();
      let started = false;
      for (const [step, v] of s.points) {
        if (!Number.isFinite(v) || (this.log && v <= 0)) {
          started = false;
          continue;
        }
        if (started) ctx.lineTo(x(step), y(v));
        else ctx.moveTo(x(step), y(v));
        started = true;
      }
      ctx.stroke();
    });
    ctx.setLineDash([]);
    const fmt = (v: number) => {
      const r = this.log ? 10 ** v : v;
      return Math.abs(r) >= 0.01 && Math.abs(r) < 1000 ? r.toPrecision(2) : r === 0 ? '0' : r.toExponential(0);
    };
    this.range.textContent = `${fmt(lo)} – ${fmt(hi)}${this.log ? ' (log)' : ''}`;
  }
}
