// Models in (issue 3): a model the chapter's own NumPy code trained and saved with
// `np.savez(path, W1=net.W1, b1=net.b1, …)` (float64, no config) is imported the way the
// app does it (readModelNpz → configForModel → a trainer with its weights) and predicts
// what NumPy predicts on real MNIST test images; export → import is exact.
// Skipped only when /usr/bin/python3 with numpy is absent (the reason is printed).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetConfig } from '../../web/src/config/presets';
import { toTrainerSpec } from '../../web/src/config/settings';
import type { Engine } from '../../web/src/engine/engine';
import { loadEngineNode } from '../../web/src/engine/load-node';
import { readModelNpz, writeModelNpz } from '../../web/src/formats/npz';
import { configForModel } from '../../web/src/model/import';
import { MNIST_DIR, mnist } from './helpers/mnist';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' });
const hasNumpy = probe.status === 0;
if (!hasNumpy) console.log(`model-import: skipped — ${PYTHON} with numpy is not available`);

const dir = mkdtempSync(join(tmpdir(), 'firstnet-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEST_N = 2000;

// The chapter's Network, forward and backward as printed (section 4.3–4.4), trained briefly
// with mini-batches (the chapter's full-batch loop would stay at 11 %), then saved as the
// chapter's reader would: np.savez with the attribute names, float64, no config.
const CHAPTER = `
import json, sys, numpy as np
np.random.seed(0)
def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True)); return e / e.sum(axis=1, keepdims=True)
class Network:
    def __init__(self):
        self.W1 = np.random.randn(784, 128) * np.sqrt(2 / 784)
        self.b1 = np.zeros(128)
        self.W2 = np.random.randn(128, 64) * np.sqrt(2 / 128)
        self.b2 = np.zeros(64)
        self.W3 = np.random.randn(64, 10) * np.sqrt(2 / 64)
        self.b3 = np.zeros(10)
    def forward(self, x):
        self.z1 = x @ self.W1 + self.b1
        self.a1 = np.maximum(0, self.z1)
        self.z2 = self.a1 @ self.W2 + self.b2
        self.a2 = np.maximum(0, self.z2)
        self.z3 = self.a2 @ self.W3 + self.b3
        self.a3 = softmax(self.z3)
        return self.a3
    def backward(self, x, y, output, lr=0.01):
        m = x.shape[0]
        dz3 = output - y
        dW3 = self.a2.T @ dz3 / m; db3 = dz3.mean(axis=0)
        dz2 = (dz3 @ self.W3.T) * (self.z2 > 0)
        dW2 = self.a1.T @ dz2 / m; db2 = dz2.mean(axis=0)
        dz1 = (dz2 @ self.W2.T) * (self.z1 > 0)
        dW1 = x.T @ dz1 / m; db1 = dz1.mean(axis=0)
        self.W3 -= lr * dW3; self.b3 -= lr * db3
        self.W2 -= lr * dW2; self.b2 -= lr * db2
        self.W1 -= lr * dW1; self.b1 -= lr * db1
d = sys.argv[1]
def read(name, off):
    return np.frombuffer(open(d + name, 'rb').read(), np.uint8, offset=off)
X = read('train-images-idx3-ubyte', 16).reshape(-1, 784)[:10000] / 255.0
Y = np.eye(10)[read('train-labels-idx1-ubyte', 8)[:10000]]
net = Network()
for start in range(0, 10000, 64):
    x, y = X[start:start + 64], Y[start:start + 64]
    net.backward(x, y, net.forward(x), lr=0.1)
np.savez('chapter_model.npz', W1=net.W1, b1=net.b1, W2=net.W2, b2=net.b2, W3=net.W3, b3=net.b3)
Xt = read('t10k-images-idx3-ubyte', 16).reshape(-1, 784)[:${TEST_N}] / 255.0
print(json.dumps(net.forward(Xt).argmax(axis=1).tolist()))
`;

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngineNode();
});

function predictions(probabilities: Float32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < probabilities.length / 10; i++) {
    let best = 0;
    for (let k = 1; k < 10; k++) if (probabilities[i * 10 + k]! > probabilities[i * 10 + best]!) best = k;
    out.push(best);
  }
  return out;
}

describe.skipIf(!hasNumpy)('importing a model saved by the chapter\'s NumPy code', () => {
  it('np.savez(W1=net.W1, …): float64, no config → ReLU, 784-128-64-10; predictions match NumPy', () => {
    const r = spawnSync(PYTHON, ['-c', CHAPTER, MNIST_DIR], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const numpyPredictions = JSON.parse(r.stdout) as number[];

    const model = readModelNpz(new Uint8Array(readFileSync(join(dir, 'chapter_model.npz'))), 'chapter_model.npz');
    expect(model.notices).toEqual(['float64 arrays converted to float32', 'no config in file: assuming ReLU']);
    const current = presetConfig('sigmoid'); // the page's settings before the import
    const config = configForModel(current, model, 'chapter_model.npz');
    expect(config.layers).toEqual([128, 64]);
    expect(config.activation).toBe('relu');
    expect({ ...config, layers: current.layers, activation: current.activation }).toEqual(current); // nothing else changes

    const trainer = engine.createTrainer(toTrainerSpec(config));
    const t = mnist('t10k', TEST_N);
    const test = engine.datasetFrom(t.images, t.labels);
    try {
      trainer.setParams(model.layers);
      const ev = trainer.evaluate(test, 0, TEST_N, true);
      const ours = predictions(ev.probabilities!);
      // float32 here, float64 in NumPy: only near-ties may differ.
      const differ = ours.filter((p, i) => p !== numpyPredictions[i]).length;
      expect(differ).toBeLessThanOrEqual(2);
      const numpyCorrect = numpyPredictions.filter((p, i) => p === t.labels[i]).length;
      expect(Math.abs(ev.correct - numpyCorrect)).toBeLessThanOrEqual(2);
      expect(ev.accuracy).toBeGreaterThan(0.85); // it really learned: one epoch on 10,000 images

      // Export → import gives the same network, bit for bit.
      const back = readModelNpz(writeModelNpz({ ...model, config: null }), 'again.npz');
      back.layers.forEach((l, i) => {
        expect(l.W).toEqual(model.layers[i]!.W);
        expect(l.b).toEqual(model.layers[i]!.b);
      });
    } finally {
      trainer.dispose();
      test.dispose();
    }
  });

  it('a model whose shapes the settings table refuses is named and refused', () => {
    const wide = { layers: [{ W: new Float32Array(784 * 2), b: new Float32Array(2), fanIn: 784, fanOut: 2 }, { W: new Float32Array(20), b: new Float32Array(10), fanIn: 2, fanOut: 10 }], activation: 'tanh' as const, config: null, notices: [] };
    expect(configForModel(presetConfig('default'), wide, 'm.npz')).toMatchObject({ layers: [2], activation: 'tanh' });
    const deep = { ...wide, layers: Array.from({ length: 10 }, (_, i) => ({ W: new Float32Array(0), b: new Float32Array(0), fanIn: i ? 4 : 784, fanOut: i === 9 ? 10 : 4 })) };
    expect(() => configForModel(presetConfig('default'), deep, 'deep.npz')).toThrow(/^deep\.npz: 9 hidden layers, at most 8/);
  });
});
