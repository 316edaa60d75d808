// The data manifest written by scripts/build-data.mjs (contract §2), and its validation.
//
// public/data/mnist/manifest.json:
//   {"format":"firstnet-data","version":1,"name":"MNIST","classes":["0",…,"9"],"imageSize":784,
//    "layout":"…","test":{"count":10000,"chunks":[…]},"train":{"count":60000,"chunks":[…]}}
// Each chunk: {"file":"train-1.bin","count":10000,"bytes":<gzip size>,"rawBytes":<count×785>,
// "sha256":"<hex of the file as served>"}. A chunk file is gzip of count × 784 image bytes
// (row-major 28×28, uint8) followed by count label bytes (0–9). The loader fetches the test
// chunks, then the train chunks, in the order listed.

export interface ChunkInfo {
  /** Plain file name relative to the manifest (no '/', no '..', no scheme). */
  file: string;
  /** Images in this chunk. */
  count: number;
  /** Size of the gzip file as served. */
  bytes: number;
  /** Decompressed size: count × (784 + 1). */
  rawBytes: number;
  /** sha256 of the gzip file as served, lowercase hex. */
  sha256: string;
}

export interface DataSplit {
  count: number;
  chunks: ChunkInfo[];
}

export interface Manifest {
  format: 'firstnet-data';
  version: 1;
  name: string;
  classes: string[];
  imageSize: 784;
  layout?: string;
  test: DataSplit;
  train: DataSplit;
}

export const IMAGE_SIZE = 784;
export const MAX_TEST = 100_000;
export const MAX_TRAIN = 1_000_000;
const MAX_CHUNKS = 1000;
const MAX_CHUNK_COUNT = 100_000;
const MAX_CHUNK_BYTES = 256 * 1024 * 1024;

function fail(field: string, problem: string): never {
  throw new Error(`manifest.json: ${field} ${problem}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function int(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(field, `must be an integer from ${min} to ${max}`);
  }
  return v;
}

/** A file name served next to the manifest: letters, digits, '.', '_' and '-', not starting with '.'. */
export function isPlainFileName(s: string): boolean {
  return /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/.test(s) && !s.includes('..');
}

function chunk(v: unknown, field: string): ChunkInfo {
  if (!isObject(v)) fail(field, 'must be an object');
  const file = v.file;
  if (typeof file !== 'string' || !isPlainFileName(file)) {
    fail(`${field}.file`, "must be a plain file name (letters, digits, '.', '_', '-'; no '/', '..' or scheme)");
  }
  const count = int(v.count, `${field}.count`, 1, MAX_CHUNK_COUNT);
  const bytes = int(v.bytes, `${field}.bytes`, 18, MAX_CHUNK_BYTES);
  const rawBytes = int(v.rawBytes, `${field}.rawBytes`, 1, MAX_CHUNK_COUNT * (IMAGE_SIZE + 1));
  if (rawBytes !== count * (IMAGE_SIZE + 1)) fail(`${field}.rawBytes`, `must be count × 785 = ${count * (IMAGE_SIZE + 1)}`);
  const sha256 = v.sha256;
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) fail(`${field}.sha256`, 'must be 64 lowercase hex digits');
  return { file, count, bytes, rawBytes, sha256 };
}

function split(v: unknown, field: 'test' | 'train', max: number): DataSplit {
  if (!isObject(v)) fail(field, 'must be an object');
  const count = int(v.count, `${field}.count`, 1, max);
  const chunks = v.chunks;
  if (!Array.isArray(chunks) || chunks.length < 1 || chunks.length > MAX_CHUNKS) {
    fail(`${field}.chunks`, `must be an array of 1 to ${MAX_CHUNKS} chunks`);
  }
  const list = chunks.map((c, i) => chunk(c, `${field}.chunks[${i}]`));
  const sum = list.reduce((s, c) => s + c.count, 0);
  if (sum !== count) fail(`${field}.count`, `is ${count} but its chunks hold ${sum} images`);
  return { count, chunks: list };
}

/** Checks a parsed manifest.json; throws an Error naming the first bad field. */
export function validateManifest(json: unknown): Manifest {
  if (!isObject(json)) fail('(top level)', 'must be a JSON object');
  if (json.format !== 'firstnet-data') fail('format', "must be \"firstnet-data\"");
  if (json.version !== 1) fail('version', `must be 1 (this app reads version 1; got ${JSON.stringify(json.version)})`);
  const name = json.name;
  if (typeof name !== 'string' || name.length < 1 || name.length > 100) fail('name', 'must be a string of 1 to 100 characters');
  const classes = json.classes;
  if (!Array.isArray(classes) || classes.length !== 10) fail('classes', 'must be an array of 10 class names');
  classes.forEach((c, i) => {
    if (typeof c !== 'string' || c.length < 1 || c.length > 40) fail(`classes[${i}]`, 'must be a string of 1 to 40 characters');
  });
  if (json.imageSize !== IMAGE_SIZE) fail('imageSize', `must be ${IMAGE_SIZE} (28×28 images)`);
  if (json.layout !== undefined && typeof json.layout !== 'string') fail('layout', 'must be a string');
  const test = split(json.test, 'test', MAX_TEST);
  const train = split(json.train, 'train', MAX_TRAIN);
  const files = [...test.chunks, ...train.chunks].map((c) => c.file);
  const dup = files.find((f, i) => files.indexOf(f) !== i);
  if (dup) fail('chunks', `list the file '${dup}' twice`);
  return {
    format: 'firstnet-data',
    version: 1,
    name,
    classes: classes as string[],
    imageSize: IMAGE_SIZE,
    ...(json.layout !== undefined ? { layout: json.layout as string } : {}),
    test,
    train,
  };
}
