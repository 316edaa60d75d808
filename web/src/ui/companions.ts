// What the page gets besides its core views, for phones, offline use and accessibility:
// the data saver, the About panel (memory, offline), a text summary of the chart, training
// that pauses while hidden, collapsible settings on narrow screens, and the service worker.
// Attached once by App (app.ts) through its handle; each part finds its place in the DOM
// and does nothing if that place is missing.
import './companions.css';
import { AboutPanel, DataSaver } from './about';
import type { AppHandle } from './appHandle';
import { ChartSummary } from './chartSummary';
import { Offline } from './offline';
import { PauseWhenHidden } from './visibility';

/** The service worker registers at the first training progress, or this long after the page starts. */
const OFFLINE_AFTER_MS = 5000;

/** True on embed.html (its <html> has class "embed"): the widget may be scrolled out of view. */
export function isEmbedded(): boolean {
  return document.documentElement.classList.contains('embed');
}

export function attachCompanions(app: AppHandle): void {
  const dataUrl = new URL('data/mnist/', document.baseURI).href;

  // After the Train/Pause/Reset row (a preset's own buttons, e.g. the chapter's fix, come before it).
  const buttons = document.getElementById('train')?.closest('.buttons');
  if (buttons) buttons.after(new DataSaver(app, dataUrl).root);

  const about = new AboutPanel(app);
  (document.querySelector('.column.results') ?? document.querySelector('main'))?.append(about.root);

  const chart = document.getElementById('loss-chart');
  if (chart) new ChartSummary(chart, app.client);

  new PauseWhenHidden(app, { viewport: isEmbedded() });
  collapseOnPhones(document.querySelector<HTMLElement>('section.settings'));

  const offline = new Offline(dataUrl, (s) => about.setOffline(s));
  app.client.on('dataReady', (e) => void offline.keepData(e.trainRows));
  // The service worker after the cold start: once training has run a slice, or 5 s in.
  const off = app.client.on('progress', () => {
    off();
    offline.start();
  });
  setTimeout(() => offline.start(), OFFLINE_AFTER_MS);
}

/**
 * On a narrow screen the settings panel starts folded: its heading becomes a button that
 * shows and hides the rest (aria-expanded), so Train and the results come first.
 */
function collapseOnPhones(panel: HTMLElement | null): void {
  const heading = panel?.querySelector('h2');
  if (!panel || !heading) return;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'collapse-toggle';
  button.textContent = heading.textContent;
  const body = [...panel.children].filter((c) => c !== heading) as HTMLElement[];
  const id = `${panel.id || 'settings'}-body`;
  const wrap = document.createElement('div');
  wrap.id = id;
  wrap.append(...body);
  panel.append(wrap);
  button.setAttribute('aria-controls', id);
  heading.replaceChildren(button);
  const set = (open: boolean) => {
    button.setAttribute('aria-expanded', String(open));
    wrap.hidden = !open;
  };
  button.addEventListener('click', () => set(wrap.hidden));
  const narrow = matchMedia('(max-width: 599px)');
  set(!narrow.matches);
  narrow.addEventListener('change', () => set(!narrow.matches));
}
