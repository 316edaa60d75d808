// The pure parts of "compare runs": the bounded loss curve, downsampling, the legend's
// "what differs", the run recorder, and telling dropped files apart. (The IndexedDB store
// itself is tested in the real browser: tests/browser/runs.test.ts.)
import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../web/src/config/presets';
import { legendFor, varyingKeys } from '../../web/src/runs/diff';
import { RunRecorder } from '../../web/src/runs/recorder';
import { CurveBuilder, MAX_CURVE_POINTS, MNIST_DATA, bestAccuracy, downsampleCurve, stepsPerEpoch } from '../../web/src/runs/run';
import { classifyDrop } from '../../web/src/ui/dropZone';

const mnist = { name: 'MNIST' };

describe('CurveBuilder', () => {
  it('keeps every step while there are few, as given', () => {
    const b = new CurveBuilder(10);
    b.add(0, [3, 2, 1]);
    b.add(3, [0.5]);
    expect(b.curve('r')).toEqual({ runId: 'r', steps: [1, 2, 3, 4], loss: [3, 2, 1, 0.5] });
  });

  it('stays within max points and averages buckets exactly (the mean of all steps is kept)', () => {
    const b = new CurveBuilder(100);
    const n = 12_345;
    const losses = Array.from({ length: n }, (_, i) => 1 + Math.sin(i / 50));
    // In uneven slices, as the worker sends them.
    for (let i = 0; i < n; ) {
      const k = Math.min(n - i, 1 + (i % 97));
      b.add(i, losses.slice(i, i + k));
      i += k;
    }
    const c = b.curve('r');
    expect(c.steps.length).toBeLessThanOrEqual(100);
    expect(c.steps.length).toBeGreaterThan(40);
    expect(c.steps.at(-1)).toBe(n);
    expect(c.steps.every((s, i) => i === 0 || s > c.steps[i - 1]!)).toBe(true);
    // Bucket widths are powers of two except the last: the weighted mean of the points is the mean of the steps.
    const widths = c.steps.map((s, i) => s - (i === 0 ? 0 : c.steps[i - 1]!));
    const weighted = c.loss.reduce((s, l, i) => s + l * widths[i]!, 0) / n;
    const mean = losses.reduce((s, l) => s + l, 0) / n;
    expect(weighted).toBeCloseTo(mean, 10);
    // A point is the mean of its bucket: check one against the raw losses.
    const j = 10;
    const from = c.steps[j - 1]!;
    const bucket = losses.slice(from, c.steps[j]!);
    expect(c.loss[j]).toBeCloseTo(bucket.reduce((s, l) => s + l, 0) / bucket.length, 12);
  });

  it('a million steps (batch 1 for many epochs) stay within MAX_CURVE_POINTS', () => {
    const b = new CurveBuilder();
    const chunk = new Array(1000).fill(0.5);
    for (let i = 0; i < 1000; i++) b.add(i * 1000, chunk);
    const c = b.curve('r');
    expect(c.steps.length).toBeLessThanOrEqual(MAX_CURVE_POINTS);
    expect(c.steps.length).toBeGreaterThan(MAX_CURVE_POINTS / 2);
    expect(c.loss.every((l) => l === 0.5)).toBe(true);
  });

  it('non-finite losses (a diverging run) are left out of the means; an all-NaN bucket is NaN', () => {
    const b = new CurveBuilder(4);
    b.add(0, [1, NaN, Infinity, NaN]);
    const c = b.curve('r');
    expect(c.loss[0]).toBe(1);
    expect(Number.isNaN(c.loss.at(-1))).toBe(true);
  });

  it('refuses a max below 2', () => {
    expect(() => new CurveBuilder(1)).toThrow(/max must be an integer ≥ 2/);
  });
});

describe('downsampleCurve', () => {
  it('leaves a short curve alone and averages a long one into ≤ max points', () => {
    const short = { runId: 'a', steps: [1, 2], loss: [2, 1] };
    expect(downsampleCurve(short, 5)).toEqual(short);
    const long = { runId: 'a', steps: Array.from({ length: 10 }, (_, i) => i + 1), loss: [1, 3, 5, 7, 9, 11, NaN, 13, 15, 17] };
    expect(downsampleCurve(long, 4)).toEqual({ runId: 'a', steps: [3, 6, 9, 10], loss: [3, 9, 14, 17] });
  });
});

