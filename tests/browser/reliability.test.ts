// Issue 6 in real Chromium: configurations at the edges are refused or clamped with a
// visible message; a diverging run stops within a slice, says why, offers the fix, and
// Reset recovers without a reload; a dying worker (an escaped exception, a wasm trap, out
// of memory) is shown, a restart is offered, and the settings and chart survive; and an
// <img onerror> payload fed through every channel (URL hash, settings form, a model file's
// name and config, postMessage to the embed page) never runs and shows as text.
import { writeModelNpz } from '../../web/src/formats/npz';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iframeHost, startHostServer, type HostServer } from './hostServer';
import { type Preview, ROOT, launchChromium, readView, startPreview, watchErrors } from './server';

const SHOTS = `${ROOT}screenshots/`;

let preview: Preview;
let host: HostServer;
let browser: Browser;

beforeAll(async () => {
  [preview, host, browser] = await Promise.all([startPreview(), startHostServer(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([preview?.stop(), host?.stop()]);
});

type View = { __firstnet: { state: string; steps: number; losses: number[]; errors: string[] } };

async function open(hash: string, options: { debug?: boolean } = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = watchErrors(page);
  if (options.debug) await page.addInitScript(() => ((window as unknown as { __firstnetDebug: boolean }).__firstnetDebug = true));
  await page.goto(`${preview.url}${hash}`);
  await page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
  // A mark that a reload would erase.
  await page.evaluate(() => ((window as unknown as { __notReloaded: boolean }).__notReloaded = true));
  return { page, errors };
}

const state = (page: Page) => page.evaluate(() => (window as unknown as View).__firstnet.state);
const waitState = (page: Page, s: string, timeout = 60_000) =>
  page.waitForFunction((want) => (window as unknown as View).__firstnet.state === want, s, { timeout, polling: 50 });
const errorsShown = (page: Page) => page.textContent('.messages.errors:not(.url-problems)');
const notReloaded = (page: Page) => page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded === true);

describe('configurations at the edges', () => {
  it('0 and 100,000 units, 50 layers, lr 0 and 1e6, epochs 0: each named in the page, the defaults used, training still works', async () => {
    const fifty = Array.from({ length: 50 }, () => '10').join(',');
    for (const [hash, keys] of [
      ['#layers=0&lr=0&epochs=0&train=1000', ['layers', 'lr', 'epochs']],
      [`#layers=100000&lr=1e6&train=1000`, ['layers', 'lr']],
      [`#layers=${fifty}&batch=0&train=1000`, ['layers', 'batch']],
    ] as const) {
      const { page, errors } = await open(hash);
      const shown = (await page.textContent('.url-problems')) ?? '';
      for (const k of keys) expect(shown, hash).toMatch(new RegExp(`URL: ${k}: '[^']*' is not valid: expected .* — using ${k}=`));
      expect(await page.textContent('#architecture')).toContain('784-128-64-10');
      // train=1000 is 16 steps an epoch: the run ends in about a second, so wait for its end
      // (clicking Pause after a few steps raced the last epoch) and check that it learned.
      await page.click('#train');
      await waitState(page, 'done');
      const run = await readView(page);
      expect(run.errors).toEqual([]);
      expect(run.losses.at(-1)!).toBeLessThan(run.losses[0]!);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('the settings form refuses the same values beside the field and keeps the run', async () => {
    const { page, errors } = await open('#train=1000');
    for (const [key, value] of [
      ['layers', '0'],
      ['layers', '100000'],
      ['layers', Array.from({ length: 50 }, () => '10').join(',')],
      ['lr', '0'],
      ['lr', '1e6'],
      ['epochs', '0'],
    ] as const) {
      await page.fill(`#setting-${key}`, value);
      await page.press(`#setting-${key}`, 'Enter');
      expect(await page.textContent(`#setting-${key}-error`), `${key}=${value}`).toMatch(/is not valid: expected/);
      expect(await page.evaluate(() => location.hash)).not.toContain(`${key}=${value}`);
    }
    expect(await state(page)).toBe('idle');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a batch larger than the training set is clamped to it, the page says so, and the epoch completes', async () => {
    const { page, errors } = await open('#batch=5000&train=500&epochs=1');
    expect(await page.textContent('.config-notices')).toBe(
      'batch 5000 is larger than the 500 training images (train): each step uses all 500, i.e. full-batch gradient descent.',
    );
    await page.click('#train');
    await waitState(page, 'done');
    const view = await readView(page);
    expect(view.steps).toBe(1); // one step of all 500 examples
    expect(view.evaluations).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('divergence', () => {
  it('sigmoid at lr 10: stops within the slice that showed it, says what happened, offers lr 1, which trains', async () => {
    const { page, errors } = await open('#preset=sigmoid&lr=10&train=2000');
    await page.click('#train');
    await waitState(page, 'failed');
    const message = (await errorsShown(page)) ?? '';
    expect(message).toMatch(/^Training diverged at step (\d+): the loss rose to [\d.]+ on average over the last 20 steps, more than twice the [\d.]+ it started at \(learning rate 10\): each step overshoots\. Try a learning rate 10× smaller \(1\), then Reset\.$/);
    const stoppedAt = Number(/at step (\d+)/.exec(message)![1]);
    const view = await readView(page);
    // Within one slice: the steps after the one that crossed the line are the rest of that slice (~25 ms).
    expect(view.steps).toBeGreaterThanOrEqual(stoppedAt);
    expect(view.losses.every(Number.isFinite)).toBe(true);
    await page.waitForTimeout(500);
    expect((await readView(page)).steps).toBe(view.steps); // nothing runs after the stop
    expect(await page.isVisible('.recovery')).toBe(true);
    expect(await page.textContent('.recovery p')).toContain('learning rate 10 each step overshoots');
    await page.screenshot({ path: `${SHOTS}diverged-sigmoid.png` });

    // The offered fix: one click, a fresh run at lr 1, in the URL and the form; it trains.
    await page.click('.recovery-action');
    await page.waitForFunction(() => location.hash.includes('lr=1&') || location.hash.endsWith('lr=1'));
    expect(await page.inputValue('#setting-lr')).toBe('1');
    await waitState(page, 'idle');
    expect(await page.isVisible('.recovery')).toBe(false);
    expect(await errorsShown(page)).toBe('');
    // train=2000 at batch 64 is 32 steps an epoch, 160 in the preset's 5 epochs: train to the end.
    await page.click('#train');
    await waitState(page, 'done');
    const after = await readView(page);
    expect(after.steps).toBe(160);
    expect(after.errors).toEqual([]);
    expect(after.losses.slice(-20).reduce((a, b) => a + b, 0) / 20).toBeLessThan(after.losses[0]!);
    expect(await notReloaded(page)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('NaN (relu, lr 1000, init normal:10): the message suggests the fix, and Reset recovers without reloading', async () => {
    const { page, errors } = await open('#lr=1000&init=normal:10&train=2000');
    await page.click('#train');
    await waitState(page, 'failed');
    expect(await errorsShown(page)).toMatch(/diverged at step \d+: the loss or a weight became NaN or infinite .*Try a learning rate 10× smaller \(100\), then Reset\./);
    expect(await page.textContent('.recovery-action')).toBe('Use learning rate 100 and start again');
    await page.click('#reset');
    await waitState(page, 'idle');
    expect(await errorsShown(page)).toBe('');
    expect(await page.isVisible('.recovery')).toBe(false);
    expect((await readView(page)).steps).toBe(0);
    // Same settings, a fresh network: it trains (and diverges again, as it should).
    await page.click('#train');
    await waitState(page, 'failed');
    expect(await notReloaded(page)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the worker dies', () => {
  for (const [action, reason] of [
    ['throw', /The training engine stopped: an unexpected error escaped \(.*debug: an exception outside any request handler\)/],
    ['trap', /The training engine stopped: the WebAssembly engine trapped \(unreachable\)/],
  ] as const) {
    it(`${action}: the page says so, offers a restart, keeps settings and chart; the new worker trains`, async () => {
      const { page, errors } = await open('#train=2000&epochs=200&lr=0.05', { debug: true }); // long enough that Pause finds it training
      await page.click('#train');
      await page.waitForFunction(() => (window as unknown as View).__firstnet.steps > 30, null, { timeout: 60_000 });
      const lossesBefore = (await readView(page)).losses.length;
      await page.evaluate((a) => (window as unknown as { __firstnetCrash: (a: string) => void }).__firstnetCrash(a), action);
      await waitState(page, 'failed');
      expect(await errorsShown(page)).toMatch(reason);
      expect(await page.isVisible('.recovery')).toBe(true);
      expect(await page.textContent('.recovery-action')).toBe('Restart the training engine');
      // The chart and the settings are as they were.
      expect((await readView(page)).losses.length).toBeGreaterThanOrEqual(lossesBefore);
      expect(await page.isVisible('#loss-chart canvas')).toBe(true);
      expect(await page.inputValue('#setting-lr')).toBe('0.05');
      expect(await page.inputValue('#setting-train')).toBe('2000');
      // The dead worker refuses work with the reason, it does not hang.
      await page.click('#train');
      await page.waitForTimeout(300);
      expect(await state(page)).toBe('failed');
      await page.screenshot({ path: `${SHOTS}worker-crashed-${action}.png` });

      await page.click('.recovery-action');
      await waitState(page, 'idle');
      expect(await page.isVisible('.recovery')).toBe(false);
      expect(await page.inputValue('#setting-lr')).toBe('0.05');
      await page.click('#train');
      await page.waitForFunction(() => (window as unknown as View).__firstnet.steps > 30, null, { timeout: 60_000 });
      await page.click('#pause');
      expect((await readView(page)).errors).toEqual([]);
      expect(await notReloaded(page)).toBe(true);
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('out of memory: a network that does not fit the heap left is reported, and a restart frees it', async () => {
    const { page, errors } = await open('#train=1000&layers=256,128&epochs=200', { debug: true });
    await page.evaluate(() => (window as unknown as { __firstnetCrash: (a: string) => void }).__firstnetCrash('oom'));
    await page.waitForTimeout(2000); // the worker fills its heap (to the 2 GB limit)
    await page.click('#reset'); // a new network of the same size: it no longer fits
    await waitState(page, 'failed', 120_000);
    expect(await errorsShown(page)).toMatch(
      // Whichever allocation fails first: the core's (std::bad_alloc) or the wrapper's batch buffer.
      /^The training engine stopped: it ran out of memory \((std::bad_alloc|wasm memory: could not allocate \d+ bytes)\)\. Restart it[^]*kept\.$/,
    );
    expect(await page.textContent('.recovery-action')).toBe('Restart the training engine');
    await page.click('.recovery-action');
    await waitState(page, 'idle', 120_000);
    await page.click('#train');
    await page.waitForFunction(() => (window as unknown as View).__firstnet.steps > 10, null, { timeout: 60_000 });
    await page.click('#pause');
    expect(await page.textContent('#architecture')).toContain('784-256-128-10');
    expect(await notReloaded(page)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('without the debug flag the test-only faults do nothing', async () => {
    const { page, errors } = await open('#train=1000&epochs=200');
    expect(await page.evaluate(() => '__firstnetCrash' in window)).toBe(false);
    // Even a message posted straight to the worker is ignored: the worker was not started in debug mode.
    await page.click('#train');
    await page.waitForFunction(() => (window as unknown as View).__firstnet.steps > 10, null, { timeout: 60_000 });
    await page.click('#pause');
    await waitState(page, 'paused');
    expect(errors).toEqual([]);
    await page.close();
  });
});

// ---------------------------------------------------------------- XSS

const PAYLOAD = '<img src=x onerror="window.__xss=(window.__xss||0)+1">';
const PAYLOAD2 = '"><svg onload="window.__xss=(window.__xss||0)+1">';

/** No payload ran and no element of it exists, in the page and every frame. */
async function assertInert(page: Page): Promise<void> {
  await page.waitForTimeout(300); // an onerror for src=x would have fired by now
  for (const frame of page.frames()) {
    const r = await frame.evaluate(() => ({
      ran: (window as unknown as { __xss?: number }).__xss ?? 0,
      nodes: document.querySelectorAll('img[src="x"], svg[onload], [onerror]').length,
    }));
    expect(r, frame.url()).toEqual({ ran: 0, nodes: 0 });
  }
}

describe('no script from any channel runs', () => {
  it('URL hash: keys, values and a preset name', async () => {
    const enc = encodeURIComponent;
    const { page, errors } = await open(`#lr=${enc(PAYLOAD)}&layers=${enc(PAYLOAD2)}&${enc(PAYLOAD)}=1&preset=${enc(PAYLOAD)}`);
    const text = (await page.textContent('.url-problems')) ?? '';
    expect(text).toContain(`'<img src=x onerror="window.__xss=(window.__xss||0)+1">'`.slice(0, 30));
    expect(text).toContain('"><svg onload=');
    await assertInert(page);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the settings form', async () => {
    const { page, errors } = await open('#train=1000');
    for (const key of ['layers', 'lr', 'init', 'batch', 'seed']) {
      await page.fill(`#setting-${key}`, PAYLOAD);
      await page.press(`#setting-${key}`, 'Enter');
      expect(await page.textContent(`#setting-${key}-error`)).toContain('<img src=x');
    }
    await assertInert(page);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a model file's name and every string of its config", async () => {
    const { page, errors } = await open('#train=1000');
    const W = new Float32Array(7840).fill(0.01);
    const base = { layers: [{ W, b: new Float32Array(10), fanIn: 784, fanOut: 10 }], notices: [] };
    // A refused activation is echoed in the message; the other strings are informative.
    const bad = Buffer.from(writeModelNpz({ ...base, activation: 'relu', config: { format: PAYLOAD, version: 1 } }));
    // (The config is a UTF-32 string in the file, so it is written with the payload, not patched.)
    const badActivation = Buffer.from(writeModelNpz({ ...base, activation: PAYLOAD.replace(/"/g, "'") as never, config: { format: 'firstnet-model', version: 1 } }));
    for (const [name, buffer] of [
      [`${PAYLOAD}.npz`, bad],
      [`${PAYLOAD2}.npz`, Buffer.from('PK\u0003\u0004 not a zip')],
      ['activation.npz', badActivation],
      [
        'strings.npz',
        Buffer.from(
          writeModelNpz({
            ...base,
            activation: 'relu',
            config: { format: 'firstnet-model', version: 1, preset: PAYLOAD, layers: [PAYLOAD], init: PAYLOAD, optimizer: PAYLOAD2, metrics: { testAccuracy: PAYLOAD } },
          }),
        ),
      ],
    ] as const) {
      await page.setInputFiles('#model-file', { name, mimeType: 'application/zip', buffer });
      // Every string shows as text: the first and last files load (only `activation` is read
      // from a config), the other two are refused with the name or the activation echoed.
      const expected = {
        [`${PAYLOAD}.npz`]: `Loaded ${PAYLOAD}.npz: 784-10 relu.`,
        [`${PAYLOAD2}.npz`]: `The model was not loaded: ${PAYLOAD2}.npz: not a zip file`,
        'activation.npz': `unknown activation "<img src=x onerror='window`,
        'strings.npz': 'Loaded strings.npz: 784-10 relu.',
      }[name]!;
      await page.waitForFunction((want) => [...document.querySelectorAll('.messages')].some((m) => m.textContent?.includes(want)), expected, { timeout: 10_000 });
    }
    await assertInert(page);
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    await page.close();
  });

  it('postMessage to the embed page: configure with payloads as values, keys, a URL-state string, and unknown commands', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
    const errors = watchErrors(page);
    await page.goto(host.page('xss-host', iframeHost(`${preview.url}embed.html#train=1000`)));
    const frame = (await (await page.$('#widget'))!.contentFrame()) as Frame;
    await page.waitForFunction(() => (window as unknown as { received: { type: string }[] }).received.some((m) => m.type === 'firstnet:ready'), null, { timeout: 60_000 });
    const send = (m: unknown) => page.evaluate((msg) => (window as unknown as { send: (m: unknown) => void }).send(msg), m);
    await send({ type: 'firstnet:command', command: 'configure', config: { lr: PAYLOAD } });
    await send({ type: 'firstnet:command', command: 'configure', config: { [PAYLOAD]: '1' } });
    await send({ type: 'firstnet:command', command: 'configure', config: `lr=${encodeURIComponent(PAYLOAD2)}&layers=${encodeURIComponent(PAYLOAD)}` });
    await send({ type: 'firstnet:command', command: PAYLOAD });
    await send({ type: `firstnet:${PAYLOAD}` });
    await send({ type: 'firstnet:command', command: 'train', id: PAYLOAD });
    await page.waitForFunction(() => (window as unknown as { received: { type: string }[] }).received.filter((m) => m.type === 'firstnet:error').length >= 5, null, { timeout: 30_000 });
    const messages = await page.evaluate(() => (window as unknown as { received: { type: string; message?: string }[] }).received.filter((m) => m.type === 'firstnet:error').map((m) => m.message ?? ''));
    expect(messages.join('\n')).toContain('<img src=x');
    expect(await frame.evaluate(() => (window as unknown as { __xss?: number }).__xss ?? 0)).toBe(0);
    await assertInert(page);
    expect(errors).toEqual([]);
    await page.close();
  });
});
