// Models in and out (issue 3, contract §1) in real Chromium: export the trained network as
// .npz, reload, import it (file picker and drag and drop): the grid shows the same guesses.
// A broken file is refused with a message naming it and the network stays; a model the
// chapter's NumPy code saved with np.savez reconfigures the page to its layers.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, readView, watchErrors } from './server';
import { useApp } from './useApp';

const SHOTS = `${ROOT}screenshots/`;
const dir = mkdtempSync(join(tmpdir(), 'firstnet-models-'));
const hasNumpy = spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

const app = useApp();
afterAll(() => rmSync(dir, { recursive: true, force: true }));


const guesses = (page: Page) => page.$$eval('.digit .guess', (els) => els.map((e) => e.textContent ?? ''));
const errorsShown = (page: Page) => page.textContent('.messages.errors:not(.url-problems)');

describe('models in and out', () => {
  it('export, reload, import (picker and drop): the same guesses; a bad file is named and changes nothing', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${app.preview.url}#train=3000&epochs=1`);
    await page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
    await page.click('#train');
    await page.waitForFunction(() => (window as unknown as { __firstnet: { state: string } }).__firstnet.state === 'done', null, { timeout: 60_000 });
    const trained = await guesses(page);
    const accuracy = (await readView(page)).evaluations[0]!.testAccuracy;

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-model')]);
    expect(download.suggestedFilename()).toBe(`firstnet-default-${(accuracy * 100).toFixed(2)}.npz`);
    const file = join(dir, download.suggestedFilename());
    await download.saveAs(file);
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    // The finished run saved its model in the browser too.
    await page.waitForSelector('.saved-models li');

    await page.reload();
    await page.waitForFunction(() => document.querySelector('.grid-summary')?.textContent?.startsWith('Untrained'), null, { timeout: 60_000 });
    expect(await guesses(page)).not.toEqual(trained);

    await page.setInputFiles('#model-file', file);
    await page.waitForFunction(() => document.querySelector('.grid-summary')?.textContent?.startsWith('Loaded firstnet-default'), null, { timeout: 30_000 });
    expect(await guesses(page)).toEqual(trained);
    expect(await page.textContent('.stats .accuracy')).toBe(`${(accuracy * 100).toFixed(2)} %`);

    // A broken file: named, refused, and the loaded network keeps its guesses.
    await page.setInputFiles('#model-file', { name: 'broken.npz', mimeType: 'application/zip', buffer: Buffer.from('PK\u0003\u0004 this is not a zip') });
    await page.waitForFunction(() => /broken\.npz/.test(document.querySelector('.messages.errors:not(.url-problems)')?.textContent ?? ''), null, { timeout: 30_000 });
    expect(await errorsShown(page)).toBe('The model was not loaded: broken.npz: not a zip file (no end of central directory)');
    expect(await guesses(page)).toEqual(trained);
    await page.screenshot({ path: `${SHOTS}models-1280.png`, fullPage: true });

    // Drag and drop: a fresh page, the file dropped on it.
    await page.reload();
    await page.waitForFunction(() => document.querySelector('.grid-summary')?.textContent?.startsWith('Untrained'), null, { timeout: 60_000 });
    await page.evaluate(
      ({ b64, name }) => {
        const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([data], name));
        for (const type of ['dragenter', 'dragover', 'drop']) document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      { b64: bytes.toString('base64'), name: download.suggestedFilename() },
    );
    await page.waitForFunction(() => document.querySelector('.grid-summary')?.textContent?.startsWith('Loaded'), null, { timeout: 30_000 });
    expect(await guesses(page)).toEqual(trained);
    expect(await page.isVisible('.drop-overlay')).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it.skipIf(!hasNumpy)("a model saved by the chapter's NumPy code (np.savez, no config) sets the page's layers", async () => {
    const r = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        `import numpy as np
np.random.seed(1)
class Net: pass
net = Net()
net.W1 = np.random.randn(784, 32) * 0.05; net.b1 = np.zeros(32)
net.W2 = np.random.randn(32, 10) * 0.1; net.b2 = np.zeros(10)
np.savez('chapter.npz', W1=net.W1, b1=net.b1, W2=net.W2, b2=net.b2)`,
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const page = await app.browser.newPage({ viewport: { width: 375, height: 667 } });
    const errors = watchErrors(page);
    await page.goto(`${app.preview.url}#preset=sigmoid&train=1000&epochs=1`);
    await page.waitForFunction(() => document.querySelector('.grid-summary')?.textContent?.startsWith('Untrained'), null, { timeout: 60_000 });
    await page.setInputFiles('#model-file', join(dir, 'chapter.npz'));
    await page.waitForFunction(() => document.querySelector('.grid-summary')?.textContent?.startsWith('Loaded chapter.npz'), null, { timeout: 60_000 });
    expect(await page.textContent('#architecture')).toMatch(/^784-32-10 relu /);
    expect(await page.inputValue('#setting-layers')).toBe('32');
    expect(await page.inputValue('#setting-activation')).toBe('relu');
    expect(await page.evaluate(() => location.hash)).toContain('layers=32');
    expect(await page.textContent('.models .model-current')).toContain('Note: float64 arrays converted to float32; no config in file: assuming ReLU.');
    // Train continues from the file's weights.
    await page.click('#train');
    await page.waitForFunction(() => (window as unknown as { __firstnet: { state: string } }).__firstnet.state === 'done', null, { timeout: 60_000 });
    expect((await readView(page)).evaluations[0]!.testAccuracy).toBeGreaterThan(0.25); // 1,000 images, one epoch
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await (await page.$('section.models'))!.screenshot({ path: `${SHOTS}models-375.png` });
    expect(errors).toEqual([]);
    await page.close();
  });
});
