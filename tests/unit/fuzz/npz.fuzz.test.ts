// Fuzzing formats/npy.ts and formats/npz.ts (property-based, fast-check): mutated .npy
// arrays, generated .npy headers (any descr, shape, fortran_order, keys, lengths), and
// mutated .npz archives — firstnet's own, fflate's deflated ones and numpy's (np.savez
// writes zip64 extra fields, np.savez_compressed deflates) — with edits of every zip
// size, count, offset and length field. Every case gives a valid result or a one-line
// Error naming the file; never a TypeError/RangeError, never the catch-all, never a hang.
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { type NpyArray, parseNpy, writeNpyFloat32, writeNpyString } from '../../../web/src/formats/npy';
import { type ModelFile, readModelNpz, writeModelNpz } from '../../../web/src/formats/npz';
import { type Field, type Seed, Tally, check, mutate, mutations, outcome, report, runs, withoutStacks } from './mutate';

const u16 = (offset: number): Field => ({ offset, size: 2, littleEndian: true });
const u32 = (offset: number): Field => ({ offset, size: 4, littleEndian: true });

// ---------------------------------------------------------------- .npy

function npy(header: string, data: Uint8Array, major = 1): Uint8Array {
  const text = new TextEncoder().encode(header);
  const pre = major === 1 ? 10 : 12;
  const out = new Uint8Array(pre + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const v = new DataView(out.buffer);
  if (major === 1) v.setUint16(8, text.length, true);
  else v.setUint32(8, text.length, true);
  out.set(text, pre);
  out.set(data, pre + text.length);
  return out;
}

const f4x6 = new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer);
const NPY_SEEDS: Seed[] = [
  { name: 'f4 (2,3)', bytes: writeNpyFloat32([2, 3], new Float32Array([1, 2, 3, 4, 5, 6])), fields: [u16(8)] },
  { name: 'f4 (3,)', bytes: writeNpyFloat32([3], new Float32Array([0, -1, 2.5])), fields: [u16(8)] },
  { name: 'string', bytes: writeNpyString('{"activation":"relu"}'), fields: [u16(8)] },
  { name: 'f8 fortran v2', bytes: npy("{'descr': '<f8', 'fortran_order': True, 'shape': (3, 1), }\n", new Uint8Array(24), 2), fields: [u32(8)] },
  { name: 'big-endian v3', bytes: npy('{"descr": ">f4", "fortran_order": False, "shape": (6,)}\n', f4x6, 3), fields: [u32(8)] },
];

function checkNpy(a: NpyArray): void {
  if (a.kind === 'float') {
    const n = a.shape.reduce((x, y) => x * y, 1);
    check(a.data.length === n, `${a.data.length} values for shape (${a.shape.join(', ')})`);
  } else {
    check(typeof a.value === 'string' && a.shape.length === 0, 'bad string result');
  }
}

function parseNpyCase(bytes: Uint8Array, tally: Tally): void {
  const o = outcome(() => parseNpy(bytes, 'f.npy', { maxElements: 1 << 20 }), { prefix: 'f.npy: ' });
  tally.add(o);
  if (o.ok) checkNpy(o.value as NpyArray);
}

/** Header dicts built from the pieces that matter, including the ones numpy would refuse. */
const headerText = (() => {
  const descr = fc.constantFrom("'<f4'", "'<f8'", "'>f4'", "'>f8'", "'|f4'", "'=f8'", "'<f2'", "'<i4'", "'|u1'", "'|O'", "'<O'", "'<U5'", "'<U0'", "'<U999999999'", "'>U3'", "'|U2'", "[('a', '<f4')]", "'<f4", "'\\\\x'", '1', "''");
  const fortran = fc.constantFrom('True', 'False', '0', 'None', "'False'");
  const dim = fc.oneof(fc.constantFrom('0', '1', '2', '3', '6', '784', '200000', '999999999999999', '9999999999999999', '-1', '1L', '2.0', ''), fc.nat(64).map(String));
  const shape = fc.array(dim, { maxLength: 4 }).chain((dims) =>
    fc.constantFrom(`(${dims.join(', ')})`, `(${dims.join(',')},)`, `(${dims.join(', ')}`, `[${dims.join(', ')}]`, '()'),
  );
  const entry = fc.oneof(
    descr.map((d) => `'descr': ${d}`),
    fortran.map((f) => `'fortran_order': ${f}`),
    shape.map((s) => `'shape': ${s}`),
    fc.constantFrom("'extra': 1", "'descr' '<f4'", "'shape': (2, 3), 'shape': (2, 3)", ':', ',', "'__proto__': True"),
  );
  return fc.tuple(fc.array(entry, { minLength: 0, maxLength: 5 }), fc.constantFrom('{', '{ ', ''), fc.constantFrom('}', ', }', '', '} x'), fc.constantFrom('', '\n', '   \n', '\u00ff\n'))
    .map(([entries, open, close, pad]) => `${open}${entries.join(', ')}${close}${pad}`);
})();

