// Embedding (contract §4) in real Chromium, across origins: a host page on
// http://localhost:B (hostServer.ts) embeds embed.html from the preview on
// http://127.0.0.1:A. Checks every message (ready, resize, progress, done, error, model),
// every command (configure, step, train, pause, reset, export — the exported model is
// evaluated again in node), hide and lock, origin refusal, commands from a non-parent
// window, the <firstnet-widget> element, and the pause while the widget is off-screen.
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngineNode } from '../../web/src/engine/load-node';
import { readModelNpz } from '../../web/src/formats/npz';
import { modelSizes } from '../../web/src/model/model';
import { mnist } from '../unit/helpers/mnist';
import { type HostServer, iframeHost, startHostServer } from './hostServer';
import { DIST, type Preview, ROOT, launchChromium, startPreview, watchErrors } from './server';

let preview: Preview;
let host: HostServer;
/** dist/ served from a sub-path of a third origin, as a book's site would: /book/widgets/firstnet/. */
let subpath: HostServer;
let browser: Browser;

beforeAll(async () => {
  [preview, host, subpath, browser] = await Promise.all([startPreview(), startHostServer(), startHostServer('127.0.0.1'), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([preview?.stop(), host?.stop(), subpath?.stop()]);
});

type Msg = { type: string; [k: string]: unknown };

const embedUrl = (state: string) => `${preview.url}embed.html#${state}`;

async function openHost(name: string, state: string, options: Parameters<typeof iframeHost>[1] = {}): Promise<{ page: Page; frame: Frame; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
  const errors = watchErrors(page);
  await page.goto(host.page(name, iframeHost(embedUrl(state), options)));
  const frame = await (await page.$('#widget'))!.contentFrame();
  if (!frame) throw new Error('no widget frame');
  return { page, frame, errors };
}

const received = (page: Page): Promise<Msg[]> => page.evaluate(() => (window as unknown as { received: Msg[] }).received);

async function waitForMessage(page: Page, type: string, test = '() => true', timeout = 60_000): Promise<Msg> {
  const handle = await page.waitForFunction(
    ([t, src]) => {
      // eslint-disable-next-line no-new-func
      const ok = new Function(`return (${src})`)() as (m: unknown) => boolean;
      return (window as unknown as { received: { type: string }[] }).received.find((m) => m.type === t && ok(m)) ?? false;
    },
    [type, test] as const,
    { timeout, polling: 100 },
  );
  return (await handle.jsonValue()) as Msg;
}

const send = (page: Page, message: unknown) => page.evaluate((m) => (window as unknown as { send: (m: unknown) => void }).send(m), message);

interface FrameView {
  state: string;
  steps: number;
  config: Record<string, unknown>;
}
const view = (frame: Frame): Promise<FrameView> =>
  frame.evaluate(() => {
    const v = (window as unknown as { __firstnet: FrameView }).__firstnet;
    return { state: v.state, steps: v.steps, config: v.config as Record<string, unknown> };
  });
const waitState = (frame: Frame, state: string, timeout = 60_000) =>
  frame.waitForFunction((s) => (window as unknown as { __firstnet: { state: string } }).__firstnet.state === s, state, { timeout, polling: 100 });

describe('embed.html in an iframe from another origin', () => {
  it('takes every command from the parent and posts every message; the exported model evaluates the same in node', async () => {
    const { page, frame, errors } = await openHost('messages.html', `train=3000&epochs=1&hide=about&origin=${encodeURIComponent(host.origin)}`);

    // ready and resize: the host sizes its iframe to the widget's height.
    const ready = await waitForMessage(page, 'firstnet:ready');
    expect(ready.version).toMatch(/\d/);
    expect(ready.config).toContain('train=3000');
    await page.waitForFunction(() => {
      const r = (window as unknown as { received: { type: string; height?: number }[] }).received.filter((m) => m.type === 'firstnet:resize');
      const h = r.at(-1)?.height ?? 0;
      return h > 300 && Math.abs(document.getElementById('widget')!.getBoundingClientRect().height - Math.ceil(h)) < 1;
    });
    // The widget needs no scroll bar of its own (once the host has applied the last height).
    await frame.waitForFunction(() => document.documentElement.scrollHeight - window.innerHeight <= 1, null, { timeout: 10_000 });

    // configure with a URL-state string, then with a settings object (applied over it).
    await send(page, { type: 'firstnet:command', command: 'configure', config: 'preset=default&layers=32&train=3000&epochs=1' });
    await frame.waitForFunction(() => (window as unknown as { __firstnet: { config: { layers: number[] } } }).__firstnet.config.layers.join() === '32');
    await send(page, { type: 'firstnet:command', command: 'configure', config: { seed: 3, lr: 0.2, layers: [32] } });
    await frame.waitForFunction(() => (window as unknown as { __firstnet: { config: { seed: number } } }).__firstnet.config.seed === 3);
    const configured = await view(frame);
    expect(configured.config).toMatchObject({ layers: [32], lr: 0.2, seed: 3, train: 3000, epochs: 1, hide: ['about'], origin: host.origin });
    await waitState(frame, 'idle');

    // step: exactly one step, then paused.
    await send(page, { type: 'firstnet:command', command: 'step' });
    const stepped = await waitForMessage(page, 'firstnet:progress', '(m) => m.step === 1');
    expect(stepped).toMatchObject({ epoch: 0, step: 1, samplesSeen: 64 });
    expect(stepped.loss).toBeGreaterThan(1.5);
    await waitState(frame, 'paused');

    // train to the end: progress (with testAccuracy after the epoch), then done.
    await send(page, { type: 'firstnet:command', command: 'train' });
    const done = await waitForMessage(page, 'firstnet:done');
    expect(done.epoch).toBe(1);
    expect(done.testAccuracy).toBeGreaterThan(0.8);
    const progress = (await received(page)).filter((m) => m.type === 'firstnet:progress');
    expect(progress.length).toBeGreaterThan(1);
    for (const p of progress) {
      expect(Object.keys(p).sort()).toEqual(expect.arrayContaining(['epoch', 'loss', 'samplesSeen', 'step', 'type']));
      expect(Number.isInteger(p.step) && Number.isInteger(p.samplesSeen)).toBe(true);
    }
    const measured = progress.filter((p) => p.testAccuracy !== undefined);
    expect(measured).toHaveLength(1);
    expect(measured[0]).toMatchObject({ epoch: 1, testAccuracy: done.testAccuracy });
    const steps = progress.map((p) => p.step as number);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(steps.at(-1)).toBe((await view(frame)).steps);

    // export: the .npz bytes; node reads them and gets the same test accuracy.
    await send(page, { type: 'firstnet:command', command: 'export', id: 'model-1' });
    const exported = await page.waitForFunction(
      () => {
        const m = (window as unknown as { received: { type: string; id?: string; bytes?: Uint8Array; name?: string }[] }).received.find((x) => x.type === 'firstnet:model');
        return m ? { id: m.id, name: m.name, bytes: Array.from(m.bytes ?? []), isBytes: m.bytes instanceof Uint8Array } : false;
      },
      null,
      { timeout: 30_000 },
    );
    const model = (await exported.jsonValue()) as { id: string; name: string; bytes: number[]; isBytes: boolean };
    expect(model).toMatchObject({ id: 'model-1', isBytes: true });
    expect(model.name).toMatch(/\.npz$/);
    const file = readModelNpz(new Uint8Array(model.bytes), model.name);
    expect(modelSizes(file)).toEqual([784, 32, 10]);
    const engine = await loadEngineNode();
    const t = mnist('t10k');
    const test = engine.datasetFrom(t.images, t.labels);
    const trainer = engine.createTrainer({ layers: '784,32,10', activation: file.activation, init: 'he', initScale: 0, optimizer: 'sgd', lr: 0.1, momentum: 0, batch: 1, seed: 0 });
    try {
      trainer.setParams(file.layers);
      const r = trainer.evaluate(test);
      expect(r.accuracy).toBeGreaterThan(0.8);
      expect(Math.abs(r.accuracy - (done.testAccuracy as number))).toBeLessThanOrEqual(0.002);
    } finally {
      trainer.dispose();
      test.dispose();
    }

    // reset and pause: a fresh network; pause when idle is harmless.
    await send(page, { type: 'firstnet:command', command: 'reset' });
    await waitState(frame, 'idle');
    expect((await view(frame)).steps).toBe(0);
    await send(page, { type: 'firstnet:command', command: 'pause' });

    // Bad commands: each answered by firstnet:error naming the problem; nothing applied.
    const before = (await received(page)).filter((m) => m.type === 'firstnet:error').length;
    await send(page, { type: 'firstnet:command', command: 'fly', id: 7 });
    await send(page, { type: 'firstnet:command', command: 'configure', config: { lr: 'banana' } });
    await send(page, { type: 'firstnet:command', command: 'configure', config: { origin: 'https://evil.example' } });
    await send(page, { type: 'firstnet:command', command: 'configure', config: { colour: 'red' } });
    await send(page, { type: 'firstnet:command', command: 'train', config: { lr: 1 } });
    await send(page, { type: 'firstnet:hello' });
    await send(page, { type: 'somebody-else', command: 'train' }); // not for firstnet: ignored
    await send(page, 'firstnet:command'); // not an object: ignored
    await page.waitForFunction((n) => (window as unknown as { received: { type: string }[] }).received.filter((m) => m.type === 'firstnet:error').length >= n + 6, before);
    await page.waitForTimeout(300);
    const bad = (await received(page)).filter((m) => m.type === 'firstnet:error').slice(before);
    expect(bad.map((m) => m.message)).toEqual([
      "firstnet:command refused: unknown command 'fly': use one of train, pause, step, reset, configure, export",
      "configure: lr: 'banana' is not valid: expected a number in (0, 1000]",
      'configure: origin can only be set in the embed URL, not by a command',
      expect.stringMatching(/^configure: unknown setting 'colour' \(known: preset, layers, .*lock\)$/),
      "firstnet:command refused: train: 'config' belongs to the configure command only",
      "firstnet:command refused: unknown message type 'firstnet:hello': a host sends only 'firstnet:command'",
    ]);
    expect(bad[0]!.id).toBe(7);
    expect(await view(frame)).toMatchObject({ state: 'idle', steps: 0, config: { lr: 0.2, origin: host.origin } });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses commands from another origin than origin=, and from windows other than the parent', async () => {
    const { page, frame } = await openHost('refuse.html', 'train=1000&epochs=1&origin=https://book.example');
    await frame.waitForFunction(() => (window as unknown as { __firstnet: { state: string } }).__firstnet.state === 'idle', null, { timeout: 60_000 });
    await send(page, { type: 'firstnet:command', command: 'train' });
    const refused = await waitForMessage(page, 'firstnet:error');
    expect(refused.message).toBe(`commands from ${host.origin} are refused: this widget's embed URL allows another origin (origin=)`);
    expect(String(refused.message)).not.toContain('book.example');
    // Nothing else reached this host: progress, resize and ready go to book.example only.
    expect((await received(page)).map((m) => m.type)).toEqual(['firstnet:error']);
    await page.waitForTimeout(500);
    expect(await view(frame)).toMatchObject({ state: 'idle', steps: 0 });
    await page.close();

    // The right origin, but the message comes from a sibling frame, not the parent: ignored.
    const other = await openHost('sibling.html', `train=1000&epochs=1&origin=${encodeURIComponent(host.origin)}`, { sibling: true });
    await waitForMessage(other.page, 'firstnet:ready');
    await waitState(other.frame, 'idle');
    const sibling = await (await other.page.$('#sibling'))!.contentFrame();
    await sibling!.evaluate(() => {
      const w = (parent.document.getElementById('widget') as HTMLIFrameElement).contentWindow!;
      w.postMessage({ type: 'firstnet:command', command: 'train' }, '*');
    });
    await other.page.waitForTimeout(800);
    expect(await view(other.frame)).toMatchObject({ state: 'idle', steps: 0 });
    expect((await received(other.page)).filter((m) => m.type === 'firstnet:error')).toEqual([]);
    await other.page.close();
  });

  it('hide= hides control groups and lock= keeps the reader from changing fixed settings', async () => {
    const { page, frame, errors } = await openHost('lock.html', `train=1000&hide=chart,grid,models,runs&lock=lr,layers&origin=${encodeURIComponent(host.origin)}`);
    await waitState(frame, 'idle');
    expect(await frame.isVisible('.chart')).toBe(false);
    expect(await frame.isVisible('.grid')).toBe(false);
    expect(await frame.isVisible('.models')).toBe(false);
    expect(await frame.isVisible('.compare')).toBe(false);
    expect(await frame.isVisible('.settings')).toBe(true);
    expect(await frame.isVisible('#train')).toBe(true);
    expect(await frame.isVisible('header')).toBe(false); // no page chrome
    expect(await frame.isDisabled('#setting-lr')).toBe(true);
    expect(await frame.isDisabled('#setting-layers')).toBe(true);
    expect(await frame.isDisabled('#setting-batch')).toBe(false);
    expect(await frame.textContent('#setting-lr-help')).toBe('Fixed by the author of this page.');
    // The reader picks the chapter preset (lr 0.01, full batch): lr and layers stay the author's.
    await frame.selectOption('#preset', 'chapter');
    await frame.waitForFunction(() => (window as unknown as { __firstnet: { config: { preset: string } } }).__firstnet.config.preset === 'chapter');
    expect((await view(frame)).config).toMatchObject({ preset: 'chapter', lr: 0.1, layers: [128, 64], batch: 'full', lock: ['lr', 'layers'] });
    // The host (the author) may still configure anything.
    await send(page, { type: 'firstnet:command', command: 'configure', config: { lr: 0.05 } });
    await frame.waitForFunction(() => (window as unknown as { __firstnet: { config: { lr: number } } }).__firstnet.config.lr === 0.05);
    expect(await frame.inputValue('#setting-lr')).toBe('0.05');
    await page.close();

    const all = await openHost('lock-all.html', 'train=1000&lock=all&hide=about');
    await waitState(all.frame, 'idle');
    expect(await all.frame.isDisabled('#preset')).toBe(true);
    expect(await all.frame.$$eval('.settings input, .settings select', (els) => els.every((e) => (e as HTMLInputElement).disabled))).toBe(true);
    expect(await all.frame.$eval('.data-saver', (f) => (f as HTMLFieldSetElement).disabled)).toBe(true);
    expect(await all.frame.isEnabled('#train')).toBe(true);
    await all.page.close();
    expect(errors).toEqual([]);
  });

  it('pauses while scrolled out of view and resumes when back, unless paused on purpose', async () => {
    const { page, frame, errors } = await openHost('scroll.html', `train=10000&epochs=50&layers=16&hide=grid,draw,weights,models,runs,about&origin=${encodeURIComponent(host.origin)}`, { spacerAfter: 4000 });
    await waitState(frame, 'idle');
    await send(page, { type: 'firstnet:command', command: 'train' });
    await frame.waitForFunction(() => (window as unknown as { __firstnet: { steps: number } }).__firstnet.steps > 10, null, { timeout: 60_000 });
    await page.evaluate(() => document.getElementById('end')!.scrollIntoView());
    await waitState(frame, 'paused', 10_000);
    const paused = (await view(frame)).steps;
    await page.waitForTimeout(700);
    expect((await view(frame)).steps).toBe(paused);
    await page.evaluate(() => window.scrollTo(0, 0));
    await waitState(frame, 'training', 10_000);
    await frame.waitForFunction((n) => (window as unknown as { __firstnet: { steps: number } }).__firstnet.steps > n, paused, { timeout: 30_000 });

    // A hidden tab pauses too.
    await frame.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitState(frame, 'paused', 10_000);
    await frame.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitState(frame, 'training', 10_000);

    // Paused by the host: scrolling away and back does not resume it.
    await send(page, { type: 'firstnet:command', command: 'pause' });
    await waitState(frame, 'paused');
    await page.evaluate(() => document.getElementById('end')!.scrollIntoView());
    await page.waitForTimeout(300);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(700);
    expect((await view(frame)).state).toBe('paused');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('several widgets on one page', () => {
  it('download each data chunk once: three widgets of the demo page share it (Web Locks + Cache Storage)', async () => {
    // No service worker: on a first visit it is not in control yet, so the sharing must come
    // from the chunk loader itself (data/chunks.ts, getShared).
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
    const fetched = new Map<string, number>();
    context.on('request', (r) => {
      const m = /\/data\/mnist\/([^/?]+\.bin)\?/.exec(r.url());
      if (m) fetched.set(m[1]!, (fetched.get(m[1]!) ?? 0) + 1);
    });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${preview.url}textbook-demo.html`);
    // Bring every widget in (the iframe is loading="lazy"), then wait until each has its data.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const frames = async () => (await Promise.all(page.frames().filter((f) => f !== page.mainFrame()).map((f) => f.evaluate(() => (window as unknown as { __firstnet?: { state: string } }).__firstnet?.state ?? '').catch(() => ''))));
    await expect.poll(async () => (await frames()).filter((s) => s === 'idle').length, { timeout: 60_000, interval: 250 }).toBe(3);
    expect(fetched.get('test.bin')).toBe(1);
    expect(fetched.get('train-1.bin')).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('<firstnet-widget>', () => {
  it('is one script tag (from dist/ on a sub-path of another site): an iframe next to the script, events as DOM events, methods as commands', async () => {
    const widgets = subpath.mount('book/widgets/firstnet', `${ROOT}${DIST}`);
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Element host</title><link rel="icon" href="data:,">
<script src="${widgets}firstnet-widget.js"></script></head><body>
<h1>Exercise</h1>
<firstnet-widget id="w" preset="sigmoid" train="2000" epochs="1" hide="draw,weights,models,runs,about"></firstnet-widget>
<script>
  const w = document.getElementById('w');
  window.events = [];
  for (const t of ['firstnet:ready', 'firstnet:progress', 'firstnet:done', 'firstnet:error', 'firstnet:resize', 'firstnet:model'])
    w.addEventListener(t, (e) => window.events.push(e.detail));
  w.configure({ lr: 0.5 }); // before the widget is ready: queued
</script></body></html>`;
    const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
    const errors = watchErrors(page);
    await page.goto(host.page('element.html', html));
    const events = () => page.evaluate(() => (window as unknown as { events: Msg[] }).events);
    await page.waitForFunction(() => (window as unknown as { events: { type: string }[] }).events.some((e) => e.type === 'firstnet:ready'), null, { timeout: 60_000 });
    const src = await page.evaluate(() => document.getElementById('w')!.shadowRoot!.querySelector('iframe')!.src);
    expect(src.startsWith(`${widgets}embed.html#preset=sigmoid&epochs=1&train=2000&hide=draw%2Cweights`)).toBe(true);
    expect(src).toContain(`origin=${encodeURIComponent(host.origin)}`);
    const frame = page.frames().find((f) => f.url().startsWith(`${widgets}embed.html`))!;
    await frame.waitForFunction(() => (window as unknown as { __firstnet: { config: { lr: number } } }).__firstnet.config.lr === 0.5);
    expect((await view(frame)).config).toMatchObject({ preset: 'sigmoid', activation: 'sigmoid', lr: 0.5, train: 2000 });

    await page.evaluate(() => (document.getElementById('w') as unknown as { train(): void }).train());
    await page.waitForFunction(() => (window as unknown as { events: { type: string }[] }).events.some((e) => e.type === 'firstnet:done'), null, { timeout: 60_000 });
    const got = await events();
    const done = got.find((e) => e.type === 'firstnet:done')!;
    expect(done.testAccuracy).toBeGreaterThan(0.1); // sigmoid learns slowly (the exercise's point): above chance
    // The element sizes its iframe to the widget's last reported height.
    await page.waitForFunction(() => {
      const last = (window as unknown as { events: { type: string; height?: number }[] }).events.filter((e) => e.type === 'firstnet:resize').at(-1);
      const frame = document.getElementById('w')!.shadowRoot!.querySelector('iframe')!;
      return last !== undefined && last.height! > 200 && Math.abs(frame.getBoundingClientRect().height - Math.ceil(last.height!)) < 1;
    });
    expect(got.some((e) => e.type === 'firstnet:progress' && typeof e.testAccuracy === 'number')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
