// Shared pieces of the fuzz suites: byte mutations of valid seeds (bit flips, byte sets,
// truncation, insertion, deletion, and edits of known length/count fields), and the one
// property every reader of untrusted input must have: it returns a value, or it throws a
// plain Error (or the module's own Error subclass) with a one-line message — never a
// TypeError/RangeError from inside, never a non-Error, never a multi-line message.
import fc from 'fast-check';

/** A little-endian or big-endian integer field of a seed (a length, a count, an offset). */
export interface Field {
  offset: number;
  size: 1 | 2 | 4;
  littleEndian: boolean;
}

export interface Seed {
  name: string;
  bytes: Uint8Array;
  /** Fields whose edits matter most (sizes, counts, offsets). */
  fields: Field[];
}

export type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; length: number }
  | { op: 'field'; index: number; value: number };

/** Values that break length checks: 0, 1, off by one around the real value, sign bits, all ones. */
const INTERESTING = [0, 1, 2, 7, 8, 9, 10, 15, 16, 17, 28, 255, 256, 784, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x10000, 300_000, 300_001, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

/**
 * Positions are raw naturals reduced modulo the length when applied; half of them are
 * drawn from the first 64 bytes, where the headers are.
 */
const position = fc.oneof(fc.nat(63), fc.nat());

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('flip' as const), at: position, bit: fc.nat(7) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('set' as const), at: position, value: fc.oneof(fc.constantFrom(0, 0xff, 0x7f, 0x80, 0x0a, 0x27), fc.nat(255)) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 8 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('field' as const),
      index: fc.nat(),
      value: fc.oneof(fc.constantFrom(...INTERESTING), fc.nat(), fc.integer({ min: -4, max: 4 })),
    }),
  },
);

/** One to four mutations. */
export const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

/** `seed` with `list` applied in order (a new array; the seed is not touched). */
export function mutate(seed: Seed, list: readonly Mutation[]): Uint8Array {
  let b = seed.bytes.slice();
  for (const m of list) {
    const n = b.length;
    switch (m.op) {
      case 'flip':
        if (n) b[m.at % n]! ^= 1 << m.bit;
        break;
      case 'set':
        if (n) b[m.at % n] = m.value;
        break;
      case 'truncate':
        b = b.slice(0, m.at % (n + 1));
        break;
      case 'insert': {
        const at = m.at % (n + 1);
        const out = new Uint8Array(n + m.bytes.length);
        out.set(b.subarray(0, at));
        out.set(m.bytes, at);
        out.set(b.subarray(at), at + m.bytes.length);
        b = out;
        break;
      }
      case 'delete': {
        if (!n) break;
        const at = m.at % n;
        const out = new Uint8Array(n - Math.min(m.length, n - at));
        out.set(b.subarray(0, at));
        out.set(b.subarray(at + m.length), at);
        b = out;
        break;
      }
      case 'field': {
        if (!seed.fields.length) break;
        const f = seed.fields[m.index % seed.fields.length]!;
        if (f.offset + f.size > b.length) break;
        // A small signed value means "the field's current value plus this": off-by-a-few edits.
        const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
        const read = f.size === 1 ? v.getUint8(f.offset) : f.size === 2 ? v.getUint16(f.offset, f.littleEndian) : v.getUint32(f.offset, f.littleEndian);
        const value = m.value >= -4 && m.value <= 4 ? read + m.value : m.value;
        const max = f.size === 1 ? 0xff : f.size === 2 ? 0xffff : 0xffffffff;
        const x = ((value % (max + 1)) + (max + 1)) % (max + 1);
        if (f.size === 1) v.setUint8(f.offset, x);
        else if (f.size === 2) v.setUint16(f.offset, x, f.littleEndian);
        else v.setUint32(f.offset, x, f.littleEndian);
        break;
      }
    }
  }
  return b;
}

