// formats/npz.ts: the model file (contract §1) — round trip, accepted variants, and every
// refusal with its message, including zip bombs refused without allocating them.
import { deflateSync, inflateSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { writeNpyFloat32, writeNpyString } from '../../web/src/formats/npy';
import { MAX_FILE_BYTES, readModelNpz, writeModelNpz, type ModelFile } from '../../web/src/formats/npz';

// ---------------------------------------------------------------- helpers

/** Exactly representable values, different for every layer and index. */
function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => (((i * 7 + seed * 13) % 1001) - 500) / 1024);
}

function model(sizes = [784, 128, 64, 10], activation: ModelFile['activation'] = 'relu'): ModelFile {
  const layers = sizes.slice(1).map((fanOut, l) => {
    const fanIn = sizes[l]!;
    return { W: values(fanIn * fanOut, l + 1), b: values(fanOut, l + 11), fanIn, fanOut };
  });
  return { layers, activation, config: { format: 'firstnet-model', version: 1, layers: sizes, activation }, notices: [] };
}

/** Members of a chapter-shaped model as .npy bytes, for building odd archives. */
function members(sizes = [784, 128, 64, 10], f64 = false): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  sizes.slice(1).forEach((fanOut, l) => {
    const fanIn = sizes[l]!;
    out[`W${l + 1}.npy`] = f64 ? npyF8([fanIn, fanOut], values(fanIn * fanOut, l + 1)) : writeNpyFloat32([fanIn, fanOut], values(fanIn * fanOut, l + 1));
    out[`b${l + 1}.npy`] = f64 ? npyF8([fanOut], values(fanOut, l + 11)) : writeNpyFloat32([fanOut], values(fanOut, l + 11));
  });
  return out;
}

