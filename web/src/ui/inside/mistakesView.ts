// The test images the network gets wrong (the first few, in test-set order: no picking),
// each with its three most probable readings.
import type { EventOf } from '../../worker/client';
import type { InsideRecord } from './hook';
import { digitFigure, inkColour, percent, top3 } from './images';
import { el } from '../dom';

export class MistakesView {
  private readonly summary: HTMLElement;
  private readonly list: HTMLElement;

  constructor(
    root: HTMLElement,
    private readonly record: InsideRecord,
  ) {
    this.summary = el('p', 'hint', 'The mistakes appear after the first epoch.');
    this.list = el('ol', 'inside-digits mistakes');
    root.replaceChildren(this.summary, this.list);
  }

  reset(): void {
    this.record.mistakes = null;
    this.summary.textContent = 'The mistakes appear after the first epoch.';
    this.list.replaceChildren();
  }

  show(e: EventOf<'insideTestReport'>): void {
    const m = e.mistakes;
    const n = m.labels.length;
    this.record.mistakes = { total: e.mistakesTotal, shown: n };
    this.summary.textContent =
      e.mistakesTotal === 0
        ? `After epoch ${e.epoch}: no mistakes on the ${e.count.toLocaleString('en')} test images.`
        : `After epoch ${e.epoch}: ${e.mistakesTotal.toLocaleString('en')} of ${e.count.toLocaleString('en')} test images read wrong. ` +
          `The first ${n}, with the network's three best guesses:`;
    const ink = inkColour(this.list);
    const items = Array.from({ length: n }, (_, i) => {
      const label = m.labels[i];
      const top = top3(m.probabilities, i * 10);
      const lines = [`is ${label}`, ...top.map((t) => `${t.k}: ${percent(t.p)}`)];
      const li = el('li');
      const fig = digitFigure(
        m.pixels.subarray(i * 784, (i + 1) * 784),
        ink,
        lines,
        `Test image ${m.indices[i]}, a ${label}: read as ${top.map((t) => `${t.k} ${percent(t.p)}`).join(', ')}`,
      );
      fig.querySelector('figcaption span')?.classList.add('truth');
      li.append(fig);
      return li;
    });
    this.list.replaceChildren(...items);
  }
}
