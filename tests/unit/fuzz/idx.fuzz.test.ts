// Fuzzing formats/idx.ts (property-based, fast-check): mutated valid IDX files, raw and
// gzip'd, structured headers with lying sizes, and random bytes. Every case must give a
// valid IdxFile or a one-line Error starting with the file's name — never a TypeError or
// RangeError from inside, never the "unreadable IDX file (…)" catch-all, never a hang.
// FUZZ_REPORT=1 prints what the refusals were; FUZZ_SCALE=10 runs ten times more cases.
import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { type IdxFile, pairIdx, parseIdx } from '../../../web/src/formats/idx';
import { type Field, type Seed, Tally, check, mutate, mutations, outcome, report, runs, withoutStacks } from './mutate';

const NAME = 'fuzz-idx';

function idx(magic: number, dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + dims.length * 4 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, magic);
  dims.forEach((d, i) => v.setUint32(4 + i * 4, d));
  out.set(data, 4 + dims.length * 4);
  return out;
}

const be = (offset: number): Field => ({ offset, size: 4, littleEndian: false });
const le = (offset: number, size: 1 | 2 | 4 = 4): Field => ({ offset, size, littleEndian: true });

/** Gzip member header fields and trailer (CRC32, ISIZE) of a gzip'd file. */
function gzipFields(b: Uint8Array): Field[] {
  return [le(3, 1), le(10, 2), le(b.length - 8), le(b.length - 4)];
}

/** A gzip file with an FEXTRA field (fflate writes none): XLEN at 10 is a length to lie about. */
function withExtra(gz: Uint8Array, extra: Uint8Array): Uint8Array {
  const out = new Uint8Array(gz.length + 2 + extra.length);
  out.set(gz.subarray(0, 10));
  out[3]! |= 4;
  out[10] = extra.length & 0xff;
  out[11] = extra.length >> 8;
  out.set(extra, 12);
  out.set(gz.subarray(10), 12 + extra.length);
  return out;
}

const pixels = (n: number) => Uint8Array.from({ length: n * 784 }, (_, i) => (i * 37) % 256);
const labels5 = idx(0x801, [5], Uint8Array.from([5, 0, 4, 1, 9]));
const images1 = idx(0x803, [1, 28, 28], pixels(1));
const images2 = idx(0x803, [2, 28, 28], pixels(2));
const labelsGz = gzipSync(labels5, { level: 6 });
const imagesGz = gzipSync(images2, { level: 6, filename: 'train-images-idx3-ubyte' });
const labelsGzExtra = withExtra(gzipSync(labels5, { level: 1 }), Uint8Array.from([65, 66, 2, 0, 1, 2]));

const SEEDS: Seed[] = [
  { name: 'labels', bytes: labels5, fields: [be(0), be(4)] },
  { name: 'images×1', bytes: images1, fields: [be(0), be(4), be(8), be(12)] },
  { name: 'images×2', bytes: images2, fields: [be(0), be(4), be(8), be(12)] },
  { name: 'labels.gz', bytes: labelsGz, fields: gzipFields(labelsGz) },
  { name: 'images.gz', bytes: imagesGz, fields: gzipFields(imagesGz) },
  { name: 'labels.gz+FEXTRA', bytes: labelsGzExtra, fields: gzipFields(labelsGzExtra) },
];

/** What a returned IdxFile must satisfy. */
function checkValid(f: IdxFile): void {
  check(f.name === NAME, `name ${f.name}`);
  check(Number.isInteger(f.count) && f.count >= 1 && f.count <= 300_000, `count ${f.count}`);
  check(f.data.length === (f.kind === 'images' ? f.count * 784 : f.count), `${f.data.length} bytes for ${f.count} ${f.kind}`);
  if (f.kind === 'labels') for (const x of f.data) check(x <= 9, `label ${x} accepted`);
}

function parse(bytes: Uint8Array, tally: Tally): void {
  const o = outcome(() => parseIdx(bytes, NAME), { prefix: `${NAME}: `, catchAll: ['unreadable IDX file ('] });
  tally.add(o);
  if (o.ok) checkValid(o.value as IdxFile);
}

