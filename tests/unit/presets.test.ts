// config/presets.json + presets.ts: every preset parses through the settings table, and the
// ones the contract pins down decode to the documented configs.
import { describe, expect, it } from 'vitest';
import presetsJson from '../../web/src/config/presets.json';
import { PRESETS, halvedLayers, presetConfig } from '../../web/src/config/presets';
import { DEFAULT_CONFIG, buildPreset, configToHash, parseHash, type PresetJson } from '../../web/src/config/settings';

describe('presets', () => {
  it('has the contract presets, each with title, section, explanation, and settings that parse', () => {
    expect(PRESETS.map((p) => p.id)).toEqual(['chapter', 'default', 'sigmoid', 'third-layer', 'narrow', 'batch-1', 'full-batch', 'init-large', 'init-tiny']);
    for (const p of PRESETS) {
      expect(buildPreset(p as PresetJson).errors).toEqual([]);
      expect(p.title.length).toBeGreaterThan(5);
      expect(p.illustrates.length).toBeGreaterThan(5);
      expect(p.explanation.length).toBeGreaterThan(100);
      expect(p.explanation).not.toContain('\n');
      expect(parseHash(`preset=${p.id}`).config).toEqual(p.config);
      expect(configToHash(presetConfig(p.id))).toBe(`preset=${p.id}`);
    }
  });

  it('default: 128,64 relu he sgd lr 0.1 batch 64 epochs 5 seed 1 train 60000', () => {
    expect(presetConfig('default')).toEqual({
      preset: 'default', layers: [128, 64], activation: 'relu', init: { kind: 'he', scale: 0.01 }, optimizer: 'sgd',
      lr: 0.1, momentum: 0.9, batch: 64, epochs: 5, seed: 1, train: 60000, hide: [], lock: [], origin: '',
    });
    expect({ ...presetConfig('default') }).toEqual({ ...DEFAULT_CONFIG });
  });

  it('chapter: the literal chapter code — 128,64 relu normal:0.01 sgd lr 0.01 full batch 50 epochs', () => {
    expect(presetConfig('chapter')).toEqual({
      preset: 'chapter', layers: [128, 64], activation: 'relu', init: { kind: 'normal', scale: 0.01 }, optimizer: 'sgd',
      lr: 0.01, momentum: 0.9, batch: 'full', epochs: 50, seed: 1, train: 60000, hide: [], lock: [], origin: '',
    });
    const text = PRESETS.find((p) => p.id === 'chapter')!.explanation;
    expect(text).toContain('11.35 %');
    expect(text).toMatch(/“1” for every image/);
    expect(text).toMatch(/“default”/);
  });

  it('the exercises change what they say they change', () => {
    const d = presetConfig('default');
    expect(presetConfig('sigmoid')).toEqual({ ...d, preset: 'sigmoid', activation: 'sigmoid' });
    expect(presetConfig('third-layer')).toEqual({ ...d, preset: 'third-layer', layers: [128, 64, 32] });
    expect(presetConfig('narrow')).toEqual({ ...d, preset: 'narrow', layers: [32, 16] });
    expect(presetConfig('batch-1')).toMatchObject({ batch: 1, lr: 0.01, epochs: 1 });
    expect(presetConfig('full-batch')).toMatchObject({ batch: 'full', init: { kind: 'he' }, lr: 0.1, epochs: 50, train: 10000 });
    expect(presetConfig('init-large').init).toEqual({ kind: 'normal', scale: 1 });
    expect(presetConfig('init-tiny').init).toEqual({ kind: 'normal', scale: 0.001 });
  });

  it('presetConfig gives a fresh copy and refuses unknown ids', () => {
    const a = presetConfig('narrow');
    a.layers.push(5);
    expect(presetConfig('narrow').layers).toEqual([32, 16]);
    expect(() => presetConfig('nope')).toThrow(/^unknown preset 'nope' \(known: chapter, default/);
  });

  it('a bad preset in the data is reported with its id and key', () => {
    const bad = { ...(presetsJson[0] as PresetJson), id: 'x', settings: { lr: 'fast', hide: 'draw', colour: 'red' } };
    expect(buildPreset(bad).errors).toEqual([
      "lr: 'fast' is not valid: expected a number in (0, 1000]",
      'hide: a preset may not set it',
      "colour: unknown setting 'colour' (known: preset, layers, activation, init, optimizer, lr, momentum, batch, epochs, seed, train, hide, lock, origin)",
    ]);
  });
});

describe('presets: the one-click ways on (fix, halve)', () => {
  it('chapter offers the fix: a button switching to "default", its label from presets.json', () => {
    const chapter = PRESETS.find((p) => p.id === 'chapter')!;
    expect(chapter.fix).toEqual({ preset: 'default', label: 'Fix it: He init, lr 0.1, batch 64' });
    expect(PRESETS.filter((p) => p.fix).map((p) => p.id)).toEqual(['chapter']);
    // The fix's target is a preset that exists; the explanation says how long the chapter run takes.
    expect(PRESETS.map((p) => p.id)).toContain(chapter.fix!.preset);
    expect(chapter.explanation).toMatch(/about 30 seconds/);
    expect(chapter.explanation).toContain('“Fix it”');
  });

  it('narrow offers to halve the hidden layers: 32,16 → 16,8 → 8,4 → 4,2 → 2,1 → 1,1, then nothing', () => {
    expect(PRESETS.find((p) => p.id === 'narrow')!.halve).toEqual({ label: 'Halve the hidden layers' });
    expect(PRESETS.filter((p) => p.halve).map((p) => p.id)).toEqual(['narrow']);
    const seen: string[] = [];
    let layers: number[] | null = [...presetConfig('narrow').layers];
    while (layers) {
      seen.push(layers.join(','));
      layers = halvedLayers(layers);
    }
    expect(seen).toEqual(['32,16', '16,8', '8,4', '4,2', '2,1', '1,1']);
    expect(halvedLayers([3, 1])).toEqual([1, 1]); // rounded down, never below 1
    expect(halvedLayers([])).toBeNull(); // no hidden layer: nothing to halve
  });
});
