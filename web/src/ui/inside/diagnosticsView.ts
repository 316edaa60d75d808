// Per-layer diagnostics over training: how big the activations are, how many hidden units
// are dead (ReLU) or saturated (sigmoid, tanh), and how large each layer's weight gradient
// is. The core computes them only when asked, from the last completed step (computing them
// every step would cost more than a step at batch 1); the worker asks every few steps.
// Small charts for the trend, a table for the latest numbers.
import type { LayerDiagnostics } from '../../engine/engine';
import type { EventOf } from '../../worker/client';
import type { DiagnosticsSample, InsideRecord } from './hook';
import { el } from '../dom';
import { type ChartColours, MiniChart } from './miniChart';

/** The charts and the table redraw at most this often. */
const RENDER_EVERY_MS = 250;
/** Samples kept; beyond it every other old sample is dropped (the charts stay light). */
const KEEP = 1200;

export class DiagnosticsView {
  private readonly charts: { mean: MiniChart; std: MiniChart; inactive: MiniChart; grad: MiniChart };
  private readonly legend: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly summary: HTMLElement;
  private sizes: number[] = [];
  private activation = 'relu';
  private frame = 0;
  private timer = 0;
  private lastRender = -Infinity;
  /** Read from the page's CSS once, again when the colour scheme changes. */
  private palette: ChartColours | null = null;

