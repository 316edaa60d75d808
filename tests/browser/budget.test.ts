// Issue 5's size budget: the JS + wasm the app page loads (the page's and its worker's
// requests, served from dist/), gzip'd at level 9, is at most 150 KB (150,000 bytes). The
// service worker (sw.js) registers after load and is not part of it; neither is the data.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DIST, ROOT } from './server';
import { useApp } from './useApp';

const BUDGET_BYTES = 150_000;

describe('shipped size', () => {
  const app = useApp();

  it('the app page loads at most 150 KB of JS + wasm (gzip), counted from its own requests', async () => {
    const context = await app.browser.newContext({ serviceWorkers: 'block' });
    const files = new Set<string>();
    context.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (/\.(m?js|wasm)$/.test(path)) files.add(path);
    });
    const page = await context.newPage();
    await page.goto(app.preview.url);
    // Idle: the engine has loaded and the data is in (Train is enabled earlier than that,
    // while the worker may not have asked for the wasm yet).
    await page.waitForFunction(() => (window as unknown as { __firstnet?: { state: string } }).__firstnet?.state === 'idle', null, { timeout: 60_000 });
    const base = new URL(app.preview.url).pathname;
    const sizes = [...files].map((path) => {
      const bytes = readFileSync(`${ROOT}${DIST}${path.slice(base.length)}`);
      return { path, gzip: gzipSync(bytes, { level: 9 }).length };
    });
    const total = sizes.reduce((s, f) => s + f.gzip, 0);
    // The page, its worker and the engine: at least one of each was loaded and counted.
    expect(sizes.some((f) => /\/index-[^/]*\.js$/.test(f.path))).toBe(true);
    expect(sizes.some((f) => /\/worker-[^/]*\.js$/.test(f.path))).toBe(true);
    expect(sizes.some((f) => f.path.endsWith('.wasm'))).toBe(true);
    expect(total, JSON.stringify(sizes)).toBeLessThanOrEqual(BUDGET_BYTES);
    await context.close();
  });
});
