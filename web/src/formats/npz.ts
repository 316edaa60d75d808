// The model file (contract §1): a NumPy .npz — a zip of .npy members W1…WL, b1…bL (float32,
// W shape (fan_in, fan_out) used as a @ W + b, b shape (fan_out,)) and `config`, a 0-d
// unicode string holding JSON. numpy.load(path) reads it without allow_pickle.
//
// Reading takes untrusted bytes. The zip's central directory is read here (not by fflate's
// unzipSync, which allocates each member's *declared* size and inflates without a bound):
// every member's name, method and declared sizes are checked against the limits below
// before anything is allocated, and each deflated member is inflated in small pieces into
// a buffer of exactly its declared size, stopping as soon as the stream would overflow it
// (a lying header or a zip bomb costs at most a few MB and a few ms).
import { Inflate } from 'fflate';
import type { Activation } from '../config/types';
import { oneLine, parseNpy, writeNpyFloat32, writeNpyString } from './npy';
import { storedZip } from './zip';

export type { Activation };

export interface ModelLayer {
  /** fan_in × fan_out, row-major (C order), used as a @ W + b. */
  W: Float32Array;
  b: Float32Array;
  fanIn: number;
  fanOut: number;
}

export interface ModelFile {
  layers: ModelLayer[];
  activation: Activation;
  /** The JSON stored as `config` (informative except `activation`), or null if the file had none. */
  config: Record<string, unknown> | null;
  /** Things the reader should be told (e.g. "no config in file: assuming ReLU"). */
  notices: string[];
}

export const INPUT = 784;
export const OUTPUT = 10;
export const MAX_LAYERS = 9;
export const MAX_WIDTH = 1024;
/** Whole file: the largest legal model (8 hidden layers of 1024) in float64 is ~65 MB. */
export const MAX_FILE_BYTES = 96 * 1024 * 1024;
/** One weight member: 1024 × 1024 float64 plus its header. */
export const MAX_MEMBER_BYTES = 8 * 1024 * 1024 + 64 * 1024;
const MAX_CONFIG_BYTES = 1024 * 1024;
const MAX_TOTAL_BYTES = 80 * 1024 * 1024;
const MAX_MEMBERS = 64;
const ACTIVATIONS: readonly string[] = ['relu', 'sigmoid', 'tanh'];

class ModelFileError extends Error {}

// ---------------------------------------------------------------- zip reading

interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  dataStart: number;
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

function crc32(data: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** Reads the central directory; checks every offset against the file's length. */
function readZipEntries(bytes: Uint8Array, fail: (p: string) => never): ZipEntry[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  const u16 = (o: number): number => (o + 2 <= n ? v.getUint16(o, true) : fail('not a zip file (truncated)'));
  const u32 = (o: number): number => (o + 4 <= n ? v.getUint32(o, true) : fail('not a zip file (truncated)'));
  const u64 = (o: number): number => {
    const hi = u32(o + 4);
    if (hi >= 0x200000) fail('zip64 field out of range');
    return hi * 0x100000000 + u32(o);
  };
  if (n < 22 || (u32(0) !== 0x04034b50 && u32(0) !== 0x06054b50)) fail('not a zip file (an .npz is a zip archive)');
  let eocd = -1;
  for (let o = n - 22; o >= Math.max(0, n - 22 - 65535); o--) {
    if (v.getUint32(o, true) === 0x06054b50) {
      eocd = o;
      break;
    }
  }
  if (eocd < 0) fail('not a zip file (no end of central directory)');
  let count = u16(eocd + 10);
  let cdSize = u32(eocd + 12);
  let cdOffset = u32(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || u32(loc) !== 0x07064b50) fail('bad zip64 end of central directory locator');
    const z = u64(loc + 8);
    if (u32(z) !== 0x06064b50) fail('bad zip64 end of central directory');
    count = u64(z + 32);
    cdSize = u64(z + 40);
    cdOffset = u64(z + 48);
  }
  if (count > MAX_MEMBERS) fail(`${count} members in the zip: more than the ${MAX_MEMBERS} a model can have`);
  if (cdOffset + cdSize > n) fail('zip central directory lies outside the file');
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (u32(p) !== 0x02014b50) fail('corrupt zip central directory');
    const flags = u16(p + 8);
    const method = u16(p + 10);
    const crc = u32(p + 16);
    let compressedSize = u32(p + 20);
    let size = u32(p + 24);
    const nameLen = u16(p + 28);
    const extraLen = u16(p + 30);
    const commentLen = u16(p + 32);
    let local = u32(p + 42);
    if (p + 46 + nameLen + extraLen > n) fail('corrupt zip central directory');
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    const label = `member '${oneLine(name, 60)}'`;
    if (flags & 1) fail(`${label} is encrypted`);
    // Zip64 extra field (id 1): the 64-bit values of whichever fields are 0xffffffff, in this order.
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen; e += 4 + u16(e + 2)) {
      if (u16(e) !== 1) continue;
      let f = e + 4;
      if (size === 0xffffffff) (size = u64(f)), (f += 8);
      if (compressedSize === 0xffffffff) (compressedSize = u64(f)), (f += 8);
      if (local === 0xffffffff) local = u64(f);
    }
    if (u32(local) !== 0x04034b50) fail(`${label}: bad local header`);
    const dataStart = local + 30 + u16(local + 26) + u16(local + 28);
    if (dataStart + compressedSize > n) fail(`${label} extends past the end of the file`);
    entries.push({ name, method, crc, compressedSize, size, dataStart });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Inflates a raw deflate stream into exactly `size` bytes, refusing any more or less. */
