// "Draw a digit": a pad for mouse, pen and touch (pointer events; touch-action: none so the
// page does not scroll under a finger), the 28 × 28 image the network actually sees
// (draw/preprocess.ts: cropped, scaled to 20 px, centred by centre of mass, as MNIST), and
// the ten probabilities as bars. The worker predicts (one request in flight, the newest
// image next), again whenever the network changes. "Show a test digit" gives keyboard
// users (and anyone) something to read without drawing.
import { type Point, type Stroke, preprocessStrokes } from '../draw/preprocess';
import type { TrainingClient } from '../worker/client';
import { validatePrediction } from '../worker/insideProtocol';
import type { InsideRecord } from './inside/hook';
import { drawDigit, inkColour, percent } from './inside/images';
import { el } from './dom';

/** While training, the drawing is read again at most this often (ms). */
const REFRESH_MS = 700;
/** Pen width on the pad, as a fraction of its side (only the look: the network's copy is redrawn). */
const PEN = 0.075;

export class DrawPanel {
  private readonly pad: HTMLCanvasElement;
  private readonly seen: HTMLCanvasElement;
  private readonly bars: { li: HTMLElement; fill: HTMLElement; pct: HTMLElement }[] = [];
  private readonly verdict: HTMLElement;
  private readonly testButton: HTMLButtonElement;
  /** Strokes in pad units (0–1 on both axes), so a resized pad redraws them in place. */
  private strokes: Point[][] = [];
  private current: { id: number; stroke: Point[] } | null = null;
  /** A test digit shown instead of a drawing. */
  private testImage: Uint8Array | null = null;
  /** The 784 grey levels the network reads (null: nothing drawn). */
  private image: Uint8Array | null = null;
  private inFlight = false;
  private pending = false;
  private lastAsked = 0;
  private frame = 0;
  private grid: { pixels: Uint8Array; labels: Uint8Array; next: number } | null = null;