// ---------------------------------------------------------------- .npz

/** Every size, count, offset and length field of a zip, found by walking its headers. */
function zipFields(b: Uint8Array): Field[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const fields: Field[] = [];
  for (let p = 0; p + 4 <= b.length; p++) {
    const sig = v.getUint32(p, true);
    if (sig === 0x04034b50 && p + 30 <= b.length) {
      fields.push(u16(p + 6), u16(p + 8), u32(p + 14), u32(p + 18), u32(p + 22), u16(p + 26), u16(p + 28));
      const nameLen = v.getUint16(p + 26, true);
      const extraLen = v.getUint16(p + 28, true);
      // Zip64 extra (numpy writes one in every local header): id, size, then 8-byte values.
      for (let e = p + 30 + nameLen; e + 4 <= p + 30 + nameLen + extraLen; e += 4 + v.getUint16(e + 2, true)) {
        fields.push(u16(e + 2));
        if (v.getUint16(e, true) === 1) fields.push(u32(e + 4), u32(e + 8), u32(e + 12), u32(e + 16));
      }
      // The .npy header length inside a stored member.
      const data = p + 30 + nameLen + extraLen;
      if (v.getUint16(p + 8, true) === 0 && data + 10 <= b.length) fields.push(u16(data + 8));
    } else if (sig === 0x02014b50 && p + 46 <= b.length) {
      fields.push(u16(p + 8), u16(p + 10), u32(p + 16), u32(p + 20), u32(p + 24), u16(p + 28), u16(p + 30), u16(p + 32), u32(p + 42));
    } else if (sig === 0x06054b50 && p + 22 <= b.length) {
      fields.push(u16(p + 8), u16(p + 10), u32(p + 12), u32(p + 16), u16(p + 20));
    }
  }
  return fields;
}

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
// np.savez(W1=float32 (2,3), b1=float32 (3,)) and np.savez_compressed(W1, b1 as float64,
// config='{"activation":"relu"}'), numpy 1.24: zip64 extras in every local header.
const NUMPY_SAVEZ = b64(
  'UEsDBBQAAAAAAAAAIQBP6QAqmAAAAJgAAAAGABQAVzEubnB5AQAQAJgAAAAAAAAAmAAAAAAAAACTTlVNUFkBAHYAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgCgAAAAAAAIA/AAAAQAAAQEAAAIBAAACgQFBLAwQUAAAAAAAAACEAqfabGIwAAACMAAAABgAUAGIxLm5weQEAEACMAAAAAAAAAIwAAAAAAAAAk05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAABQSwECFAMUAAAAAAAAACEAT+kAKpgAAACYAAAABgAAAAAAAAAAAAAAgAEAAAAAVzEubnB5UEsBAhQDFAAAAAAAAAAhAKn2mxiMAAAAjAAAAAYAAAAAAAAAAAAAAIAB0AAAAGIxLm5weVBLBQYAAAAAAgACAGgAAACUAQAAAAA=',
);
const NUMPY_SAVEZ_COMPRESSED = b64(
  'UEsDBBQAAAAIAAAAIQDwzTtGVwAAALAAAAAGABQAVzEubnB5AQAQALAAAAAAAAAAVwAAAAAAAACb7BfqGxDJyFDGUK2eklqcXKRupaBuk2ahrqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RpGOgrGmjoKtQpkAy4GFPDBHspwgFAcUFoASos4AABQSwMEFAAAAAgAAAAhAC7j+bxHAAAAmAAAAAYAFABiMS5ucHkBABAAmAAAAAAAAABHAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TZqGuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GsY6mjoKtQoUAC4GHAAAUEsDBBQAAAAIAAAAIQBFl9iobQAAANQAAAAKABQAY29uZmlnLm5weQEAEADUAAAAAAAAAG0AAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWgbhNqZKiuo6Cell9UUpSYF59flJIKknBLzClOBYoXZyQWpAL5Gpo6CrUKlACuagYGBiUgTgTiZCAuAeJMIC6DisH4+UCcB1VrBaWLgDgViHOAuBQqVgvEAFBLAQIUAxQAAAAIAAAAIQDwzTtGVwAAALAAAAAGAAAAAAAAAAAAAACAAQAAAABXMS5ucHlQSwECFAMUAAAACAAAACEALuP5vEcAAACYAAAABgAAAAAAAAAAAAAAgAGPAAAAYjEubnB5UEsBAhQDFAAAAAgAAAAhAEWX2KhtAAAA1AAAAAoAAAAAAAAAAAAAAIABDgEAAGNvbmZpZy5ucHlQSwUGAAAAAAMAAwCgAAAAtwEAAAAA',
);

