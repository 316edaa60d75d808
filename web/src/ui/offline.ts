// Offline use: registers the service worker (web/src/sw.ts, built by vite-plugin-pwa) and
// asks it to keep the MNIST chunks this page has loaded. On a first visit the data is
// fetched before the service worker exists, so once it is active the page names the chunks
// in use (Workbox's CACHE_URLS message; they come from the HTTP cache) and a second visit
// works with the network off.
import { chunkUrl, chunksFor, dataBaseUrl, fetchManifest } from '../data/chunks';

export type OfflineStatus =
  | { kind: 'unsupported'; reason: string }
  | { kind: 'installing' }
  | { kind: 'ready'; trainRows: number }
  | { kind: 'failed'; reason: string };

export class Offline {
  private readonly registration: Promise<ServiceWorkerRegistration | null>;
  private begin: () => void = () => {};
  private cachedRows = 0;

  /**
   * Registers once start() is called: not during the first visit's cold start, where the
   * service worker's install (precaching every asset of the build) would compete with the
   * page, the wasm compile and the data for a phone's few cores.
   */
  constructor(
    private readonly dataUrl: string,
    private readonly onStatus: (s: OfflineStatus) => void,
  ) {
    this.registration = new Promise<void>((resolve) => (this.begin = resolve)).then(() => this.register());
  }

  start(): void {
    this.begin();
  }

  private async register(): Promise<ServiceWorkerRegistration | null> {
    if (!import.meta.env.PROD) {
      this.onStatus({ kind: 'unsupported', reason: 'the development server has no service worker' });
      return null;
    }
    if (!('serviceWorker' in navigator) || !window.isSecureContext) {
      this.onStatus({ kind: 'unsupported', reason: 'this browser or page (not https) has no service workers' });
      return null;
    }
    this.onStatus({ kind: 'installing' });
    try {
      // Relative to the page: dist/ works from any sub-path, and the scope is that folder.
      await navigator.serviceWorker.register(new URL('sw.js', document.baseURI), { scope: './' });
      return await navigator.serviceWorker.ready;
    } catch (e) {
      this.onStatus({ kind: 'failed', reason: e instanceof Error ? e.message : String(e) });
      return null;
    }
  }

  /** The first `trainRows` training images (and the test set) are in: keep their chunks for offline use. */
  async keepData(trainRows: number): Promise<void> {
    if (trainRows <= this.cachedRows) return;
    const reg = await this.registration;
    const sw = reg?.active;
    if (!sw) return;
    try {
      const base = dataBaseUrl(this.dataUrl);
      const manifest = await fetchManifest(base);
      // manifest.json is precached with the app (it must match the build's chunk hashes).
      const urls = chunksFor(manifest, trainRows).map((c) => chunkUrl(base, c).href);
      await new Promise<void>((resolve, reject) => {
        const channel = new MessageChannel();
        const timer = setTimeout(() => reject(new Error('the service worker did not answer')), 60_000);
        channel.port1.onmessage = () => {
          clearTimeout(timer);
          resolve();
        };
        sw.postMessage({ type: 'CACHE_URLS', payload: { urlsToCache: urls } }, [channel.port2]);
      });
      this.cachedRows = trainRows;
      this.onStatus({ kind: 'ready', trainRows });
    } catch (e) {
      this.onStatus({ kind: 'failed', reason: e instanceof Error ? e.message : String(e) });
    }
  }
}
