// The engine wrapper and the raw module against the real wasm (build/wasm). Every member
// declared in web/src/engine/firstnet-wasm.d.ts is called here at least once.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../web/src/engine/engine';
import type { FirstnetModule, TrainerSpec } from '../../web/src/engine/firstnet-wasm';
import { loadEngineNode } from '../../web/src/engine/load-node';
import { mnist } from './helpers/mnist';

const SPEC: TrainerSpec = {
  layers: '784,128,64,10',
  activation: 'relu',
  init: 'he',
  initScale: 0,
  optimizer: 'sgd',
  lr: 0.1,
  momentum: 0,
  batch: 64,
  seed: 1,
};

let engine: Engine;
let mod: FirstnetModule;
beforeAll(async () => {
  engine = await loadEngineNode();
  mod = engine.module;
});

describe('raw module (every .d.ts member)', () => {
  it('version, heap views, malloc/free', () => {
    expect(mod.version()).toMatch(/firstnet/);
    const p = mod._malloc(64);
    expect(p).toBeGreaterThan(0);
    mod.HEAPU8[p] = 7;
    mod.HEAPF32[p >> 2] = 1.5;
    expect(mod.HEAPF32[p >> 2]).toBe(1.5);
    mod.HEAP32[(p >> 2) + 1] = -3;
    expect(mod.HEAP32[(p >> 2) + 1]).toBe(-3);
    mod._free(p);
  });

  it('Dataset and Trainer members', () => {
    const { images, labels } = mnist('train', 300);
    const d = new mod.Dataset(300);
    expect(d.capacity()).toBe(300);
    expect(d.count()).toBe(0);
    mod.HEAPU8.set(images, d.imagesPtr());
    mod.HEAPU8.set(labels, d.labelsPtr());
    d.setCount(300);
    expect(d.count()).toBe(300);

    const t = new mod.Trainer({ ...SPEC, batch: 100 });
    expect(t.layerCount()).toBe(3);
    expect([t.layerIn(0), t.layerOut(0), t.layerOut(1), t.layerOut(2)]).toEqual([784, 128, 64, 10]);
    expect(t.activation()).toBe('relu');
    expect(t.batchSize(300)).toBe(100);
    expect(Number.isNaN(t.lastLoss())).toBe(true);
    let completed = 0;
    while (completed < 3) if (t.advance(d, 300)) completed++;
    expect(t.steps()).toBe(3);
    expect(t.epochs()).toBe(1);
    expect(t.stepInEpoch()).toBe(0);
    expect(t.samplesSeen()).toBe(300);
    expect(t.diverged()).toBe(false);
    expect(t.lastLoss()).toBeGreaterThan(0);

    const probs = mod._malloc(300 * 10 * 4);
    const conf = mod._malloc(100 * 4);
    mod.HEAP32.fill(0, conf >> 2, (conf >> 2) + 100);
    const r = t.evaluate(d, 0, 300, probs, conf);
    expect(r.count).toBe(300);
    expect(r.correct).toBe(Math.round(r.accuracy * 300));
    expect(r.loss).toBeGreaterThan(0);
    const confusion = mod.HEAP32.slice(conf >> 2, (conf >> 2) + 100);
    expect(confusion.reduce((a, b) => a + b, 0)).toBe(300);
    const p0 = mod.HEAPF32.slice(probs >> 2, (probs >> 2) + 10);
    expect(p0.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);

    const img = mod._malloc(784 + 40);
    mod.HEAPU8.set(images.subarray(0, 784), img);
    t.predict(img, img + 784);
    const pred = mod.HEAPF32.slice((img + 784) >> 2, ((img + 784) >> 2) + 10);
    expect(Array.from(pred)).toEqual(Array.from(p0)); // same image, same network

    const w = mod._malloc(784 * 128 * 4);
    const b = mod._malloc(128 * 4);
    t.getParams(0, w, b);
    mod.HEAPF32[w >> 2] = 0.25;
    t.setParams(0, w, b);
    mod.HEAPF32[w >> 2] = 0;
    t.getParams(0, w, b);
    expect(mod.HEAPF32[w >> 2]).toBe(0.25);

    const diag = t.diagnostics(0);
    for (const k of ['activationMean', 'activationStd', 'inactiveFraction', 'weightGradNorm', 'weightNorm'] as const) {
      expect(Number.isFinite(diag[k])).toBe(true);
    }
    expect(diag.weightNorm).toBeGreaterThan(0);
    for (const p of [probs, conf, img, w, b]) mod._free(p);
    t.delete();
    d.delete();
  });

  it('bad arguments throw Errors that name the argument', () => {
    expect(() => new mod.Trainer({ ...SPEC, lr: -1 })).toThrow(/lr/);
    expect(() => new mod.Trainer({ ...SPEC, layers: '784,128,9' })).toThrow(/layers/);
    expect(() => new mod.Trainer({ ...SPEC, activation: 'swish' })).toThrow(/activation/);
    expect(() => new mod.Dataset(0)).toThrow(/capacity/);
    const d = new mod.Dataset(2);
    mod.HEAPU8[d.labelsPtr()] = 12;
    expect(() => d.setCount(1)).toThrow(/label/);
    expect(() => d.setCount(3)).toThrow(/3/);
    d.delete();
  });
});