function inflateExactly(data: Uint8Array, size: number, fail: (p: string) => never): Uint8Array {
  const out = new Uint8Array(size);
  let got = 0;
  let done = false;
  const inf = new Inflate((chunk, final) => {
    if (got + chunk.length > size) fail(`inflates to more than its declared ${size} bytes`);
    out.set(chunk, got);
    got += chunk.length;
    if (final) done = true;
  });
  // Small pieces: fflate inflates a whole piece before reporting, so a piece of 4 KiB yields at most ~4 MB.
  const PIECE = 4096;
  try {
    for (let o = 0; o < data.length; o += PIECE) inf.push(data.subarray(o, o + PIECE), o + PIECE >= data.length);
    if (data.length === 0) inf.push(new Uint8Array(0), true);
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    fail(`corrupt deflate data (${oneLine(String((e as Error).message), 60)})`);
  }
  if (!done || got !== size) fail(`inflates to ${got} bytes, not the ${size} its header declares`);
  return out;
}

function memberBytes(bytes: Uint8Array, e: ZipEntry, fail: (p: string) => never): Uint8Array {
  const raw = bytes.subarray(e.dataStart, e.dataStart + e.compressedSize);
  let data: Uint8Array;
  if (e.method === 0) {
    if (e.compressedSize !== e.size) fail(`stored sizes disagree (${e.compressedSize} vs ${e.size})`);
    data = raw;
  } else if (e.method === 8) {
    data = inflateExactly(raw, e.size, fail);
  } else {
    fail(`unsupported zip compression method ${e.method}`);
  }
  if (crc32(data) !== e.crc) fail('CRC mismatch: the file is corrupted');
  return data;
}

// ---------------------------------------------------------------- model reading

/** Reads a model .npz (contract §1). `name` (the file name) starts every error message. */
export function readModelNpz(bytes: Uint8Array, name: string): ModelFile {
  const file = oneLine(name);
  const fail = (problem: string): never => {
    throw new ModelFileError(`${file}: ${problem}`);
  };
  try {
    return readModel(bytes, file, fail);
  } catch (e) {
    if (e instanceof ModelFileError) throw new Error(e.message);
    const msg = e instanceof Error ? e.message : String(e);
    // parseNpy's messages already start with "file: member"; anything else was unforeseen.
    if (msg.startsWith(`${file}: `)) throw new Error(oneLine(msg, 300));
    throw new Error(`${file}: unreadable model file (${oneLine(msg, 100)})`);
  }
}

