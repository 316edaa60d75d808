// The setup every browser test file shares: the built app served by `vite preview` and
// Debian's Chromium, started before the file's tests and stopped after them (vitest hooks).
// Read the fields inside tests (they are set once beforeAll has run).
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { type Preview, ROOT, launchChromium, startPreview } from './server';

export interface App {
  preview: Preview;
  browser: Browser;
}

export function useApp(): Readonly<App> {
  const app = {} as App;
  beforeAll(async () => {
    mkdirSync(`${ROOT}screenshots/`, { recursive: true });
    [app.preview, app.browser] = await Promise.all([startPreview(), launchChromium()]);
  });
  afterAll(async () => {
    await app.browser?.close();
    await app.preview?.stop();
  });
  return app;
}
