// The presets in real Chromium against the built app: every preset in presets.json starts
// training from the picker; the chapter's preset offers its one-click fix (a button whose
// target and label are presets.json data) and the fix switches to "default"; narrow's
// "Halve the hidden layers" starts new runs at half the width, down to 1 unit a layer.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PRESETS, presetConfig } from '../../web/src/config/presets';
import { readView, watchErrors } from './server';
import { useApp } from './useApp';

const app = useApp();

async function open(hash: string): Promise<{ page: Page; errors: string[] }> {
  const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = watchErrors(page);
  await page.goto(`${app.preview.url}${hash}`);
  await page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
  return { page, errors };
}

const state = (page: Page) => page.evaluate(() => (window as unknown as { __firstnet: { state: string } }).__firstnet.state);
const waitState = (page: Page, states: string[], timeout = 60_000) =>
  page.waitForFunction((s) => s.includes((window as unknown as { __firstnet: { state: string } }).__firstnet.state), states, { timeout, polling: 100 });
/** The page's config as JSON-comparable data (what window.__firstnet records). */
const shownConfig = async (page: Page) => (await readView(page)).config;
const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

describe('presets in the browser', () => {
  it('every preset starts from the picker: steps run, a loss shows, Pause stops it, no errors', async () => {
    const { page, errors } = await open('#train=1000');
    const started = Date.now();
    for (const p of PRESETS) {
      await page.selectOption('#preset', p.id);
      await waitState(page, ['idle']); // a fresh network for the preset
      expect(await page.inputValue('#preset'), p.id).toBe(p.id);
      expect(plain(await shownConfig(page)), p.id).toEqual(plain(presetConfig(p.id)));
      await page.click('#train');
      // A few steps (a full-batch step is the whole training set: one is enough there).
      const want = p.config.batch === 'full' ? 1 : 3;
      await page.waitForFunction(
        (n) => {
          const v = (window as unknown as { __firstnet: { steps: number; lastLoss: number } }).__firstnet;
          return v.steps >= n && Number.isFinite(v.lastLoss);
        },
        want,
        { timeout: 30_000, polling: 50 },
      );
      if ((await state(page)) === 'training' || (await state(page)) === 'waiting') {
        await page.click('#pause');
        await waitState(page, ['paused', 'done']);
      }
      const view = await readView(page);
      expect(view.errors, p.id).toEqual([]);
      expect(view.lastLoss, p.id).toBeGreaterThan(0);
      expect(await page.textContent('#status'), p.id).toMatch(/loss/i);
    }
    console.log(`every preset started: ${PRESETS.length} presets in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('chapter offers the one-click fix: the button switches to "default" and trains it', async () => {
    const chapter = PRESETS.find((p) => p.id === 'chapter')!;
    const { page, errors } = await open('#preset=chapter');
    const fix = page.locator('#preset-fix');
    expect(await fix.isVisible()).toBe(true);
    expect(await fix.textContent()).toBe(chapter.fix!.label);
    // How long the chapter's run takes is said beside it.
    expect(await page.textContent('#preset-explanation')).toMatch(/about 30 seconds/);
    await fix.click();
    await page.waitForFunction(() => (window as unknown as { __firstnet: { steps: number } }).__firstnet.steps >= 3, null, { timeout: 60_000, polling: 50 });
    await page.click('#pause');
    await waitState(page, ['paused', 'done']);
    // The settings are default's, everywhere: picker, form, URL and the run.
    expect(await page.inputValue('#preset')).toBe('default');
    expect(plain(await shownConfig(page))).toEqual(plain(presetConfig('default')));
    expect(await page.inputValue('#setting-init')).toBe('he');
    expect(await page.inputValue('#setting-lr')).toBe('0.1');
    expect(await page.inputValue('#setting-batch')).toBe('64');
    expect(await page.evaluate(() => location.hash)).toBe('#preset=default');
    // "default" has no fix of its own: the button goes away.
    expect(await fix.isHidden()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('narrow: "Halve the hidden layers" runs 16,8, then 8,4 … down to 1,1', async () => {
    const { page, errors } = await open('#preset=narrow&train=500&epochs=1');
    const halve = page.locator('#preset-halve');
    expect(await halve.textContent()).toBe('Halve the hidden layers: 32,16 → 16,8');
    for (const [now, next] of [
      ['16,8', '8,4'],
      ['8,4', '4,2'],
      ['4,2', '2,1'],
      ['2,1', '1,1'],
      ['1,1', null],
    ] as const) {
      await halve.click();
      await waitState(page, ['done']);
      const view = await readView(page);
      expect(view.config?.layers).toEqual(now.split(',').map(Number));
      expect(view.config?.preset).toBe('narrow');
      expect(view.evaluations).toHaveLength(1); // a new run, trained to the end
      expect(await page.inputValue('#setting-layers')).toBe(now);
      expect(await page.evaluate(() => location.hash)).toBe(`#preset=narrow&layers=${now}&epochs=1&train=500`);
      if (next) expect(await halve.textContent()).toBe(`Halve the hidden layers: ${now} → ${next}`);
    }
    expect(await halve.isDisabled()).toBe(true);
    expect(await halve.textContent()).toBe('Halve the hidden layers: already 1 unit each');
    expect(errors).toEqual([]);
    await page.close();
  });
});
