// The Draw-a-digit and Look-inside messages (web/src/worker/insideProtocol.ts), checked
// where they arrive: through protocol.ts's validators for requests and events, and by
// their own validators for the worker's answers. A bad message is refused naming its field.
import { describe, expect, it } from 'vitest';
import type { LayerParams } from '../../web/src/engine/engine';
import { validateCellImages, validatePrediction, validateStepReport } from '../../web/src/worker/insideProtocol';
import { firstLayerUnits, weightImages } from '../../web/src/worker/inspect';
import { ProtocolError, validateFromWorker, validateRequest } from '../../web/src/worker/protocol';

const req = (body: Record<string, unknown>) => ({ kind: 'request', id: 1, ...body });
const ev = (body: Record<string, unknown>) => ({ kind: 'event', ...body });
const images = (n: number) => ({ indices: new Int32Array(n), labels: new Uint8Array(n), pixels: new Uint8Array(n * 784), probabilities: new Float32Array(n * 10) });
const stats = { activationMean: 0.1, activationStd: 0.2, inactiveFraction: 0, weightGradNorm: 1, weightNorm: 2 };

describe('requests', () => {
  it('accepts the four Inside requests', () => {
    expect(() => validateRequest(req({ method: 'predictImage', image: new Uint8Array(784) }))).not.toThrow();
    expect(() => validateRequest(req({ method: 'insideWatch', weights: true }))).not.toThrow();
    expect(() => validateRequest(req({ method: 'insideTestImages', actual: 4, predicted: 9 }))).not.toThrow();
    expect(() => validateRequest(req({ method: 'insideStep', index: 123 }))).not.toThrow();
  });

  it('refuses bad ones, naming the field', () => {
    expect(() => validateRequest(req({ method: 'predictImage', image: new Uint8Array(783) }))).toThrow(/'image' must have 784 values/);
    expect(() => validateRequest(req({ method: 'predictImage', image: [1, 2] }))).toThrow(ProtocolError);
    expect(() => validateRequest(req({ method: 'insideWatch', weights: 'yes' }))).toThrow(/'weights' must be a boolean/);
    expect(() => validateRequest(req({ method: 'insideTestImages', actual: 10, predicted: 0 }))).toThrow(/'actual' must be an integer 0–9/);
    expect(() => validateRequest(req({ method: 'insideStep', index: -1 }))).toThrow(/'index'/);
  });
});

describe('events', () => {
  it('accepts well-formed Inside events', () => {
    const good = [
      { type: 'insideNetwork', sizes: [784, 128, 64, 10], activation: 'relu', lr: 0.1, optimizer: 'sgd', batch: 64 },
      { type: 'insideWeights', step: 3, units: 2, totalUnits: 128, weights: new Int8Array(2 * 784), change: new Int8Array(2 * 784) },
      { type: 'insideWeights', step: 0, units: 256, totalUnits: 1024, weights: new Int8Array(256 * 784), change: new Int8Array(256 * 784) },
      { type: 'insideDiagnostics', step: 10, epoch: 0, layers: [stats, stats] },
      { type: 'insideTestReport', epoch: 1, step: 938, count: 10000, confusion: new Int32Array(100), mistakesTotal: 3, mistakes: images(3) },
    ];
    for (const g of good) expect(() => validateFromWorker(ev(g)), g.type).not.toThrow();
  });

  it('refuses malformed ones, naming the field', () => {
    const weights = (units: number, totalUnits: number, w: number, c: number) => ev({ type: 'insideWeights', step: 3, units, totalUnits, weights: new Int8Array(w), change: new Int8Array(c) });
    expect(() => validateFromWorker(weights(2, 128, 784, 1568))).toThrow(/'weights' must have 1568 values/);
    expect(() => validateFromWorker(weights(2, 128, 1568, 784))).toThrow(/'change' must have 1568 values/);
    expect(() => validateFromWorker(weights(257, 1024, 257 * 784, 257 * 784))).toThrow(/'units'/);
    expect(() => validateFromWorker(weights(4, 2, 4 * 784, 4 * 784))).toThrow(/'totalUnits'/);
    expect(() => validateFromWorker(ev({ type: 'insideWeights', step: 3, units: 1, totalUnits: 1, weights: new Float32Array(784), change: new Int8Array(784) }))).toThrow(/'weights' must be a Int8Array/);
    expect(() => validateFromWorker(ev({ type: 'insideDiagnostics', step: 1, epoch: 0, layers: [{ activationMean: 'x' }] }))).toThrow(/'layers'/);
    expect(() => validateFromWorker(ev({ type: 'insideTestReport', epoch: 1, step: 1, count: 1, confusion: new Int32Array(99), mistakesTotal: 0, mistakes: images(0) }))).toThrow(/'confusion' must have 100 values/);
    const bad = images(2);
    bad.pixels = new Uint8Array(784);
    expect(() => validateFromWorker(ev({ type: 'insideTestReport', epoch: 1, step: 1, count: 1, confusion: new Int32Array(100), mistakesTotal: 2, mistakes: bad }))).toThrow(/'pixels' must have 1568 values/);
    expect(() => validateFromWorker(ev({ type: 'insideNetwork', sizes: [784], activation: 'relu', lr: 0.1, optimizer: 'sgd', batch: 64 }))).toThrow(/'sizes'/);
  });
});

