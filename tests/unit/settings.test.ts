// config/settings.ts: the typed table of contract §3 — every key's parse/serialize round trip,
// refusals naming key and value, unknown keys, and the helpers built on it.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFIG,
  HIDE_GROUPS,
  SETTINGS,
  SETTING_KEYS,
  LOCKABLE,
  applySetting,
  buildPreset,
  cloneConfig,
  configToHash,
  describeConfig,
  diffConfigs,
  lockedKeys,
  parseHash,
  toTrainerSpec,
} from '../../web/src/config/settings';
import type { TrainConfig } from '../../web/src/config/types';

const base = (): TrainConfig => cloneConfig(DEFAULT_CONFIG);

describe('the table', () => {
  it('has exactly the contract keys, in order, each with a range', () => {
    expect(SETTING_KEYS).toEqual(['preset', 'layers', 'activation', 'init', 'optimizer', 'lr', 'momentum', 'batch', 'epochs', 'seed', 'train', 'hide', 'lock', 'origin']);
    for (const k of SETTING_KEYS) expect(SETTINGS[k].range.length).toBeGreaterThan(3);
    expect(HIDE_GROUPS).toEqual(['controls', 'chart', 'grid', 'draw', 'weights', 'presets', 'data', 'about', 'models', 'runs']);
  });

  // key → [raw value, expected parsed value, canonical serialization]
  const good: [keyof TrainConfig, string, unknown, string][] = [
    ['preset', 'sigmoid', 'sigmoid', 'sigmoid'],
    ['layers', '128,64', [128, 64], '128,64'],
    ['layers', '', [], ''],
    ['layers', ' 1 , 1024 ', [1, 1024], '1,1024'],
    ['layers', '8,8,8,8,8,8,8,8', [8, 8, 8, 8, 8, 8, 8, 8], '8,8,8,8,8,8,8,8'],
    ['activation', 'sigmoid', 'sigmoid', 'sigmoid'],
    ['activation', 'ReLU', 'relu', 'relu'],
    ['activation', 'tanh', 'tanh', 'tanh'],
    ['init', 'he', { kind: 'he', scale: 0.01 }, 'he'],
    ['init', 'xavier', { kind: 'xavier', scale: 0.01 }, 'xavier'],
    ['init', 'normal:0.01', { kind: 'normal', scale: 0.01 }, 'normal:0.01'],
    ['init', 'normal:1e-3', { kind: 'normal', scale: 0.001 }, 'normal:0.001'],
    ['init', 'normal:100', { kind: 'normal', scale: 100 }, 'normal:100'],
    ['optimizer', 'momentum', 'momentum', 'momentum'],
    ['optimizer', 'sgd', 'sgd', 'sgd'],
    ['lr', '0.1', 0.1, '0.1'],
    ['lr', '1000', 1000, '1000'],
    ['lr', '1e-7', 1e-7, '1e-7'],
    ['momentum', '0', 0, '0'],
    ['momentum', '0.99', 0.99, '0.99'],
    ['batch', '64', 64, '64'],
    ['batch', 'full', 'full', 'full'],
    ['batch', '60000', 60000, '60000'],
    ['epochs', '1', 1, '1'],
    ['epochs', '1000', 1000, '1000'],
    ['seed', '0', 0, '0'],
    ['seed', '4294967295', 4294967295, '4294967295'],
    ['train', '1', 1, '1'],
    ['train', '60000', 60000, '60000'],
    ['hide', 'draw,weights', ['draw', 'weights'], 'draw,weights'],
    ['hide', '', [], ''],
    ['lock', 'lr,activation', ['lr', 'activation'], 'lr,activation'],
    ['lock', 'LR,lr', ['lr'], 'lr'],
    ['lock', 'all', ['all'], 'all'],
    ['lock', 'lr,all', ['all'], 'all'],
    ['lock', '', [], ''],
    ['origin', 'https://book.example', 'https://book.example', 'https://book.example'],
    ['origin', 'http://127.0.0.1:8080/', 'http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['origin', '', '', ''],
    ['hide', 'about,about', ['about'], 'about'],
  ];
  for (const [key, raw, value, canonical] of good) {
    it(`parses and serializes ${key}=${JSON.stringify(raw)}`, () => {
      const r = SETTINGS[key].parse(raw);
      expect(r).toEqual({ value });
      const text = (SETTINGS[key].format as (v: unknown) => string)(value);
      expect(text).toBe(canonical);
      expect(SETTINGS[key].parse(text)).toEqual({ value });
    });
  }

  const bad: [keyof TrainConfig, string][] = [
    ['preset', 'nope'],
    ['layers', '128,,64'],
    ['layers', '0'],
    ['layers', '1025'],
    ['layers', '-5'],
    ['layers', '1.5'],
    ['layers', '8,8,8,8,8,8,8,8,8'],
    ['layers', 'abc'],
    ['activation', 'softplus'],
    ['init', 'normal'],
    ['init', 'normal:0'],
    ['init', 'normal:101'],
    ['init', 'normal:-1'],
    ['init', 'normal:abc'],
    ['init', 'uniform'],
    ['optimizer', 'adam'],
    ['lr', '0'],
    ['lr', '-0.1'],
    ['lr', '1001'],
    ['lr', 'Infinity'],
    ['lr', 'NaN'],
    ['lr', '0x10'],
    ['lr', ''],
    ['lr', '1e400'],
    ['momentum', '1'],
    ['momentum', '-0.1'],
    ['batch', '0'],
    ['batch', '60001'],
    ['batch', '6.4'],
    ['batch', 'half'],
    ['epochs', '0'],
    ['epochs', '1001'],
    ['epochs', '2.5'],
    ['seed', '-1'],
    ['seed', '4294967296'],
    ['seed', '1e3'],
    ['train', '0'],
    ['train', '60001'],
    ['hide', 'draw,sidebar'],
    ['lock', 'hide'],
    ['lock', 'origin'],
    ['lock', 'lr,banana'],
    ['origin', 'book.example'],
    ['origin', 'https://book.example/chapter3'],
    ['origin', 'https://book.example?x=1'],
    ['origin', 'https://user@book.example'],
    ['origin', 'javascript:alert(1)'],
    ['origin', 'file:///tmp'],
    ['origin', '*'],
  ];
  for (const [key, raw] of bad) {
    it(`refuses ${key}=${JSON.stringify(raw)} with a message naming key and value`, () => {
      const { config, errors } = parseHash(`#preset=default&${key}=${encodeURIComponent(raw)}`);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBe(`${key}: '${raw}' is not valid: expected ${SETTINGS[key].range}`);
      expect(config).toEqual(base()); // not applied
    });
  }
});

describe('parseHash', () => {
  it('starts from default, or from the named preset, then applies the other keys (in any order)', () => {
    expect(parseHash('').config).toEqual(base());
    expect(parseHash('#').config).toEqual(base());
    const r = parseHash('#lr=0.05&preset=sigmoid&hide=draw,weights&batch=full');
    expect(r.errors).toEqual([]);
    expect(r.notices).toEqual([]);
    expect(r.config).toEqual({ ...base(), preset: 'sigmoid', activation: 'sigmoid', lr: 0.05, batch: 'full', hide: ['draw', 'weights'] });
  });

  it('reads the contract example', () => {
    const r = parseHash('#preset=default&layers=128,64&activation=relu&init=he&optimizer=sgd&lr=0.1&batch=64&epochs=5&seed=1&train=60000&hide=draw,weights');
    expect(r.errors).toEqual([]);
    expect(r.config).toEqual({ ...base(), hide: ['draw', 'weights'] });
  });

  it('gives a notice for unknown keys and repeated keys, an error for a key without value', () => {
    const r = parseHash('#foo=1&lr=0.2&lr=0.3&epochs&<b>x</b>=1');
    expect(r.notices).toEqual(["unknown key 'foo' ignored", 'lr given more than once: the last value is used', "unknown key '<b>x</b>' ignored"]);
    expect(r.errors).toEqual(['epochs: no value given (write epochs=…)']);
    expect(r.config.lr).toBe(0.3);
  });

  it('refuses an unknown preset (keeping default) and bad %-escapes', () => {
    const r = parseHash('preset=nope&lr=%E0%A4%A');
    expect(r.errors).toHaveLength(2);
    expect(r.errors[0]).toBe("'lr=%E0%A4%A' has a bad %-escape: ignored");
    expect(r.errors[1]).toMatch(/^preset: 'nope' is not valid: expected one of chapter, default, /);
    expect(r.config).toEqual(base());
  });

  it('keeps messages on one line and short', () => {
    const r = parseHash(`lr=${encodeURIComponent('1\n2' + 'x'.repeat(100))}`);
    expect(r.errors[0]).not.toContain('\n');
    expect(r.errors[0]!.length).toBeLessThan(150);
    expect(parseHash('x'.repeat(5000)).errors).toEqual(['the URL state is longer than 4096 characters: ignored']);
  });
});

describe('configToHash', () => {
  it('emits the preset plus the keys that differ from it', () => {
    expect(configToHash(base())).toBe('preset=default');
    const c = parseHash('preset=chapter&seed=7&hide=draw').config;
    expect(configToHash(c)).toBe('preset=chapter&seed=7&hide=draw');
    expect(configToHash({ ...base(), layers: [], init: { kind: 'normal', scale: 0.5 } })).toBe('preset=default&layers=&init=normal:0.5');
  });

  it('round-trips every key through parseHash', () => {
    const configs: TrainConfig[] = [
      base(),
      { ...base(), layers: [], activation: 'tanh', init: { kind: 'xavier', scale: 0.01 }, optimizer: 'momentum', lr: 1e-7, momentum: 0.5, batch: 'full', epochs: 1000, seed: 4294967295, train: 1, hide: [...HIDE_GROUPS], lock: ['lr', 'seed'], origin: 'https://book.example:8443' },
      { ...base(), lock: ['all'], origin: 'http://127.0.0.1:5173' },
      { ...parseHash('preset=init-tiny').config, lr: 0.30000000000000004, layers: [1024, 1, 7] },
      { ...base(), preset: 'no-such-preset' },
    ];
    for (const c of configs) {
      const r = parseHash(configToHash(c));
      expect(r.errors).toEqual([]);
      expect(r.config).toEqual(c.preset === 'no-such-preset' ? { ...c, preset: 'default' } : c);
    }
  });
});

describe('applySetting (CLI flags)', () => {
  it('applies a value, or returns a message without applying it', () => {
    const c = base();
    expect(applySetting(c, 'lr', '0.5')).toBeNull();
    expect(c.lr).toBe(0.5);
    expect(applySetting(c, 'lr', 'banana')).toBe("'banana' is not valid: expected a number in (0, 1000]");
    expect(c.lr).toBe(0.5);
    expect(applySetting(c, 'from', 'x')).toMatch(/^unknown setting 'from' \(known: preset, layers, /);
  });

  it('preset replaces everything but the page keys (hide, lock, origin)', () => {
    const c = { ...base(), lr: 3, hide: ['draw'], lock: ['lr'], origin: 'https://book.example' };
    expect(applySetting(c, 'preset', 'chapter')).toBeNull();
    expect(c).toEqual({ ...parseHash('preset=chapter').config, hide: ['draw'], lock: ['lr'], origin: 'https://book.example' });
  });

  it('lockedKeys expands all; a preset may not set lock or origin; runs never differ by them', () => {
    expect([...lockedKeys({ lock: ['lr', 'seed'] })]).toEqual(['lr', 'seed']);
    expect([...lockedKeys({ lock: ['all'] })]).toEqual([...LOCKABLE]);
    expect(LOCKABLE).not.toContain('hide');
    const p = buildPreset({ id: 'x', title: 'x', illustrates: 'x', explanation: 'x', settings: { lock: 'all', origin: 'https://a.example' } });
    expect(p.errors).toEqual(['lock: a preset may not set it', 'origin: a preset may not set it']);
    expect(diffConfigs({ ...base(), lock: ['all'], origin: 'https://a.example' }, base())).toBe('same settings');
    expect(configToHash({ ...base(), lock: ['lr'], origin: 'https://a.example' })).toBe('preset=default&lock=lr&origin=https:%2F%2Fa.example');
  });
});

describe('describeConfig, diffConfigs, toTrainerSpec', () => {
  it('describes a config on one line', () => {
    expect(describeConfig(base())).toBe('784-128-64-10 relu he sgd lr 0.1 batch 64');
    expect(describeConfig(parseHash('preset=chapter').config)).toBe('784-128-64-10 relu normal:0.01 sgd lr 0.01 batch full');
    expect(describeConfig({ ...base(), layers: [], optimizer: 'momentum', train: 10000 })).toBe('784-10 relu he momentum 0.9 lr 0.1 batch 64 train 10000');
  });

  it('names what differs', () => {
    const relu = base();
    expect(diffConfigs({ ...relu, activation: 'sigmoid' }, relu)).toBe('sigmoid vs relu');
    expect(diffConfigs(parseHash('preset=narrow&lr=0.5').config, relu)).toBe('784-32-16-10 vs 784-128-64-10, lr 0.5 vs 0.1');
    expect(diffConfigs({ ...relu, momentum: 0.5 }, relu)).toBe('same settings');
    expect(diffConfigs({ ...relu, optimizer: 'momentum', momentum: 0.5 }, relu)).toBe('momentum vs sgd, momentum 0.5 vs 0.9');
    expect(diffConfigs({ ...relu, batch: 'full', seed: 2 }, relu)).toBe('batch full vs 64, seed 2 vs 1');
  });

  it('builds the engine spec', () => {
    expect(toTrainerSpec(base())).toEqual({
      layers: '784,128,64,10', activation: 'relu', init: 'he', initScale: 0.01, optimizer: 'sgd', lr: 0.1, momentum: 0.9, batch: 64, seed: 1,
    });
    const chapter = toTrainerSpec(parseHash('preset=chapter').config);
    expect(chapter).toMatchObject({ init: 'normal', initScale: 0.01, batch: 0, lr: 0.01 });
    expect(toTrainerSpec({ ...base(), layers: [] }).layers).toBe('784,10');
  });
});
