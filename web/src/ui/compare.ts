// Saved runs overlaid: training loss and test accuracy against epochs (not steps, so a
// batch-1 run and a full-batch run line up), one colour and one dash pattern per run (so
// colour is never the only cue), and a legend that names what differs ("sigmoid vs relu").
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { legendFor } from '../runs/diff';
import { type RunCurve, type SavedRun, bestAccuracy } from '../runs/run';
import { el } from './dom';

export const MAX_OVERLAY = 6;
/** Distinguishable in light and dark mode (Okabe–Ito-like); paired with DASHES. */
const COLOURS = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#64748b'];
const DASHES: number[][] = [[], [8, 4], [2, 3], [10, 3, 2, 3], [5, 5], [1, 2]];
const NARROW = 500;

export interface Overlaid {
  run: SavedRun;
  curve: RunCurve | null;
}

/** x values of all series merged (sorted, unique), each series null where it has no point. */
export function alignSeries(series: { x: number[]; y: (number | null)[] }[]): { x: number[]; ys: (number | null)[][] } {
  const xs = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((s) => {
    const out: (number | null)[] = new Array(xs.length).fill(null);
    s.x.forEach((x, i) => (out[index.get(x)!] = s.y[i] ?? null));
    return out;
  });
  return { x: xs, ys };
}

export class CompareChart {
  private readonly title = el('p', 'compare-title');
  private readonly legend = el('ul', 'compare-legend');
  private readonly lossBox = el('div', 'compare-chart');
  private readonly accBox = el('div', 'compare-chart');
  private readonly empty = el('p', 'hint', 'Finished runs appear here. Tick up to six in the table to overlay them.');
  private loss: uPlot | null = null;
  private acc: uPlot | null = null;
  private shown: Overlaid[] = [];
  private readonly resize: ResizeObserver;

  constructor(private readonly root: HTMLElement) {
    this.lossBox.setAttribute('aria-label', 'Training loss of the compared runs, against epochs');
    this.accBox.setAttribute('aria-label', 'Test accuracy of the compared runs, after each epoch');
    this.legend.setAttribute('aria-label', 'Compared runs');
    root.replaceChildren(this.empty, this.title, this.legend, this.lossBox, this.accBox);
    this.resize = new ResizeObserver(() => this.fit());
    this.resize.observe(root);
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.show(this.shown));
  }

  /** Overlays these runs (oldest first), replacing what was shown. */
  show(runs: readonly Overlaid[]): void {
    this.shown = runs.slice(0, MAX_OVERLAY);
    const n = this.shown.length;
    this.empty.hidden = n > 0;
    this.title.hidden = this.legend.hidden = this.lossBox.hidden = this.accBox.hidden = n === 0;
    this.loss?.destroy();
    this.acc?.destroy();
    this.loss = this.acc = null;
    if (n === 0) {
      this.title.textContent = '';
      this.legend.replaceChildren();
      return;
    }
    const { title, labels } = legendFor(this.shown.map((o) => o.run));
    this.title.textContent = title;
    this.legend.replaceChildren(
      ...this.shown.map((o, i) => {
        const li = el('li');
        const swatch = el('span', 'swatch');
        swatch.style.borderTopColor = COLOURS[i]!;
        swatch.style.borderTopStyle = ['solid', 'dashed', 'dotted', 'dashed', 'dashed', 'dotted'][i]!;
        swatch.setAttribute('aria-hidden', 'true');
        const best = bestAccuracy(o.run);
        li.append(swatch, el('span', 'label', labels[i]), el('span', 'best', best === null ? '—' : `${(best * 100).toFixed(2)} %`));
        li.dataset.runId = o.run.id;
        return li;
      }),
    );
    this.build(labels);
  }

  private size(): { width: number; height: number } {
    const width = Math.max(200, Math.floor(this.root.clientWidth));
    return { width, height: width < NARROW ? 180 : 220 };
  }

  private fit(): void {
    const s = this.size();
    for (const p of [this.loss, this.acc]) if (p && (p.width !== s.width || p.height !== s.height)) p.setSize(s);
  }

  private build(labels: string[]): void {
    const css = getComputedStyle(document.documentElement);
    const fg = css.getPropertyValue('--fg-muted').trim() || '#555';
    const grid = css.getPropertyValue('--grid-line').trim() || 'rgba(0,0,0,0.08)';
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const size = this.size();
    const narrow = size.width < NARROW;
    const label = (t: string) => (narrow ? {} : { label: t });
    const series = (i: number, points: boolean): uPlot.Series => ({
      label: labels[i],
      stroke: COLOURS[i],
      width: 2,
      dash: DASHES[i],
      spanGaps: true,
      points: { show: points, size: 6, stroke: COLOURS[i], fill: COLOURS[i] },
    });

    // Loss against epochs: step / stepsPerEpoch.
    const lossData = alignSeries(
      this.shown.map((o) => {
        const c = o.curve;
        if (!c) return { x: [], y: [] };
        const per = Math.max(1, o.run.stepsPerEpoch);
        return { x: c.steps.map((s) => s / per), y: c.loss.map((v) => (Number.isFinite(v) ? v : null)) };
      }),
    );
    const finite = lossData.ys.flat().filter((v): v is number => v !== null);
    // Up to 3 (a guess over ten classes is ln 10 ≈ 2.3): a wild first step would flatten the rest.
    const top = Math.min(3, Math.max(0.5, ...finite) * 1.05);
    this.loss = new uPlot(
      {
        ...size,
        title: 'Training loss',
        cursor: { drag: { x: false, y: false } },
        legend: { show: false },
        scales: { x: { time: false }, y: { range: [0, top] } },
        axes: [{ ...axis, ...label('epoch') }, { ...axis, ...label('loss'), size: 50 }],
        series: [{ label: 'epoch' }, ...this.shown.map((_, i) => series(i, false))],
      },
      [lossData.x, ...lossData.ys] as uPlot.AlignedData,
      this.lossBox,
    );

    const accData = alignSeries(this.shown.map((o) => ({ x: o.run.evaluations.map((e) => e.epoch), y: o.run.evaluations.map((e) => e.testAccuracy) })));
    this.acc = new uPlot(
      {
        ...size,
        title: 'Test accuracy after each epoch',
        cursor: { drag: { x: false, y: false } },
        legend: { show: false },
        scales: { x: { time: false }, y: { range: [0, 1] } },
        axes: [
          { ...axis, ...label('epoch'), incrs: [1, 2, 5, 10, 20, 50, 100] },
          { ...axis, ...label('test accuracy'), size: 50, values: (_u, splits) => splits.map((s) => `${Math.round(s * 100)}%`) },
        ],
        series: [{ label: 'epoch' }, ...this.shown.map((_, i) => series(i, true))],
      },
      [accData.x, ...accData.ys] as uPlot.AlignedData,
      this.accBox,
    );
  }
}
