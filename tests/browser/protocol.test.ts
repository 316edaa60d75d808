// The worker message protocol: the validators on both sides name what is wrong, and the
// built worker, sent strange messages in Chromium, answers with clear errors and keeps
// working (never a dead worker).
import { readdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, cloneConfig } from '../../web/src/config/settings';
import { ProtocolError, validateConfig, validateFromWorker, validateRequest } from '../../web/src/worker/protocol';
import { type Preview, ROOT, launchChromium, startPreview, watchErrors } from './server';

describe('protocol validators', () => {
  it('accept well-formed messages', () => {
    expect(validateRequest({ kind: 'request', id: 1, method: 'train' })).toMatchObject({ method: 'train' });
    expect(validateRequest({ kind: 'request', id: 2, method: 'configure', config: cloneConfig(DEFAULT_CONFIG) }).method).toBe('configure');
    expect(validateFromWorker({ kind: 'response', id: 3, ok: true })).toMatchObject({ ok: true });
    const progress = { kind: 'event', type: 'progress', epoch: 0, step: 2, stepInEpoch: 2, samplesSeen: 128, stepProgress: 0, losses: [2.3, 2.2], firstStep: 0, samplesPerSec: 0 };
    expect(validateFromWorker(progress)).toMatchObject({ type: 'progress' });
    const evaluation = { kind: 'event', type: 'evaluation', epoch: 1, step: 9, testAccuracy: 0.9, testLoss: 0.3, probabilities: new Float32Array(20) };
    expect(validateFromWorker(evaluation)).toMatchObject({ type: 'evaluation' });
  });

  it.each([
    [null, /must be an object/],
    [{ kind: 'request', id: 1, method: 'explode' }, /'method' must be one of init, configure/],
    [{ kind: 'request', id: -1, method: 'train' }, /'id' must be an integer/],
    [{ kind: 'request', id: 1, method: 'init', dataUrl: 'not a url' }, /'dataUrl' must be an absolute URL/],
    [{ kind: 'request', id: 1, method: 'configure', config: { ...cloneConfig(DEFAULT_CONFIG), lr: 'banana' } }, /'lr' must be a number/],
    [{ kind: 'request', id: 1, method: 'configure', config: { ...cloneConfig(DEFAULT_CONFIG), batch: 0 } }, /'batch' must be an integer ≥ 1/],
  ])('names the problem in a bad request %#', (msg, pattern) => {
    expect(() => validateRequest(msg)).toThrow(ProtocolError);
    expect(() => validateRequest(msg)).toThrow(pattern);
  });

  it.each([
    [{ kind: 'event', type: 'teleport' }, /'type' must be one of/],
    [{ kind: 'event', type: 'progress', epoch: 0 }, /event 'progress': 'step' must be a number/],
    [{ kind: 'event', type: 'gridImages', pixels: new Uint8Array(10), labels: new Uint8Array(1) }, /10 pixels for 1 labels/],
    [{ kind: 'event', type: 'evaluation', epoch: 1, step: 1, testAccuracy: null, testLoss: null, probabilities: new Float32Array(7) }, /n × 10/],
    [{ kind: 'response', id: 1, ok: 'yes' }, /'ok' must be a boolean/],
  ])('names the problem in a bad worker message %#', (msg, pattern) => {
    expect(() => validateFromWorker(msg)).toThrow(pattern);
  });

  it('checks the config shape', () => {
    expect(() => validateConfig({ ...cloneConfig(DEFAULT_CONFIG), layers: [128, -1] })).toThrow(/'layers'/);
    expect(() => validateConfig({ ...cloneConfig(DEFAULT_CONFIG), init: { kind: 'zeros', scale: 1 } })).toThrow(/config.init: 'kind'/);
  });
});

describe('the built worker in Chromium', () => {
  let preview: Preview;
  let browser: Browser;

  beforeAll(async () => {
    preview = await startPreview();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await preview?.stop();
  });

  it('answers strange messages with clear errors and keeps working', async () => {
    const worker = readdirSync(`${ROOT}dist/assets`).find((f) => /^worker-.*\.js$/.test(f));
    expect(worker, 'dist/assets has no worker bundle').toBeTruthy();
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(preview.url);
    const replies = await page.evaluate(async (src) => {
      const w = new Worker(src, { type: 'module' });
      const got: unknown[] = [];
      w.onmessage = (e) => got.push(e.data);
      w.postMessage('hello');
      w.postMessage({ kind: 'request', id: 7, method: 'explode' });
      w.postMessage({ kind: 'request', id: 8, method: 'train' }); // valid, but before configure
      w.postMessage({ kind: 'request', id: 9, method: 'init', dataUrl: new URL('data/mnist/', location.href).href });
      const until = Date.now() + 20_000;
      while (Date.now() < until && !got.some((m) => (m as { id?: number }).id === 9)) await new Promise((r) => setTimeout(r, 50));
      w.terminate();
      return got;
    }, `assets/${worker}`);
    const responses = replies.filter((m) => (m as { kind: string }).kind === 'response') as { id: number; ok: boolean; error?: string }[];
    const events = replies.filter((m) => (m as { kind: string }).kind === 'event') as { type: string; cause?: string; message?: string }[];
    // 'hello' has no id: only an error event. 'explode' gets an error response too.
    expect(events.filter((e) => e.type === 'error' && e.cause === 'protocol').map((e) => e.message)).toEqual([
      expect.stringMatching(/request must be an object/),
      expect.stringMatching(/'method' must be one of/),
    ]);
    expect(responses.find((r) => r.id === 7)).toMatchObject({ ok: false, error: expect.stringMatching(/'method' must be one of/) });
    expect(responses.find((r) => r.id === 8)).toMatchObject({ ok: false, error: 'train before configure' });
    expect(responses.find((r) => r.id === 9)).toMatchObject({ ok: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
