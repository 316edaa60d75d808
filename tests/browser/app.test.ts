// The built app in real Chromium: it loads cleanly, trains in the worker, the loss falls,
// test accuracy and the prediction grid appear, it fits a laptop and a phone, a bad URL
// value is named and ignored, and Pause/Resume work.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ROOT, readView, watchErrors } from './server';
import { useApp } from './useApp';

const SHOTS = `${ROOT}screenshots/`;

const app = useApp();

async function open(hash: string, viewport: { width: number; height: number }, colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; errors: string[] }> {
  const page = await app.browser.newPage({ viewport, colorScheme });
  const errors = watchErrors(page);
  await page.goto(`${app.preview.url}${hash}`);
  // The Train button is enabled once the worker has a network (data may still be loading).
  await page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
  return { page, errors };
}

/** Waits until the grid's evaluation after epoch `epoch` is on screen. */
async function waitForEpoch(page: Page, epoch: number): Promise<void> {
  await page.waitForFunction(
    (e) => {
      const v = (window as unknown as { __firstnet: { evaluations: { epoch: number }[] } }).__firstnet;
      return v.evaluations.some((x) => x.epoch >= e);
    },
    epoch,
    { timeout: 120_000, polling: 200 },
  );
}

async function noHorizontalScroll(page: Page): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth, 'page scrolls sideways').toBeLessThanOrEqual(clientWidth);
}

async function trainOneEpoch(viewport: { width: number; height: number }, name: string): Promise<void> {
  const { page, errors } = await open('#train=10000&epochs=1', viewport);
  await page.click('#train');
  await waitForEpoch(page, 1);
  await page.waitForFunction(() => (window as unknown as { __firstnet: { state: string } }).__firstnet.state === 'done');

  const view = await readView(page);
  // The loss falls: the first step's loss (≈ ln 10 = 2.30 for an untrained net) vs the last.
  expect(view.losses.length).toBeGreaterThan(100);
  const first = view.losses[0];
  expect(first).toBeGreaterThan(1.5);
  expect(view.lastLoss).toBeLessThan(first / 3);
  // Test accuracy after one epoch on 10,000 images: far above chance.
  expect(view.evaluations).toHaveLength(1);
  expect(view.evaluations[0].testAccuracy).toBeGreaterThan(0.85);
  const shown = await page.textContent('.stats .accuracy');
  expect(shown).toMatch(/^\d+\.\d\d %$/);
  expect(Number.parseFloat(shown ?? '')).toBeCloseTo(view.evaluations[0].testAccuracy * 100, 1);

  // The grid: 48 digits, each marked ✓ or ✗ (not colour alone), agreeing with the summary.
  const marks = await page.$$eval('.digit .mark', (els) => els.map((e) => e.textContent));
  expect(marks).toHaveLength(48);
  expect(marks.every((m) => m === '✓' || m === '✗')).toBe(true);
  const right = marks.filter((m) => m === '✓').length;
  expect(view.grid).toMatchObject({ right, total: 48, epoch: 1 });
  expect(right).toBeGreaterThan(38);
  const wrongHaveTruth = await page.$$eval('.digit[data-result="wrong"] .truth', (els) => els.every((e) => /^is \d$/.test(e.textContent ?? '')));
  expect(wrongHaveTruth).toBe(true);
  expect(await page.textContent('.grid-summary')).toContain(`After epoch 1: ${right} of 48 right`);

  await noHorizontalScroll(page);
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
  expect(errors).toEqual([]);
  await page.close();
}

