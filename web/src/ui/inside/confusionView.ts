// The confusion matrix on the test set after each evaluation: row = the true digit,
// column = the network's reading. A cell is a button (arrow keys move between cells, one
// tab stop for the whole table); pressing it shows those test images.
import type { EventOf, TrainingClient } from '../../worker/client';
import { validateCellImages } from '../../worker/insideProtocol';
import type { InsideRecord } from './hook';
import { digitFigure, inkColour, percent } from './images';
import { el } from '../dom';

export class ConfusionView {
  private readonly summary: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly cells: HTMLButtonElement[] = [];
  private readonly cellHeading: HTMLElement;
  private readonly cellImages: HTMLElement;
  private focus = 0;

  constructor(
    root: HTMLElement,
    private readonly client: TrainingClient,
    private readonly record: InsideRecord,
  ) {
    this.summary = el('p', 'hint', 'The matrix appears after the first epoch: the network is tested on 10,000 images it never trained on.');
    this.table = el('table', 'confusion');
    const caption = el('caption', '', 'Rows: the true digit. Columns: what the network read. The diagonal is right; everything else is a mistake. Press a cell to see its images.');
    const head = el('thead');
    const hr = el('tr');
    const corner = el('th', 'corner', 'true ↓ read →');
    corner.scope = 'col';
    hr.append(corner);
    for (let k = 0; k < 10; k++) {
      const th = el('th', '', String(k));
      th.scope = 'col';
      hr.append(th);
    }
    head.append(hr);
    const body = el('tbody');
    for (let t = 0; t < 10; t++) {
      const tr = el('tr');
      const th = el('th', '', String(t));
      th.scope = 'row';
      tr.append(th);
      for (let p = 0; p < 10; p++) {
        const td = el('td');
        const b = el('button', t === p ? 'diag' : '');
        b.type = 'button';
        b.tabIndex = t === 0 && p === 0 ? 0 : -1;
        b.disabled = true;
        b.textContent = '·';
        b.dataset.actual = String(t);
        b.dataset.predicted = String(p);
        b.addEventListener('click', () => this.open(t, p));
        b.addEventListener('keydown', (e) => this.key(e, t * 10 + p));
        b.addEventListener('focus', () => this.moveFocus(t * 10 + p, false));
        td.append(b);
        tr.append(td);
        this.cells.push(b);
      }
      body.append(tr);
    }
    this.table.append(caption, head, body);
    const scroller = el('div', 'confusion-box');
    scroller.append(this.table);
    this.cellHeading = el('p', 'inside-caption');
    this.cellHeading.setAttribute('aria-live', 'polite');
    this.cellImages = el('ol', 'inside-digits');
    root.replaceChildren(this.summary, scroller, this.cellHeading, this.cellImages);
  }

  reset(): void {
    this.record.confusion = null;
    this.record.cell = null;
    for (const b of this.cells) {
      b.textContent = '·';
      b.disabled = true;
      b.style.removeProperty('--share');
      b.removeAttribute('aria-label');
    }
    this.summary.textContent = 'The matrix appears after the first epoch: the network is tested on 10,000 images it never trained on.';
    this.cellHeading.textContent = '';
    this.cellImages.replaceChildren();
  }

  show(e: EventOf<'insideTestReport'>): void {
    const m = e.confusion;
    this.record.confusion = { matrix: m.slice(), epoch: e.epoch, count: e.count };
    let right = 0;
    for (let t = 0; t < 10; t++) {
      let rowTotal = 0;
      for (let p = 0; p < 10; p++) rowTotal += m[t * 10 + p];
      right += m[t * 11];
      for (let p = 0; p < 10; p++) {
        const n = m[t * 10 + p];
        const b = this.cells[t * 10 + p];
        b.textContent = String(n);
        b.disabled = false;
        // Shade by the share of the row (how often a true t is read as p); the diagonal in the "right" colour.
        b.style.setProperty('--share', rowTotal > 0 ? (n / rowTotal).toFixed(3) : '0');
        b.classList.toggle('zero', n === 0);
        b.setAttribute('aria-label', `true ${this.name(t)}, read as ${this.name(p)}: ${n} image${n === 1 ? '' : 's'}`);
      }
    }
    this.summary.textContent = `After epoch ${e.epoch}: ${right.toLocaleString('en')} of ${e.count.toLocaleString('en')} test images read right (${percent(right / Math.max(1, e.count))}).`;
    this.cellHeading.textContent = this.record.cell ? 'The network has changed: press a cell again to see its images now.' : '';
    this.cellImages.replaceChildren();
    this.record.cell = null;
  }

  private name(k: number): string {
    return String(k);
  }

  private async open(actual: number, predicted: number): Promise<void> {
    this.cellHeading.textContent = 'Fetching the images…';
    try {
      const r = validateCellImages(await this.client.request({ method: 'insideTestImages', actual, predicted }));
      const n = r.images.labels.length;
      const what = actual === predicted ? `read right as ${this.name(actual)}` : `true ${this.name(actual)}, read as ${this.name(predicted)}`;
      this.cellHeading.textContent =
        r.total === 0 ? `No test images are ${what}.` : `${r.total} test image${r.total === 1 ? '' : 's'} ${what}${n < r.total ? ` (the first ${n})` : ''}:`;
      const ink = inkColour(this.cellImages);
      const items = Array.from({ length: n }, (_, i) => {
        const p = r.images.probabilities[i * 10 + predicted];
        const li = el('li');
        li.append(digitFigure(r.images.pixels.subarray(i * 784, (i + 1) * 784), ink, [`${percent(p)}`], `Test image ${r.images.indices[i]}: true ${this.name(actual)}, read as ${this.name(predicted)} with ${percent(p)}`));
        return li;
      });
      this.cellImages.replaceChildren(...items);
      this.record.cell = { actual, predicted, total: r.total, shown: n };
    } catch (e) {
      this.cellHeading.textContent = e instanceof Error ? e.message : String(e);
      this.cellImages.replaceChildren();
    }
  }

  /** Arrow keys, Home and End move between cells (a grid with one tab stop). */
  private key(e: KeyboardEvent, i: number): void {
    const row = Math.floor(i / 10);
    const col = i % 10;
    const to: Record<string, number> = {
      ArrowRight: row * 10 + Math.min(9, col + 1),
      ArrowLeft: row * 10 + Math.max(0, col - 1),
      ArrowDown: Math.min(9, row + 1) * 10 + col,
      ArrowUp: Math.max(0, row - 1) * 10 + col,
      Home: row * 10,
      End: row * 10 + 9,
    };
    if (!(e.key in to)) return;
    e.preventDefault();
    this.moveFocus(to[e.key], true);
  }

  private moveFocus(i: number, focus: boolean): void {
    this.cells[this.focus].tabIndex = -1;
    this.focus = i;
    this.cells[i].tabIndex = 0;
    if (focus) this.cells[i].focus();
  }
}
