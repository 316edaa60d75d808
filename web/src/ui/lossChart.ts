// The loss curve (uPlot): each step's training loss as a faint line, a smoothed line over
// it, and the test accuracy after each epoch as points on a second (right-hand) axis.
// Steps arrive 40 times a second; points are appended to arrays and the chart is redrawn
// at most once per animation frame. Long runs (batch 1 × 50 epochs is 3 million steps)
// are kept to ≤ MAX_POINTS by merging neighbouring points into buckets of 2, 4, 8 … steps.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const MAX_POINTS = 4000;
const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 3 });
const lossLabel = (v: number): string => (Math.abs(v) >= 1e4 ? v.toExponential(1).replace('e+', 'e') : COMPACT.format(v));
/** Axis width that fits its longest tick label (≈ 7 px a character) plus the title. */
const fitLabels = (u: uPlot, values: string[]): number => {
  const longest = Math.max(3, ...(values ?? []).map((v) => v.length));
  return longest * 7 + (u.width < NARROW ? 12 : 30);
};
const STEP_TICKS = Array.from({ length: 8 }, (_, e) => [1, 2, 5].map((m) => m * 10 ** e)).flat();
/** Below this width (px) the axes lose their titles to leave room for the plot. */
const NARROW = 500;
/** Exponential moving average weight of the smoothed line (debiased, as TensorBoard does). */
const SMOOTHING = 0.9;

interface Series {
  steps: number[];
  raw: number[];
  smooth: number[];
  accuracy: (number | null)[];
}

export class LossChart {
  private plot: uPlot | null = null;
  private data: Series = { steps: [], raw: [], smooth: [], accuracy: [] };
  /** Steps per stored point. */
  private bucket = 1;
  private pendingSum = 0;
  private pendingCount = 0;
  private pendingStep = 0;
  private ema = 0;
  private emaSteps = 0;
  private frame = 0;
  private narrow = false;
  private readonly resize: ResizeObserver;
  private readonly scheme = matchMedia('(prefers-color-scheme: dark)');

  constructor(private readonly root: HTMLElement) {
    this.build();
    this.resize = new ResizeObserver(() => this.fit());
    this.resize.observe(root);
    // Colours come from CSS variables: rebuild when the colour scheme changes.
    this.scheme.addEventListener('change', () => this.build());
  }

  /** Losses of consecutive steps, the first being step number firstStep (0-based). */
  addLosses(firstStep: number, losses: readonly number[]): void {
    losses.forEach((loss, i) => {
      const finite = Number.isFinite(loss);
      if (finite) {
        this.emaSteps++;
        this.ema = SMOOTHING * this.ema + (1 - SMOOTHING) * loss;
        this.pendingSum += loss;
        this.pendingCount++;
      }
      this.pendingStep = firstStep + i + 1; // x: steps completed
      if (this.pendingCount >= this.bucket) this.flush();
    });
    this.schedule();
  }

  /** Test accuracy (0–1) measured after `step` steps. */
  addAccuracy(step: number, accuracy: number): void {
    this.flush();
    const d = this.data;
    if (d.steps.length === 0 || d.steps[d.steps.length - 1] !== step) {
      // No loss point at that step (e.g. bucketed away): add one without a loss value.
      this.push(step, null, null, accuracy);
    } else {
      d.accuracy[d.accuracy.length - 1] = accuracy;
    }
    this.schedule();
  }

  reset(): void {
    this.data = { steps: [], raw: [], smooth: [], accuracy: [] };
    this.bucket = 1;
    this.pendingSum = this.pendingCount = this.pendingStep = 0;
    this.ema = this.emaSteps = 0;
    this.schedule();
  }

  private flush(): void {
    if (this.pendingCount === 0) return;
    const smooth = this.ema / (1 - SMOOTHING ** this.emaSteps);
    this.push(this.pendingStep, this.pendingSum / this.pendingCount, smooth, null);
    this.pendingSum = this.pendingCount = 0;
    if (this.data.steps.length > MAX_POINTS) this.halve();
  }

