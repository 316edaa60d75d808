/// <reference lib="webworker" />
// The service worker (built by vite-plugin-pwa's injectManifest into dist/sw.js): firstnet
// works offline after one visit.
//
// - Precache: the app shell — every page, JS, CSS, the wasm and the data manifest — listed
//   by the build with a revision each (self.__WB_MANIFEST). A new build installs a complete
//   new set beside the old one; the new worker waits until no page runs the old version
//   (no skipWaiting), so a page never mixes old JS with new wasm; then the old set goes
//   (cleanupOutdatedCaches).
// - Runtime: MNIST chunks, cache-first, as they are fetched (their URLs carry their content
//   hash, so a cached chunk is never stale). Chunks fetched before this worker existed are
//   added by the page with Workbox's CACHE_URLS message (web/src/ui/offline.ts).
import { clientsClaim } from 'workbox-core';
import { ExpirationPlugin } from 'workbox-expiration';
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import { DATA_CACHE } from './data/cache';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);

registerRoute(
  ({ url, sameOrigin }) => sameOrigin && /\/data\/[^/]+\/[^/]+\.bin$/.test(url.pathname),
  new CacheFirst({
    cacheName: DATA_CACHE, // the chunk loader shares it between the widgets of a page (data/chunks.ts)
    // Seven chunks make MNIST; room for a rebuilt set beside it, then the oldest go.
    plugins: [new ExpirationPlugin({ maxEntries: 16 })],
  }),
);

// Take charge of open pages that have no service worker yet — on a first visit, the page
// that installed us, which runs this very version — so what they fetch from now on is
// cached. A page run by an older version is never taken over: without skipWaiting this
// worker activates only when none is left.
clientsClaim();
