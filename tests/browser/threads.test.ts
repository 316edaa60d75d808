// Threads in the browser (issue 5): a small node server (in this process) serves dist/ with
// COOP same-origin + COEP require-corp (+ CORP same-origin) on every response, so the
// page and its workers are cross-origin isolated and the training worker loads the
// threaded module (firstnet-core-mt, 2 threads: web/src/engine/load-browser.ts). Its first
// 50 losses must equal, bit for bit, the same run on the normal preview server — not
// isolated, the single-threaded module — which fetches none of the threaded files. If the
// threaded module cannot start (here: its pthread worker script is missing) the isolated
// page trains with one thread. Every response also carries the page's Content-Security-
// Policy as a header (as in csp.test.ts), so the pthread workers run under it too.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPES } from './hostServer';
import { DIST, ROOT, watchErrors } from './server';
import { useApp } from './useApp';

const HASH = '#seed=7&train=1000&batch=64&epochs=5';
const STEPS = 50;
/** The threaded module's files and its loader's chunk (hashed names in dist/assets/). */
const THREADED = /\/(firstnet-core-mt|load-browser-mt)[^/]*$/;
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'";

interface IsolatedServer {
  origin: string;
  served: string[];
  stop(): Promise<void>;
}

/** dist/ with the isolation headers on every response; paths matching `missing` get a 404. */
async function startIsolated(missing?: RegExp): Promise<IsolatedServer> {
  const dir = normalize(`${ROOT}${DIST}`);
  const served: string[] = [];
  const isolation = {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(dir) || missing?.test(path)) {
      res.writeHead(404, { ...isolation, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    readFile(file).then(
      (body) => {
        served.push(path);
        // A page's own policy (its meta tag: scripts/vite-csp.ts), the base one for the rest.
        const meta = extname(file) === '.html' ? /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(body.toString('utf8')) : null;
        const csp = meta?.[1] ?? CSP;
        res.writeHead(200, { ...isolation, 'Content-Security-Policy': csp, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
      },
      () => res.writeHead(404, { ...isolation, 'Content-Type': 'text/plain' }).end('not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Run {
  isolated: boolean;
  threads: number;
  engineText: string;
  losses: number[];
  errors: string[];
  warnings: string[];
}

/** Opens `url` in a fresh context (no service worker), trains, and reads the first `steps` losses. */
async function train(context: BrowserContext, url: string, steps = STEPS): Promise<Run> {
  const page: Page = await context.newPage();
  const errors = watchErrors(page);
  const warnings: string[] = [];
  const onConsole = (m: ConsoleMessage) => {
    if (m.type() === 'warning') warnings.push(m.text());
  };
  page.on('console', onConsole);
  // Worker consoles, where this Playwright reports them separately.
  page.on('worker', (w) => (w as unknown as { on?(e: 'console', f: (m: ConsoleMessage) => void): void }).on?.('console', onConsole));
  await page.goto(url);
  await page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
  const isolated = await page.evaluate(() => self.crossOriginIsolated);
  // The engine's 'ready' (which says its threads) may be handled after Train is enabled.
  await page.waitForFunction(() => (window as unknown as { __firstnet: { engineThreads: number } }).__firstnet.engineThreads > 0, null, { timeout: 60_000 });
  const threads = await page.evaluate(() => (window as unknown as { __firstnet: { engineThreads: number } }).__firstnet.engineThreads);
  const engineText = (await page.textContent('.about dd[data-threads]')) ?? '';
  await page.click('#train');
  try {
    await page.waitForFunction((n) => (window as unknown as { __firstnet: { losses: number[] } }).__firstnet.losses.length >= n, steps, {
      timeout: 120_000,
      polling: 100,
    });
  } catch (e) {
    const view = await page.evaluate(() => JSON.stringify((window as unknown as { __firstnet: unknown }).__firstnet));
    throw new Error(`${String(e)}\nview: ${view}\nwarnings: ${warnings.join(' | ')}\nerrors: ${errors.join(' | ')}`);
  }
  const losses = await page.evaluate((n) => (window as unknown as { __firstnet: { losses: number[] } }).__firstnet.losses.slice(0, n), steps);
  // What the app itself reported (e.g. "the training engine stopped"), beside the console.
  errors.push(...(await page.evaluate(() => (window as unknown as { __firstnet: { errors: string[] } }).__firstnet.errors)));
  await page.close();
  return { isolated, threads, engineText, losses, errors, warnings };
}

/** Float64 bits as hex, so a mismatch shows exactly where. */
function hex(x: number): string {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x);
  return Array.from({ length: 8 }, (_, i) => b.getUint8(i).toString(16).padStart(2, '0')).join('');
}

const app = useApp();
let isolated: IsolatedServer;

beforeAll(async () => {
  isolated = await startIsolated();
});
afterAll(async () => {
  await isolated?.stop();
});

describe('threads (cross-origin isolated page)', () => {
  it(`the isolated page trains with 2 threads; its first ${STEPS} losses of ${HASH} are the bits of the normal page's`, async () => {
    const ctx1 = await app.browser.newContext({ serviceWorkers: 'block', viewport: { width: 1280, height: 800 } });
    const threaded = await train(ctx1, `${isolated.origin}/${HASH}`);
    await ctx1.close();
    expect(threaded.isolated).toBe(true);
    expect(threaded.threads).toBe(2);
    expect(threaded.engineText).toMatch(/2 threads/);
    expect(threaded.errors).toEqual([]);
    expect(threaded.warnings.filter((w) => /threaded engine/.test(w))).toEqual([]);
    // The threaded glue, its wasm and its pthread worker script came from this server; the
    // default module's wasm did not (the isolated page does not load both).
    expect(isolated.served.some((p) => /\/firstnet-core-mt-[^/]+\.mjs$/.test(p))).toBe(true);
    expect(isolated.served.some((p) => /\/firstnet-core-mt-[^/]+\.wasm$/.test(p))).toBe(true);
    expect(isolated.served.some((p) => /\/firstnet-core-mt\.worker-[^/]+\.js$/.test(p))).toBe(true);
    expect(isolated.served.filter((p) => p.endsWith('.wasm') && !THREADED.test(p))).toEqual([]);

    const ctx2 = await app.browser.newContext({ serviceWorkers: 'block', viewport: { width: 1280, height: 800 } });
    const requested: string[] = [];
    ctx2.on('request', (r) => requested.push(new URL(r.url()).pathname));
    const single = await train(ctx2, `${app.preview.url}${HASH}`);
    await ctx2.close();
    expect(single.isolated).toBe(false);
    expect(single.threads).toBe(1);
    expect(single.engineText).toMatch(/one thread/);
    expect(single.errors).toEqual([]);
    expect(requested.some((p) => p.endsWith('.wasm'))).toBe(true); // the requests were seen
    expect(requested.filter((p) => THREADED.test(p))).toEqual([]);

    expect(threaded.losses).toHaveLength(STEPS);
    expect(threaded.losses.every(Number.isFinite)).toBe(true);
    expect(threaded.losses.map(hex)).toEqual(single.losses.map(hex));
  });

  it('the service worker does not precache the threaded files (only an isolated page fetches them)', () => {
    const sw = readFileSync(`${ROOT}${DIST}sw.js`, 'utf8');
    const urls = [...sw.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1]!);
    expect(urls.some((u) => u.endsWith('.wasm'))).toBe(true);
    expect(urls.filter((u) => THREADED.test(`/${u}`))).toEqual([]);
  });

  it('without its pthread worker script, the isolated page falls back to one thread and still trains', async () => {
    const broken = await startIsolated(/\/firstnet-core-mt\.worker-[^/]+\.js$/);
    try {
      const ctx = await app.browser.newContext({ serviceWorkers: 'block' });
      const started = Date.now();
      const run = await train(ctx, `${broken.origin}/#train=1000&epochs=1&layers=16`, 5);
      const seconds = (Date.now() - started) / 1000;
      await ctx.close();
      expect(run.isolated).toBe(true);
      expect(run.threads).toBe(1);
      expect(run.errors).toEqual([]);
      expect(run.losses.every(Number.isFinite)).toBe(true);
      // The missing script is noticed from its Worker's error event, not by the 15 s timeout.
      expect(seconds, `fallback took ${seconds} s; warnings: ${run.warnings.join(' | ')}`).toBeLessThan(12);
    } finally {
      await broken.stop();
    }
  });
});