  constructor(
    root: HTMLElement,
    private readonly client: TrainingClient,
    private readonly record: InsideRecord,
  ) {
    const hint = el(
      'p',
      'hint',
      'Draw a digit from 0 to 9 in the box with a mouse, a pen or a finger. The network sees the small picture: ' +
        'your drawing cropped, shrunk to 20 pixels and centred, the way the MNIST digits were prepared.',
    );
    this.pad = el('canvas', 'draw-pad');
    this.pad.setAttribute('role', 'img');
    this.pad.setAttribute('aria-label', 'Drawing area: draw a digit here with a mouse, pen or finger. Without a pointer, use "Show a test digit".');
    const clear = el('button', '', 'Clear');
    clear.type = 'button';
    clear.id = 'draw-clear';
    this.testButton = el('button', '', 'Show a test digit');
    this.testButton.type = 'button';
    this.testButton.id = 'draw-test';
    this.testButton.disabled = true;
    const buttons = el('div', 'buttons');
    buttons.append(clear, this.testButton);
    const padBox = el('div', 'draw-pad-box');
    padBox.append(this.pad, buttons);

    this.seen = el('canvas', 'draw-seen');
    this.seen.width = 28;
    this.seen.height = 28;
    this.seen.setAttribute('role', 'img');
    this.seen.setAttribute('aria-label', 'The 28 × 28 image the network reads (empty)');
    const seenFigure = el('figure', 'draw-seen-figure');
    seenFigure.append(this.seen, el('figcaption', '', 'What the network sees: 28 × 28 pixels'));

    const list = el('ol', 'draw-bars');
    list.setAttribute('aria-label', 'Probability of each digit');
    for (let k = 0; k < 10; k++) {
      const li = el('li');
      const fill = el('span', 'fill');
      const bar = el('span', 'bar');
      bar.append(fill);
      const pct = el('span', 'pct', '–');
      li.append(el('span', 'bar-digit', String(k)), bar, pct);
      list.append(li);
      this.bars.push({ li, fill, pct });
    }
    this.verdict = el('p', 'draw-verdict', 'Draw a digit to see what the network reads.');
    this.verdict.setAttribute('aria-live', 'polite');
    const side = el('div', 'draw-side');
    side.append(seenFigure, list);
    const body = el('div', 'draw-body');
    body.append(padBox, side);
    root.replaceChildren(hint, body, this.verdict);

    this.listenPointer();
    clear.addEventListener('click', () => this.clear());
    this.testButton.addEventListener('click', () => this.showTestDigit());
    new ResizeObserver(() => this.redraw()).observe(this.pad);
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
      this.redraw();
      this.showSeen();
    });

    client.on('gridImages', (e) => {
      this.grid = { pixels: e.pixels, labels: e.labels, next: 0 };
      this.testButton.disabled = e.labels.length === 0;
    });
    // The network changed: read the same drawing again.
    client.on('insideNetwork', () => this.predictSoon(true));
    client.on('evaluation', () => this.predictSoon(true));
    client.on('progress', () => this.predictSoon(false));
  }

  private listenPointer(): void {
    const pad = this.pad;
    pad.addEventListener('pointerdown', (e) => {
      if (this.current || (e.pointerType === 'mouse' && e.button !== 0)) return;
      e.preventDefault();
      pad.setPointerCapture(e.pointerId);
      if (this.testImage) this.clear();
      const stroke = [this.point(e)];
      this.current = { id: e.pointerId, stroke };
      this.strokes.push(stroke);
      this.record.draw.strokes = this.strokes.length;
      this.changed();
    });
    pad.addEventListener('pointermove', (e) => {
      if (!this.current || e.pointerId !== this.current.id) return;
      e.preventDefault();
      const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
      for (const c of events.length ? events : [e]) this.current.stroke.push(this.point(c));
      this.changed();
    });
    const end = (e: PointerEvent) => {
      if (!this.current || e.pointerId !== this.current.id) return;
      this.current = null;
      this.changed();
    };
    pad.addEventListener('pointerup', end);
    pad.addEventListener('pointercancel', end);
  }

  private point(e: PointerEvent): Point {
    const r = this.pad.getBoundingClientRect();
    return { x: (e.clientX - r.left) / Math.max(1, r.width), y: (e.clientY - r.top) / Math.max(1, r.height) };
  }

  private clear(): void {
    this.strokes = [];
    this.current = null;
    this.testImage = null;
    this.image = null;
    this.record.draw.strokes = 0;
    this.record.draw.pixels = null;
    this.record.draw.probabilities = null;
    this.redraw();
    this.showSeen();
    this.showProbabilities(null);
    this.verdict.textContent = 'Draw a digit to see what the network reads.';
  }

  /** The next of the grid's test digits, blown up on the pad (already MNIST-shaped). */
  private showTestDigit(): void {
    const g = this.grid;
    if (!g || g.labels.length === 0) return;
    const i = g.next;
    g.next = (i + 1) % g.labels.length;
    this.strokes = [];
    this.current = null;
    this.record.draw.strokes = 0;
    this.testImage = g.pixels.slice(i * 784, (i + 1) * 784);
    this.testButton.dataset.label = String(g.labels[i]);
    this.changed();
  }

  /** The drawing changed: on the next frame, prepare the image, show it and ask the worker. */
  private changed(): void {
    this.redraw();
    // Until the frame prepares the new image, what is shown belongs to the old one.
    this.record.draw.framePending = true;
    this.frame ||= requestAnimationFrame(() => {
      this.frame = 0;
      this.record.draw.framePending = false;
      this.image = this.testImage ?? preprocessStrokes(this.strokes as Stroke[])?.pixels ?? null;
      this.record.draw.pixels = this.image;
      this.record.draw.imageSeq++;
      this.showSeen();
      this.predict();
    });
  }

  /** The network changed; `now` asks at once, otherwise at most every REFRESH_MS. */
  private predictSoon(now: boolean): void {
    if (!this.image) return;
    if (now || performance.now() - this.lastAsked >= REFRESH_MS) this.predict();
  }

  private predict(): void {
    if (!this.image) return;
    if (this.inFlight) {
      this.pending = true;
      return;
    }
    this.inFlight = true;
    this.pending = false;
    this.lastAsked = performance.now();
    const image = this.image;
    const seq = this.record.draw.imageSeq;
    this.client.request({ method: 'predictImage', image: image.slice() }).then(
      (value) => {
        const p = validatePrediction(value);
        // A newer image (or Clear) since the question: this answer is stale.
        if (this.image !== image) return;
        this.showProbabilities(p);
        this.record.draw.answeredSeq = seq;
      },
      (e: unknown) => {
        if (this.image === image) {
          this.showProbabilities(null);
          this.verdict.textContent = e instanceof Error ? e.message : String(e);
        }
      },
    ).finally(() => {
      this.inFlight = false;
      if (this.pending) this.predict();
    });
  }

  private showProbabilities(p: Float32Array | null): void {
    this.record.draw.probabilities = p;
    let best = -1;
    if (p && p.every(Number.isFinite)) {
      best = 0;
      for (let k = 1; k < 10; k++) if (p[k] > p[best]) best = k;
    }
    this.bars.forEach((b, k) => {
      const v = p && best >= 0 ? p[k] : 0;
      b.fill.style.width = `${(v * 100).toFixed(1)}%`;
      b.pct.textContent = p && best >= 0 ? percent(v) : '–';
      b.li.classList.toggle('top', k === best);
      b.li.setAttribute('aria-label', p && best >= 0 ? `${k}: ${percent(v)}` : `${k}: no reading`);
    });
    if (!p) return;
    this.record.draw.predictions++;
    if (best < 0) {
      this.verdict.textContent = 'The network gives no numbers: its weights are not finite (it diverged). Reset to try again.';
      return;
    }
    const label = this.testImage ? ` The test digit is labelled ${this.testButton.dataset.label}.` : '';
    this.verdict.textContent = `The network reads ${best} (${percent(p[best])}).${label}`;
  }

  private showSeen(): void {
    drawDigit(this.seen, this.image ?? new Uint8Array(784), inkColour(this.seen));
    this.seen.setAttribute('aria-label', this.image ? 'The 28 × 28 image the network reads' : 'The 28 × 28 image the network reads (empty)');
  }

  /** Paints the pad: the strokes (or the test digit) at the pad's current size. */
  private redraw(): void {
    const pad = this.pad;
    const ratio = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(pad.clientWidth * ratio));
    const h = Math.max(1, Math.round(pad.clientHeight * ratio));
    if (pad.width !== w || pad.height !== h) {
      pad.width = w;
      pad.height = h;
    }
    const ctx = pad.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, w, h);
    const ink = inkColour(pad);
    if (this.testImage) {
      const small = document.createElement('canvas');
      drawDigit(small, this.testImage, ink);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(small, 0, 0, w, h);
      return;
    }
    ctx.strokeStyle = `rgb(${ink.join(',')})`;
    ctx.fillStyle = ctx.strokeStyle;
    ctx.lineWidth = PEN * w;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (const s of this.strokes) {
      if (s.length === 1) {
        ctx.beginPath();
        ctx.arc(s[0].x * w, s[0].y * h, (PEN * w) / 2, 0, 2 * Math.PI);
        ctx.fill();
        continue;
      }
      ctx.beginPath();
      ctx.moveTo(s[0].x * w, s[0].y * h);
      for (let i = 1; i < s.length; i++) ctx.lineTo(s[i].x * w, s[i].y * h);
      ctx.stroke();
    }
  }
}
