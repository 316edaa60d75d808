// Fuzzing the URL table (config/settings.ts, property-based, fast-check): any hash string —
// known and unknown keys, bad %-escapes, lone surrogates, control characters, HTML, huge
// numbers, over-long hashes, mutations of real preset links — and any applySetting call.
// parseHash never throws; the config it returns is always inside the table's ranges (each
// value formats and parses back to itself); every message is one line; a valid hash
// survives configToHash → parseHash unchanged. 100,000 cases in all.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SETTINGS, SETTING_KEYS, type Setting, applySetting, cloneConfig, configForPreset, configToHash, parseHash } from '../../../web/src/config/settings';
import type { TrainConfig } from '../../../web/src/config/types';
import { validateConfig } from '../../../web/src/worker/protocol';
import { Tally, check, report, runs, withoutStacks } from './mutate';

const PRESETS = ['chapter', 'default', 'sigmoid', 'third-layer', 'narrow', 'batch-1', 'full-batch', 'init-large', 'init-tiny'];

/** Every field is a value the table itself would produce: format → parse gives it back. */
function checkConfig(c: TrainConfig): void {
  validateConfig(c);
  for (const key of SETTING_KEYS) {
    const s = SETTINGS[key] as Setting<typeof key>;
    const text = s.format(c[key] as never);
    const back = s.parse(text);
    check('value' in back, `${key}=${text} is out of the table's range`);
    if ('value' in back) check(s.format(back.value as never) === text, `${key}=${text} does not round-trip`);
  }
}

function checkMessages(list: readonly string[]): void {
  for (const m of list) {
    check(typeof m === 'string' && m.length > 0 && m.length < 400, `message length ${m.length}`);
    check(!/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(m), `control character in message ${JSON.stringify(m)}`);
  }
}

/** Values that probe each parser's edges, written as they would appear in a URL. */
const VALUES = [
  '', ' ', '0', '-0', '1', '-1', '1.5', '0.1', '1e-320', '1e308', '1e309', 'Infinity', '-Infinity', 'NaN', '0x10', '1_000', '١', '１',
  '1000', '1000.0000001', '1001', '60000', '60001', '4294967295', '4294967296', '99999999999', '1e6', '.5', '5.', '+3', '--1',
  'full', 'FULL', ' full ', 'relu', 'RELU', 'sigmoid', 'tanh', 'softmax', 'he', 'xavier', 'normal:', 'normal:0', 'normal:0.01', 'normal:100',
  'normal:101', 'normal:-1', 'normal:NaN', 'normal:1e-320', 'sgd', 'momentum', 'adam', '128,64', ',', '128,', ',64', '0', '1025',
  '100000', '1,2,3,4,5,6,7,8', '1,2,3,4,5,6,7,8,9', Array.from({ length: 50 }, () => '10').join(','), 'draw,weights', 'draw,draw', 'nope',
  '%', '%2', '%zz', '%E0%A4%A', '%ED%A0%80', '%C0%80', '%00', '%0A', '%E2%80%A8', '%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E', '<img src=x onerror=alert(1)>',
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', '\u0000', '\ud800', 'a'.repeat(5000),
  ...PRESETS,
];
const KEYS = [...SETTING_KEYS, 'Preset', 'LR', 'l%72', 'lr ', '', '__proto__', 'constructor', 'toString', 'prototype', 'valueOf', '%', '%zz', '<b>x</b>', 'a'.repeat(300)];

const segment = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)).map(([k, v]) => `${k}=${v}`) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...SETTING_KEYS), fc.string({ maxLength: 12 })).map(([k, v]) => `${k}=${v}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...SETTING_KEYS), fc.string({ unit: 'binary', maxLength: 8 })).map(([k, v]) => `${k}=${encodeURIComponent(v)}`) },
  { weight: 1, arbitrary: fc.constantFrom(...KEYS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 16 }) },
);
const hash = fc.tuple(fc.constantFrom('#', ''), fc.array(segment, { maxLength: 8 }), fc.constantFrom('&', '&&', ';')).map(([h, segs, sep]) => h + segs.join(sep));

/** A real link (a preset plus overrides) with characters flipped, dropped or doubled. */
const mutatedLink = fc
  .tuple(fc.constantFrom(...PRESETS), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3 }), fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 2 })), { minLength: 1, maxLength: 4 }))
  .map(([p, edits]) => {
    const c = configForPreset(p)!;
    c.lr = 0.05;
    c.layers = [100, 50];
    let s = `#${configToHash(c)}&seed=7&hide=draw`;
    for (const [at, op, text] of edits) {
      const i = at % (s.length + 1);
      s = op === 0 ? s.slice(0, i) + text + s.slice(i) : op === 1 ? s.slice(0, i) + s.slice(i + 1) : op === 2 ? s.slice(0, i) + text + s.slice(i + 1) : s.slice(0, i) + s.slice(i, i + 3) + s.slice(i);
    }
    return s;
  });

describe('fuzz: URL table', () => {
  it('parseHash on generated and mutated hashes: never throws, config always in range, messages one line', () => {
    const tally = new Tally();
    withoutStacks(() => fc.assert(
      fc.property(fc.oneof({ weight: 3, arbitrary: hash }, { weight: 1, arbitrary: mutatedLink }), (h) => {
        const r = parseHash(h);
        tally.add(r.errors.length ? { ok: false, message: r.errors[0]! } : { ok: true, value: r });
        checkMessages(r.errors);
        checkMessages(r.notices);
        // origin= fails closed: any problem with it is reported as the originError embed mode refuses on.
        check(!r.errors.some((e) => e.startsWith('origin:')) || r.originError !== null, 'an origin error without originError');
        if (r.originError !== null) checkMessages([r.originError]);
        // The range and round-trip checks cost 3× the parse: every fourth case is enough.
        if (tally.cases % 4 !== 0) return;
        checkConfig(r.config);
        // What the page writes back to the URL is canonical: it parses to the same config, cleanly.
        const again = parseHash(`#${configToHash(r.config)}`);
        check(again.errors.length === 0 && again.notices.length === 0, `configToHash gave a hash with problems: ${again.errors[0] ?? again.notices[0]}`);
        check(configToHash(again.config) === configToHash(r.config), 'configToHash does not round-trip');
      }),
      { numRuns: runs(75_000) },
    ));
    report(tally.summary('URL hashes'));
    expect(tally.accepted).toBeGreaterThan(0);
  });

  it('a hash longer than 4096 characters is refused as a whole, with one message', () => {
    const r = parseHash(`#lr=0.5&${'x'.repeat(5000)}`);
    expect(r.errors).toEqual(['the URL state is longer than 4096 characters: ignored']);
    expect(r.config.lr).toBe(0.1);
  });

  it('applySetting with any key and value: null or a one-line message, and the config stays valid', () => {
    const tally = new Tally();
    const base = configForPreset('default')!;
    withoutStacks(() => fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...SETTING_KEYS) }, fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })),
            fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...VALUES) }, fc.string({ unit: 'binary', maxLength: 12 })),
          ),
          { minLength: 1, maxLength: 6 },
        ),
        (pairs) => {
          const c = cloneConfig(base);
          for (const [k, v] of pairs) {
            const before = JSON.stringify(c);
            const err = applySetting(c, k, v);
            tally.add(err === null ? { ok: true, value: null } : { ok: false, message: err });
            if (err !== null) {
              checkMessages([err]);
              check(JSON.stringify(c) === before, `a refused ${k}=${v} changed the config`);
            }
          }
          checkConfig(c);
        },
      ),
      { numRuns: runs(25_000) },
    ));
    report(tally.summary('applySetting'));
  });
});