/** A 784 → 10 model (the smallest that chains): 31 KB of weights. */
function smallestModel(activation: ModelFile['activation']): ModelFile {
  const W = Float32Array.from({ length: 7840 }, (_, i) => ((i % 17) - 8) / 64);
  const b = Float32Array.from({ length: 10 }, (_, i) => i / 10);
  return { layers: [{ W, b, fanIn: 784, fanOut: 10 }], activation, config: { format: 'firstnet-model', version: 1, note: '<img src=x>' }, notices: [] };
}

const tiny = {
  'W1.npy': writeNpyFloat32([2, 3], new Float32Array([1, 2, 3, 4, 5, 6])),
  'b1.npy': writeNpyFloat32([3], new Float32Array(3)),
  'config.npy': writeNpyString('{"activation":"tanh"}'),
};
const seedOf = (name: string, bytes: Uint8Array): Seed => ({ name, bytes, fields: zipFields(bytes) });
/** Small archives: every zip and .npy path runs, the shape check refuses at the end. */
const SMALL_SEEDS: Seed[] = [
  seedOf('tiny stored', zipSync(tiny, { level: 0 })),
  seedOf('tiny deflated', zipSync(tiny, { level: 6 })),
  seedOf('numpy savez', NUMPY_SAVEZ),
  seedOf('numpy savez_compressed', NUMPY_SAVEZ_COMPRESSED),
];
/** Valid models: the mutations that keep them valid must give a valid model back. */
const MODEL_SEEDS: Seed[] = [
  seedOf('784→10 stored', writeModelNpz(smallestModel('sigmoid'))),
  seedOf('784→10 deflated', zipSync({ 'W1.npy': writeNpyFloat32([784, 10], smallestModel('relu').layers[0]!.W), 'b1.npy': writeNpyFloat32([10], new Float32Array(10)) }, { level: 6 })),
];

function checkModel(m: ModelFile): void {
  let fanIn = 784;
  for (const l of m.layers) {
    check(l.fanIn === fanIn && l.W.length === l.fanIn * l.fanOut && l.b.length === l.fanOut, 'layer sizes do not chain');
    for (const x of l.W) if (!Number.isFinite(x)) check(false, 'non-finite weight accepted');
    fanIn = l.fanOut;
  }
  check(fanIn === 10 && m.layers.length >= 1 && m.layers.length <= 9, `model ends in ${fanIn}`);
  check(['relu', 'sigmoid', 'tanh'].includes(m.activation), `activation ${m.activation}`);
}

function parseNpzCase(bytes: Uint8Array, tally: Tally): void {
  const o = outcome(() => readModelNpz(bytes, 'm.npz'), { prefix: 'm.npz: ', catchAll: ['unreadable model file ('] });
  tally.add(o);
  if (o.ok) checkModel(o.value as ModelFile);
}

