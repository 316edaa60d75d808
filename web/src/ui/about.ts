// Two small panels for readers on phones: the data saver (train on the first 10,000 images:
// one chunk to download, not six; the full set on request, the rest fetched then — chunks
// already loaded come from the cache) and "About", which shows the WebAssembly memory in use
// (all 70,000 images must fit a phone: ≤ 64 MB), the engine, and whether firstnet works
// offline here. Text only through textContent.
import { lockedKeys } from '../config/settings';
import { dataBaseUrl, fetchManifest } from '../data/chunks';
import type { AppHandle } from './appHandle';
import type { OfflineStatus } from './offline';
import { el } from './dom';

export const SAVER_ROWS = 10_000;
const ALL_ROWS = 60_000;
const PHONE_BUDGET = 64 * 1024 * 1024;

/** Downloads in decimal megabytes, memory in binary ones (64 MB = 64 × 2^20 bytes), as each is usually quoted. */
const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
const fmtInt = new Intl.NumberFormat('en-US');

/** Radio choice between the data saver (first 10,000 training images) and the full set. */
export class DataSaver {
  readonly root = el('fieldset', 'data-saver');
  private readonly saver: HTMLInputElement;
  private readonly full: HTMLInputElement;
  private readonly saverSize = el('span', 'size');
  private readonly fullSize = el('span', 'size');

  constructor(
    private readonly app: AppHandle,
    dataUrl: string,
  ) {
    this.root.append(el('legend', undefined, 'Training data'));
    const option = (value: string, label: string, size: HTMLElement): HTMLInputElement => {
      const wrap = el('label', 'choice');
      const input = el('input');
      input.type = 'radio';
      input.name = 'data-saver';
      input.value = value;
      input.addEventListener('change', () => this.choose(value === 'saver' ? SAVER_ROWS : ALL_ROWS));
      wrap.append(input, el('span', undefined, label), size);
      this.root.append(wrap);
      return input;
    };
    this.saver = option('saver', 'Data saver: first 10,000 images', this.saverSize);
    this.full = option('full', 'All 60,000 images', this.fullSize);
    const hint = el('p', 'hint', 'Changing this starts a new run. The data saver downloads one training chunk instead of six.');
    const conn = (navigator as Navigator & { connection?: { saveData?: boolean } }).connection;
    if (conn?.saveData) hint.textContent += ' Your browser asks to save data: the data saver is a good choice.';
    this.root.append(hint);
    void this.showSizes(dataUrl);
    this.show();
    app.client.on('state', () => this.show());
  }

  /** Reflects the current configuration (and whether the author fixed it). */
  show(): void {
    const c = this.app.config();
    this.saver.checked = c.train <= SAVER_ROWS;
    this.full.checked = c.train === ALL_ROWS;
    const fixed = lockedKeys(c).has('train');
    const busy = this.app.state() === 'training' || this.app.state() === 'waiting';
    this.root.disabled = fixed || busy;
  }

  private async showSizes(dataUrl: string): Promise<void> {
    try {
      const m = await fetchManifest(dataBaseUrl(dataUrl));
      const test = m.test.chunks.reduce((s, c) => s + c.bytes, 0);
      const first = m.train.chunks[0]?.bytes ?? 0;
      const all = m.train.chunks.reduce((s, c) => s + c.bytes, 0);
      this.saverSize.textContent = `${mb(test + first)} to download`;
      this.fullSize.textContent = `${mb(test + all)} to download`;
    } catch {
      // The sizes are a courtesy; the data loader reports real failures.
    }
  }

  private choose(train: number): void {
    const c = this.app.config();
    if (c.train === train) return;
    void this.app.applyConfig({ ...c, train });
  }
}

/** The "About" panel: memory, engine, offline. */
export class AboutPanel {
  readonly root = el('details', 'panel about');
  private readonly heap = el('dd', 'heap');
  private readonly data = el('dd');
  private readonly engine = el('dd', undefined, '—');
  private readonly offline = el('dd', 'offline', '—');

  constructor(app: AppHandle) {
    const summary = el('summary', undefined, 'About this page');
    const intro = el(
      'p',
      undefined,
      'firstnet trains the chapter’s network in your browser, in a background worker: the digits and your drawings never leave this device.',
    );
    const facts = el('dl', 'facts');
    const add = (label: string, dd: HTMLElement) => {
      const row = el('div');
      row.append(el('dt', undefined, label), dd);
      facts.append(row);
    };
    add('Memory (WebAssembly)', this.heap);
    add('Images in memory', this.data);
    add('Engine', this.engine);
    add('Offline', this.offline);
    this.root.append(summary, intro, facts);
    this.heap.textContent = '—';
    this.data.textContent = '—';

    app.client.on('memory', (e) => {
      this.heap.textContent = `${mib(e.heapBytes)} (a phone’s budget: ${mib(PHONE_BUDGET)})`;
      this.heap.dataset.bytes = String(e.heapBytes);
    });
    app.client.on('dataReady', (e) => {
      this.data.textContent = `${fmtInt.format(e.trainRows)} training + ${fmtInt.format(e.testRows)} test images, 1 byte a pixel`;
    });
    app.client.on('ready', (e) => {
      this.engine.textContent = `firstnet core ${e.version} (WebAssembly, ${e.threads === 1 ? 'one thread' : `${e.threads} threads`})`;
      this.engine.dataset.threads = String(e.threads);
    });
  }

  setOffline(s: OfflineStatus): void {
    const text: Record<OfflineStatus['kind'], string> = {
      unsupported: `not available: ${'reason' in s ? s.reason : ''}`,
      installing: 'getting ready…',
      ready: `ready: the app and ${'trainRows' in s ? fmtInt.format(s.trainRows) : ''} training images work without a network`,
      failed: `not available: ${'reason' in s ? s.reason : ''}`,
    };
    this.offline.textContent = text[s.kind];
    this.offline.dataset.state = s.kind;
  }
}
