// Fuzzing the worker protocol validators (worker/protocol.ts and insideProtocol.ts,
// property-based, fast-check): any structured-clonable value, and valid messages with one
// field deleted, replaced (NaN, ±Infinity, -0, huge numbers, strings with newlines and
// HTML, typed arrays, null-prototype objects, arrays…) or added. Each validator returns, or
// throws its ProtocolError with a one-line message; nothing else ever escapes. Every
// exported one-argument `validate*` function is fuzzed, so validators added later are too.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, cloneConfig } from '../../../web/src/config/settings';
import * as inside from '../../../web/src/worker/insideProtocol';
import * as protocol from '../../../web/src/worker/protocol';
import { ProtocolError, requestIdOf, validateFromWorker, validateRequest } from '../../../web/src/worker/protocol';
import { Tally, check, outcome, report, runs, withoutStacks } from './mutate';

type Obj = Record<string, unknown>;

const config = (): Obj => cloneConfig(DEFAULT_CONFIG) as unknown as Obj;
const REQUESTS: Obj[] = [
  { kind: 'request', id: 1, method: 'init', dataUrl: 'https://example.org/data/mnist/' },
  { kind: 'request', id: 2, method: 'configure', config: config() },
  { kind: 'request', id: 3, method: 'train' },
  { kind: 'request', id: 4, method: 'pause' },
  { kind: 'request', id: 5, method: 'step' },
  { kind: 'request', id: 6, method: 'reset' },
  { kind: 'request', id: 7, method: 'importModel', name: 'm.npz', bytes: new Uint8Array(4) },
  { kind: 'request', id: 8, method: 'useData', naming: 'digits', files: [{ name: 'a', bytes: new Uint8Array(2) }] },
];
const EVENTS: Obj[] = [
  { kind: 'response', id: 1, ok: true },
  { kind: 'response', id: 2, ok: false, error: 'no' },
  { kind: 'event', type: 'ready', version: 'firstnet-core 0.1.0', threads: 1 },
  { kind: 'event', type: 'ready', version: 'firstnet-core 0.1.0', threads: 2 },
  { kind: 'event', type: 'state', state: 'training' },
  { kind: 'event', type: 'dataProgress', loadedBytes: 10, totalBytes: 100, testRows: 0, trainRows: 0 },
  { kind: 'event', type: 'dataReady', testRows: 10000, trainRows: 60000 },
  { kind: 'event', type: 'gridImages', pixels: new Uint8Array(784 * 2), labels: new Uint8Array(2) },
  { kind: 'event', type: 'progress', epoch: 0, step: 5, stepInEpoch: 5, samplesSeen: 320, stepProgress: 0, losses: [2.3, 2.2], firstStep: 3, samplesPerSec: 1000 },
  { kind: 'event', type: 'evaluation', epoch: 1, step: 9, testAccuracy: 0.9, testLoss: 0.3, probabilities: new Float32Array(20) },
  { kind: 'event', type: 'done', epoch: 5 },
  { kind: 'event', type: 'memory', heapBytes: 1 << 24 },
  { kind: 'event', type: 'error', cause: 'diverged', message: 'x' },
];

/** Values that break naive checks. */
const WEIRD: unknown[] = [
  undefined, null, NaN, Infinity, -Infinity, -0, 0, 1, -1, 1.5, 2 ** 31, 2 ** 53, 1e308, Number.MIN_VALUE, '', ' ', 'a\nb', 'x'.repeat(10_000),
  '<img src=x onerror=alert(1)>', '__proto__', true, false, [], [1, 2], [NaN], {}, Object.create(null), new Uint8Array(3), new Float32Array(7),
  new Float64Array(2), new ArrayBuffer(4), new DataView(new ArrayBuffer(2)), new Map(), new Set([1]), new Date(0), /re/, 10n, 'training', 'relu', 'full',
];
const weird = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...WEIRD) }, fc.anything({ maxDepth: 2, withTypedArray: true, withNullPrototype: true, withBigInt: true, withMap: true, withSet: true, withDate: true }));

