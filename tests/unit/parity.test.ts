// Native == wasm, bit for bit: the same spec and seed trained by the native build
// (build/native/parity_dump, see its header for the output format) and by the wasm in node
// must give identical step losses and identical final parameters.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../web/src/engine/engine';
import type { TrainerSpec } from '../../web/src/engine/firstnet-wasm';
import { loadEngineNode } from '../../web/src/engine/load-node';
import { MNIST_DIR, mnist } from './helpers/mnist';

const DUMP = new URL('../../build/native/parity_dump', import.meta.url).pathname;

/** Parses C's "%a" output (e.g. -0x1.8p-3) into the exact double. */
export function parseHexFloat(s: string): number {
  if (s === 'nan' || s === '-nan') return NaN;
  if (s === 'inf' || s === '-inf') return s[0] === '-' ? -Infinity : Infinity;
  const m = /^(-?)0x([0-9a-f])(?:\.([0-9a-f]+))?p([+-]\d+)$/.exec(s);
  if (!m) throw new Error(`not a hex float: ${s}`);
  const frac = m[3] ?? '';
  const mantissa = BigInt(`0x${m[2]}${frac}`);
  // mantissa × 2^(exp − 4·len(frac)); exact because doubles hold ≤ 53-bit mantissas.
  const v = Number(mantissa) * 2 ** (Number(m[4]) - 4 * frac.length);
  return m[1] ? -v : v;
}

/** FNV-1a 64 over the float32 bytes of every parameter, W then b, layer by layer. */
function paramsHash(layers: { W: Float32Array; b: Float32Array }[]): string {
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = (1n << 64n) - 1n;
  for (const l of layers) {
    for (const arr of [l.W, l.b]) {
      const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
      for (const byte of bytes) h = ((h ^ BigInt(byte)) * prime) & mask;
    }
  }
  return h.toString(16).padStart(16, '0');
}

let engine: Engine;
beforeAll(async () => {
  if (!existsSync(DUMP)) throw new Error(`${DUMP} is missing: run \`npm run build:native\` first`);
  engine = await loadEngineNode();
});

const CASES: { name: string; spec: TrainerSpec; count: number; steps: number }[] = [
  { name: 'default: relu he sgd batch 64', spec: { layers: '784,128,64,10', activation: 'relu', init: 'he', initScale: 0, optimizer: 'sgd', lr: 0.1, momentum: 0, batch: 64, seed: 7 }, count: 1000, steps: 60 },
  { name: 'sigmoid xavier momentum batch 32, three hidden layers', spec: { layers: '784,64,32,16,10', activation: 'sigmoid', init: 'xavier', initScale: 0, optimizer: 'momentum', lr: 0.5, momentum: 0.9, batch: 32, seed: 3 }, count: 800, steps: 60 },
  { name: 'tanh normal:0.01, full batch (several parts a step)', spec: { layers: '784,32,10', activation: 'tanh', init: 'normal', initScale: 0.01, optimizer: 'sgd', lr: 0.5, momentum: 0, batch: 0, seed: 11 }, count: 700, steps: 50 },
  { name: 'batch 1, no hidden layer', spec: { layers: '784,10', activation: 'relu', init: 'he', initScale: 0, optimizer: 'sgd', lr: 0.05, momentum: 0, batch: 1, seed: 5 }, count: 300, steps: 120 },
];

describe('native == wasm, bit for bit', () => {
  it('parses hex floats exactly', () => {
    expect(parseHexFloat('0x1.8p+1')).toBe(3);
    expect(parseHexFloat('-0x1p-3')).toBe(-0.125);
    expect(parseHexFloat('0x0p+0')).toBe(0);
    expect(parseHexFloat('0x1.26bb1bbb55516p+1')).toBe(Math.LN10);
  });

  for (const c of CASES) {
    it(c.name, () => {
      const s = c.spec;
      const r = spawnSync(DUMP, [
        '--layers', s.layers, '--activation', s.activation, '--init', s.init, '--init-scale', String(s.initScale),
        '--optimizer', s.optimizer, '--lr', String(s.lr), '--momentum', String(s.momentum), '--batch', String(s.batch),
        '--seed', String(s.seed), '--steps', String(c.steps), '--count', String(c.count),
        '--data-images', `${MNIST_DIR}train-images-idx3-ubyte`, '--data-labels', `${MNIST_DIR}train-labels-idx1-ubyte`,
      ], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      const lines = r.stdout.trim().split('\n');
      const nativeLosses = lines.slice(0, -1).map(parseHexFloat);
      const nativeHash = lines[lines.length - 1]!.replace(/^params /, '');

      const { images, labels } = mnist('train', c.count);
      const train = engine.datasetFrom(images, labels);
      const t = engine.createTrainer(s);
      const wasmLosses = t.trainSteps(train, c.count, c.steps);
      const wasmHash = paramsHash(t.getParams());
      t.dispose();
      train.dispose();

      expect(nativeLosses).toHaveLength(c.steps);
      expect(wasmLosses).toEqual(nativeLosses); // toEqual on numbers is exact (Object.is)
      expect(wasmHash).toBe(nativeHash);
      expect(wasmLosses[c.steps - 1]).toBeLessThan(wasmLosses[0]!);
    });
  }
});
