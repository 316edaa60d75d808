// The embed API's safety and ordering, in real Chromium (issues 4 and 6):
//   - <firstnet-widget src=…> loads only http(s) (a javascript: src would run with the host
//     page's origin); unknown attributes get a console warning naming them; an XSS payload
//     through an attribute stays text;
//   - the element's methods return Promises settled by the reply with their id;
//   - origin= given but unusable fails closed: no command taken, nothing posted, a visible
//     message naming origin;
//   - commands run in the order received (configure then train while training: trains the new config);
//   - lock= cannot be bypassed by the divergence fix, compare-against-default or a model import.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, ConsoleMessage, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeModelNpz } from '../../web/src/formats/npz';
import { type HostServer, iframeHost, startHostServer } from './hostServer';
import { type Preview, launchChromium, readView, startPreview, watchErrors } from './server';

let preview: Preview;
let host: HostServer;
let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'firstnet-embed-safety-'));

beforeAll(async () => {
  [preview, host, browser] = await Promise.all([startPreview(), startHostServer(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([preview?.stop(), host?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

type Msg = { type: string; [k: string]: unknown };
type W = { __firstnet: { state: string; steps: number; config: Record<string, unknown> } };

/** Console messages of every level, with the frame's too. */
function watchConsole(page: Page): { type: string; text: string }[] {
  const out: { type: string; text: string }[] = [];
  page.on('console', (m: ConsoleMessage) => out.push({ type: m.type(), text: m.text() }));
  return out;
}

const waitState = (frame: Frame | Page, state: string, timeout = 60_000) =>
  frame.waitForFunction((s) => (window as unknown as W).__firstnet.state === s, state, { timeout, polling: 100 });
const frameView = (frame: Frame) => frame.evaluate(() => ({ ...(window as unknown as W).__firstnet, config: (window as unknown as W).__firstnet.config }));
const received = (page: Page): Promise<Msg[]> => page.evaluate(() => (window as unknown as { received: Msg[] }).received);
const send = (page: Page, ...messages: unknown[]) =>
  page.evaluate((ms) => {
    for (const m of ms) (window as unknown as { send: (m: unknown) => void }).send(m);
  }, messages);

async function openHost(name: string, state: string): Promise<{ page: Page; frame: Frame; errors: string[]; log: { type: string; text: string }[] }> {
  const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
  const errors = watchErrors(page);
  const log = watchConsole(page);
  await page.goto(host.page(name, iframeHost(`${preview.url}embed.html#${state}`)));
  const frame = await (await page.$('#widget'))!.contentFrame();
  if (!frame) throw new Error('no widget frame');
  return { page, frame, errors, log };
}

const XSS = '<img src=x onerror="parent.__pwned=1;window.__pwned=1">';

describe('<firstnet-widget> attributes', () => {
  it('refuses a non-http(s) src visibly (javascript: never runs), warns about unknown attributes, keeps payloads as text', async () => {
    const script = `${preview.url}firstnet-widget.js`;
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Element safety</title><link rel="icon" href="data:,">
<script src="${script}"></script></head><body>
<firstnet-widget id="js" src="javascript:parent.__pwned=1;void 0" colour="red" data-note="fine" aria-label="ok"></firstnet-widget>
<firstnet-widget id="data" src="data:text/html,&lt;script&gt;parent.__pwned=2&lt;/script&gt;"></firstnet-widget>
<firstnet-widget id="broken" src="http://[::1"></firstnet-widget>
<firstnet-widget id="ok" preset="${XSS.replace(/"/g, '&quot;')}" lr="${XSS.replace(/"/g, '&quot;')}" train="1000" epochs="1" hide="draw,weights,models,runs,about"></firstnet-widget>
<script>
  window.events = [];
  const ok = document.getElementById('ok');
  for (const t of ['firstnet:ready', 'firstnet:error', 'firstnet:model', 'firstnet:ack']) ok.addEventListener(t, (e) => window.events.push(e.detail));
</script></body></html>`;
    const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
    const errors = watchErrors(page);
    const log = watchConsole(page);
    await page.goto(host.page('element-safety.html', html));
    await page.waitForFunction(() => (window as unknown as { events: { type: string }[] }).events.some((e) => e.type === 'firstnet:ready'), null, { timeout: 60_000 });

    const shadow = (id: string) =>
      page.evaluate((i) => {
        const root = document.getElementById(i)!.shadowRoot!;
        const p = root.querySelector('p')!;
        const f = root.querySelector('iframe')!;
        return { notice: p.hidden ? null : p.textContent, frameSrc: f.getAttribute('src'), frameHidden: f.hidden };
      }, id);
    expect(await shadow('js')).toEqual({
      notice: "<firstnet-widget>: the src attribute must be an http: or https: URL (got a 'javascript:' URL): the widget is not loaded",
      frameSrc: null,
      frameHidden: true,
    });
    expect((await shadow('data')).notice).toMatch(/^<firstnet-widget>: the src attribute must be an http: or https: URL \(got a 'data:' URL\)/);
    expect((await shadow('broken')).notice).toMatch(/^<firstnet-widget>: the src attribute is not a valid URL/);
    expect(await page.isVisible('#js')).toBe(true);
    // A javascript: src set later is refused too, without an uncaught error.
    await page.evaluate(() => document.getElementById('ok')!.setAttribute('data-x', '1'));
    await page.evaluate(() => document.getElementById('data')!.setAttribute('src', 'JavaScript:parent.__pwned=4'));
    expect((await shadow('data')).notice).toContain("got a 'javascript:' URL");

    // Each refusal is a console error naming the attribute; the unknown attribute a warning naming it.
    const srcErrors = log.filter((m) => m.type === 'error' && m.text.includes('the src attribute'));
    expect(srcErrors.length).toBeGreaterThanOrEqual(4);
    const warnings = log.filter((m) => m.type === 'warning' && m.text.startsWith('<firstnet-widget>: unknown attribute'));
    expect(warnings.map((w) => w.text)).toEqual([expect.stringMatching(/^<firstnet-widget>: unknown attribute 'colour' ignored \(known: preset, /)]);
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);

    // The payload in preset= and lr= reached the widget as text: named, refused, never run.
    const frame = page.frames().find((f) => f.url().startsWith(`${preview.url}embed.html`))!;
    await waitState(frame, 'idle');
    const problems = await frame.textContent('.url-problems');
    expect(problems).toContain("URL: preset: '<img src=x onerror=\"parent.__pwned=1;win…' is not valid");
    expect(problems).toContain('URL: lr:');
    expect(await frame.$$eval('img[src="x"]', (els) => els.length)).toBe(0);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await frame.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();

    // The methods return Promises settled by the reply with their id.
    const replies = await page.evaluate(async () => {
      const w = document.getElementById('ok') as unknown as Record<string, (...a: unknown[]) => Promise<Record<string, unknown>>>;
      const configured = await w.configure!({ lr: 0.05, layers: [16] });
      const model = await w.export!();
      let refused = '';
      try {
        await w.configure!({ lr: 'banana' });
      } catch (e) {
        refused = e instanceof Error ? e.message : `not an Error: ${String(e)}`;
      }
      const stepped = await w.step!();
      return {
        configured,
        model: { type: model.type, id: model.id, isBytes: model.bytes instanceof Uint8Array, name: model.name },
        refused,
        stepped,
      };
    });
    expect(replies.configured).toEqual({ type: 'firstnet:ack', command: 'configure', id: expect.stringMatching(/^fw-\d+$/) });
    expect(replies.model).toEqual({ type: 'firstnet:model', id: expect.stringMatching(/^fw-\d+$/), isBytes: true, name: expect.stringMatching(/\.npz$/) });
    expect(replies.model.id).not.toBe(replies.configured.id);
    expect(replies.refused).toBe("configure: lr: 'banana' is not valid: expected a number in (0, 1000]");
    expect(replies.stepped).toMatchObject({ type: 'firstnet:ack', command: 'step' });
    expect((await frameView(frame)).config).toMatchObject({ lr: 0.05, layers: [16] });
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    await page.close();
  });
});

describe('origin= fails closed', () => {
  const tooLong = `origin=${encodeURIComponent('http://localhost:1')}&lr=0.1&layers=${'1,'.repeat(2100)}1`;
  for (const [what, state] of [
    ['no scheme', 'origin=localhost'],
    ['a path', 'origin=http%3A%2F%2Flocalhost%2Fchapter'],
    ['URL state too long to read', tooLong],
  ] as const) {
    it(`${what}: takes no command, posts nothing, says so naming origin`, async () => {
      const { page, frame, log } = await openHost(`closed-${what.replace(/\W+/g, '-')}.html`, `train=1000&epochs=1&${state}`);
      await waitState(frame, 'idle');
      const notice = await frame.textContent('.embed-closed');
      expect(notice).toMatch(/^This widget takes no commands from its page: origin/);
      expect(await frame.isVisible('.embed-closed')).toBe(true);
      expect(log.some((m) => m.type === 'error' && m.text.startsWith('firstnet: This widget takes no commands from its page: origin'))).toBe(true);
      await send(page, { type: 'firstnet:command', command: 'train' }, { type: 'firstnet:command', command: 'configure', config: { lr: 0.5 } });
      await page.waitForTimeout(1000);
      // Not even ready or resize went out (they would go to '*').
      expect(await received(page)).toEqual([]);
      const v = await frameView(frame);
      expect(v).toMatchObject({ state: 'idle', steps: 0 });
      expect(v.config.lr).not.toBe(0.5);
      await page.close();
    });
  }
});

describe('command order', () => {
  it('configure then train, sent at once while training: trains with the new config (commands run in order)', async () => {
    const { page, frame, errors } = await openHost('order.html', `train=3000&epochs=50&layers=16&hide=grid,draw,weights,models,runs,about&origin=${encodeURIComponent(host.origin)}`);
    await waitState(frame, 'idle');
    await send(page, { type: 'firstnet:command', command: 'train' });
    await frame.waitForFunction(() => (window as unknown as W).__firstnet.steps > 5, null, { timeout: 60_000 });
    await send(
      page,
      { type: 'firstnet:command', command: 'configure', config: { layers: [8], lr: 0.05 }, id: 'c1' },
      { type: 'firstnet:command', command: 'train', id: 't1' },
    );
    await page.waitForFunction(() => (window as unknown as { received: { type: string; id?: string }[] }).received.some((m) => m.id === 't1'), null, { timeout: 30_000 });
    const acks = (await received(page)).filter((m) => m.id === 'c1' || m.id === 't1');
    expect(acks).toEqual([
      { type: 'firstnet:ack', command: 'configure', id: 'c1' },
      { type: 'firstnet:ack', command: 'train', id: 't1' },
    ]);
    await frame.waitForFunction(() => (window as unknown as W).__firstnet.steps > 3, null, { timeout: 30_000 });
    await page.waitForTimeout(500);
    const v = await frameView(frame);
    expect(v.state).toBe('training');
    expect(v.config).toMatchObject({ layers: [8], lr: 0.05 });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('lock= holds against the reader-side actions', () => {
  async function open(hash: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchErrors(page);
    await page.goto(`${preview.url}${hash}`);
    await page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
    return { page, errors };
  }
  const errorsShown = (page: Page) => page.textContent('.messages.errors:not(.url-problems)');

  it('divergence with lock=lr: explains, offers no "use learning rate" button', async () => {
    const { page } = await open('#preset=sigmoid&lr=10&train=2000&lock=lr');
    await page.click('#train');
    await waitState(page, 'failed');
    await page.waitForSelector('.recovery', { state: 'visible' });
    expect(await page.textContent('.recovery p')).toContain('lr is fixed by the author of this page (lock=lr)');
    expect(await page.isVisible('.recovery-action')).toBe(false);
    expect((await readView(page)).config).toMatchObject({ lr: 10 });
    await page.close();
  });

  it('compare against the default with lock=activation: refused naming activation, nothing trains', async () => {
    const { page } = await open('#preset=sigmoid&train=1000&lock=activation');
    await page.click('#run-against-default');
    await page.waitForFunction(() => document.querySelector('.messages.errors:not(.url-problems)')?.textContent !== '', null, { timeout: 10_000 });
    expect(await errorsShown(page)).toContain('activation is fixed by the author of this page (lock=activation)');
    await page.waitForTimeout(500);
    const v = await readView(page);
    expect(v).toMatchObject({ state: 'idle', steps: 0 });
    expect(v.config).toMatchObject({ activation: 'sigmoid', preset: 'sigmoid' });
    await page.close();
  });

  it('model import with lock=layers: refused naming layers, the network stays', async () => {
    // A valid model of other layers (784-16-10): without the lock it would be adopted.
    const layer = (fanIn: number, fanOut: number) => ({ W: new Float32Array(fanIn * fanOut).fill(0.01), b: new Float32Array(fanOut), fanIn, fanOut });
    const file = join(dir, 'other.npz');
    writeFileSync(file, writeModelNpz({ layers: [layer(784, 16), layer(16, 10)], activation: 'relu', config: null, notices: [] }));
    const { page } = await open('#train=1000&lock=layers');
    await page.setInputFiles('#model-file', file);
    await page.waitForFunction(() => document.querySelector('.messages.errors:not(.url-problems)')?.textContent !== '', null, { timeout: 10_000 });
    expect(await errorsShown(page)).toContain('The model was not loaded: other.npz brings its own layers and activation, but layers is fixed by the author of this page (lock=layers).');
    expect((await readView(page)).config).toMatchObject({ layers: [128, 64] });

    // Not locked: the same file is adopted (the check above is the lock's doing).
    await page.goto(`${preview.url}#train=1000&lock=lr`);
    await page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
    await page.setInputFiles('#model-file', file);
    await page.waitForFunction(() => (window as unknown as W).__firstnet.config?.layers?.toString() === '16', null, { timeout: 20_000 });
    await page.close();
  });
});
