// A drawn digit → the 28 × 28 uint8 image the network reads, prepared the way MNIST's
// digits were (LeCun et al.): crop to the ink, scale so the longer side of the ink is
// 20 pixels (aspect ratio kept), anti-aliased grey levels, then place it in 28 × 28 so
// that its centre of mass sits at (14, 14). An MLP trained on MNIST has only seen digits
// prepared this way; without it, most drawn digits are misread.
//
// The input is the reader's strokes (polylines in any units, e.g. canvas pixels), not the
// canvas pixels: the pen is drawn again at the target scale with a fixed width, so the
// strokes the network sees are ~2.5 px wide whether the reader drew large or small.
// Pure and deterministic (no DOM): the same strokes give the same bytes everywhere.

export interface Point {
  x: number;
  y: number;
}
/** One pen-down … pen-up path; a single point is a dot. */
export type Stroke = readonly Point[];

export const SIDE = 28;
/** The longer side of the ink, in pixels (MNIST: 20 × 20 box inside 28 × 28). */
export const BOX = 20;
/** Target centre of mass, in pixel indices (MNIST's mean is (14.0, 14.0)). */
export const CENTRE = 14;
/** Pen radius in output pixels (stroke width 2 × PEN_RADIUS). */
export const PEN_RADIUS = 1.3;
/** Sub-samples per pixel per axis: grey levels are the pen's coverage of each pixel. */
const SUPER = 4;

export interface Preprocessed {
  /** 784 grey levels, row-major, 0 = background, 255 = ink. */
  pixels: Uint8Array;
  /** Centre of mass of `pixels` in pixel indices (x = column, y = row). */
  centre: { x: number; y: number };
}

/** The strokes' points that are finite numbers (a stroke left empty is dropped). */
function cleanStrokes(strokes: readonly Stroke[]): Point[][] {
  return strokes
    .map((s) => s.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).map((p) => ({ x: p.x, y: p.y })))
    .filter((s) => s.length > 0);
}

/**
 * Renders strokes into 28 × 28, MNIST-style. Returns null when there is no ink.
 * penRadius is in output pixels; the ink's bounding box (pen included) is BOX pixels on
 * its longer side.
 */
export function preprocessStrokes(strokes: readonly Stroke[], penRadius = PEN_RADIUS): Preprocessed | null {
  const paths = cleanStrokes(strokes);
  if (paths.length === 0) return null;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const s of paths) {
    for (const p of s) {
      minX = Math.min(minX, p.x);
      maxX = Math.max(maxX, p.x);
      minY = Math.min(minY, p.y);
      maxY = Math.max(maxY, p.y);
    }
  }
  // Scale: the pen's centre line spans BOX − 2r on the longer side, the pen adds r each end.
  const longer = Math.max(maxX - minX, maxY - minY);
  const span = BOX - 2 * penRadius;
  const scale = longer > 0 ? span / longer : 1;
  // First placement: the ink's box in the middle of 28 × 28 (the long side at 4..24).
  const offX = (SIDE - (maxX - minX) * scale) / 2;
  const offY = (SIDE - (maxY - minY) * scale) / 2;
  const placed = paths.map((s) => s.map((p) => ({ x: (p.x - minX) * scale + offX, y: (p.y - minY) * scale + offY })));
  const first = render(placed, penRadius);
  // Then move it by whole pixels so its centre of mass is at (14, 14), as MNIST did.
  const c = centreOfMass(first);
  const pixels = shift(first, Math.round(CENTRE - c.x), Math.round(CENTRE - c.y));
  return { pixels, centre: centreOfMass(pixels) };
}

/**
 * Rasterises a round pen of radius r along each polyline (coordinates in output pixels,
 * pixel (i, j) covering [i, i+1) × [j, j+1)). A pixel's grey level is the fraction of its
 * SUPER × SUPER sample points within r of a stroke: anti-aliasing by coverage.
 */
function render(paths: Point[][], r: number): Uint8Array {
  const n = SIDE * SUPER;
  const hit = new Uint8Array(n * n);
  const r2 = r * r;
  const mark = (a: Point, b: Point) => {
    // Sample points (u + 0.5) / SUPER within the segment's box, grown by r.
    const u0 = Math.max(0, Math.floor((Math.min(a.x, b.x) - r) * SUPER));
    const u1 = Math.min(n - 1, Math.ceil((Math.max(a.x, b.x) + r) * SUPER));
    const v0 = Math.max(0, Math.floor((Math.min(a.y, b.y) - r) * SUPER));
    const v1 = Math.min(n - 1, Math.ceil((Math.max(a.y, b.y) + r) * SUPER));
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len2 = dx * dx + dy * dy;
    for (let v = v0; v <= v1; v++) {
      const py = (v + 0.5) / SUPER;
      for (let u = u0; u <= u1; u++) {
        const px = (u + 0.5) / SUPER;
        // Distance² from (px, py) to the segment a–b.
        const t = len2 > 0 ? Math.min(1, Math.max(0, ((px - a.x) * dx + (py - a.y) * dy) / len2)) : 0;
        const ex = a.x + t * dx - px;
        const ey = a.y + t * dy - py;
        if (ex * ex + ey * ey <= r2) hit[v * n + u] = 1;
      }
    }
  };
  for (const s of paths) {
    if (s.length === 1) mark(s[0], s[0]);
    for (let i = 1; i < s.length; i++) mark(s[i - 1], s[i]);
  }
  const out = new Uint8Array(SIDE * SIDE);
  const full = SUPER * SUPER;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      let count = 0;
      for (let v = 0; v < SUPER; v++) for (let u = 0; u < SUPER; u++) count += hit[(y * SUPER + v) * n + x * SUPER + u];
      out[y * SIDE + x] = Math.round((255 * count) / full);
    }
  }
  return out;
}

/** Centre of mass of a 28 × 28 image in pixel indices; the image centre when it is blank. */
export function centreOfMass(pixels: Uint8Array): { x: number; y: number } {
  let m = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const v = pixels[y * SIDE + x];
      m += v;
      sx += v * x;
      sy += v * y;
    }
  }
  return m > 0 ? { x: sx / m, y: sy / m } : { x: (SIDE - 1) / 2, y: (SIDE - 1) / 2 };
}

/** Bounding box of the non-zero pixels (inclusive indices), or null when blank. */
export function inkBox(pixels: Uint8Array): { left: number; top: number; width: number; height: number } | null {
  let minX = SIDE;
  let minY = SIDE;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      if (pixels[y * SIDE + x] === 0) continue;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  return maxX < 0 ? null : { left: minX, top: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

/** Moves an image by whole pixels (what falls off the edge is lost, as in MNIST). */
function shift(pixels: Uint8Array, dx: number, dy: number): Uint8Array {
  const out = new Uint8Array(SIDE * SIDE);
  for (let y = 0; y < SIDE; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= SIDE) continue;
    for (let x = 0; x < SIDE; x++) {
      const sx = x - dx;
      if (sx >= 0 && sx < SIDE) out[y * SIDE + x] = pixels[sy * SIDE + sx];
    }
  }
  return out;
}
