// Content-Security-Policy as a RESPONSE HEADER (issue 6), not only the meta tag: a small node
// server (in this process) serves dist/ with
//   default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'
// plus what each page's own meta tag allows (the demo page's inline script and style by
// hash), on every response — so the worker's script and the service worker run under it too.
// The app trains a few steps, the embed page gets ready, the textbook demo loads its three
// widgets; a securitypolicyviolation listener (in every frame, before any script) and the
// console (page and workers) must report nothing.
import { readFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPES } from './hostServer';
import { DIST, ROOT, launchChromium } from './server';

const BASE = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'";

/** The policy a page's meta tag sets (at least as strict as BASE: checked below), or BASE. */
function policyOf(body: Buffer, file: string): string {
  if (extname(file) !== '.html') return BASE;
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(body.toString('utf8'));
  if (!m) throw new Error(`${file} has no CSP meta tag`);
  return m[1]!;
}

let server: Server;
let origin = '';
let browser: Browser;
const served: { path: string; csp: string }[] = [];

beforeAll(async () => {
  const dir = normalize(`${ROOT}${DIST}`);
  server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => {
        const csp = policyOf(body, file);
        served.push({ path, csp });
        res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': csp, 'Cache-Control': 'no-store' }).end(body);
      },
      () => res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Security-Policy': BASE }).end('not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

/** Every violation event in any frame, and every console line about the policy (page and workers). */
async function watch(page: Page): Promise<{ violations: () => Promise<string[]>; consoleCsp: string[]; errors: string[] }> {
  const consoleCsp: string[] = [];
  const errors: string[] = [];
  const onConsole = (m: ConsoleMessage) => {
    const t = m.text();
    if (/Content Security Policy|Content-Security-Policy|Refused to/i.test(t)) consoleCsp.push(t);
    if (m.type() === 'error') errors.push(t);
  };
  page.on('console', onConsole);
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('worker', (w) => (w as unknown as { on(e: 'console', f: (m: ConsoleMessage) => void): void }).on?.('console', onConsole));
  await page.addInitScript(() => {
    const list: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = list;
    document.addEventListener('securitypolicyviolation', (e) => list.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`));
  });
  const violations = async () => {
    const all: string[] = [];
    for (const f of page.frames()) {
      try {
        all.push(...(await f.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? ['(no listener in this frame)'])));
      } catch {
        // a frame that navigated away meanwhile
      }
    }
    return all;
  };
  return { violations, consoleCsp, errors };
}

describe('CSP as a response header', () => {
  it('the policy served is at least the base one on every page', async () => {
    for (const page of ['index.html', 'embed.html', 'textbook-demo.html']) {
      const r = await fetch(`${origin}/${page}`);
      const csp = r.headers.get('content-security-policy') ?? '';
      for (const directive of BASE.split('; ')) expect(csp, page).toContain(directive);
      expect(csp).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\s\*(\s|;|$)/);
    }
  });

  it('the app trains, the embed page and the textbook demo load: zero violations', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const w = await watch(page);

    await page.goto(`${origin}/#train=1000&epochs=1&layers=16`);
    await page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
    await page.click('#train');
    await page.waitForFunction(() => (window as unknown as { __firstnet: { steps: number } }).__firstnet.steps >= 5, null, { timeout: 60_000 });
    // The chart and the grid have drawn (uPlot sets styles through the CSSOM).
    await page.waitForTimeout(500);
    expect(await w.violations()).toEqual([]);

    await page.goto(`${origin}/embed.html#train=1000&epochs=1`);
    await page.waitForFunction(() => (window as unknown as { __firstnet?: { state: string } }).__firstnet?.state === 'idle', null, { timeout: 60_000 });
    expect(await w.violations()).toEqual([]);

    // Tall enough that the lazy widgets (loading="lazy") are all near the viewport.
    await page.setViewportSize({ width: 1280, height: 5000 });
    await page.goto(`${origin}/textbook-demo.html`);
    // Its three widgets (one iframe, two elements with their own iframes) reach idle.
    await page.waitForFunction(
      () => {
        const frames = [...document.querySelectorAll('iframe'), ...[...document.querySelectorAll('firstnet-widget')].map((e) => e.shadowRoot?.querySelector('iframe'))];
        return (
          frames.length === 3 &&
          frames.every((f) => (f?.contentWindow as unknown as { __firstnet?: { state: string } } | null | undefined)?.__firstnet?.state === 'idle')
        );
      },
      null,
      { timeout: 90_000 },
    );
    const violations = await w.violations();
    expect(violations).toEqual([]);
    expect(page.frames().length).toBeGreaterThanOrEqual(4); // the page's listener ran in each widget frame too
    expect(w.consoleCsp).toEqual([]);
    expect(w.errors).toEqual([]);
    // The worker scripts and the wasm came through this server, under the header.
    expect(served.some((s) => /\/assets\/.*worker.*\.js$/.test(s.path) || /\/assets\/.*\.js$/.test(s.path))).toBe(true);
    expect(served.some((s) => s.path.endsWith('.wasm'))).toBe(true);
    await context.close();
  });
});