/** float64 .npy by rewriting the header of a float32 one. */
function npyF8(shape: number[], data: Float32Array): Uint8Array {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${dims}, }`.padEnd(117, ' ') + '\n';
  const out = new Uint8Array(128 + data.length * 8);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const v = new DataView(out.buffer, 128);
  data.forEach((x, i) => v.setFloat64(i * 8, x, true));
  return out;
}

const CRC = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc32(d: Uint8Array): number {
  let c = -1;
  for (const x of d) c = CRC[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

interface RawMember {
  name: string;
  /** Bytes as stored in the archive (already deflated for method 8). */
  data: Uint8Array;
  method?: number;
  /** Declared uncompressed size (default: data.length). */
  size?: number;
  crc?: number;
  flags?: number;
}

/** A minimal zip writer that lets a test lie in its headers. */
function rawZip(list: RawMember[]): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const m of list) {
    const name = new TextEncoder().encode(m.name);
    const size = m.size ?? m.data.length;
    const crc = m.crc ?? crc32(m.data);
    const local = new Uint8Array(30 + name.length + m.data.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, m.flags ?? 0, true);
    lv.setUint16(8, m.method ?? 0, true);
    lv.setUint16(12, 0x21, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, m.data.length, true);
    lv.setUint32(22, size >>> 0, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    local.set(m.data, 30 + name.length);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, m.flags ?? 0, true);
    cv.setUint16(10, m.method ?? 0, true);
    cv.setUint16(14, 0x21, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, m.data.length, true);
    cv.setUint32(24, size >>> 0, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const cdSize = centrals.reduce((s, c) => s + c.length, 0);
  const out = new Uint8Array(offset + cdSize + 22);
  let p = 0;
  for (const part of [...locals, ...centrals]) out.set(part, (p += part.length) - part.length);
  const ev = new DataView(out.buffer, p);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, list.length, true);
  ev.setUint16(10, list.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  return out;
}

/** Typed arrays compared with a loop (vitest's deep equality is slow on 100,000 elements). */
function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * A hand-made deflate stream (one fixed-Huffman block): a literal 0, then `copies` matches of
 * length 258 at distance 1, so about 2.5 bytes of stream give 258 bytes of zeros.
 */
function zeroBomb(copies: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((3 + 8 + copies * 13 + 7) / 8) + 1);
  let bit = 0;
  const put = (v: number, n: number) => {
    for (let i = 0; i < n; i++, bit++) if ((v >> i) & 1) out[bit >> 3]! |= 1 << (bit & 7);
  };
  const code = (c: number, n: number) => {
    for (let i = n - 1; i >= 0; i--, bit++) if ((c >> i) & 1) out[bit >> 3]! |= 1 << (bit & 7);
  };
  put(1, 1); // BFINAL
  put(1, 2); // BTYPE 01: fixed Huffman
  code(0x30, 8); // literal 0
  for (let i = 0; i < copies; i++) {
    code(0xc5, 8); // length symbol 285: 258, no extra bits
    code(0, 5); // distance code 0: distance 1
  }
  code(0, 7); // end of block (256)
  return out;
}

function stored(files: Record<string, Uint8Array>): RawMember[] {
  return Object.entries(files).map(([name, data]) => ({ name, data }));
}

function refusal(bytes: Uint8Array): string {
  try {
    readModelNpz(bytes, 'model.npz');
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    const msg = (e as Error).message;
    expect(msg.startsWith('model.npz: ')).toBe(true);
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error('expected readModelNpz to refuse the file');
}

// ---------------------------------------------------------------- tests

describe('model .npz round trip', () => {
  it('writes W1…WL, b1…bL and config and reads back the same model', () => {
    const m = model();
    const bytes = writeModelNpz(m);
    const back = readModelNpz(bytes, 'model.npz');
    expect(back.activation).toBe('relu');
    expect(back.notices).toEqual([]);
    expect(back.config).toEqual(m.config);
    expect(back.layers.map((l) => [l.fanIn, l.fanOut])).toEqual([[784, 128], [128, 64], [64, 10]]);
    back.layers.forEach((l, i) => {
      expect(same(l.W, m.layers[i]!.W)).toBe(true);
      expect(same(l.b, m.layers[i]!.b)).toBe(true);
    });
  });

  it('is deterministic: the same model gives the same bytes', () => {
    expect(same(writeModelNpz(model()), writeModelNpz(model()))).toBe(true);
  });

  it('keeps the activation and adds it to a config that lacks one', () => {
    const m = model([784, 10], 'tanh');
    m.config = { format: 'firstnet-model', version: 1 };
    const back = readModelNpz(writeModelNpz(m), 'm.npz');
    expect(back.activation).toBe('tanh');
    expect(back.config).toEqual({ format: 'firstnet-model', version: 1, activation: 'tanh' });
    m.config = { activation: 'relu' };
    expect(() => writeModelNpz(m)).toThrow(/config.activation 'relu' differs from 'tanh'/);
  });

  it('accepts deflated members (as np.savez_compressed writes them)', () => {
    const files = members();
    files['config.npy'] = writeNpyString('{"activation":"sigmoid"}');
    const back = readModelNpz(zipSync(files, { level: 6 }), 'compressed.npz');
    expect(back.activation).toBe('sigmoid');
    expect(same(back.layers[2]!.W, values(640, 3))).toBe(true);
  });

  it('accepts the largest legal model: 9 layers, 8 hidden layers of 1024', () => {
    const sizes = [784, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 10];
    const back = readModelNpz(zipSync(members(sizes), { level: 0 }), 'big.npz');
    expect(back.layers.map((l) => l.fanOut)).toEqual(sizes.slice(1));
  });

  it('reads a file without config as ReLU, and says so', () => {
    const back = readModelNpz(zipSync(members(), { level: 0 }), 'chapter.npz');
    expect(back.activation).toBe('relu');
    expect(back.config).toBeNull();
    expect(back.notices).toContain('no config in file: assuming ReLU');
  });

  it('converts float64 arrays and says so', () => {
    const back = readModelNpz(zipSync(members([784, 64, 10], true), { level: 6 }), 'f64.npz');
    expect(back.notices).toEqual(['float64 arrays converted to float32', 'no config in file: assuming ReLU']);
    expect(same(back.layers[0]!.W, values(784 * 64, 1))).toBe(true);
  });

  it('writer refuses inconsistent layers', () => {
    const m = model([784, 10]);
    m.layers[0]!.fanOut = 11;
    expect(() => writeModelNpz(m)).toThrow(/layer 1 sizes do not match/);
  });
});

describe('model .npz refusals', () => {
  const withConfig = (cfg: string, extra: Record<string, Uint8Array> = {}) =>
    zipSync({ ...members([784, 10]), 'config.npy': writeNpyString(cfg), ...extra }, { level: 0 });

  it('not a zip', () => {
    expect(refusal(new TextEncoder().encode('hello, this is not a zip file at all'))).toMatch(/not a zip file/);
    expect(refusal(writeNpyFloat32([1], new Float32Array(1)))).toMatch(/not a zip file/);
    expect(refusal(new Uint8Array(0))).toMatch(/not a zip file/);
  });

  it('a truncated zip', () => {
    const bytes = writeModelNpz(model());
    expect(refusal(bytes.subarray(0, bytes.length - 30))).toMatch(/not a zip file \(no end of central directory\)/);
  });

  it('an empty zip', () => {
    expect(refusal(zipSync({}))).toMatch(/missing array 'W1'/);
  });

  it('missing arrays', () => {
    const f = members();
    delete f['b2.npy'];
    expect(refusal(zipSync(f, { level: 0 }))).toMatch(/missing array 'b2'/);
  });

  it('extra arrays', () => {
    expect(refusal(withConfig('{}', { 'arr_0.npy': writeNpyFloat32([1], new Float32Array(1)) }))).toMatch(/unexpected array 'arr_0'/);
    expect(refusal(withConfig('{}', { 'W3.npy': writeNpyFloat32([1], new Float32Array(1)) }))).toMatch(/unexpected array 'W3' \(W2 is missing/);
    expect(refusal(withConfig('{}', { 'notes.txt': new Uint8Array(3) }))).toMatch(/unexpected array 'notes.txt'/);
  });

  it('a member name given twice', () => {
    const f = members([784, 10]);
    expect(refusal(rawZip([...stored(f), { name: 'b1.npy', data: f['b1.npy']! }]))).toMatch(/array 'b1' appears twice/);
  });

  it('shapes that do not chain 784 → … → 10', () => {
    expect(refusal(zipSync(members([785, 10]), { level: 0 }))).toMatch(/W1 has shape \(785, 10\) but must be \(784, 10\): shapes must chain 784 → … → 10/);
    expect(refusal(zipSync(members([784, 32, 12]), { level: 0 }))).toMatch(/W2 has shape \(32, 12\) but must be \(32, 10\)/);
    const f = members([784, 32, 10]);
    f['W2.npy'] = writeNpyFloat32([16, 10], new Float32Array(160));
    expect(refusal(zipSync(f, { level: 0 }))).toMatch(/W2 has shape \(16, 10\) but must be \(32, 10\)/);
    expect(refusal(zipSync(members([784, 1100, 10]), { level: 0 }))).toMatch(/W1 has shape \(784, 1100\) but must be \(784, 1–1024\)/);
  });

  it('a bias of the wrong length or rank', () => {
    const f = members([784, 10]);
    f['b1.npy'] = writeNpyFloat32([9], new Float32Array(9));
    expect(refusal(zipSync(f, { level: 0 }))).toMatch(/b1 has shape \(9,\) but W1 has 10 columns/);
    f['b1.npy'] = writeNpyFloat32([1, 10], new Float32Array(10));
    expect(refusal(zipSync(f, { level: 0 }))).toMatch(/b1 must be a 1-d float array, not '<f4' of shape \(1, 10\)/);
  });

  it('more than 9 layers', () => {
    expect(refusal(zipSync(members([784, 8, 8, 8, 8, 8, 8, 8, 8, 8, 10]), { level: 0 }))).toMatch(/10 layers: at most 9 are supported/);
  });

  it('non-finite values', () => {
    const f = members([784, 10]);
    const W = values(7840, 1);
    W[5] = NaN;
    f['W1.npy'] = writeNpyFloat32([784, 10], W);
    expect(refusal(zipSync(f, { level: 0 }))).toMatch(/W1 holds a non-finite value \(NaN\) at flat index 5/);
    const g = members([784, 10]);
    g['b1.npy'] = writeNpyFloat32([10], Float32Array.from({ length: 10 }, (_, i) => (i === 3 ? -Infinity : 0)));
    expect(refusal(zipSync(g, { level: 0 }))).toMatch(/b1 holds a non-finite value \(-Infinity\) at flat index 3/);
  });

  it('object (pickled) arrays', () => {
    const header = "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }".padEnd(117) + '\n';
    const obj = new Uint8Array(128 + 40);
    obj.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(obj.buffer).setUint16(8, header.length, true);
    obj.set(new TextEncoder().encode(header), 10);
    const f = members([784, 10]);
    f['W1.npy'] = obj;
    expect(refusal(zipSync(f, { level: 0 }))).toMatch(/^model\.npz: W1: object arrays \(pickled Python objects\) are not supported/);
  });

  it('unknown activation, bad config JSON, config of the wrong type', () => {
    expect(refusal(withConfig('{"activation":"softplus"}'))).toMatch(/unknown activation "softplus" in config \(expected relu, sigmoid or tanh\)/);
    expect(refusal(withConfig('{"activation":3}'))).toMatch(/unknown activation 3 in config/);
    expect(refusal(withConfig('{not json'))).toMatch(/config is not valid JSON/);
    expect(refusal(withConfig('[1,2]'))).toMatch(/config JSON is not an object/);
    const f = { ...members([784, 10]), 'config.npy': writeNpyFloat32([1], new Float32Array(1)) };
    expect(refusal(zipSync(f, { level: 0 }))).toMatch(/config must be a 0-d unicode string holding JSON/);
  });

  it('a config without activation is read as ReLU with a notice', () => {
    const back = readModelNpz(withConfig('{"format":"firstnet-model"}'), 'm.npz');
    expect(back.activation).toBe('relu');
    expect(back.notices).toContain('config names no activation: assuming ReLU');
  });

  it('encrypted members, unknown compression methods, corrupt data', () => {
    const f = members([784, 10]);
    expect(refusal(rawZip([{ name: 'W1.npy', data: f['W1.npy']!, flags: 1 }]))).toMatch(/member 'W1.npy' is encrypted/);
    expect(refusal(rawZip([{ name: 'W1.npy', data: f['W1.npy']!, method: 12 }, { name: 'b1.npy', data: f['b1.npy']! }]))).toMatch(
      /W1: unsupported zip compression method 12/,
    );
    const bad = f['W1.npy']!.slice();
    bad[500] ^= 0xff;
    expect(refusal(rawZip([{ name: 'W1.npy', data: bad, crc: crc32(f['W1.npy']!) }, { name: 'b1.npy', data: f['b1.npy']! }]))).toMatch(
      /W1: CRC mismatch: the file is corrupted/,
    );
    const junk = new Uint8Array(100).fill(0xff);
    expect(refusal(rawZip([{ name: 'W1.npy', data: junk, method: 8, size: 1000 }, { name: 'b1.npy', data: f['b1.npy']! }]))).toMatch(
      /W1: corrupt deflate data/,
    );
  });

  it('a stream shorter than declared', () => {
    const f = members([784, 10]);
    const z = deflateSync(f['W1.npy']!);
    expect(refusal(rawZip([{ name: 'W1.npy', data: z, method: 8, size: f['W1.npy']!.length + 10 }, { name: 'b1.npy', data: f['b1.npy']! }]))).toMatch(
      /W1: inflates to 31488 bytes, not the 31498 its header declares/,
    );
  });

  it('a file larger than the limit, without reading it', () => {
    const big = new Uint8Array(MAX_FILE_BYTES + 1);
    expect(refusal(big)).toMatch(/100663297 bytes is larger than the 100663296-byte limit/);
  });

  it('the hand-made bomb stream is valid deflate (checked on a small one)', () => {
    const out = inflateSync(zeroBomb(100));
    expect(out.length).toBe(1 + 100 * 258);
    expect(out.every((x) => x === 0)).toBe(true);
  });

  it('a member whose header declares more than the limit (2 GB), without allocating it', () => {
    const before = process.memoryUsage().arrayBuffers;
    const t0 = performance.now();
    const msg = refusal(rawZip([{ name: 'W1.npy', data: deflateSync(new Uint8Array(1000)), method: 8, size: 0x80000000 }]));
    expect(msg).toMatch(/array 'W1' declares 2147483648 bytes, more than the 8454144-byte limit/);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(50e6);
  });

  it('a small deflate stream that inflates huge (zip bomb behind a small declared size)', () => {
    const bomb = zeroBomb(4_200_000); // 6.8 MB of stream → 1.08 GB of zeros
    expect(bomb.length).toBeLessThan(7_000_000);
    const before = process.memoryUsage().arrayBuffers;
    const t0 = performance.now();
    const msg = refusal(rawZip([{ name: 'W1.npy', data: bomb, method: 8, size: 4096 }, { name: 'b1.npy', data: new Uint8Array(10) }]));
    expect(msg).toMatch(/W1: inflates to more than its declared 4096 bytes/);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(50e6);
  });

  it('too many members', () => {
    const list = Array.from({ length: 70 }, (_, i) => ({ name: `x${i}.npy`, data: new Uint8Array(1) }));
    expect(refusal(rawZip(list))).toMatch(/70 members in the zip: more than the 64 a model can have/);
  });

  it('a member that points past the end of the file', () => {
    const z = rawZip([{ name: 'W1.npy', data: new Uint8Array(10) }]);
    new DataView(z.buffer).setUint32(18, 5000, true); // local compressed size (ignored)
    const cd = z.length - 22 - 46 - 6;
    new DataView(z.buffer).setUint32(cd + 20, 5000, true); // central compressed size
    expect(refusal(z)).toMatch(/member 'W1.npy' extends past the end of the file/);
  });
});