function readModel(bytes: Uint8Array, file: string, fail: (p: string) => never): ModelFile {
  if (bytes.length > MAX_FILE_BYTES) fail(`${bytes.length} bytes is larger than the ${MAX_FILE_BYTES}-byte limit for a model`);
  const entries = readZipEntries(bytes, fail);

  // Names first: W<k>.npy, b<k>.npy, config.npy, nothing else, no duplicates.
  const byName = new Map<string, ZipEntry>();
  let total = 0;
  for (const e of entries) {
    const m = /^(W[1-9]\d*|b[1-9]\d*|config)\.npy$/.exec(e.name);
    const array = e.name.replace(/\.npy$/, '');
    if (!m) fail(`unexpected array '${oneLine(array, 60)}' (a model has W1…WL, b1…bL and config)`);
    if (byName.has(m[1]!)) fail(`array '${m[1]}' appears twice`);
    const limit = m[1] === 'config' ? MAX_CONFIG_BYTES : MAX_MEMBER_BYTES;
    if (e.size > limit) fail(`array '${m[1]}' declares ${e.size} bytes, more than the ${limit}-byte limit`);
    total += e.size;
    if (total > MAX_TOTAL_BYTES) fail(`arrays total more than the ${MAX_TOTAL_BYTES}-byte limit`);
    byName.set(m[1]!, e);
  }
  let L = 0;
  while (byName.has(`W${L + 1}`)) L++;
  if (L === 0) fail("missing array 'W1' (a model has W1…WL, b1…bL and config)");
  if (L > MAX_LAYERS) fail(`${L} layers: at most ${MAX_LAYERS} are supported`);
  for (let k = 1; k <= L; k++) if (!byName.has(`b${k}`)) fail(`missing array 'b${k}'`);
  for (const key of byName.keys()) {
    const k = Number(key.slice(1));
    if (key !== 'config' && k > L) fail(`unexpected array '${key}' (W${L + 1} is missing, so the model has ${L} layers)`);
  }

  const array = (key: string) => {
    const e = byName.get(key)!;
    const memberFail = (p: string): never => fail(`${key}: ${p}`);
    return parseNpy(memberBytes(bytes, e, memberFail), `${file}: ${key}`, { maxElements: MAX_WIDTH * MAX_WIDTH });
  };

  const notices: string[] = [];
  const layers: ModelLayer[] = [];
  let converted = false;
  let fanIn = INPUT;
  for (let k = 1; k <= L; k++) {
    const W = array(`W${k}`);
    const b = array(`b${k}`);
    if (W.kind !== 'float' || W.shape.length !== 2) fail(`W${k} must be a 2-d float array, not ${describe(W)}`);
    if (b.kind !== 'float' || b.shape.length !== 1) fail(`b${k} must be a 1-d float array, not ${describe(b)}`);
    const [rows, cols] = W.shape as [number, number];
    const expectOut = k === L ? `${OUTPUT}` : `1–${MAX_WIDTH}`;
    if (rows !== fanIn || (k === L ? cols !== OUTPUT : cols < 1 || cols > MAX_WIDTH)) {
      fail(`W${k} has shape (${rows}, ${cols}) but must be (${fanIn}, ${expectOut}): shapes must chain ${INPUT} → … → ${OUTPUT}`);
    }
    if (b.shape[0] !== cols) fail(`b${k} has shape (${b.shape[0]},) but W${k} has ${cols} columns`);
    checkFinite(W.data, `W${k}`, fail);
    checkFinite(b.data, `b${k}`, fail);
    if (W.descr.endsWith('f8') || b.descr.endsWith('f8')) converted = true;
    layers.push({ W: W.data, b: b.data, fanIn: rows, fanOut: cols });
    fanIn = cols;
  }
  if (converted) notices.push('float64 arrays converted to float32');

  let activation: Activation = 'relu';
  let config: Record<string, unknown> | null = null;
  if (!byName.has('config')) {
    notices.push('no config in file: assuming ReLU');
  } else {
    const c = array('config');
    if (c.kind !== 'string') fail(`config must be a 0-d unicode string holding JSON, not ${describe(c)}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(c.value);
    } catch {
      fail('config is not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail('config JSON is not an object');
    config = parsed as Record<string, unknown>;
    const a = config.activation;
    if (a === undefined) notices.push('config names no activation: assuming ReLU');
    else if (typeof a !== 'string' || !ACTIVATIONS.includes(a)) {
      fail(`unknown activation ${oneLine(JSON.stringify(a), 40)} in config (expected relu, sigmoid or tanh)`);
    } else activation = a as Activation;
  }
  return { layers, activation, config, notices };
}

function describe(a: ReturnType<typeof parseNpy>): string {
  return a.kind === 'string' ? `a string ('${a.descr}')` : `'${a.descr}' of shape (${a.shape.join(', ')})`;
}

function checkFinite(a: Float32Array, key: string, fail: (p: string) => never): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) fail(`${key} holds a non-finite value (${a[i]}) at flat index ${i}`);
  }
}

// ---------------------------------------------------------------- model writing

/**
 * Writes a model as .npz: W1…WL and b1…bL as '<f4' (stored, like np.savez), and `config`
 * as a 0-d unicode string of JSON. `model.config` is the caller's object; its activation is
 * set to `model.activation` (a different value there is a programming error).
 */
export function writeModelNpz(model: ModelFile): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  if (model.layers.length < 1 || model.layers.length > MAX_LAYERS) {
    throw new Error(`writeModelNpz: ${model.layers.length} layers (1–${MAX_LAYERS} allowed)`);
  }
  model.layers.forEach((l, i) => {
    const k = i + 1;
    if (l.W.length !== l.fanIn * l.fanOut || l.b.length !== l.fanOut) {
      throw new Error(`writeModelNpz: layer ${k} sizes do not match fanIn ${l.fanIn} × fanOut ${l.fanOut}`);
    }
    files[`W${k}.npy`] = writeNpyFloat32([l.fanIn, l.fanOut], l.W);
    files[`b${k}.npy`] = writeNpyFloat32([l.fanOut], l.b);
  });
  const given = model.config ?? { format: 'firstnet-model', version: 1 };
  if (given.activation !== undefined && given.activation !== model.activation) {
    throw new Error(`writeModelNpz: config.activation '${String(given.activation)}' differs from '${model.activation}'`);
  }
  files['config.npy'] = writeNpyString(JSON.stringify({ ...given, activation: model.activation }));
  return storedZip(files); // same model ⇒ same bytes (zip.ts: one fixed timestamp)
}
