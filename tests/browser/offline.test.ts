// Offline (service worker, web/src/sw.ts): a first visit precaches the app shell and the
// wasm and keeps the data chunks it used; then, with the browser context offline and the
// server stopped, a second visit loads and trains — the app and the embed page. The build's
// precache list covers every shipped file with a revision, and no new worker takes over a
// page that runs an older version (no skipWaiting).
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT, watchErrors } from './server';
import { useApp } from './useApp';

const app = useApp();

describe('offline', () => {
  it('the precache lists every page, script, style and the wasm, revisioned; updates wait', () => {
    const sw = readFileSync(`${ROOT}dist/sw.js`, 'utf8');
    const entries = [...sw.matchAll(/\{"revision":(null|"[0-9a-f]+"),"url":"([^"]+)"\}/g)].map((m) => ({ revision: m[1], url: m[2]! }));
    const urls = entries.map((e) => e.url).sort();
    // All but the threaded module and its loader, which only an isolated page fetches (vite.config.ts).
    const assets = readdirSync(`${ROOT}dist/assets`)
      .filter((f) => !/^(firstnet-core-mt|load-browser-mt)/.test(f))
      .map((f) => `assets/${f}`);
    expect(urls).toEqual([...assets, 'data/mnist/manifest.json', 'embed.html', 'favicon.svg', 'firstnet-widget.js', 'index.html', 'textbook-demo.html'].sort());
    expect(urls.some((u) => u.endsWith('.wasm'))).toBe(true);
    // Hashed names carry their version; the others get a content revision.
    for (const e of entries) expect(e.revision !== 'null' || /-[\w-]{8}\.\w+$/.test(e.url)).toBe(true);
    expect(entries.filter((e) => !e.url.startsWith('assets/')).every((e) => e.revision !== 'null')).toBe(true);
    expect(urls.some((u) => u.endsWith('.bin')), 'data chunks are cached at run time, not precached').toBe(false);
    expect(sw).not.toMatch(/skipWaiting/);
  });

  it('a second visit with the network off loads and trains (app and embed page)', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1000, height: 800 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${app.preview.url}index.html#train=5000&epochs=1`);
    await page.waitForFunction(() => document.querySelector('.about .offline')?.getAttribute('data-state') === 'ready', null, { timeout: 60_000 });
    expect(await page.textContent('.about .offline')).toBe('ready: the app and 5,000 training images work without a network');
    const caches = await page.evaluate(async () => {
      const out: Record<string, string[]> = {};
      for (const name of await self.caches.keys()) {
        out[name] = (await (await self.caches.open(name)).keys()).map((r) => new URL(r.url).pathname.replace(/^.*\/(?=[^/]+$)/, '') + new URL(r.url).search.replace(/=.*/, '='));
      }
      return out;
    });
    expect(caches['firstnet-data']?.sort()).toEqual(['test.bin?v=', 'train-1.bin?v=']);
    const precache = Object.entries(caches).find(([name]) => name.includes('precache'))?.[1] ?? [];
    expect(precache.some((u) => u.endsWith('.wasm'))).toBe(true);
    // Workbox keys the unhashed files by their revision.
    expect(precache).toEqual(expect.arrayContaining(['index.html?__WB_REVISION__=', 'embed.html?__WB_REVISION__=', 'manifest.json?__WB_REVISION__=']));
    expect(errors).toEqual([]);
    await page.close();

    // The network goes away: the context is offline and the server is stopped.
    await context.setOffline(true);
    await app.preview.stop();

    const again = await context.newPage();
    const errors2 = watchErrors(again);
    await again.goto(`${app.preview.url}index.html#train=5000&epochs=1`);
    await again.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
    await again.click('#train');
    await again.waitForFunction(() => (window as unknown as { __firstnet: { state: string } }).__firstnet.state === 'done', null, { timeout: 60_000 });
    const acc = await again.evaluate(() => (window as unknown as { __firstnet: { evaluations: { testAccuracy: number }[] } }).__firstnet.evaluations[0]!.testAccuracy);
    expect(acc).toBeGreaterThan(0.5); // it learned (chance is 0.1)
    // More data than was cached: refused with a message naming the file, not a hang.
    await again.evaluate(() => (location.hash = '#train=20000&epochs=1'));
    await again.waitForFunction(() => (window as unknown as { __firstnet: { state: string } }).__firstnet.state === 'failed', null, { timeout: 30_000 });
    expect(await again.textContent('.messages.errors:not(.url-problems)')).toMatch(/MNIST data could not be loaded: train-2\.bin: could not be fetched/);
    expect(errors2.filter((e) => !/Failed to load resource|train-2\.bin/.test(e))).toEqual([]);
    await again.close();

    const embed = await context.newPage();
    await embed.goto(`${app.preview.url}embed.html#train=2000&epochs=1&hide=about`);
    await embed.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
    await embed.click('#train');
    await embed.waitForFunction(() => (window as unknown as { __firstnet: { state: string } }).__firstnet.state === 'done', null, { timeout: 60_000 });
    await context.close();
  });
});
