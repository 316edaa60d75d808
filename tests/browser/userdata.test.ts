// Bring your own data (issue 3) in real Chromium: Debian's Fashion-MNIST (the four .gz files
// of dataset-fashion-mnist) picked with the file input is recognised, trained on, and the
// grid names clothes instead of digits; runs record the data set; back to MNIST restores the
// digits; three files are refused with a message naming them.
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { FASHION_CLASSES, shortClassName } from '../../web/src/data/classes';
import { ROOT, readView, watchErrors } from './server';
import { useApp } from './useApp';

const SHOTS = `${ROOT}screenshots/`;
const FASHION = '/usr/share/datasets/fashion-mnist/';
const FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].map((f) => `${FASHION}${f}`);
const hasFashion = FILES.every((f) => existsSync(f));
if (!hasFashion) console.log("userdata (browser): skipped — install Debian's dataset-fashion-mnist (scripts/setup.sh test does)");

const app = useApp();

const guesses = (page: Page) => page.$$eval('.digit .guess', (els) => els.map((e) => e.textContent ?? ''));

describe.skipIf(!hasFashion)('your own data: Fashion-MNIST', () => {
  it('picked as four .gz files: recognised, trained on, classes named; back to MNIST', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = watchErrors(page);
    await page.goto(`${app.preview.url}#train=5000&epochs=1`);
    await page.waitForFunction(() => document.querySelector('.grid-summary')?.textContent?.startsWith('Untrained'), null, { timeout: 60_000 });

    // Three files: refused, naming them; MNIST stays.
    await page.setInputFiles('#data-files', FILES.slice(0, 3));
    await page.waitForFunction(() => /Your data was not used/.test(document.querySelector('.messages.errors:not(.url-problems)')?.textContent ?? ''), null, { timeout: 30_000 });
    expect(await page.textContent('.messages.errors:not(.url-problems)')).toContain('Give four IDX files');
    expect(await page.textContent('.data-current')).toMatch(/^In use: MNIST/);

    await page.setInputFiles('#data-files', FILES);
    await page.waitForSelector('.data-panel[data-data-kind="fashion-mnist"]', { timeout: 60_000 });
    expect(await page.textContent('.data-current')).toBe(`In use: Fashion-MNIST — 60,000 training and 10,000 test images.Classes 0–9: ${FASHION_CLASSES.join(', ')}.`);
    await page.waitForFunction(() => (window as unknown as { __firstnet: { state: string } }).__firstnet.state === 'idle', null, { timeout: 30_000 });
    await page.click('#train');
    await page.waitForFunction(() => (window as unknown as { __firstnet: { state: string } }).__firstnet.state === 'done', null, { timeout: 60_000 });
    const view = await readView(page);
    // Fashion-MNIST is harder than digits; one epoch on 5,000 images still reads most clothes.
    expect(view.evaluations[0]!.testAccuracy).toBeGreaterThan(0.6);
    expect(view.evaluations[0]!.testAccuracy).toBeLessThan(0.9);
    const named = new Set(FASHION_CLASSES.map(shortClassName));
    const shown = await guesses(page);
    expect(shown).toHaveLength(48);
    expect(shown.every((g) => named.has(g))).toBe(true);
    // The first test image is an ankle boot; wrong guesses name the true class.
    expect(await page.getAttribute('.digit >> nth=0', 'aria-label')).toMatch(/^Test image 1: the network says .*(right|it is a Ankle boot)$/);
    const truths = await page.$$eval('.digit[data-result="wrong"] .truth', (els) => els.map((e) => e.textContent ?? ''));
    expect(truths.every((t) => /^is [A-Za-z-]+$/.test(t))).toBe(true);
    // The run records the data set it used.
    await page.waitForFunction(() => document.querySelector('.runs-table tbody tr')?.textContent?.includes('Fashion-MNIST'), null, { timeout: 30_000 });
    await page.screenshot({ path: `${SHOTS}fashion-1280.png` });
    await (await page.$('section.grid'))!.screenshot({ path: `${SHOTS}fashion-grid-1280.png` });

    await page.setViewportSize({ width: 375, height: 667 });
    await page.waitForTimeout(300);
    await (await page.$('section.grid'))!.screenshot({ path: `${SHOTS}fashion-grid-375.png` });
    await (await page.$('section.data-panel'))!.screenshot({ path: `${SHOTS}data-375.png` });
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);

    await page.click('#use-mnist');
    await page.waitForSelector('.data-panel[data-data-kind="mnist"]', { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('.grid-summary')?.textContent?.startsWith('Untrained'), null, { timeout: 30_000 });
    expect((await guesses(page)).every((g) => /^\d$/.test(g))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
