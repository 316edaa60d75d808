// The command line (contract §5) end to end: the default preset reaches ≥ 97 % on the full
// MNIST test set, the saved .npz evaluates to the same accuracy in `firstnet eval` and in
// NumPy (the chapter's forward pass), and bad input exits non-zero with one clear line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MNIST_DIR } from './helpers/mnist';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/firstnet.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'firstnet-cli-'));
const HAVE_NUMPY = spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

function firstnet(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const jsonLines = (s: string) => s.trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);

describe('firstnet train / eval', () => {
  const model = join(tmp, 'default.npz');
  let epochs: Record<string, number>[] = [];

  it('trains the default preset to ≥ 97 % test accuracy and saves a model', () => {
    const r = firstnet('train', '--preset', 'default', '--save', model, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    epochs = jsonLines(r.out);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5]);
    for (const e of epochs) {
      for (const k of ['loss', 'trainAccuracy', 'testAccuracy', 'seconds']) expect(Number.isFinite(e[k])).toBe(true);
    }
    expect(epochs[4]!.loss).toBeLessThan(epochs[0]!.loss);
    expect(epochs[4]!.testAccuracy).toBeGreaterThanOrEqual(0.97);
    expect(existsSync(model)).toBe(true);
  });

  it('eval gives the accuracy that training reported, bit for bit', () => {
    const r = firstnet('eval', model, '--json');
    expect(r.code).toBe(0);
    const [e] = jsonLines(r.out);
    expect(e!.testAccuracy).toBe(epochs[4]!.testAccuracy);
    expect(e!.count).toBe(10_000);
    const human = firstnet('eval', model);
    expect(human.out).toMatch(/test accuracy \d+\.\d\d% \(\d+\/10000\)/);
  });

  it.skipIf(!HAVE_NUMPY)('NumPy (numpy.load, no pickle, the chapter’s forward pass) agrees', () => {
    const r = spawnSync('/usr/bin/python3', [join(ROOT, 'tests/unit/helpers/numpy_forward.py'), model, MNIST_DIR], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const np = JSON.parse(r.stdout) as { correct: number; layers: number[]; dtypes: string[] };
    expect(np.layers).toEqual([784, 128, 64, 10]);
    expect(np.dtypes).toEqual(['float32']);
    // NumPy sums in float64 and in its own order; the app sums in float32 in a fixed order.
    // Logits therefore differ by ~1e-6, which can flip an image whose top two classes are
    // that close: allow at most 2 of 10,000 such flips (in practice it has been 0).
    expect(Math.abs(np.correct - Math.round(epochs[4]!.testAccuracy * 10_000))).toBeLessThanOrEqual(2);
  });

  it('continues from a saved model with --from', () => {
    const r = firstnet('train', '--from', model, '--epochs', '1', '--train', '2000', '--lr', '0.01', '--json');
    expect(r.code).toBe(0);
    const [e] = jsonLines(r.out);
    expect(e!.testAccuracy).toBeGreaterThan(0.95); // it started trained, not from scratch
  });

  it('refuses bad flags and files with one line on stderr and a non-zero exit', () => {
    const cases: [string[], number, RegExp][] = [
      [['train', '--lr', 'banana'], 2, /--lr/],
      [['train', '--batch', '0'], 2, /--batch/],
      [['train', '--preset', 'nope'], 2, /preset/],
      [['train', '--frobnicate', '1'], 2, /frobnicate/],
      [['fly'], 2, /unknown command/],
      [['eval'], 2, /model file/],
      [['eval', join(tmp, 'missing.npz')], 1, /missing\.npz/],
      [['train', '--data', tmp, '--epochs', '1'], 1, /train-images-idx3-ubyte/],
    ];
    writeFileSync(join(tmp, 'junk.npz'), 'not a zip at all');
    cases.push([['eval', join(tmp, 'junk.npz')], 1, /junk\.npz/]);
    // 100 MB, sparse on disk: refused by its size, before it is read.
    writeFileSync(join(tmp, 'huge.npz'), '');
    truncateSync(join(tmp, 'huge.npz'), 100 * 1024 * 1024);
    cases.push([['eval', join(tmp, 'huge.npz')], 1, /huge\.npz: 104857600 bytes is larger than the 100663296-byte limit for a model/]);
    for (const [args, code, msg] of cases) {
      const r = firstnet(...args);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.err, args.join(' ')).toMatch(msg);
    }
  });
});
