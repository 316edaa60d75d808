// Accessibility in real Chromium: axe-core (injected into the page) finds no violations on
// the app, the embed page and the demo textbook page, in light and dark; the app works from
// the keyboard with a visible focus ring; the chart has a polite text summary; right/wrong
// is never colour alone; reduced motion turns transitions off.
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { watchErrors } from './server';
import { useApp } from './useApp';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const site = useApp();


interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[]; failureSummary: string }[];
}

/** axe-core's violations, one line each (rule, impact, first targets) so a failure says what to fix. */
async function axe(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const r = await (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: Violation[] }> } }).axe.run(document, {
      iframes: false, // each page is checked on its own (embed.html below)
      resultTypes: ['violations'],
    });
    return r.violations;
  });
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

const ready = (page: Page) => page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
const done = (page: Page) =>
  page.waitForFunction(() => (window as unknown as { __firstnet: { state: string } }).__firstnet.state === 'done', null, { timeout: 60_000, polling: 200 });

describe('axe-core: 0 violations', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`app, embed page and demo page (${colorScheme})`, async () => {
      // bypassCSP: the pages' Content-Security-Policy (rightly) refuses the injected axe script.
      const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme, bypassCSP: true });
      const app = await context.newPage();
      const errors = watchErrors(app);
      await app.goto(`${site.preview.url}index.html#train=2000&epochs=1`);
      await ready(app);
      await app.click('#train');
      await done(app); // the grid shows ✓/✗, the chart and its summary have data
      await app.click('.about summary');
      expect(await axe(app)).toEqual([]);

      const embed = await context.newPage();
      await embed.goto(`${site.preview.url}embed.html#preset=sigmoid&train=2000&lock=lr&hide=models,runs`);
      await ready(embed);
      expect(await axe(embed)).toEqual([]);

      const demo = await context.newPage();
      await demo.goto(`${site.preview.url}textbook-demo.html`);
      await demo.waitForFunction(() => customElements.get('firstnet-widget') !== undefined);
      expect(await axe(demo)).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});

describe('keyboard, text alternatives, motion', () => {
  it('trains from the keyboard with a visible focus ring; the chart is summarised in words', async () => {
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${site.preview.url}index.html#train=2000&epochs=1`);
    await ready(page);
    // Tab from the top of the page to the Train button: it is reachable, in a sensible order.
    const order: string[] = [];
    for (let i = 0; i < 10 && order.at(-1) !== 'train'; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName.toLowerCase() || ''));
    }
    expect(order).toEqual(['preset', 'train']);
    const ring = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement!);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
    });
    expect(ring.style).not.toBe('none');
    expect(ring.width).toBeGreaterThanOrEqual(2);
    expect(await page.evaluate(() => getComputedStyle(document.getElementById('train')!).transitionDuration)).toMatch(/^(0s|1e-05s|0\.00001s)$/);

    await page.keyboard.press('Enter');
    await done(page);
    const summary = page.locator('#chart-summary');
    expect(await summary.getAttribute('aria-live')).toBe('polite');
    expect(await page.getAttribute('#loss-chart', 'aria-describedby')).toBe('chart-summary');
    expect(await summary.textContent()).toMatch(/^Chart: training loss \d\.\d{3} finished after \d+ steps, (falling|flat|rising) \(was \d\.\d{3}\)\. Test accuracy \d+\.\d\d % after epoch 1\.$/);
    // Right and wrong carry a mark and a border style, not only a colour.
    const cells = await page.$$eval('.digit[data-result]', (els) =>
      els.map((e) => ({ result: e.getAttribute('data-result'), mark: e.querySelector('.mark')?.textContent, border: getComputedStyle(e).borderTopStyle })),
    );
    expect(cells.length).toBe(48);
    for (const c of cells) expect(c).toEqual(c.result === 'right' ? { result: 'right', mark: '✓', border: 'solid' } : { result: 'wrong', mark: '✗', border: 'dashed' });

    // The settings panel (folded on phones) opens with the keyboard too.
    await page.setViewportSize({ width: 375, height: 667 });
    await page.focus('#settings-heading button');
    expect(await page.getAttribute('#settings-heading button', 'aria-expanded')).toBe('false');
    await page.keyboard.press('Enter');
    expect(await page.getAttribute('#settings-heading button', 'aria-expanded')).toBe('true');
    expect(await page.isVisible('#setting-lr')).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('follows prefers-color-scheme', async () => {
    const bg = async (colorScheme: 'light' | 'dark') => {
      const page = await site.browser.newPage({ colorScheme });
      await page.goto(`${site.preview.url}embed.html#train=1000`);
      const c = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      await page.close();
      return c.match(/\d+/g)!.slice(0, 3).map(Number).reduce((a, b) => a + b, 0);
    };
    expect(await bg('light')).toBeGreaterThan(600);
    expect(await bg('dark')).toBeLessThan(150);
  });
});
