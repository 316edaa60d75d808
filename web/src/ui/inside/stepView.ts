// Step through one example: the forward pass (x, z1, a1, …, a3, loss), the backward pass
// (dz3, dW3, db3, …, dW1) and the update (W -= lr * dW), each under the chapter's name with
// its shape, a few values and a sentence. The worker computes it from the network's
// current weights (inside/stepReport.ts); nothing here changes the network.
import type { ReportRow, ReportValue, StepReport } from '../../inside/stepReport';
import type { EventOf, TrainingClient } from '../../worker/client';
import { validateStepReport } from '../../worker/insideProtocol';
import type { InsideRecord } from './hook';
import { drawDigit, inkColour, percent } from './images';
import { el } from '../dom';

const PHASES: { phase: ReportRow['phase']; title: string; intro: string }[] = [
  { phase: 'forward', title: 'Forward pass', intro: 'The input goes through the layers, as in the chapter\'s forward().' },
  { phase: 'backward', title: 'Backward pass', intro: 'The error goes back through the layers, as in backward(): each layer\'s gradient from the one after it.' },
  { phase: 'update', title: 'The update', intro: 'Every weight and bias takes a small step against its gradient: W -= lr * dW, b -= lr * db. The weights with the largest gradients are shown.' },
];

export class StepView {
  private readonly button: HTMLButtonElement;
  private readonly head: HTMLElement;
  private readonly body: HTMLElement;
  private network: EventOf<'insideNetwork'> | null = null;
  private next = 0;

  constructor(
    root: HTMLElement,
    private readonly client: TrainingClient,
    private readonly record: InsideRecord,
  ) {
    const intro = el(
      'p',
      'hint',
      'One training example, one forward and one backward pass, with the chapter\'s names (z1, a1, …, dz3, dW3). ' +
        'The numbers are the network\'s own, at this moment. The network itself is not changed.',
    );
    this.button = el('button', '', 'Step through an example');
    this.button.type = 'button';
    this.button.id = 'inside-step';
    this.button.addEventListener('click', () => this.step());
    this.head = el('div', 'step-head');
    this.head.setAttribute('aria-live', 'polite');
    this.body = el('div', 'step-body');
    root.replaceChildren(intro, this.button, this.head, this.body);
  }

  reset(network: EventOf<'insideNetwork'>): void {
    this.network = network;
    this.record.step = null;
    this.button.textContent = 'Step through an example';
    this.head.replaceChildren();
    this.body.replaceChildren();
  }

  private async step(): Promise<void> {
    // A fixed walk through the training set (7,919 is prime): varied, and the same every time.
    const index = (this.next++ * 7919) % 60000;
    this.button.disabled = true;
    try {
      const r = validateStepReport(await this.client.request({ method: 'insideStep', index }));
      this.show(r);
      this.button.textContent = 'Another example';
    } catch (e) {
      this.head.replaceChildren(el('p', 'inside-caption', e instanceof Error ? e.message : String(e)));
      this.body.replaceChildren();
    } finally {
      this.button.disabled = false;
    }
  }

  private show(r: StepReport): void {
    this.record.step = { index: r.index, label: r.label, predicted: r.predicted, loss: r.loss, lossAfter: r.lossAfter, rows: r.rows.length };
    const canvas = el('canvas', 'step-digit');
    drawDigit(canvas, r.pixels, inkColour(this.head));
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `Training image ${r.index}, a ${r.label}`);
    const text = el('div');
    const probability = r.rows.find((x) => x.phase === 'forward' && x.name === `a${r.sizes.length - 1}`)?.values[r.predicted]?.value ?? NaN;
    text.append(
      el('p', '', `Training image ${r.index.toLocaleString('en')}, labelled ${r.label}. The network says ${r.predicted} (${percent(probability)}).`),
      el('p', '', `Network ${r.sizes.join(' → ')}, ${r.activation}. Loss on this example: ${num(r.loss)} now, ${num(r.lossAfter)} after one update on it (lr = ${r.lr}).`),
      el('p', 'hint', this.trainingNote()),
    );
    this.head.replaceChildren(canvas, text);
    this.body.replaceChildren(
      ...PHASES.map(({ phase, title, intro }) => {
        const section = el('section', 'step-phase');
        section.append(el('h4', '', title), el('p', 'hint', intro), ...r.rows.filter((x) => x.phase === phase).map(rowElement));
        return section;
      }),
    );
  }

  private trainingNote(): string {
    const n = this.network;
    if (!n) return 'Here m = 1: one example.';
    const batch = `Here m = 1. Training itself averages the gradient over ${n.batch === 1 ? '1 example' : `${n.batch.toLocaleString('en')} examples`} (the batch) before each update.`;
    return n.optimizer === 'momentum' ? `${batch} It also uses momentum; shown here is the chapter's plain update.` : batch;
  }
}

function rowElement(row: ReportRow): HTMLElement {
  const div = el('div', 'step-row');
  div.dataset.name = row.name;
  const head = el('div', 'step-row-head');
  head.append(el('code', 'step-name', row.name), el('span', 'step-shape', row.shape.length ? `shape (${row.shape.join(', ')}${row.shape.length === 1 ? ',' : ''})` : 'a number'));
  const values = el('ul', 'step-values');
  values.append(...row.values.map(valueElement));
  div.append(head, el('code', 'step-code', row.code), values, el('p', 'step-note', row.note));
  return div;
}

function valueElement(v: ReportValue): HTMLElement {
  return el('li', '', v.after === undefined ? `${v.at} = ${num(v.value)}` : `${v.at}: ${num(v.value)} → ${num(v.after)}`);
}

function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 0.001 && a < 10000 ? v.toFixed(a >= 1 ? 3 : 4).replace(/^-/, '−') : v.toExponential(2).replace(/^-/, '−');
}
