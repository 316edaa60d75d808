// <firstnet-widget preset="sigmoid" hide="draw"></firstnet-widget>: the embed page in an
// iframe, for authors who prefer an element to an iframe snippet. Built on its own as a
// classic script (dist/firstnet-widget.js, no imports, works cross-origin without CORS) that
// finds embed.html next to itself. The iframe keeps the widget's CSS and worker apart from
// the host page; every widget on a page fetches the same data URLs, so the HTTP cache and
// the service worker serve one download to all of them.
//
// Attributes: every URL-state key (preset, layers, …, hide, lock); `src` overrides the
// embed page's URL; `title` names the iframe for screen readers.
// Events: the widget's messages as DOM events of the same name ('firstnet:progress', …)
// with the message as `detail`. Methods: train(), pause(), step(), reset(),
// configure(config), export() — each posts the firstnet:command of that name.
import { WIDGET_KEYS, widgetHash } from './widgetUrl';

const SCRIPT_SRC = (document.currentScript as HTMLScriptElement | null)?.src ?? document.baseURI;
const DEFAULT_HEIGHT = 520;

type Config = Record<string, unknown> | string;

class FirstnetWidget extends HTMLElement {
  static observedAttributes = [...WIDGET_KEYS, 'src', 'title'];
  private frame: HTMLIFrameElement | null = null;
  private embedOrigin = '';
  private ready = false;
  /** Commands given before the widget said firstnet:ready (a message to a loading frame is lost). */
  private queue: Record<string, unknown>[] = [];
  private readonly onMessage = (e: MessageEvent) => this.receive(e);

  connectedCallback(): void {
    if (!this.frame) {
      const root = this.attachShadow({ mode: 'open' });
      // Styles through the CSSOM, not a <style> element: a host page whose
      // Content-Security-Policy has no 'unsafe-inline' for styles allows these.
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(':host{display:block}');
      root.adoptedStyleSheets = [sheet];
      this.frame = document.createElement('iframe');
      this.frame.loading = 'lazy';
      this.frame.style.cssText = `display:block;width:100%;height:${DEFAULT_HEIGHT}px;border:0`;
      root.append(this.frame);
    }
    window.addEventListener('message', this.onMessage);
    this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener('message', this.onMessage);
  }

  attributeChangedCallback(): void {
    if (this.frame && this.isConnected) this.load();
  }

  train(): void {
    this.command('train');
  }
  pause(): void {
    this.command('pause');
  }
  step(): void {
    this.command('step');
  }
  reset(): void {
    this.command('reset');
  }
  configure(config: Config): void {
    this.command('configure', config);
  }
  /** The model arrives as a 'firstnet:model' event ({bytes, name, testAccuracy}). */
  export(): void {
    this.command('export');
  }

  /** Posts {type: 'firstnet:command', command, config?} to the widget (queued until it is ready). */
  command(command: string, config?: Config): void {
    const message = { type: 'firstnet:command', command, ...(config === undefined ? {} : { config }) };
    if (this.ready && this.frame?.contentWindow) this.frame.contentWindow.postMessage(message, this.embedOrigin);
    else this.queue.push(message);
  }

  private load(): void {
    const frame = this.frame!;
    const url = new URL(this.getAttribute('src') ?? 'embed.html', SCRIPT_SRC);
    url.hash = widgetHash((name) => this.getAttribute(name), location.origin);
    this.embedOrigin = url.origin;
    frame.title = this.getAttribute('title') ?? 'firstnet: train a neural network on handwritten digits';
    if (frame.src === url.href) return;
    // A new hash alone is a same-document navigation: the widget applies it and stays ready.
    if (frame.src.split('#')[0] !== url.href.split('#')[0]) this.ready = false;
    frame.src = url.href;
  }

  private receive(e: MessageEvent): void {
    if (!this.frame || e.source !== this.frame.contentWindow || e.origin !== this.embedOrigin) return;
    const data = e.data as { type?: unknown; height?: unknown } | null;
    if (!data || typeof data.type !== 'string' || !data.type.startsWith('firstnet:')) return;
    if (data.type === 'firstnet:resize' && typeof data.height === 'number' && data.height > 0) {
      this.frame.style.height = `${Math.min(Math.ceil(data.height), 20000)}px`;
    }
    if (data.type === 'firstnet:ready') {
      this.ready = true;
      for (const m of this.queue.splice(0)) this.frame.contentWindow?.postMessage(m, this.embedOrigin);
    }
    this.dispatchEvent(new CustomEvent(data.type, { detail: data }));
  }
}

if (!customElements.get('firstnet-widget')) customElements.define('firstnet-widget', FirstnetWidget);