  constructor(
    root: HTMLElement,
    private readonly record: InsideRecord,
  ) {
    this.summary = el('p', 'hint', 'The numbers appear as soon as training starts.');
    this.charts = {
      mean: new MiniChart('Mean of a (hidden layers)', false),
      std: new MiniChart('Spread of a: standard deviation', false),
      inactive: new MiniChart('Dead units (0 for the whole batch)', false),
      grad: new MiniChart('Gradient size ‖dW‖ per layer', true),
    };
    const grid = el('div', 'mini-charts');
    grid.append(this.charts.mean.root, this.charts.std.root, this.charts.inactive.root, this.charts.grad.root);
    this.legend = el('ul', 'mini-legend');
    this.table = el('table', 'diag-table');
    const look = el(
      'p',
      'hint',
      'What to look for. Train the default, then the chapter\'s × 0.01 weights (preset chapter or init-tiny): the second ' +
        'layer\'s activations and every gradient are tens to thousands of times smaller, and every probability stays near ' +
        '0.1, so almost nothing learns. With sigmoid, each layer\'s gradient is smaller than the next one\'s: the error fades ' +
        'on its way back to the first layer, and training is slower. With weights far too large (init-large), the first ' +
        'gradients are huge and many ReLUs die: they give 0 for every example and stop learning.',
    );
    const box = el('div', 'diag-table-box');
    box.append(this.table);
    root.replaceChildren(this.summary, this.legend, grid, box, look);
    new ResizeObserver(() => this.schedule()).observe(grid);
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
      this.palette = null;
      this.schedule();
    });
  }

  reset(sizes: number[], activation: string): void {
    this.sizes = sizes;
    this.activation = activation;
    this.record.diagnostics.length = 0;
    const inactive = activation === 'relu' ? 'Dead units (0 for the whole batch)' : 'Saturated values (slope near 0)';
    this.charts.inactive.setTitle(inactive);
    this.legend.replaceChildren(
      ...sizes.slice(1).map((n, l) => {
        const li = el('li');
        const swatch = el('span', `swatch dash-${l % 4}`);
        // The CSS variable itself, so the swatch follows a change of colour scheme.
        swatch.style.setProperty('--c', `var(--layer-${(l % 4) + 1})`);
        li.append(swatch, el('span', '', `layer ${l + 1} (${l + 1 === sizes.length - 1 ? `a${l + 1}, softmax` : `a${l + 1}`}, ${n} units)`));
        return li;
      }),
    );
    this.summary.textContent = 'The numbers appear as soon as training starts.';
    this.table.replaceChildren();
    this.schedule();
  }

  add(e: EventOf<'insideDiagnostics'>): void {
    const samples = this.record.diagnostics;
    samples.push({ step: e.step, epoch: e.epoch, layers: e.layers });
    if (samples.length > KEEP) {
      // Thin the older half: every other sample goes.
      const half = Math.floor(samples.length / 2);
      const old = samples.splice(0, half).filter((_, i) => i % 2 === 0);
      samples.unshift(...old);
    }
    this.schedule();
  }

  /**
   * Redraws on an animation frame, at most every RENDER_EVERY_MS: samples arrive ~12 times a
   * second while training, and four charts and a table that often were a good part of the
   * main thread's work at an epoch's end (bench:browser's long tasks).
   */
  private schedule(): void {
    if (this.frame || this.timer) return;
    const wait = this.lastRender + RENDER_EVERY_MS - performance.now();
    const draw = () => {
      this.timer = 0;
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.lastRender = performance.now();
        this.render();
      });
    };
    if (wait > 0) this.timer = window.setTimeout(draw, wait);
    else draw();
  }

  private colours(): ChartColours {
    if (!this.palette) {
      const cs = getComputedStyle(this.legend);
      this.palette = {
        lines: [1, 2, 3, 4].map((i) => cs.getPropertyValue(`--layer-${i}`).trim() || '#888'),
        gridLine: getComputedStyle(this.charts.mean.root).getPropertyValue('--grid-line').trim() || 'rgba(0,0,0,0.1)',
      };
    }
    return this.palette;
  }

  private render(): void {
    const samples: DiagnosticsSample[] = this.record.diagnostics;
    const layers = this.sizes.length - 1;
    const hidden = Math.max(0, layers - 1);
    const maxStep = samples.length ? samples[samples.length - 1].step : 1;
    const colours = this.colours();
    const series = (count: number, pick: (d: LayerDiagnostics) => number) =>
      Array.from({ length: count }, (_, l) => ({ label: `layer ${l + 1}`, points: samples.map((s) => [s.step, pick(s.layers[l])] as [number, number]) }));
    this.charts.mean.draw(series(hidden, (d) => d.activationMean), colours, maxStep);
    this.charts.std.draw(series(hidden, (d) => d.activationStd), colours, maxStep);
    this.charts.inactive.draw(series(hidden, (d) => d.inactiveFraction), colours, maxStep);
    this.charts.grad.draw(series(layers, (d) => d.weightGradNorm), colours, maxStep);
    const last = samples[samples.length - 1];
    if (!last) return;
    this.summary.textContent = `Latest: step ${last.step.toLocaleString('en')}. Sampled every few steps; each number is over that step's batch.`;
    this.renderTable(last);
  }

  private renderTable(last: DiagnosticsSample): void {
    const head = el('tr');
    const inactive = this.activation === 'relu' ? 'dead' : 'saturated';
    for (const h of ['layer', 'mean a', 'std a', inactive, '‖dW‖', '‖W‖']) {
      const th = el('th', '', h);
      th.scope = 'col';
      head.append(th);
    }
    const rows = last.layers.map((d, l) => {
      const tr = el('tr');
      const th = el('th', '', `${l + 1}${l === last.layers.length - 1 ? ' (out)' : ''}`);
      th.scope = 'row';
      const out = l === last.layers.length - 1;
      tr.append(
        th,
        el('td', '', fmt(d.activationMean)),
        el('td', '', fmt(d.activationStd)),
        el('td', '', out ? '–' : `${(d.inactiveFraction * 100).toFixed(0)} %`),
        el('td', '', fmt(d.weightGradNorm)),
        el('td', '', fmt(d.weightNorm)),
      );
      return tr;
    });
    const thead = el('thead');
    thead.append(head);
    const tbody = el('tbody');
    tbody.append(...rows);
    this.table.replaceChildren(thead, tbody);
  }
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  return Math.abs(v) >= 0.01 && Math.abs(v) < 1000 ? v.toPrecision(3) : v.toExponential(2);
}