export type Outcome = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Runs `parse` and classifies what happened. A plain Error (or an allowed subclass) with a
 * one-line message of sensible length starting with `prefix` is a clean refusal; anything
 * else fails the property with a description of what escaped. `catchAll` lists the wrapper
 * texts a reader uses for errors it did not foresee ("unreadable IDX file ("): a fuzz case
 * that reaches one found an internal TypeError/RangeError that the wrapper only hid.
 */
export function outcome(parse: () => unknown, opts: { prefix?: string; allowed?: readonly (new (...a: never[]) => Error)[]; catchAll?: readonly string[] } = {}): Outcome {
  let value: unknown;
  const start = performance.now();
  try {
    value = parse();
  } catch (e) {
    hangCheck(start);
    if (!(e instanceof Error)) throw new Error(`threw a non-Error: ${String(e)}`);
    const allowed = opts.allowed ?? [];
    if (e.constructor !== Error && !allowed.some((C) => e.constructor === C)) {
      throw new Error(`threw ${e.constructor.name}, not a clean Error: ${e.message}`);
    }
    const msg = e.message;
    if (!msg || /[\n\r\u2028\u2029]/.test(msg)) throw new Error(`message is empty or not one line: ${JSON.stringify(msg)}`);
    if (msg.length > 600) throw new Error(`message of ${msg.length} characters: ${msg.slice(0, 100)}…`);
    if (opts.prefix !== undefined && !msg.startsWith(opts.prefix)) throw new Error(`message does not start with '${opts.prefix}': ${msg}`);
    for (const c of opts.catchAll ?? []) if (msg.includes(c)) throw new Error(`an unforeseen error reached the catch-all: ${msg}`);
    return { ok: false, message: msg };
  }
  hangCheck(start);
  return { ok: true, value };
}

/**
 * A hang detector, not a speed test: every input here is at most a few KB and parses in
 * microseconds, so a case that takes seconds is a loop driven by a declared size (the
 * fortran-order transpose of a (0, 2147483648) array took 10 s before it was fixed).
 */
export const HANG_MS = 3000;
function hangCheck(start: number): void {
  const ms = performance.now() - start;
  if (ms > HANG_MS) throw new Error(`one case took ${Math.round(ms)} ms: a loop driven by a declared size?`);
}

/** Counts refusals by their message with numbers and quoted text blanked, for the report. */
export class Tally {
  readonly counts = new Map<string, number>();
  cases = 0;
  accepted = 0;
  add(o: Outcome): void {
    this.cases++;
    if (o.ok) {
      this.accepted++;
      return;
    }
    const shape = o.message
      .replace(/'[^']*'/g, "'…'")
      .replace(/"[^"]*"/g, '"…"')
      .replace(/\([^)]*\)/g, '(…)')
      .replace(/\d+/g, 'N');
    this.counts.set(shape, (this.counts.get(shape) ?? 0) + 1);
  }
  /** A short summary: cases, accepted, and the most frequent refusals. */
  summary(title: string, top = 12): string {
    const lines = [...this.counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
    return [`${title}: ${this.cases} cases, ${this.accepted} accepted, ${this.cases - this.accepted} refused (${this.counts.size} kinds)`, ...lines.map(([m, n]) => `  ${String(n).padStart(7)}  ${m}`)].join('\n');
  }
}

/**
 * Runs `body` with Error.stackTraceLimit = 0: most fuzz cases end in a refusal, and
 * capturing a stack trace costs more than the parsing (~17 µs against ~1.5 µs).
 */
export function withoutStacks<T>(body: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return body();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Throws `message` unless `ok` (cheaper than expect() in a loop of 10^5 cases). */
export function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

/** Prints tallies only when FUZZ_REPORT=1 (keeps `npm test` output short). */
export function report(text: string): void {
  if (process.env.FUZZ_REPORT === '1') console.log(text);
}

/** Cases per property: FUZZ_SCALE multiplies them (e.g. FUZZ_SCALE=10 for a long local run). */
export function runs(n: number): number {
  const scale = Number(process.env.FUZZ_SCALE ?? '1');
  return Math.max(1, Math.round(n * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}
