// Fuzzing the embed API's host-facing validator (embed/messages.ts, property-based,
// fast-check): what any page may post to a widget. Arbitrary values, valid commands with
// fields deleted, replaced or added, and configure commands whose settings object or
// URL-state string is generated or mutated from real links. parseCommand and
// configFromCommand never throw: they give null (not for firstnet), a command, or a clean
// refusal — {ok: false, error} with a one-line message — and a configuration they accept is
// inside the settings table's ranges with origin unchanged. 100,000 cases in all.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SETTINGS, SETTING_KEYS, type Setting, configForPreset, configToHash } from '../../../web/src/config/settings';
import type { TrainConfig } from '../../../web/src/config/types';
import { COMMANDS, configFromCommand, parseCommand } from '../../../web/src/embed/messages';
import { validateConfig } from '../../../web/src/worker/protocol';
import { Tally, check, report, runs, withoutStacks } from './mutate';

type Obj = Record<string, unknown>;
const PRESETS = ['chapter', 'default', 'sigmoid', 'third-layer', 'narrow', 'batch-1', 'full-batch', 'init-large', 'init-tiny'];

/** The configuration a widget has when the command arrives: a page with origin=, hide and lock set. */
const CURRENT: TrainConfig = { ...configForPreset('sigmoid')!, hide: ['draw'], lock: ['lr'], origin: 'https://book.example' };

const SEEDS: Obj[] = [
  ...COMMANDS.filter((c) => c !== 'configure').map((command) => ({ type: 'firstnet:command', command })),
  { type: 'firstnet:command', command: 'export', id: 'model-1' },
  { type: 'firstnet:command', command: 'train', id: 7 },
  { type: 'firstnet:command', command: 'configure', config: { lr: 0.05, layers: [32], batch: 'full' } },
  { type: 'firstnet:command', command: 'configure', config: { preset: 'sigmoid', epochs: 2, seed: 3, hide: 'draw,weights' }, id: 'c' },
  { type: 'firstnet:command', command: 'configure', config: 'preset=chapter&lr=0.05&layers=100,50' },
  { type: 'firstnet:command', command: 'configure', config: '#preset=narrow&init=normal:0.01&optimizer=momentum&momentum=0.5' },
];

const WEIRD: unknown[] = [
  undefined, null, NaN, Infinity, -Infinity, -0, 0, 1, -1, 1.5, 2 ** 53, 1e308, '', ' ', 'a\nb', 'x'.repeat(5000), '<img src=x onerror=alert(1)>',
  '__proto__', 'constructor', 'toString', true, false, [], [1, 2], [NaN], ['a', 1], Array.from({ length: 65 }, () => 1), {}, Object.create(null),
  new Uint8Array(3), new Map(), new Date(0), /re/, 10n, 'firstnet:command', 'firstnet:', 'train', 'configure', 'relu', 'full', 'https://evil.example',
  'origin=https://evil.example', 'preset=sigmoid', 'lr=%zz', 'lr', '&&&', '#', 'lr=1&lr=2', '\ud800', '\u2028',
];
const weird = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...WEIRD) }, fc.anything({ maxDepth: 2, withNullPrototype: true, withBigInt: true, withMap: true, withDate: true }));

type Edit = { op: 'delete' | 'set' | 'add'; path: number; key: string; value: unknown };
const KEYS = ['type', 'command', 'config', 'id', ...SETTING_KEYS, '__proto__', 'constructor', 'colour', ''];
const edit: fc.Arbitrary<Edit> = fc.record({
  op: fc.constantFrom('delete' as const, 'set' as const, 'set' as const, 'add' as const),
  path: fc.nat(),
  key: fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })),
  value: weird,
});

/** A deep copy of `seed` with `edits` applied at paths chosen among all its (nested) keys. */
function edited(seed: Obj, edits: readonly Edit[]): Obj {
  const root = structuredClone(seed);
  for (const e of edits) {
    const slots: [Obj, string][] = [];
    const walk = (o: Obj, depth: number) => {
      for (const k of Object.keys(o)) {
        slots.push([o, k]);
        const v = o[k];
        if (depth < 2 && v && typeof v === 'object' && (Array.isArray(v) || [Object.prototype, null].includes(Object.getPrototypeOf(v)))) walk(v as Obj, depth + 1);
      }
    };
    walk(root, 0);
    const [o, k] = e.op === 'add' || !slots.length ? [root, e.key] : slots[e.path % slots.length]!;
    if (e.op === 'delete') delete o[k];
    // defineProperty: an own '__proto__' key, as JSON.parse or structured clone can give.
    else Object.defineProperty(o, k, { value: e.value, enumerable: true, configurable: true, writable: true });
  }
  return root;
}

