// The Draw-a-digit and Look-inside messages (web/src/worker/insideProtocol.ts), checked
// where they arrive: through protocol.ts's validators for requests and events, and by
// their own validators for the worker's answers. A bad message is refused naming its field.
import { describe, expect, it } from 'vitest';
import { validateCellImages, validatePrediction, validateStepReport } from '../../web/src/worker/insideProtocol';
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
      { type: 'insideWeights', step: 3, units: 2, totalUnits: 128, weights: new Float32Array(2 * 784), start: null },
      { type: 'insideWeights', step: 0, units: 2, totalUnits: 2, weights: new Float32Array(2 * 784), start: new Float32Array(2 * 784) },
      { type: 'insideDiagnostics', step: 10, epoch: 0, layers: [stats, stats] },
      { type: 'insideTestReport', epoch: 1, step: 938, count: 10000, confusion: new Int32Array(100), mistakesTotal: 3, mistakes: images(3) },
    ];
    for (const g of good) expect(() => validateFromWorker(ev(g)), g.type).not.toThrow();
  });

  it('refuses malformed ones, naming the field', () => {
    expect(() => validateFromWorker(ev({ type: 'insideWeights', step: 3, units: 2, totalUnits: 128, weights: new Float32Array(784), start: null }))).toThrow(/'weights' must have 1568 values/);
    expect(() => validateFromWorker(ev({ type: 'insideWeights', step: 3, units: 65, totalUnits: 128, weights: new Float32Array(65 * 784), start: null }))).toThrow(/'units'/);
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
