// The step-through's own forward and backward pass (web/src/inside/forwardBackward.ts)
// against the wasm core: the same probabilities as Trainer.predict, and W − lr·dW equal
// to the core's own update after one step of batch 1 on that example; the gradient also
// against a finite difference. Then the report's rows: the chapter's names and shapes.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine, LayerParams } from '../../web/src/engine/engine';
import type { TrainerSpec } from '../../web/src/engine/firstnet-wasm';
import { loadEngineNode } from '../../web/src/engine/load-node';
import { type Activation, backward, crossEntropy, forward, softmax } from '../../web/src/inside/forwardBackward';
import { buildStepReport } from '../../web/src/inside/stepReport';
import { mnist } from './helpers/mnist';

const SPEC: TrainerSpec = { layers: '784,128,64,10', activation: 'relu', init: 'he', initScale: 0, optimizer: 'sgd', lr: 0.1, momentum: 0, batch: 64, seed: 1 };

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngineNode();
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A trainer that has taken `steps` steps on the first 2,000 training images. */
function trained(spec: TrainerSpec, steps: number) {
  const { images, labels } = mnist('train', 2000);
  const data = engine.datasetFrom(images, labels);
  const t = engine.createTrainer(spec);
  t.trainSteps(data, 2000, steps);
  data.dispose();
  return t;
}

describe('forward', () => {
  it.each(['relu', 'sigmoid', 'tanh'] as Activation[])('%s: probabilities match Trainer.predict within 1e-5', (activation) => {
    const t = trained({ ...SPEC, activation }, 30);
    const params = t.getParams();
    const test = mnist('t10k', 20);
    for (let i = 0; i < 20; i++) {
      const image = test.images.subarray(i * 784, (i + 1) * 784);
      const ours = forward(params, activation, image).a.at(-1) as Float64Array;
      expect(maxAbsDiff(ours, t.predict(image))).toBeLessThan(1e-5);
      expect(ours.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
    }
    t.dispose();
  });

  it('softmax does not overflow on large logits', () => {
    const p = softmax([1000, 999, -1000]);
    expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 12);
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
  });

  it('refuses shapes that do not chain', () => {
    const bad: LayerParams[] = [
      { W: new Float32Array(784 * 4), b: new Float32Array(4), fanIn: 784, fanOut: 4 },
      { W: new Float32Array(5 * 10), b: new Float32Array(10), fanIn: 5, fanOut: 10 },
    ];
    expect(() => forward(bad, 'relu', new Uint8Array(784))).toThrow(/layer 2 takes 5 inputs, layer 1 gives 4/);
  });
});

describe('backward', () => {
  it.each([
    ['relu', '784,128,64,10'],
    ['sigmoid', '784,128,64,10'],
    ['tanh', '784,32,16,10'],
    ['relu', '784,32,16,8,10'],
  ] as [Activation, string][])('%s %s: W − lr·dW equals the core after one step of batch 1 (within 1e-6)', (activation, layers) => {
    const lr = 0.1;
    // Train a little first (so no gradient is trivially zero), then one step on one example:
    // a one-row data set leaves the core no choice of example.
    const t = trained({ ...SPEC, activation, layers, lr }, 20);
    const before = t.getParams();
    const one = mnist('train', 3);
    const image = one.images.subarray(2 * 784, 3 * 784);
    const label = one.labels[2];
    const single = engine.createTrainer({ ...SPEC, activation, layers, lr, batch: 1 });
    single.setParams(before);
    const data = engine.datasetFrom(image.slice(), Uint8Array.of(label));
    expect(single.trainSteps(data, 1, 1)).toHaveLength(1);
    const after = single.getParams();

    const pass = forward(before, activation, image);
    const grads = backward(before, activation, pass, label);
    expect(single.lastLoss).toBeCloseTo(crossEntropy(pass.a.at(-1) as Float64Array, label), 5);
    before.forEach((p, l) => {
      const W = Float64Array.from(p.W, (w, i) => w - lr * grads.dW[l][i]);
      const b = Float64Array.from(p.b, (v, j) => v - lr * grads.db[l][j]);
      expect(maxAbsDiff(W, after[l].W), `W${l + 1}`).toBeLessThan(1e-6);
      expect(maxAbsDiff(b, after[l].b), `b${l + 1}`).toBeLessThan(1e-6);
      // The step really moved something in every layer (the check is not vacuous).
      expect(maxAbsDiff(p.W, after[l].W), `W${l + 1} moved`).toBeGreaterThan(1e-5);
    });
    [t, single].forEach((x) => x.dispose());
    data.dispose();
  });

  it('agrees with a finite difference of the loss', () => {
    const t = trained({ ...SPEC, activation: 'tanh', layers: '784,16,12,10' }, 10);
    const params = t.getParams().map((p) => ({ ...p, W: Float64Array.from(p.W), b: Float64Array.from(p.b) }));
    t.dispose();
    const { images, labels } = mnist('train', 1);
    const lossAt = () => crossEntropy(forward(params, 'tanh', images).a.at(-1) as Float64Array, labels[0]);
    const grads = backward(params, 'tanh', forward(params, 'tanh', images), labels[0]);
    const eps = 1e-6;
    // Weights from rows with ink (rows of dW1 for blank pixels are exactly 0), every layer, and biases.
    const inked = Array.from(images.keys()).filter((i) => images[i] > 100).slice(0, 3);
    const picks: [number, 'W' | 'b', number][] = [
      ...inked.map((px) => [0, 'W', px * 16 + 5] as [number, 'W', number]),
      [1, 'W', 7],
      [2, 'W', 33],
      [0, 'b', 3],
      [2, 'b', 9],
    ];
    for (const [l, kind, i] of picks) {
      const arr = params[l][kind];
      const keep = arr[i];
      arr[i] = keep + eps;
      const up = lossAt();
      arr[i] = keep - eps;
      const down = lossAt();
      arr[i] = keep;
      const numeric = (up - down) / (2 * eps);
      const analytic = kind === 'W' ? grads.dW[l][i] : grads.db[l][i];
      expect(Math.abs(numeric - analytic), `${kind}${l + 1}[${i}]`).toBeLessThan(1e-6 + 1e-4 * Math.abs(analytic));
    }
  });
});