describe('Engine wrapper', () => {
  it('trains, evaluates, predicts and round-trips parameters', () => {
    const { images, labels } = mnist('train', 1000);
    const train = engine.datasetFrom(images, labels);
    const trainer = engine.createTrainer(SPEC);
    expect(trainer.sizes).toEqual([784, 128, 64, 10]);
    expect(trainer.layerCount).toBe(3);
    expect(trainer.activation).toBe('relu');
    expect(trainer.batchSize(1000)).toBe(64);
    const losses = trainer.trainSteps(train, 1000, 40);
    expect(losses).toHaveLength(40);
    expect(trainer.steps).toBe(40);
    expect(trainer.epochs).toBe(2); // 16 steps an epoch (15 of 64 and one of 40)
    expect(trainer.stepInEpoch).toBe(8);
    expect(trainer.samplesSeen).toBe(1000 * 2 + 8 * 64);
    expect(trainer.lastLoss).toBe(losses[39]);
    expect(trainer.diverged).toBe(false);
    // Loss falls: mean of the last 8 steps well below the first 8.
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    expect(mean(losses.slice(-8))).toBeLessThan(0.6 * mean(losses.slice(0, 8)));

    const ev = trainer.evaluate(train, 0, 1000, true);
    expect(ev.probabilities).toHaveLength(10_000);
    expect(ev.confusion.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(ev.accuracy).toBeGreaterThan(0.8);
    const p = trainer.predict(train.image(3));
    expect(Array.from(p)).toEqual(Array.from(ev.probabilities!.subarray(30, 40)));
    expect(Array.from(train.labels(0, 5))).toEqual([5, 0, 4, 1, 9]);

    const params = trainer.getParams();
    expect(params.map((l) => [l.fanIn, l.fanOut])).toEqual([[784, 128], [128, 64], [64, 10]]);
    const other = engine.createTrainer({ ...SPEC, seed: 99 });
    other.setParams(params);
    expect(Array.from(other.predict(train.image(3)))).toEqual(Array.from(p));
    expect(trainer.diagnostics()).toHaveLength(3);
    expect(engine.heapBytes).toBeGreaterThan(0);
    expect(engine.version).toMatch(/firstnet/);

    expect(() => other.setParams(params.slice(1))).toThrow(/layers/);
    const bad = params.map((l) => ({ ...l, W: l.W.slice() }));
    bad[1]!.W[5] = NaN;
    expect(() => other.setParams(bad)).toThrow();
    other.dispose();
    trainer.dispose();
    expect(() => trainer.lastLoss).toThrow(/dispose/);
    train.dispose();
  });

  it('same seed ⇒ same losses, bit for bit; another seed differs', () => {
    const { images, labels } = mnist('train', 500);
    const train = engine.datasetFrom(images, labels);
    const run = (seed: number) => {
      const t = engine.createTrainer({ ...SPEC, seed });
      const l = t.trainSteps(train, 500, 20);
      t.dispose();
      return l;
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
    train.dispose();
  });

  it('the default module has one thread and ignores TrainerSpec.threads (only firstnet-core-mt binds it)', () => {
    expect(engine.threads).toBe(1);
    const { images, labels } = mnist('train', 300);
    const train = engine.datasetFrom(images, labels);
    const run = (threads?: number) => {
      const t = engine.createTrainer(threads === undefined ? SPEC : { ...SPEC, threads });
      expect(t.spec.threads).toBe(threads ?? 1);
      const l = t.trainSteps(train, 300, 5);
      t.dispose();
      return l;
    };
    expect(run(2)).toEqual(run());
    train.dispose();
  });

  it('a full batch is one step an epoch, processed in parts', () => {
    const { images, labels } = mnist('train', 600);
    const train = engine.datasetFrom(images, labels);
    const t = engine.createTrainer({ ...SPEC, batch: 0, init: 'normal', initScale: 0.01, lr: 0.01 });
    expect(t.batchSize(600)).toBe(600);
    let calls = 0;
    while (!t.advance(train, 600)) calls++;
    expect(calls).toBe(2); // 256 + 256 + 88: the third call completes the step
    expect(t.epochs).toBe(1);
    expect(t.lastLoss).toBeCloseTo(Math.log(10), 2); // tiny weights: uniform guesses
    t.dispose();
    train.dispose();
  });

  it('Dataset.write refuses bad shapes and gaps', () => {
    const d = engine.createDataset(10);
    expect(() => d.write(0, new Uint8Array(784), new Uint8Array(2))).toThrow(/784/);
    expect(() => d.write(5, new Uint8Array(784), new Uint8Array(1))).toThrow(/gap/);
    expect(() => d.write(0, new Uint8Array(784 * 11), new Uint8Array(11))).toThrow(/capacity/);
    d.write(0, new Uint8Array(784 * 2), new Uint8Array([3, 4]));
    expect(d.count).toBe(2);
    d.dispose();
  });
});