describe('legendFor / varyingKeys', () => {
  const def = presetConfig('default');
  it('two runs: diffConfigs of the newer against the older ("sigmoid vs relu")', () => {
    const runs = [
      { config: def, data: mnist },
      { config: presetConfig('sigmoid'), data: mnist },
    ];
    expect(legendFor(runs)).toEqual({ title: 'sigmoid vs relu', labels: ['relu', 'sigmoid'] });
  });

  it('names each varying setting, keys with a name where the value alone is unclear', () => {
    const fast = { ...presetConfig('default'), lr: 0.5, seed: 2 };
    const runs = [
      { config: def, data: mnist },
      { config: fast, data: mnist },
      { config: presetConfig('narrow'), data: mnist },
    ];
    expect(varyingKeys(runs)).toEqual(['layers', 'lr', 'seed']);
    expect(legendFor(runs).labels).toEqual(['784-128-64-10, lr 0.1, seed 1', '784-128-64-10, lr 0.5, seed 2', '784-32-16-10, lr 0.1, seed 1']);
  });

  it('data sets count as a difference; identical runs are numbered', () => {
    const fashion = { name: 'Fashion-MNIST' };
    expect(legendFor([{ config: def, data: mnist }, { config: def, data: fashion }])).toEqual({ title: 'Fashion-MNIST vs MNIST', labels: ['MNIST', 'Fashion-MNIST'] });
    expect(legendFor([{ config: def, data: mnist }, { config: def, data: mnist }])).toEqual({ title: 'same settings', labels: ['run 1', 'run 2'] });
    expect(legendFor([])).toEqual({ title: '', labels: [] });
    // One run alone: what it changed from its preset.
    expect(legendFor([{ config: { ...def, lr: 0.5 }, data: mnist }])).toEqual({ title: '', labels: ['default: lr 0.5 vs 0.1'] });
    expect(legendFor([{ config: presetConfig('sigmoid'), data: { name: 'Fashion-MNIST' } }])).toEqual({ title: '', labels: ['sigmoid on Fashion-MNIST'] });
  });

  it('page keys (hide) and the preset name are not differences', () => {
    const a = { ...presetConfig('default'), hide: ['draw'] };
    const b = { ...presetConfig('default'), preset: 'sigmoid' };
    expect(varyingKeys([{ config: a, data: mnist }, { config: b, data: mnist }])).toEqual([]);
  });
});

describe('RunRecorder', () => {
  it('records losses, evaluations and training time into a SavedRun', () => {
    let t = 0;
    const config = { ...presetConfig('default'), train: 1000, batch: 64 as const };
    const r = new RunRecorder(config, { ...MNIST_DATA }, null, () => t);
    expect(r.empty).toBe(true);
    r.setTraining(true);
    r.addLosses(0, [2.3, 2.2], 128);
    t = 1500;
    r.setTraining(false); // paused: the next second does not count
    t = 2500;
    r.setTraining(true);
    r.addLosses(2, [2.0], 192);
    r.addEvaluation({ epoch: 1, step: 16, testAccuracy: 0.8, testLoss: 0.7 });
    r.addEvaluation({ epoch: 2, step: 32, testAccuracy: 0.85, testLoss: 0.5 });
    t = 3000;
    r.finish('done');
    const { run, curve } = r.snapshot();
    expect(run).toMatchObject({ status: 'done', steps: 3, samplesSeen: 192, epochsDone: 2, seconds: 2, stepsPerEpoch: 16, from: null, modelId: null });
    expect(run.config).toEqual(config);
    expect(run.config).not.toBe(config);
    expect(curve).toEqual({ runId: run.id, steps: [1, 2, 3], loss: [2.3, 2.2, 2.0] });
    expect(bestAccuracy(run)).toBe(0.85);
    expect(r.finished).toBe(true);
  });

  it('stepsPerEpoch: batches rounded up; full batch is one step', () => {
    expect(stepsPerEpoch({ batch: 64, train: 60000 })).toBe(938);
    expect(stepsPerEpoch({ batch: 'full', train: 60000 })).toBe(1);
    expect(stepsPerEpoch({ batch: 1, train: 10 })).toBe(10);
  });
});

describe('classifyDrop', () => {
  const file = (name: string, bytes: number[]) => new File([new Uint8Array(bytes)], name);
  it('a zip is a model; IDX (raw or gzip) files are data; anything else is named', async () => {
    expect(await classifyDrop([file('m.npz', [0x50, 0x4b, 3, 4])])).toMatchObject({ model: { name: 'm.npz' } });
    const idx = [file('a', [0, 0, 8, 3]), file('b', [0, 0, 8, 1]), file('c.gz', [0x1f, 0x8b, 8, 0]), file('d', [0, 0, 8, 1])];
    expect(await classifyDrop(idx)).toMatchObject({ data: idx });
    expect(await classifyDrop([file('x.png', [0x89, 0x50, 0x4e, 0x47])])).toEqual({ error: 'x.png: neither a model (.npz) nor an IDX file (raw or .gz)' });
    expect(await classifyDrop([file('m.npz', [0x50, 0x4b, 3, 4]), idx[0]!])).toMatchObject({ error: expect.stringMatching(/^Drop one model/) });
  });
});