describe('the step report', () => {
  it('names every value as the chapter does, with shapes, and shows the loss falling', () => {
    const t = trained(SPEC, 30);
    const { images, labels } = mnist('train', 5);
    const image = images.subarray(4 * 784, 5 * 784);
    const r = buildStepReport(t.getParams(), 'relu', image, labels[4], 0.1, 4);
    t.dispose();
    const names = r.rows.map((row) => `${row.phase}:${row.name}`);
    expect(names).toEqual([
      'forward:x', 'forward:z1', 'forward:a1', 'forward:z2', 'forward:a2', 'forward:z3', 'forward:a3', 'forward:loss',
      'backward:dz3', 'backward:dW3', 'backward:db3', 'backward:dz2', 'backward:dW2', 'backward:db2', 'backward:dz1', 'backward:dW1', 'backward:db1',
      'update:W3', 'update:W2', 'update:W1', 'update:loss',
    ]);
    const shape = (name: string, phase = 'forward') => r.rows.find((x) => x.name === name && x.phase === phase)?.shape;
    expect(shape('x')).toEqual([1, 784]);
    expect(shape('z1')).toEqual([1, 128]);
    expect(shape('a2')).toEqual([1, 64]);
    expect(shape('a3')).toEqual([1, 10]);
    expect(shape('dW1', 'backward')).toEqual([784, 128]);
    expect(shape('dW3', 'backward')).toEqual([64, 10]);
    expect(shape('db2', 'backward')).toEqual([64]);
    expect(shape('loss')).toEqual([]);
    expect(r.rows.find((x) => x.name === 'dz3')?.code).toBe('dz3 = a3 - y  # cross-entropy + softmax gradient');
    expect(r.rows.find((x) => x.name === 'dz2')?.code).toBe('dz2 = (dz3 @ W3.T) * (z2 > 0)');
    // a3's ten values are the probabilities; dz3 = a3 − onehot(label).
    const a3 = r.rows.find((x) => x.name === 'a3')?.values.map((v) => v.value) ?? [];
    const dz3 = r.rows.find((x) => x.name === 'dz3')?.values.map((v) => v.value) ?? [];
    expect(a3.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 9);
    dz3.forEach((d, k) => expect(d).toBeCloseTo(a3[k] - (k === r.label ? 1 : 0), 12));
    // The update rows show W before and after: after = before − lr·dW at the same positions.
    const dW3 = r.rows.find((x) => x.name === 'dW3')?.values ?? [];
    const W3 = r.rows.find((x) => x.name === 'W3' && x.phase === 'update')?.values ?? [];
    expect(W3.map((v) => v.at.replace('W3', ''))).toEqual(dW3.map((v) => v.at.replace('dW3', '')));
    W3.forEach((v, i) => expect(v.after).toBeCloseTo(v.value - 0.1 * dW3[i].value, 12));
    expect(r.lossAfter).toBeLessThan(r.loss);
    expect(r.sizes).toEqual([784, 128, 64, 10]);
    expect(r.label).toBe(labels[4]);
  });

  it('uses the activation of the network in its formulas and notes', () => {
    const t = trained({ ...SPEC, activation: 'sigmoid', layers: '784,16,10' }, 5);
    const { images, labels } = mnist('train', 1);
    const r = buildStepReport(t.getParams(), 'sigmoid', images, labels[0], 0.5, 0);
    t.dispose();
    expect(r.rows.map((x) => x.name)).toEqual(['x', 'z1', 'a1', 'z2', 'a2', 'loss', 'dz2', 'dW2', 'db2', 'dz1', 'dW1', 'db1', 'W2', 'W1', 'loss']);
    expect(r.rows.find((x) => x.name === 'a1')?.code).toBe('a1 = 1 / (1 + np.exp(-z1))');
    expect(r.rows.find((x) => x.name === 'dz1')?.code).toBe('dz1 = (dz2 @ W2.T) * a1 * (1 - a1)');
    expect(r.rows.find((x) => x.name === 'a1')?.note).toMatch(/saturated/);
  });
});