describe('firstnet in Chromium', () => {
  it('loads, trains one epoch at 1280×800: loss falls, accuracy and grid appear', async () => {
    await trainOneEpoch({ width: 1280, height: 800 }, 'desktop-1280');
  });

  it('does the same at 375×667 with no horizontal scroll', async () => {
    await trainOneEpoch({ width: 375, height: 667 }, 'phone-375');
  });

  it('names a bad URL value and trains with the default (in dark mode)', async () => {
    const { page, errors } = await open('#lr=banana&train=10000&epochs=1', { width: 1280, height: 800 }, 'dark');
    const warning = await page.textContent('.url-problems');
    expect(warning).toMatch(/\blr\b/);
    expect(warning).toContain('banana');
    expect(warning).toContain('using lr=0.1');
    // The default learning rate is in force, and the bad value did not reach the page as HTML.
    const view = await readView(page);
    expect(typeof view.config?.lr).toBe('number');
    expect(Number.isFinite(view.config?.lr as number)).toBe(true);
    await page.click('#train');
    await waitForEpoch(page, 1);
    const after = await readView(page);
    expect(after.evaluations[0].testAccuracy).toBeGreaterThan(0.85);
    expect(await page.textContent('.url-problems'), 'the warning stays after training').toContain('banana');
    await page.screenshot({ path: `${SHOTS}bad-hash-dark.png` });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('does not insert URL values as HTML', async () => {
    const { page, errors } = await open('#lr=%3Cimg%20src%3Dx%20id%3Dinjected%3E', { width: 1280, height: 800 });
    expect(await page.$('#injected')).toBeNull();
    expect(await page.textContent('.url-problems')).toContain('<img');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a new URL hash starts a new run with its settings', async () => {
    const { page, errors } = await open('#train=1000', { width: 1280, height: 800 });
    expect(await page.textContent('#architecture')).toContain('784-128-64-10 relu');
    await page.evaluate(() => (location.hash = '#preset=sigmoid&layers=32,16&lr=nope'));
    await page.waitForFunction(() => document.getElementById('architecture')?.textContent?.includes('784-32-16-10 sigmoid'));
    expect(await page.inputValue('#setting-layers')).toBe('32,16');
    expect(await page.inputValue('#preset')).toBe('sigmoid');
    expect(await page.textContent('.url-problems')).toMatch(/lr: 'nope' is not valid/);
    // A valid edit in the form rewrites the URL and clears the URL problems.
    await page.fill('#setting-lr', '0.05');
    await page.press('#setting-lr', 'Enter');
    await page.waitForFunction(() => location.hash.includes('lr=0.05'));
    expect(await page.textContent('.url-problems')).toBe('');
    // A bad edit is named beside its field and not applied.
    await page.fill('#setting-batch', 'lots');
    await page.press('#setting-batch', 'Enter');
    expect(await page.textContent('#setting-batch-error')).toMatch(/batch.*'lots' is not valid/);
    expect(await page.evaluate(() => location.hash)).not.toContain('lots');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a diverging run stops with an error naming the cause', async () => {
    const { page, errors } = await open('#lr=1000&init=normal:10&train=2000', { width: 1280, height: 800 });
    await page.click('#train');
    await page.waitForFunction(() => (window as unknown as { __firstnet: { state: string } }).__firstnet.state === 'failed', null, { timeout: 60_000 });
    expect(await page.textContent('.messages.errors:not(.url-problems)')).toMatch(/diverged at step \d+: .*NaN or infinite/);
    expect(await page.textContent('#train')).toBe('Train again');
    await page.screenshot({ path: `${SHOTS}diverged.png` });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a failed download is named, and Train again retries it', async () => {
    // No service worker here: once it claims the page (clientsClaim), the worker's fetches go
    // through it, page.route() never sees them and the download succeeds (a race, seen in CI).
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.route('**/data/mnist/train-1.bin?*', (route) => route.abort());
    await page.goto(`${app.preview.url}#train=2000&epochs=1`);
    await page.waitForFunction(() => (window as unknown as { __firstnet?: { state: string } }).__firstnet?.state === 'failed', null, { timeout: 60_000 });
    expect(await page.textContent('.messages.errors:not(.url-problems)')).toMatch(/MNIST data could not be loaded: train-1\.bin/);
    await page.unroute('**/data/mnist/train-1.bin?*');
    await page.click('#train');
    await waitForEpoch(page, 1);
    // The aborted request is the only console error the browser logs; nothing was thrown.
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    await context.close();
  });

  it('hide= hides control groups', async () => {
    const { page, errors } = await open('#hide=controls,chart', { width: 1280, height: 800 });
    expect(await page.isVisible('.settings')).toBe(false);
    expect(await page.isVisible('.chart')).toBe(false);
    expect(await page.isVisible('.grid')).toBe(true);
    expect(await page.isVisible('#train')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Pause stops progress and Train resumes', async () => {
    const { page, errors } = await open('#train=60000&epochs=2', { width: 1280, height: 800 });
    await page.click('#train');
    await page.waitForFunction(() => (window as unknown as { __firstnet: { steps: number } }).__firstnet.steps > 20, null, { timeout: 60_000 });
    await page.click('#pause');
    await page.waitForFunction(() => (window as unknown as { __firstnet: { state: string } }).__firstnet.state === 'paused');
    const paused = (await readView(page)).steps;
    await page.waitForTimeout(1000);
    expect((await readView(page)).steps).toBe(paused);
    expect(await page.textContent('#train')).toBe('Resume');
    await page.click('#train');
    await page.waitForFunction((n) => (window as unknown as { __firstnet: { steps: number } }).__firstnet.steps > n + 20, paused, { timeout: 60_000 });
    // Losses continue the same run: step numbers carry on, nothing restarted.
    const resumed = await readView(page);
    expect(resumed.losses.length).toBeGreaterThan(paused);
    await page.click('#pause');
    expect(errors).toEqual([]);
    await page.close();
  });
});
