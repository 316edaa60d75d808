// The numbers presets.json quotes ("measured", written by scripts/measure-presets.mjs through
// the CLI) are what the engine computes, exactly: same wasm, same seed, same numbers. The
// cheap presets are checked to the end; the long ones for their first epochs only, so the
// file stays within about a minute on a 2-core machine:
//   - batch-1: skipped — 60,000 single-example steps (~10 s) buy no check the others lack.
//   - chapter: first 2 of 50 full-batch epochs (its 11.35 % needs all 50: ~60 s alone).
//   - full-batch: first 10 of 50 epochs.
//   - sigmoid, third-layer, init-large, init-tiny: first epoch.
// When the core changes its arithmetic on purpose, re-run scripts/measure-presets.mjs and
// re-read each preset's "notice" against the new numbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, presetConfig } from '../../web/src/config/presets';
import { toTrainerSpec } from '../../web/src/config/settings';
import type { Dataset, Engine } from '../../web/src/engine/engine';
import { loadEngineNode } from '../../web/src/engine/load-node';
import { mnist } from './helpers/mnist';

const EPOCHS_CHECKED: Record<string, number | 'all' | 'skip'> = {
  chapter: 2,
  default: 'all',
  sigmoid: 1,
  'third-layer': 1,
  narrow: 'all',
  'batch-1': 'skip',
  'full-batch': 10,
  'init-large': 1,
  'init-tiny': 1,
};

let engine: Engine;
let test: Dataset;
const trainSets = new Map<number, Dataset>();

beforeAll(async () => {
  engine = await loadEngineNode();
  const t = mnist('t10k');
  test = engine.datasetFrom(t.images, t.labels);
});
afterAll(() => {
  test?.dispose();
  for (const d of trainSets.values()) d.dispose();
});

function trainSet(n: number): Dataset {
  let d = trainSets.get(n);
  if (!d) {
    const t = mnist('train', n);
    d = engine.datasetFrom(t.images, t.labels);
    trainSets.set(n, d);
  }
  return d;
}

describe('presets.json "measured" numbers', () => {
  it('every preset has its measurement and a notice', () => {
    expect(Object.keys(EPOCHS_CHECKED).sort()).toEqual(PRESETS.map((p) => p.id).sort());
    for (const p of PRESETS) {
      expect(p.measured, p.id).not.toBeNull();
      expect(p.measured!.seed).toBe(p.config.seed);
      expect(p.measured!.epochs).toBe(p.config.epochs);
      expect(p.measured!.testAccuracyPerEpoch.at(-1)).toBe(p.measured!.testAccuracy);
      expect(p.notice.length, p.id).toBeGreaterThan(60);
    }
    // The chapter's claim, as measured: the network answers "1" for every test image (1,135 of 10,000 are 1s).
    const chapter = PRESETS.find((p) => p.id === 'chapter')!;
    expect(chapter.measured!.testAccuracy).toBe(0.1135);
    expect(chapter.notice).toContain('11.35 %');
  });

  for (const p of PRESETS) {
    const n = EPOCHS_CHECKED[p.id];
    it.skipIf(n === 'skip')(`${p.id}: the engine reproduces the recorded test accuracy and loss (${n === 'all' ? 'every epoch' : `first ${n === 1 ? 'epoch' : `${n} epochs`}`})`, () => {
      const config = presetConfig(p.id);
      const m = p.measured!;
      const epochs = n === 'all' ? config.epochs : (n as number);
      const train = trainSet(config.train);
      const trainer = engine.createTrainer(toTrainerSpec(config));
      try {
        for (let epoch = 1; epoch <= epochs; epoch++) {
          while (trainer.epochs < epoch) trainer.advance(train, config.train);
          const r = trainer.evaluate(test);
          expect({ epoch, testAccuracy: r.accuracy, testLoss: r.loss }).toEqual({
            epoch,
            testAccuracy: m.testAccuracyPerEpoch[epoch - 1],
            testLoss: m.testLossPerEpoch[epoch - 1],
          });
        }
      } finally {
        trainer.dispose();
      }
    });
  }
});
