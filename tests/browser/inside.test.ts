// Draw a digit and Look inside, in real Chromium against the built app: a default model
// trained for one epoch reads at least 8 of 10 digits drawn with the mouse from stroke
// data (fixtures/digits.ts); the image it reads is MNIST-shaped (20 px box, centred);
// weight images, confusion matrix (a cell opens its images), mistakes, diagnostics and the
// step-through appear; a finger draws without scrolling the page; a phone has no sideways
// scroll. Screenshots at 1280×800 and 375×667 go to screenshots/.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DIGITS, type Stroke } from './fixtures/digits';
import { ROOT, readView, watchErrors } from './server';
import { useApp } from './useApp';

const SHOTS = `${ROOT}screenshots/`;

const app = useApp();

/** What window.__firstnetInside exposes (web/src/ui/inside/hook.ts). */
interface InsideView {
  network: { sizes: number[]; activation: string } | null;
  draw: { strokes: number; pixels: number[] | null; probabilities: number[] | null; predicted: number | null; predictions: number; settled: boolean };
  weights: { units: number; totalUnits: number; step: number; updates: number } | null;
  confusion: { matrix: number[]; epoch: number; count: number } | null;
  mistakes: { total: number; shown: number } | null;
  cell: { actual: number; predicted: number; total: number; shown: number } | null;
  diagnostics: { step: number; epoch: number; layers: Record<string, number>[] }[];
  step: { index: number; label: number; predicted: number; loss: number; lossAfter: number; rows: number } | null;
}

function inside(page: Page): Promise<InsideView> {
  return page.evaluate(() => {
    const v = (window as unknown as { __firstnetInside: InsideView }).__firstnetInside;
    return { network: v.network, draw: v.draw, weights: v.weights, confusion: v.confusion, mistakes: v.mistakes, cell: v.cell, diagnostics: v.diagnostics, step: v.step };
  });
}

