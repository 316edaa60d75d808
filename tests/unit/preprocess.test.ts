// Draw-a-digit preprocessing (web/src/draw/preprocess.ts): strokes → the 28 × 28 image the
// network reads, prepared as MNIST was. Fixed strokes give fixed bytes; the ink's longer
// side is 20 px; the centre of mass is at (14, 14); the result does not depend on where
// or how large the reader drew.
import { describe, expect, it } from 'vitest';
import { BOX, type Stroke, centreOfMass, inkBox, preprocessStrokes } from '../../web/src/draw/preprocess';
import { DIGITS } from '../browser/fixtures/digits';

/** The fixture strokes as drawn on a 280 × 280 pad, moved by (dx, dy) and scaled by k. */
function onPad(strokes: readonly Stroke[], k = 1, dx = 0, dy = 0): Stroke[] {
  return strokes.map((s) => s.map((p) => ({ x: p.x * 280 * k + dx, y: p.y * 280 * k + dy })));
}

/** FNV-1a over the bytes: a short fingerprint of a whole image. */
function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

describe('preprocessStrokes', () => {
  it.each(DIGITS.map((d) => [d.label, d] as const))('digit %i: ink box 20 px on its longer side, centre of mass at (14, 14)', (_label, d) => {
    const out = preprocessStrokes(onPad(d.strokes));
    expect(out).not.toBeNull();
    const pixels = out?.pixels ?? new Uint8Array();
    expect(pixels).toHaveLength(784);
    const box = inkBox(pixels);
    expect(box).not.toBeNull();
    expect(Math.max(box?.width ?? 0, box?.height ?? 0)).toBe(BOX);
    // Whole-pixel moves, as MNIST: the centre of mass lands within half a pixel of (14, 14).
    const c = centreOfMass(pixels);
    expect(Math.abs(c.x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(c.y - 14)).toBeLessThanOrEqual(0.5);
    expect(out?.centre).toEqual(c);
    // Anti-aliased: solid ink (255) in the strokes, grey levels at their edges.
    expect(pixels.some((v) => v === 255)).toBe(true);
    expect(pixels.some((v) => v > 0 && v < 255)).toBe(true);
  });

  it('keeps the aspect ratio: a 1 stays narrow, a dash stays flat', () => {
    const one = inkBox(preprocessStrokes(onPad(DIGITS[1].strokes))?.pixels ?? new Uint8Array());
    expect(one?.height).toBe(20);
    expect(one?.width).toBeLessThanOrEqual(6);
    const dash = inkBox(preprocessStrokes([[{ x: 10, y: 50 }, { x: 210, y: 50 }]])?.pixels ?? new Uint8Array());
    expect(dash?.width).toBe(20);
    expect(dash?.height).toBeLessThanOrEqual(4);
  });

  it('is deterministic: fixed strokes give fixed bytes', () => {
    const a = preprocessStrokes(onPad(DIGITS[7].strokes));
    const b = preprocessStrokes(onPad(DIGITS[7].strokes));
    expect(a?.pixels).toEqual(b?.pixels);
    // A fingerprint of the whole image and its ink, so any change to the method shows here.
    const seven = a?.pixels ?? new Uint8Array();
    expect({ hash: fnv1a(seven), ink: seven.reduce((s, v) => s + v, 0) }).toMatchInlineSnapshot(`
      {
        "hash": "958df5fe",
        "ink": 20643,
      }
    `);
  });

  it('does not depend on where or how large the digit was drawn', () => {
    const base = preprocessStrokes(onPad(DIGITS[3].strokes))?.pixels ?? new Uint8Array();
    for (const [k, dx, dy] of [[0.5, 13, 71], [2.5, -40, 9], [0.1, 3, 3]]) {
      const other = preprocessStrokes(onPad(DIGITS[3].strokes, k, dx, dy))?.pixels ?? new Uint8Array();
      let differing = 0;
      let worst = 0;
      for (let i = 0; i < 784; i++) {
        const d = Math.abs(other[i] - base[i]);
        if (d > 0) differing++;
        worst = Math.max(worst, d);
      }
      // Rounding may flip a sample point on a stroke's very edge, nothing more.
      expect(differing, `scale ${k}`).toBeLessThanOrEqual(4);
      expect(worst, `scale ${k}`).toBeLessThanOrEqual(32);
    }
  });

  it('no ink → null; points that are not numbers are ignored; a dot is a centred blob', () => {
    expect(preprocessStrokes([])).toBeNull();
    expect(preprocessStrokes([[], []])).toBeNull();
    expect(preprocessStrokes([[{ x: Number.NaN, y: 1 }]])).toBeNull();
    const withJunk = preprocessStrokes([[{ x: 0, y: 0 }, { x: Number.POSITIVE_INFINITY, y: 3 }, { x: 0, y: 100 }]]);
    const clean = preprocessStrokes([[{ x: 0, y: 0 }, { x: 0, y: 100 }]]);
    expect(withJunk?.pixels).toEqual(clean?.pixels);
    const dot = preprocessStrokes([[{ x: 40, y: 40 }]]);
    const c = centreOfMass(dot?.pixels ?? new Uint8Array());
    expect(Math.abs(c.x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(c.y - 14)).toBeLessThanOrEqual(0.5);
    expect(inkBox(dot?.pixels ?? new Uint8Array())?.width).toBeLessThanOrEqual(4);
  });
});
