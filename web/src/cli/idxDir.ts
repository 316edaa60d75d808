// --data DIR: IDX files named as in the MNIST distribution, each raw or .gz (contract §5).
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseIdx } from '../formats/idx';

export interface LabelledImages {
  images: Uint8Array; // count × 784
  labels: Uint8Array; // count
}

/** Largest IDX file read from disk (full MNIST train images are 47 MB raw). */
const MAX_FILE_BYTES = 200 * 1024 * 1024;

async function readIdxFile(dir: string, base: string): Promise<{ bytes: Uint8Array; name: string }> {
  for (const name of [base, `${base}.gz`]) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (!info) continue;
    if (!info.isFile()) throw new Error(`${path}: not a file`);
    if (info.size > MAX_FILE_BYTES) throw new Error(`${path}: ${info.size} bytes is larger than the ${MAX_FILE_BYTES}-byte limit`);
    return { bytes: new Uint8Array(await readFile(path)), name: path };
  }
  throw new Error(`${join(dir, base)}: not found (nor ${base}.gz) in --data ${dir}`);
}

/** Reads `<prefix>-images-idx3-ubyte` and `<prefix>-labels-idx1-ubyte` (prefix train or t10k). */
export async function readIdxPair(dir: string, prefix: 'train' | 't10k'): Promise<LabelledImages> {
  const img = await readIdxFile(dir, `${prefix}-images-idx3-ubyte`);
  const lab = await readIdxFile(dir, `${prefix}-labels-idx1-ubyte`);
  const images = parseIdx(img.bytes, img.name);
  const labels = parseIdx(lab.bytes, lab.name);
  if (images.kind !== 'images') throw new Error(`${img.name}: expected an IDX image file (magic 0x00000803)`);
  if (labels.kind !== 'labels') throw new Error(`${lab.name}: expected an IDX label file (magic 0x00000801)`);
  if (images.count !== labels.count) {
    throw new Error(`${img.name} has ${images.count} images but ${lab.name} has ${labels.count} labels`);
  }
  return { images: images.data, labels: labels.data };
}