/** Polls window.__firstnetInside until `test` holds. */
async function waitInside(page: Page, test: (v: InsideView) => boolean, timeout = 60_000): Promise<InsideView> {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await inside(page);
    if (test(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${test.toString()}: ${JSON.stringify({ ...v, diagnostics: v.diagnostics.length }).slice(0, 400)}`);
    await page.waitForTimeout(100);
  }
}

async function open(hash: string, options: { width: number; height: number; touch?: boolean; dark?: boolean }): Promise<{ page: Page; errors: string[] }> {
  const page = await app.browser.newPage({
    viewport: { width: options.width, height: options.height },
    hasTouch: options.touch ?? false,
    colorScheme: options.dark ? 'dark' : 'light',
  });
  const errors = watchErrors(page);
  await page.goto(`${app.preview.url}${hash}`);
  await page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
  return { page, errors };
}

async function noHorizontalScroll(page: Page): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
  expect(scrollWidth, 'page scrolls sideways').toBeLessThanOrEqual(clientWidth);
}

/** Draws strokes (unit-square coordinates) on the pad with the mouse. */
async function drawWithMouse(page: Page, strokes: readonly Stroke[]): Promise<void> {
  await page.locator('.draw-pad').scrollIntoViewIfNeeded();
  const box = await page.locator('.draw-pad').boundingBox();
  if (!box) throw new Error('no drawing pad');
  const at = (p: { x: number; y: number }) => [box.x + p.x * box.width, box.y + p.y * box.height] as const;
  for (const s of strokes) {
    await page.mouse.move(...at(s[0]));
    await page.mouse.down();
    for (const p of s.slice(1)) await page.mouse.move(...at(p), { steps: 3 });
    await page.mouse.up();
  }
}

/** MNIST's shape checks on a 28 × 28 image: ink box and centre of mass. */
function shape(pixels: number[]): { longer: number; cx: number; cy: number } {
  let minX = 28;
  let minY = 28;
  let maxX = -1;
  let maxY = -1;
  let m = 0;
  let sx = 0;
  let sy = 0;
  pixels.forEach((v, i) => {
    if (v === 0) return;
    const x = i % 28;
    const y = Math.floor(i / 28);
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
    m += v;
    sx += v * x;
    sy += v * y;
  });
  return { longer: Math.max(maxX - minX + 1, maxY - minY + 1), cx: sx / m, cy: sy / m };
}

describe('Draw a digit and Look inside', () => {
  it('1280×800: drawn digits are read, and every Look inside view fills in', async () => {
    const { page, errors } = await open('#epochs=1', { width: 1280, height: 800 });
    await page.click('#train');
    // The weight images follow training while they are on screen.
    await page.locator('#inside-weights').scrollIntoViewIfNeeded();
    await waitInside(page, (v) => v.weights !== null && v.weights.step > 0);
    // Drawing works while the network trains.
    await drawWithMouse(page, DIGITS[1].strokes);
    await waitInside(page, (v) => v.draw.settled);
    await page.waitForFunction(() => (window as unknown as { __firstnet: { state: string } }).__firstnet.state === 'done', null, { timeout: 120_000, polling: 200 });
    const view = await readView(page);
    expect(view.evaluations).toHaveLength(1);

    // ---- draw ten digits
    const read: string[] = [];
    let right = 0;
    for (const d of DIGITS) {
      await page.click('#draw-clear');
      await drawWithMouse(page, d.strokes);
      const v = (await waitInside(page, (x) => x.draw.settled && x.draw.strokes === d.strokes.length)).draw;
      const s = shape(v.pixels ?? []);
      expect(s.longer, `digit ${d.label}: ink box`).toBe(20);
      expect(Math.abs(s.cx - 14), `digit ${d.label}: centre x`).toBeLessThanOrEqual(0.5);
      expect(Math.abs(s.cy - 14), `digit ${d.label}: centre y`).toBeLessThanOrEqual(0.5);
      expect(v.probabilities?.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      if (v.predicted === d.label) right++;
      read.push(`${d.label}→${v.predicted}`);
      expect(await page.textContent('.draw-verdict')).toContain(`The network reads ${v.predicted}`);
    }
    console.log(`draw-a-digit: ${right} of 10 right (${read.join(' ')})`);
    expect(right, read.join(' ')).toBeGreaterThanOrEqual(8);
    await page.locator('.draw').screenshot({ path: `${SHOTS}inside-draw-1280.png` });

    // ---- weights, confusion matrix, mistakes, diagnostics, step-through
    const v = await inside(page);
    expect(v.network).toEqual({ sizes: [784, 128, 64, 10], activation: 'relu' });
    expect(v.weights).toMatchObject({ units: 128, totalUnits: 128 }); // every unit of the first layer
    expect(v.weights?.updates).toBeGreaterThanOrEqual(2);
    await page.locator('#inside-weights').scrollIntoViewIfNeeded();
    await page.check('input[name="weights-mode"][value="change"]');
    expect(await page.textContent('#inside-weights .inside-caption')).toMatch(/^The change since the start of all 128 units, after step 938\./);
    await page.locator('#inside-weights').screenshot({ path: `${SHOTS}inside-weights-change-1280.png` });
    await page.check('input[name="weights-mode"][value="weights"]');
    expect(await page.textContent('#inside-weights .inside-caption')).toMatch(/^The weights of all 128 units/);
    expect(await page.textContent('#inside-weights .inside-caption')).not.toContain('Showing');
    const m = v.confusion?.matrix ?? [];
    expect(m.reduce((a, b) => a + b, 0)).toBe(10_000);
    const diagonal = Array.from({ length: 10 }, (_, k) => m[k * 11]).reduce((a, b) => a + b, 0);
    expect(diagonal / 10_000).toBeCloseTo(view.evaluations[0].testAccuracy, 6);
    expect(v.mistakes).toEqual({ total: 10_000 - diagonal, shown: 24 });
    expect(await page.locator('.mistakes li').count()).toBe(24);
    // Each mistake: its true label and three readings.
    expect(await page.locator('.mistakes li').first().locator('figcaption span').count()).toBe(4);

    // The largest off-diagonal cell opens its images.
    let worst = 1;
    for (let i = 0; i < 100; i++) if (i % 11 !== 0 && m[i] > m[worst]) worst = i;
    const [actual, predicted] = [Math.floor(worst / 10), worst % 10];
    await page.click(`.confusion button[data-actual="${actual}"][data-predicted="${predicted}"]`);
    const cell = (await waitInside(page, (x) => x.cell !== null)).cell;
    expect(cell).toEqual({ actual, predicted, total: m[worst], shown: Math.min(48, m[worst]) });
    expect(await page.locator('#inside-confusion .inside-digits li').count()).toBe(cell?.shown);
    expect(await page.textContent('#inside-confusion .inside-caption')).toContain(`true ${actual}, read as ${predicted}`);
    // Arrow keys move between cells.
    await page.focus(`.confusion button[data-actual="${actual}"][data-predicted="${predicted}"]`);
    await page.keyboard.press(actual < 9 ? 'ArrowDown' : 'ArrowUp');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.predicted)).toBe(String(predicted));

    // Diagnostics: sampled during the epoch, three layers each, ReLU's dead fraction in [0, 1].
    expect(v.diagnostics.length).toBeGreaterThanOrEqual(20);
    for (const s of v.diagnostics) {
      expect(s.layers).toHaveLength(3);
      for (const l of s.layers) {
        expect(l.inactiveFraction).toBeGreaterThanOrEqual(0);
        expect(l.inactiveFraction).toBeLessThanOrEqual(1);
        expect(l.weightGradNorm).toBeGreaterThan(0);
      }
    }
    expect(await page.locator('.diag-table tbody tr').count()).toBe(3);

    // Step through one example.
    await page.click('#inside-step');
    const step = (await waitInside(page, (x) => x.step !== null)).step;
    expect(step?.rows).toBe(21);
    expect(step?.lossAfter).toBeLessThan(step?.loss ?? 0);
    expect(await page.textContent('.step-row[data-name="dW3"]')).toContain('shape (64, 10)');
    expect(await page.textContent('.step-row[data-name="z1"]')).toContain('z1 = x @ W1 + b1');

    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SHOTS}inside-desktop-1280.png`, fullPage: true });
    await noHorizontalScroll(page);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('375×667 (dark): a finger draws without scrolling the page; the panels fold and fit', async () => {
    const { page, errors } = await open('#train=10000&epochs=1', { width: 375, height: 667, touch: true, dark: true });
    await page.click('#train');
    await page.waitForFunction(() => (window as unknown as { __firstnet: { state: string } }).__firstnet.state === 'done', null, { timeout: 120_000, polling: 200 });

    // A touch stroke down the pad (a 1): the pad gets it, the page stays put.
    await page.locator('.draw-pad').scrollIntoViewIfNeeded();
    const box = await page.locator('.draw-pad').boundingBox();
    if (!box) throw new Error('no drawing pad');
    const scrollBefore = await page.evaluate(() => window.scrollY);
    const cdp = await page.context().newCDPSession(page);
    const x = box.x + box.width / 2;
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y: box.y + box.height * 0.2 }] });
    for (let i = 1; i <= 12; i++) {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: x - i * 0.5, y: box.y + box.height * (0.2 + i * 0.05) }] });
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await waitInside(page, (v) => v.draw.settled && v.draw.strokes === 1);
    expect(await page.evaluate(() => window.scrollY)).toBe(scrollBefore);
    expect(shape((await inside(page)).draw.pixels ?? []).longer).toBe(20);
    // Without a pointer: a test digit (the test set's first, a 7) is shown and read.
    await page.click('#draw-test');
    await waitInside(page, (v) => v.draw.settled && v.draw.strokes === 0);
    expect(await page.textContent('.draw-verdict')).toContain('The test digit is labelled 7.');

    // Look inside starts folded on a phone; open every part.
    const parts = page.locator('.inside-part');
    expect(await parts.count()).toBe(5);
    for (let i = 0; i < 5; i++) expect(await parts.nth(i).evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    for (let i = 0; i < 5; i++) await parts.nth(i).locator('summary').click();
    await page.click('#inside-step');
    await waitInside(page, (v) => v.step !== null && v.weights !== null && v.confusion !== null);
    await noHorizontalScroll(page);
    await page.locator('.draw').screenshot({ path: `${SHOTS}inside-draw-375.png` });
    await page.screenshot({ path: `${SHOTS}inside-phone-375.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a first layer of 1024 units: 256 images shown, and the caption says so', async () => {
    const { page, errors } = await open('#layers=1024&train=1000&epochs=1', { width: 1280, height: 800 });
    await page.click('#train'); // (scrolls the Train button into view: the weights come into view after)
    await page.locator('#inside-weights').scrollIntoViewIfNeeded();
    const v = await waitInside(page, (x) => x.weights !== null && x.weights.step > 0);
    expect(v.weights).toMatchObject({ units: 256, totalUnits: 1024 });
    const caption = await page.textContent('#inside-weights .inside-caption');
    expect(caption).toMatch(/^The weights of the first 256 of 1024 units, after step [\d,]+\./);
    expect(caption).toContain('Showing 256 of 1024');
    // 16 tiles of 28 px (and 1 px gaps) a row, 16 rows: every shown unit has its square.
    expect(await page.$eval('.weights-canvas', (c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height])).toEqual([16 * 29 - 1, 16 * 29 - 1]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('hide=draw,weights hides both panels (embedding)', async () => {
    const { page, errors } = await open('#hide=draw,weights&train=1000', { width: 1280, height: 800 });
    expect(await page.isVisible('.draw')).toBe(false);
    expect(await page.isVisible('.inside')).toBe(false);
    expect(await page.isVisible('.grid')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