  private push(step: number, raw: number | null, smooth: number | null, accuracy: number | null): void {
    const d = this.data;
    d.steps.push(step);
    d.raw.push(raw ?? NaN);
    d.smooth.push(smooth ?? NaN);
    d.accuracy.push(accuracy);
  }

  /** Merges pairs of points: half the points, buckets twice as wide. */
  private halve(): void {
    const d = this.data;
    const out: Series = { steps: [], raw: [], smooth: [], accuracy: [] };
    for (let i = 0; i < d.steps.length; i += 2) {
      const j = Math.min(i + 1, d.steps.length - 1);
      out.steps.push(d.steps[j]);
      const a = d.raw[i];
      const b = d.raw[j];
      out.raw.push(Number.isNaN(a) ? b : Number.isNaN(b) ? a : (a + b) / 2);
      out.smooth.push(Number.isNaN(d.smooth[j]) ? d.smooth[i] : d.smooth[j]);
      out.accuracy.push(d.accuracy[j] ?? d.accuracy[i]);
    }
    this.data = out;
    this.bucket *= 2;
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
    const d = this.data;
    // uPlot draws null as a gap; NaN marks "no loss here".
    const nullify = (xs: number[]) => xs.map((x) => (Number.isNaN(x) ? null : x));
    this.plot?.setData([d.steps, nullify(d.raw), nullify(d.smooth), d.accuracy]);
  }

  private size(): { width: number; height: number } {
    const width = Math.max(200, Math.floor(this.root.clientWidth));
    return { width, height: width < NARROW ? 220 : 280 };
  }

  private fit(): void {
    if (!this.plot) return;
    const { width, height } = this.size();
    // Axis titles are dropped on a phone (the legend names the series): rebuild on crossing.
    if (this.narrow !== width < NARROW) return this.build();
    if (width !== this.plot.width || height !== this.plot.height) this.plot.setSize({ width, height });
  }

  private build(): void {
    this.plot?.destroy();
    const css = getComputedStyle(document.documentElement);
    const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
    const fg = v('--fg-muted', '#555');
    const grid = v('--grid-line', 'rgba(0,0,0,0.08)');
    const lossColour = v('--loss', '#2563eb');
    const rawColour = v('--loss-raw', 'rgba(37,99,235,0.25)');
    const accColour = v('--accuracy', '#c2410c');
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const size = this.size();
    this.narrow = size.width < NARROW;
    const title = (t: string) => (this.narrow ? {} : { label: t });
    const opts: uPlot.Options = {
      ...size,
      cursor: { drag: { x: false, y: false } },
      legend: { live: false },
      scales: {
        x: { time: false },
        loss: { range: (_u, _min, max) => [0, Math.max(0.5, Number.isFinite(max) ? max * 1.05 : 2.5)] },
        acc: { range: [0, 1] },
      },
      axes: [
        // Steps are whole numbers: ticks at 1, 2, 5, 10, 20, 50, …
        { ...axis, ...title('step'), incrs: STEP_TICKS },
        // Short labels: a diverging run reaches losses of 1e20 ("1e20", not clipped digits).
        { ...axis, scale: 'loss', ...title('loss'), size: fitLabels, values: (_u, splits) => splits.map(lossLabel) },
        {
          ...axis,
          scale: 'acc',
          side: 1,
          ...title('test accuracy'),
          size: 48,
          grid: { show: false },
          values: (_u, splits) => splits.map((s) => `${Math.round(s * 100)}%`),
        },
      ],
      series: [
        { label: 'step' },
        { label: 'loss (each step)', scale: 'loss', stroke: rawColour, width: 1, points: { show: false } },
        { label: 'loss (smoothed)', scale: 'loss', stroke: lossColour, width: 2, points: { show: false } },
        {
          label: 'test accuracy',
          scale: 'acc',
          stroke: accColour,
          width: 1.5,
          dash: [4, 4],
          spanGaps: true,
          points: { show: true, size: 9, stroke: accColour, fill: accColour },
        },
      ],
    };
    this.plot = new uPlot(opts, [[], [], [], []], this.root);
    this.draw();
  }
}