describe('fuzz: IDX reader', () => {
  it('mutated raw and gzip\'d seeds (bit flips, byte sets, truncation, insertion, field edits)', () => {
    // The seeds themselves are valid.
    for (const s of SEEDS) checkValid(parseIdx(s.bytes, NAME));
    const tally = new Tally();
    // Raw seeds three times as often as gzip'd ones: fflate's Inflate costs ~50 µs a file.
    const seed = fc.oneof({ weight: 3, arbitrary: fc.nat(2) }, { weight: 1, arbitrary: fc.integer({ min: 3, max: SEEDS.length - 1 }) });
    withoutStacks(() => fc.assert(fc.property(seed, mutations, (i, ms) => parse(mutate(SEEDS[i]!, ms), tally)), { numRuns: runs(80_000) }));
    report(tally.summary('IDX mutated seeds'));
    expect(tally.cases).toBe(runs(80_000));
    // The mutations reach both outcomes (a fuzzer that only ever sees one is not fuzzing).
    expect(tally.accepted).toBeGreaterThan(0);
    expect(tally.cases - tally.accepted).toBeGreaterThan(0);
  });

  it('structured headers: any magic, count, rows, cols and a body of any length around the declared one', () => {
    const tally = new Tally();
    const magic = fc.oneof(fc.constantFrom(0x801, 0x803, 0x802, 0x804, 0x1f8b0800, 0x08030000), fc.nat());
    const dim = fc.oneof(fc.constantFrom(0, 1, 2, 3, 27, 28, 29, 300_000, 300_001, 0x7fffffff, 0xffffffff), fc.nat());
    const gzip = fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
    withoutStacks(() => fc.assert(
      fc.property(magic, fc.array(dim, { minLength: 0, maxLength: 4 }), fc.integer({ min: -3, max: 3 }), gzip, (m, dims, slack, gz) => {
        // Body: what the header declares (bounded so that a valid file stays small), plus slack.
        const count = Math.min(dims[0] ?? 0, 4);
        const per = (m & 0xff) === 3 ? 784 : 1;
        const body = Math.max(0, count * per + slack);
        const raw = idx(m, dims, Uint8Array.from({ length: body }, (_, i) => i % 10));
        parse(gz ? gzipSync(raw, { level: 1 }) : raw, tally);
      }),
      { numRuns: runs(15_000) },
    ));
    report(tally.summary('IDX structured headers'));
    expect(tally.accepted).toBeGreaterThan(0);
  });

  it('random bytes, some with an IDX or gzip magic in front', () => {
    const tally = new Tally();
    const prefix = fc.constantFrom([], [0, 0, 8, 1], [0, 0, 8, 3], [0x1f, 0x8b], [0x1f, 0x8b, 8, 0]);
    withoutStacks(() => fc.assert(
      fc.property(prefix, fc.uint8Array({ maxLength: 48 }), (p, rest) => {
        const b = new Uint8Array(p.length + rest.length);
        b.set(p);
        b.set(rest, p.length);
        parse(b, tally);
      }),
      { numRuns: runs(10_000) },
    ));
    report(tally.summary('IDX random bytes'));
  });

  it('pairIdx over random pairs of parsed files refuses mismatches cleanly', () => {
    const files = [labels5, images1, images2, idx(0x801, [1], Uint8Array.of(3)), idx(0x801, [2], Uint8Array.of(3, 4))].map((b) => parseIdx(b, NAME));
    withoutStacks(() => fc.assert(
      fc.property(fc.nat(files.length - 1), fc.nat(files.length - 1), (a, b) => {
        const o = outcome(() => pairIdx(files[a]!, files[b]!));
        if (o.ok) check(files[a]!.kind === 'images' && files[b]!.kind === 'labels' && files[a]!.count === files[b]!.count, 'mismatched pair accepted');
      }),
      { numRuns: runs(1_000) },
    ));
  });
});