type Edit = { op: 'delete' | 'set' | 'add'; path: number; key: string; value: unknown };
const edit: fc.Arbitrary<Edit> = fc.record({ op: fc.constantFrom('delete' as const, 'set' as const, 'set' as const, 'add' as const), path: fc.nat(), key: fc.string({ maxLength: 6 }), value: weird });

/** A deep copy of `seed` with `edits` applied at paths chosen among all its (nested) keys. */
function edited(seed: Obj, edits: readonly Edit[]): Obj {
  const root = structuredClone(seed);
  for (const e of edits) {
    const slots: [Obj, string][] = [];
    const walk = (o: Obj, depth: number) => {
      for (const k of Object.keys(o)) {
        slots.push([o, k]);
        const v = o[k];
        if (depth < 3 && v && typeof v === 'object' && !ArrayBuffer.isView(v)) walk(v as Obj, depth + 1);
      }
    };
    walk(root, 0);
    if (e.op === 'add' || !slots.length) {
      root[e.key] = e.value;
      continue;
    }
    const [o, k] = slots[e.path % slots.length]!;
    if (e.op === 'delete') delete o[k];
    else o[k] = e.value;
  }
  return root;
}

/** Every exported validator that takes one value (validateInside* take the parent's context and are reached through these). */
const VALIDATORS = Object.entries({ ...protocol, ...inside }).filter(
  ([name, fn]) => name.startsWith('validate') && typeof fn === 'function' && (fn as (...a: unknown[]) => unknown).length <= 1,
) as [string, (v: unknown) => unknown][];

function run(name: string, fn: (v: unknown) => unknown, v: unknown, tally: Tally): void {
  const o = outcome(() => fn(v), { allowed: [ProtocolError] });
  tally.add(o);
  if (!o.ok) check(o.message.length < 400, `${name}: long message`);
}

describe('fuzz: worker protocol validators', () => {
  it(`finds the validators to fuzz (${VALIDATORS.map(([n]) => n).join(', ')})`, () => {
    expect(VALIDATORS.map(([n]) => n)).toEqual(expect.arrayContaining(['validateRequest', 'validateFromWorker', 'validateConfig']));
    for (const r of REQUESTS) validateRequest(r);
  });

  it('validateRequest on edited valid requests: returns a well-formed request or a ProtocolError', () => {
    const tally = new Tally();
    withoutStacks(() => fc.assert(
      fc.property(fc.nat(REQUESTS.length - 1), fc.array(edit, { minLength: 1, maxLength: 3 }), (i, edits) => {
        const v = edited(REQUESTS[i]!, edits);
        const o = outcome(() => validateRequest(v), { allowed: [ProtocolError] });
        tally.add(o);
        const id = requestIdOf(v);
        check(id === null || (Number.isInteger(id) && id >= 0), `requestIdOf gave ${id}`);
        if (o.ok) {
          const r = o.value as Obj;
          check(r.kind === 'request' && Number.isInteger(r.id) && typeof r.method === 'string', 'accepted a malformed request');
          if (r.method === 'configure') protocol.validateConfig(r.config);
        }
      }),
      { numRuns: runs(40_000) },
    ));
    report(tally.summary('validateRequest (edited)'));
    expect(tally.accepted).toBeGreaterThan(0);
  });

  it('validateFromWorker on edited valid events and responses', () => {
    const tally = new Tally();
    withoutStacks(() => fc.assert(
      fc.property(fc.nat(EVENTS.length - 1), fc.array(edit, { minLength: 1, maxLength: 3 }), (i, edits) => {
        run('validateFromWorker', validateFromWorker, edited(EVENTS[i]!, edits), tally);
      }),
      { numRuns: runs(40_000) },
    ));
    report(tally.summary('validateFromWorker (edited)'));
    expect(tally.accepted).toBeGreaterThan(0);
  });

  it('every validator on arbitrary values', () => {
    const tally = new Tally();
    withoutStacks(() => fc.assert(
      fc.property(fc.nat(VALIDATORS.length - 1), weird, (i, v) => {
        const [name, fn] = VALIDATORS[i]!;
        run(name, fn, v, tally);
      }),
      { numRuns: runs(25_000) },
    ));
    report(tally.summary('all validators (arbitrary values)'));
  });
});