/** A real link (a preset plus overrides) with characters inserted, dropped, replaced or repeated. */
const mutatedLink = fc
  .tuple(fc.constantFrom(...PRESETS), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3 }), fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 4 }))
  .map(([p, edits]) => {
    const c = configForPreset(p)!;
    c.lr = 0.05;
    c.layers = [100, 50];
    let s = `${configToHash(c)}&seed=7&hide=draw`;
    for (const [at, op, text] of edits) {
      const i = at % (s.length + 1);
      s = op === 0 ? s.slice(0, i) + text + s.slice(i) : op === 1 ? s.slice(0, i) + s.slice(i + 1) : op === 2 ? s.slice(0, i) + text + s.slice(i + 1) : s.slice(0, i) + s.slice(i, i + 3) + s.slice(i);
    }
    return s;
  });

const VALUES = ['0.05', 0.05, 0, -1, 1e6, 'full', 'relu', 'banana', [16, 8], [], ['8', 8], 'normal:0.01', 'draw,chart', 'all', '<b>x</b>', NaN, null, true, {}, 'x'.repeat(100)];
const settingsObject = fc.dictionary(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...SETTING_KEYS) }, fc.constantFrom(...KEYS)), fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...VALUES) }, weird), { maxKeys: 6 });

const input = fc.oneof(
  { weight: 2, arbitrary: weird },
  { weight: 4, arbitrary: fc.tuple(fc.nat(SEEDS.length - 1), fc.array(edit, { minLength: 1, maxLength: 3 })).map(([i, es]) => edited(SEEDS[i]!, es)) },
  { weight: 3, arbitrary: mutatedLink.map((config) => ({ type: 'firstnet:command', command: 'configure', config })) },
  { weight: 2, arbitrary: settingsObject.map((config) => ({ type: 'firstnet:command', command: 'configure', config })) },
);

function checkMessage(m: unknown): void {
  check(typeof m === 'string' && m.length > 0 && m.length < 600, `message ${JSON.stringify(m)?.slice(0, 80)}`);
  check(!/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(m as string), `control character in message ${JSON.stringify(m)}`);
}

/** Every field is a value the table itself would produce: format → parse gives it back. */
function checkConfig(c: TrainConfig): void {
  validateConfig(c);
  for (const key of SETTING_KEYS) {
    const s = SETTINGS[key] as Setting<typeof key>;
    const text = s.format(c[key] as never);
    const back = s.parse(text);
    check('value' in back && s.format(back.value as never) === text, `${key}=${text} is out of the table's range`);
  }
}

/** parseCommand then (for configure) configFromCommand, as hostApi.ts does; throws only when a property fails. */
function handle(data: unknown, tally: Tally): void {
  const start = performance.now();
  let parsed: ReturnType<typeof parseCommand>;
  try {
    parsed = parseCommand(data);
  } catch (e) {
    throw new Error(`parseCommand threw ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`);
  }
  if (parsed === null) {
    tally.add({ ok: true, value: null });
    return;
  }
  check(typeof parsed === 'object' && typeof parsed.ok === 'boolean', 'parseCommand gave a malformed result');
  if (!parsed.ok) {
    checkMessage(parsed.error);
    tally.add({ ok: false, message: parsed.error });
    return;
  }
  const cmd = parsed.value;
  check((COMMANDS as readonly string[]).includes(cmd.command), `accepted command ${String(cmd.command)}`);
  check(cmd.id === undefined || typeof cmd.id === 'string' || (typeof cmd.id === 'number' && Number.isFinite(cmd.id)), 'accepted a bad id');
  check((cmd.command === 'configure') === (cmd.config !== undefined), 'config on the wrong command');
  if (cmd.command === 'configure') {
    let next: ReturnType<typeof configFromCommand>;
    try {
      next = configFromCommand(CURRENT, cmd.config!);
    } catch (e) {
      throw new Error(`configFromCommand threw ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`);
    }
    if (!next.ok) {
      checkMessage(next.error);
      check(next.error.startsWith('configure: '), `refusal does not name the command: ${next.error}`);
      tally.add({ ok: false, message: next.error });
    } else {
      check(next.value.origin === CURRENT.origin, 'a command changed origin');
      if (tally.cases % 3 === 0) checkConfig(next.value);
      tally.add({ ok: true, value: next.value });
    }
  } else tally.add({ ok: true, value: cmd });
  const ms = performance.now() - start;
  check(ms < 3000, `one message took ${Math.round(ms)} ms`);
}

describe('fuzz: embed postMessage validator', () => {
  it('parseCommand + configFromCommand on arbitrary, edited and mutated messages: a command, null, or a clean refusal', () => {
    for (const s of SEEDS) {
      const p = parseCommand(s);
      expect(p?.ok, JSON.stringify(s)).toBe(true);
    }
    const tally = new Tally();
    withoutStacks(() => fc.assert(fc.property(input, (data) => handle(data, tally)), { numRuns: runs(100_000) }));
    report(tally.summary('embed messages'));
    expect(tally.cases).toBeGreaterThanOrEqual(runs(100_000));
    expect(tally.accepted).toBeGreaterThan(1000);
    expect(tally.cases - tally.accepted).toBeGreaterThan(1000);
  });
});
