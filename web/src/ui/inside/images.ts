// Small drawing helpers shared by the Draw and Look inside views: grey digits in the page's
// ink colour, weight images in a diverging colour map, and figure elements for a test image.
export const SIDE = 28;

/** The page's text colour as RGB (digits are drawn as ink of that colour on transparent). */
export function inkColour(el: Element): [number, number, number] {
  const m = getComputedStyle(el).color.match(/\d+(\.\d+)?/g);
  return m && m.length >= 3 ? [Number(m[0]), Number(m[1]), Number(m[2])] : [0, 0, 0];
}

/** Draws 784 grey levels (0 = background, 255 = ink) on a 28 × 28 canvas. */
export function drawDigit(canvas: HTMLCanvasElement, pixels: Uint8Array, ink: [number, number, number]): void {
  canvas.width = SIDE;
  canvas.height = SIDE;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(SIDE, SIDE);
  for (let p = 0; p < SIDE * SIDE; p++) {
    img.data[p * 4] = ink[0];
    img.data[p * 4 + 1] = ink[1];
    img.data[p * 4 + 2] = ink[2];
    img.data[p * 4 + 3] = pixels[p] ?? 0;
  }
  ctx.putImageData(img, 0, 0);
}

/**
 * Diverging colour map for a value in [−1, 1]: blue (negative) → white (0) → red
 * (positive), after ColorBrewer's RdBu, which stays readable for the common colour-vision
 * deficiencies (it is a blue–red, not a red–green, scale).
 */
export function diverging(t: number): [number, number, number] {
  const stops: [number, number, number][] = [
    [33, 102, 172], // −1
    [146, 197, 222],
    [247, 247, 247], // 0
    [244, 165, 130],
    [178, 24, 43], // +1
  ];
  const x = (Math.max(-1, Math.min(1, t)) + 1) * 2; // 0..4
  const i = Math.min(3, Math.floor(x));
  const f = x - i;
  const a = stops[i];
  const b = stops[i + 1];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** A figure with a test image and a caption of text lines (textContent only). */
export function digitFigure(pixels: Uint8Array, ink: [number, number, number], lines: string[], label: string): HTMLElement {
  const figure = document.createElement('figure');
  figure.className = 'inside-digit';
  // Named by aria-label; role=img is not allowed on a figure with a caption (axe: aria-allowed-role).
  figure.setAttribute('aria-label', label);
  const canvas = document.createElement('canvas');
  drawDigit(canvas, pixels, ink);
  const caption = document.createElement('figcaption');
  for (const line of lines) {
    const span = document.createElement('span');
    span.textContent = line;
    caption.append(span);
  }
  figure.append(canvas, caption);
  return figure;
}

/** "12.3 %" with one decimal below 10 %, none above. */
export function percent(p: number): string {
  if (!Number.isFinite(p)) return '–';
  const v = p * 100;
  return `${v < 9.95 ? v.toFixed(1) : v.toFixed(0)} %`;
}

/** The three most probable classes of a 10-probability row. */
export function top3(probabilities: ArrayLike<number>, offset = 0): { k: number; p: number }[] {
  return Array.from({ length: 10 }, (_, k) => ({ k, p: probabilities[offset + k] }))
    .sort((a, b) => b.p - a.p || a.k - b.k)
    .slice(0, 3);
}