describe('fuzz: .npy reader', () => {
  it('mutated .npy arrays (header length, magic, version, dict text, data)', () => {
    for (const s of NPY_SEEDS) checkNpy(parseNpy(s.bytes, 'f.npy'));
    const tally = new Tally();
    withoutStacks(() => fc.assert(fc.property(fc.nat(NPY_SEEDS.length - 1), mutations, (i, ms) => parseNpyCase(mutate(NPY_SEEDS[i]!, ms), tally)), { numRuns: runs(30_000) }));
    report(tally.summary('.npy mutated seeds'));
    expect(tally.accepted).toBeGreaterThan(0);
  });

  it('generated headers with data of the declared length, a little more or less, or none', () => {
    const tally = new Tally();
    withoutStacks(() => fc.assert(
      fc.property(headerText, fc.constantFrom(1, 2, 3), fc.integer({ min: -2, max: 64 }), (text, major, dataLen) => {
        parseNpyCase(npy(text, new Uint8Array(Math.max(0, dataLen)), major), tally);
      }),
      { numRuns: runs(15_000) },
    ));
    report(tally.summary('.npy generated headers'));
  });

  it('well-formed headers with any dtype, shape and order, and data of the right length ± a few bytes', () => {
    const tally = new Tally();
    const descr = fc.constantFrom('<f4', '<f8', '>f4', '>f8', '|f4', '=f4', '<f2', '<i4', '|u1', '|O', '<U3', '<U21', '>U2', '<U0', '<U99999999');
    const dims = fc.array(fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 4 }) }, { weight: 1, arbitrary: fc.constantFrom(784, 200_000, 2 ** 31, 2 ** 53 - 1) }), { maxLength: 4 });
    withoutStacks(() => fc.assert(
      fc.property(descr, fc.boolean(), dims, fc.integer({ min: -2, max: 2 }), fc.constantFrom(1, 2, 3), fc.boolean(), (d, fortran, shape, slack, major, reorder) => {
        const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
        const keys = [`'descr': '${d}'`, `'fortran_order': ${fortran ? 'True' : 'False'}`, `'shape': ${tuple}`];
        if (reorder) keys.reverse();
        const n = shape.reduce((a, b) => a * b, 1);
        const size = d.startsWith('<U') || d.startsWith('>U') ? 4 * Number(d.slice(2)) : Number(d.slice(2)) || 1;
        const want = Math.min(n * size, 4096) + slack;
        parseNpyCase(npy(`{${keys.join(', ')}, }\n`, new Uint8Array(Math.max(0, want)), major), tally);
      }),
      { numRuns: runs(15_000) },
    ));
    report(tally.summary('.npy well-formed headers'));
    expect(tally.accepted).toBeGreaterThan(0);
  });

  it('found by fuzzing: an empty fortran-order array with a huge side, (0, 2147483648), is read at once (was a 10 s loop)', () => {
    const a = parseNpy(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (0, 2147483648), }\n", new Uint8Array(0)), 'f.npy');
    expect(a.kind === 'float' && a.data.length).toBe(0);
  });
});

describe('fuzz: .npz reader', () => {
  it('mutated small archives (firstnet, fflate deflated, numpy savez and savez_compressed)', () => {
    const tally = new Tally();
    withoutStacks(() => fc.assert(fc.property(fc.nat(SMALL_SEEDS.length - 1), mutations, (i, ms) => parseNpzCase(mutate(SMALL_SEEDS[i]!, ms), tally)), { numRuns: runs(40_000) }));
    report(tally.summary('.npz mutated small archives'));
  });

  it('mutated valid models (stored and deflated)', () => {
    for (const s of MODEL_SEEDS) checkModel(readModelNpz(s.bytes, 'm.npz'));
    const tally = new Tally();
    withoutStacks(() => fc.assert(fc.property(fc.nat(MODEL_SEEDS.length - 1), mutations, (i, ms) => parseNpzCase(mutate(MODEL_SEEDS[i]!, ms), tally)), { numRuns: runs(3_000) }));
    report(tally.summary('.npz mutated valid models'));
    expect(tally.accepted).toBeGreaterThan(0);
  });

  it('random bytes, some after a zip signature', () => {
    const tally = new Tally();
    const prefix = fc.constantFrom([], [0x50, 0x4b, 3, 4], [0x50, 0x4b, 5, 6]);
    withoutStacks(() => fc.assert(
      fc.property(prefix, fc.uint8Array({ maxLength: 96 }), fc.boolean(), (p, rest, eocd) => {
        // Half end in an end-of-central-directory record, so the directory walk runs.
        const tail = eocd ? [0x50, 0x4b, 5, 6, ...rest.subarray(0, 18)] : [];
        parseNpzCase(Uint8Array.from([...p, ...rest, ...tail]), tally);
      }),
      { numRuns: runs(30_000) },
    ));
    report(tally.summary('.npz random bytes'));
  });
});
