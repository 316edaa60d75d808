// A grid of test digits, each drawn from its 784 uint8 pixels on a 28 × 28 canvas, with
// the network's guess. Right and wrong differ by mark (✓ / ✗), by border style (solid /
// dashed) and by colour, so colour is never the only cue; a wrong guess also shows the
// true label. Refreshed after each evaluation.
import { shortClassName } from '../data/classes';

const SIDE = 28;

interface Cell {
  figure: HTMLElement;
  canvas: HTMLCanvasElement;
  mark: HTMLElement;
  guess: HTMLElement;
  truth: HTMLElement;
}

export interface GridSummary {
  right: number;
  total: number;
}

export class PredictionGrid {
  private readonly summary: HTMLElement;
  private readonly list: HTMLElement;
  private cells: Cell[] = [];
  private pixels: Uint8Array = new Uint8Array(0);
  private labels: Uint8Array = new Uint8Array(0);
  private readonly scheme = matchMedia('(prefers-color-scheme: dark)');
  /** Names of the ten classes (e.g. Fashion-MNIST's), or null for the digits themselves. */
  private classNames: readonly string[] | null = null;
  /** What epoch 0 is: a fresh network, or a model the reader loaded. */
  private startLabel = 'Untrained network (random weights)';

  constructor(root: HTMLElement) {
    this.summary = document.createElement('p');
    this.summary.className = 'grid-summary';
    this.summary.textContent = 'The test digits appear when the data has loaded.';
    this.list = document.createElement('ol');
    this.list.className = 'digits';
    root.replaceChildren(this.summary, this.list);
    this.scheme.addEventListener('change', () => this.drawAll());
  }

  /** The grid's images: n × 784 pixels (0 = background, 255 = ink) and n labels. */
  setImages(pixels: Uint8Array, labels: Uint8Array): void {
    this.pixels = pixels;
    this.labels = labels;
    this.cells = Array.from(labels, (label, i) => this.makeCell(i, label));
    this.list.replaceChildren(...this.cells.map((c) => c.figure.parentElement as HTMLElement));
    this.drawAll();
    this.summary.textContent = `${labels.length} digits from the test set — images the network never trains on.`;
  }

  /** Class names for guesses and labels (null: the digits 0–9); applies from the next predictions. */
  setClassNames(names: readonly string[] | null): void {
    this.classNames = names && names.length === 10 ? [...names] : null;
    this.list.dataset.classes = this.classNames ? 'named' : 'digits';
  }

  /** How the summary names epoch 0 (e.g. "Loaded model.npz"); null restores "Untrained network". */
  setStartLabel(label: string | null): void {
    this.startLabel = label ?? 'Untrained network (random weights)';
  }

  private name(k: number, short = false): string {
    const n = this.classNames?.[k];
    if (!n) return String(k);
    return short ? shortClassName(n) : n;
  }

  /**
   * n × 10 probabilities for the grid images. `epoch` 0 is the untrained network.
   * Returns how many guesses were right.
   */
  setPredictions(probabilities: Float32Array, epoch: number): GridSummary {
    const n = Math.min(this.cells.length, probabilities.length / 10);
    let right = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let k = 1; k < 10; k++) if (probabilities[i * 10 + k] > probabilities[i * 10 + best]) best = k;
      const confidence = probabilities[i * 10 + best];
      const label = this.labels[i];
      const ok = best === label;
      if (ok) right++;
      const c = this.cells[i];
      c.figure.dataset.result = ok ? 'right' : 'wrong';
      c.mark.textContent = ok ? '✓' : '✗';
      c.guess.textContent = this.name(best, true);
      c.truth.textContent = ok ? '' : `is ${this.name(label, true)}`;
      const verdict = ok ? 'right' : `wrong, it is a ${this.name(label)}`;
      const what = this.classNames ? 'Test image' : 'Test digit';
      c.figure.setAttribute('aria-label', `${what} ${i + 1}: the network says ${this.name(best)} (${Math.round(confidence * 100)} %), ${verdict}`);
      c.figure.title = `says ${this.name(best)} with ${(confidence * 100).toFixed(1)} % — ${ok ? 'right' : `the label is ${this.name(label)}`}`;
    }
    const when = epoch === 0 ? this.startLabel : `After epoch ${epoch}`;
    this.summary.textContent = `${when}: ${right} of ${n} right.`;
    return { right, total: n };
  }

  /** Back to "no guesses yet" (a new configuration). */
  clearPredictions(): void {
    for (const c of this.cells) {
      delete c.figure.dataset.result;
      c.mark.textContent = '';
      c.guess.textContent = '·';
      c.truth.textContent = '';
      c.figure.removeAttribute('title');
      c.figure.setAttribute('aria-label', 'Test digit, no guess yet');
    }
  }

  private makeCell(i: number, label: number): Cell {
    const li = document.createElement('li');
    const figure = document.createElement('figure');
    figure.className = 'digit';
    // A figure named by its aria-label (role=img is not allowed on a figure with a caption).
    figure.setAttribute('aria-label', `Test digit ${i + 1}, no guess yet`);
    figure.dataset.label = String(label);
    const canvas = document.createElement('canvas');
    canvas.width = SIDE;
    canvas.height = SIDE;
    const caption = document.createElement('figcaption');
    const mark = document.createElement('span');
    mark.className = 'mark';
    const guess = document.createElement('span');
    guess.className = 'guess';
    guess.textContent = '·';
    const truth = document.createElement('span');
    truth.className = 'truth';
    caption.append(mark, guess, truth);
    figure.append(canvas, caption);
    li.append(figure);
    return { figure, canvas, mark, guess, truth };
  }

  /** Pixels become the alpha of the page's text colour: dark ink on light, light on dark. */
  private drawAll(): void {
    if (this.cells.length === 0) return;
    const ink = parseColour(getComputedStyle(this.list).color);
    this.cells.forEach((c, i) => {
      const ctx = c.canvas.getContext('2d');
      if (!ctx) return;
      const img = ctx.createImageData(SIDE, SIDE);
      const src = this.pixels.subarray(i * SIDE * SIDE, (i + 1) * SIDE * SIDE);
      for (let p = 0; p < src.length; p++) {
        img.data[p * 4] = ink[0];
        img.data[p * 4 + 1] = ink[1];
        img.data[p * 4 + 2] = ink[2];
        img.data[p * 4 + 3] = src[p];
      }
      ctx.putImageData(img, 0, 0);
    });
  }
}

function parseColour(css: string): [number, number, number] {
  const m = css.match(/\d+(\.\d+)?/g);
  return m && m.length >= 3 ? [Number(m[0]), Number(m[1]), Number(m[2])] : [0, 0, 0];
}