describe('answers', () => {
  it('prediction: ten probabilities', () => {
    expect(validatePrediction(new Float32Array(10))).toHaveLength(10);
    expect(() => validatePrediction(new Float32Array(9))).toThrow(/10 probabilities/);
    expect(() => validatePrediction([0.1])).toThrow(/10 probabilities/);
  });

  it('cell images', () => {
    expect(validateCellImages({ actual: 4, predicted: 9, total: 53, images: images(2) }).total).toBe(53);
    expect(() => validateCellImages({ actual: 4, predicted: 9, total: 53, images: { ...images(2), labels: new Uint8Array(3) } })).toThrow(/'labels' must have 2 values/);
  });

  it('step report', () => {
    const row = { phase: 'forward', name: 'z1', code: 'z1 = x @ W1 + b1', shape: [1, 128], values: [{ at: 'z1[0]', value: 0.5 }], note: '' };
    const report = { index: 0, label: 5, predicted: 5, sizes: [784, 128, 10], activation: 'relu', lr: 0.1, pixels: new Uint8Array(784), loss: 0.1, lossAfter: 0.05, rows: [row] };
    expect(validateStepReport(report).rows).toHaveLength(1);
    expect(() => validateStepReport({ ...report, rows: [{ ...row, phase: 'sideways' }] })).toThrow(/'rows'/);
    expect(() => validateStepReport({ ...report, pixels: new Uint8Array(10) })).toThrow(/'pixels'/);
  });
});

describe('first-layer weight images (worker/inspect.ts)', () => {
  /** A first layer 784 × fanOut with W[p][j] = f(p, j). */
  const layer = (fanOut: number, f: (p: number, j: number) => number): LayerParams => {
    const W = new Float32Array(784 * fanOut);
    for (let p = 0; p < 784; p++) for (let j = 0; j < fanOut; j++) W[p * fanOut + j] = f(p, j);
    return { W, b: new Float32Array(fanOut), fanIn: 784, fanOut };
  };

  it('shows every unit up to 256, the first 256 of a wider layer, in 784 bytes per image', () => {
    expect(weightImages(layer(128, () => 1), null).units).toBe(128);
    const wide = weightImages(layer(1024, () => 1), null);
    expect(wide.units).toBe(256);
    expect(wide.weights).toBeInstanceOf(Int8Array);
    expect(wide.weights.length).toBe(256 * 784);
    expect(wide.weights.byteLength + wide.change.byteLength).toBe(2 * 256 * 784); // 392 KB for 256 units
  });

  it("unit j's image is column j, scaled to its own largest |w| → ±127; change = now − start, scaled the same way", () => {
    // Unit 0: pixel p has weight p / 783 (largest 1 at p = 783); unit 1: −2 at pixel 5, 1 elsewhere.
    const first = layer(2, (p, j) => (j === 0 ? p / 783 : p === 5 ? -2 : 1));
    const start = firstLayerUnits(first);
    const { weights, change } = weightImages(first, start);
    expect(weights[783]).toBe(127);
    expect(weights[0]).toBe(0);
    expect(weights[392]).toBe(Math.round((392 / 783) * 127));
    expect(weights[784 + 5]).toBe(-127);
    expect(weights[784 + 6]).toBe(Math.round(127 / 2));
    expect([...change].every((q) => q === 0)).toBe(true); // nothing changed yet
    // After "training" moved unit 1's pixel 7 by +0.5 and pixel 8 by −0.25:
    const later = layer(2, (p, j) => (j === 0 ? p / 783 : p === 5 ? -2 : p === 7 ? 1.5 : p === 8 ? 0.75 : 1));
    const moved = weightImages(later, start).change;
    expect(moved[784 + 7]).toBe(127);
    expect(moved[784 + 8]).toBe(-63); // −0.25 / 0.5 · 127 = −63.5, and Math.round rounds halves up
    expect(moved[784 + 6]).toBe(0); // unmoved pixels stay white
  });

  it('a diverged image (not finite) is drawn white (all 0)', () => {
    const { weights } = weightImages(layer(1, (p) => (p === 3 ? Number.NaN : 1)), null);
    expect([...weights].every((q) => q === 0)).toBe(true);
  });
});
