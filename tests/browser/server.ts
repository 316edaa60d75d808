// Helpers for the browser suite: a `vite preview` of the already built dist/ as a child
// process this file owns (by PID) and stops, and Debian's Chromium through playwright-core.
// Nothing here builds: run `npx vite build` (after the wasm and data builds) first.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Browser, type ConsoleMessage, type Page, chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Preview {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, log: () => string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`vite preview exited with ${child.exitCode}:\n${log()}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`vite preview did not answer at ${url} within ${timeoutMs} ms:\n${log()}`);
}

/**
 * The built site the browser tests serve: dist/, or FIRSTNET_DIST (a folder relative to the
 * project, e.g. build/dist-mine from `npx vite build --outDir build/dist-mine`) so that one
 * session's tests do not race another session's rebuild of dist/.
 */
export const DIST = process.env.FIRSTNET_DIST ? process.env.FIRSTNET_DIST.replace(/\/*$/, '/') : 'dist/';

/** Serves dist/ on a free port; stop() ends the child process group it started. */
export async function startPreview(): Promise<Preview> {
  if (!existsSync(`${ROOT}${DIST}index.html`)) throw new Error(`${DIST} is not built: run \`npx vite build\` first`);
  if (!existsSync(`${ROOT}${DIST}data/mnist/manifest.json`)) throw new Error(`${DIST} has no MNIST data: run \`node scripts/build-data.mjs\`, then \`npx vite build\``);
  const port = await freePort();
  // detached: the child leads its own process group, so npx and the node it starts are
  // stopped together by signalling -pid (only processes this helper started).
  // --bypass-lock: Vite 8 refuses a second preview of a project (e.g. one a developer has
  // open); ours has its own free port, so the lock protects nothing here.
  const child = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1', '--bypass-lock', '--outDir', `${ROOT}${DIST}`], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start vite preview');
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      return; // already gone
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  };
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitForHttp(url, child, () => output);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, stop };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Collects console errors and page errors (uncaught exceptions) of a page. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

/** What window.__firstnet exposes (web/src/ui/debugHook.ts). */
export interface FirstnetView {
  state: string;
  steps: number;
  lastLoss: number;
  losses: number[];
  evaluations: { epoch: number; step: number; testAccuracy: number; testLoss: number }[];
  grid: { right: number; total: number; epoch: number } | null;
  errors: string[];
  config: Record<string, unknown> | null;
}

export function readView(page: Page): Promise<FirstnetView> {
  return page.evaluate(() => {
    const v = (window as unknown as { __firstnet: FirstnetView }).__firstnet;
    return {
      state: v.state,
      steps: v.steps,
      lastLoss: v.lastLoss,
      losses: v.losses,
      evaluations: v.evaluations,
      grid: v.grid,
      errors: v.errors,
      config: v.config,
    };
  });
}
