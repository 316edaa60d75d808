// <firstnet-widget preset="sigmoid" hide="draw"></firstnet-widget>: the embed page in an
// iframe, for authors who prefer an element to an iframe snippet. Built on its own as a
// classic script (dist/firstnet-widget.js, no imports, works cross-origin without CORS) that
// finds embed.html next to itself. The iframe keeps the widget's CSS and worker apart from
// the host page; every widget on a page fetches the same data URLs, so the HTTP cache and
// the service worker serve one download to all of them.
//
// Attributes: every URL-state key (preset, layers, …, hide, lock); `src` overrides the
// embed page's URL (http: or https: only, resolved against the page; anything else is
// refused with a visible message); `title` names the iframe for screen readers. Other
// attributes (besides HTML's global ones) are ignored with a console warning naming them.
// Events: the widget's messages as DOM events of the same name ('firstnet:progress', …)
// with the message as `detail`. Methods: train(), pause(), step(), reset(),
// configure(config), export() — each posts the firstnet:command of that name with an id
// and returns a Promise: resolved by the widget's reply with that id (firstnet:ack, or
// firstnet:model's detail for export), rejected with an Error by a firstnet:error with it.
import { WIDGET_KEYS, embedUrl, show, widgetHash } from './widgetUrl';

const SCRIPT_SRC = (document.currentScript as HTMLScriptElement | null)?.src ?? document.baseURI;
const DEFAULT_HEIGHT = 520;

type Config = Record<string, unknown> | string;
type Reply = Record<string, unknown>;

/** HTML's global attributes (and aria-*, data-*): allowed on the element without a warning. */
const GLOBAL_ATTRIBUTES = new Set(['id', 'class', 'style', 'hidden', 'lang', 'dir', 'tabindex', 'slot', 'part', 'exportparts', 'role', 'title', 'translate', 'inert', 'is', 'nonce', 'autofocus', 'accesskey', 'draggable', 'spellcheck', 'contenteditable', 'enterkeyhint', 'inputmode', 'popover', 'autocapitalize']);
const KNOWN_ATTRIBUTES = new Set<string>([...WIDGET_KEYS, 'src']);

class FirstnetWidget extends HTMLElement {
  static observedAttributes = [...WIDGET_KEYS, 'src', 'title'];
  private frame: HTMLIFrameElement | null = null;
  private embedOrigin = '';
  private ready = false;
  /** Commands given before the widget said firstnet:ready (a message to a loading frame is lost). */
  private queue: Record<string, unknown>[] = [];
  /** Commands waiting for their reply, by id. */
  private readonly pending = new Map<string, { resolve(v: Reply): void; reject(e: Error): void }>();
  private nextId = 1;
  /** The visible refusal of a bad src (text only). */
  private notice: HTMLParagraphElement | null = null;
  private warned = new Set<string>();
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
      this.notice = document.createElement('p');
      this.notice.setAttribute('role', 'alert');
      this.notice.hidden = true;
      root.append(this.frame, this.notice);
    }
    window.addEventListener('message', this.onMessage);
    this.warnUnknown();
    this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener('message', this.onMessage);
  }

  attributeChangedCallback(): void {
    if (this.frame && this.isConnected) this.load();
  }

  train(): Promise<Reply> {
    return this.command('train');
  }
  pause(): Promise<Reply> {
    return this.command('pause');
  }
  step(): Promise<Reply> {
    return this.command('step');
  }
  reset(): Promise<Reply> {
    return this.command('reset');
  }
  configure(config: Config): Promise<Reply> {
    return this.command('configure', config);
  }
  /** Resolves with the firstnet:model message ({bytes, name, testAccuracy, id}); it is also dispatched as an event. */
  export(): Promise<Reply> {
    return this.command('export');
  }

  /**
   * Posts {type: 'firstnet:command', command, config?, id} to the widget (queued until it is
   * ready); resolves with the reply carrying that id, rejects on a firstnet:error with it.
   */
  command(command: string, config?: Config): Promise<Reply> {
    const id = `fw-${this.nextId++}`;
    const message = { type: 'firstnet:command', command, id, ...(config === undefined ? {} : { config }) };
    const reply = new Promise<Reply>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    if (this.ready && this.frame?.contentWindow) this.frame.contentWindow.postMessage(message, this.embedOrigin);
    else this.queue.push(message);
    return reply;
  }

  /** Attributes the element does not know: ignored, with one console warning naming them. */
  private warnUnknown(): void {
    const unknown = this.getAttributeNames().filter(
      (n) => !KNOWN_ATTRIBUTES.has(n) && !GLOBAL_ATTRIBUTES.has(n) && !n.startsWith('aria-') && !n.startsWith('data-') && !this.warned.has(n),
    );
    if (!unknown.length) return;
    for (const n of unknown) this.warned.add(n);
    console.warn(`<firstnet-widget>: unknown attribute${unknown.length > 1 ? 's' : ''} ${unknown.map(show).join(', ')} ignored (known: ${[...KNOWN_ATTRIBUTES, 'title'].join(', ')})`);
  }

  private load(): void {
    const frame = this.frame!;
    const notice = this.notice!;
    const resolved = embedUrl(this.getAttribute('src'), SCRIPT_SRC);
    if ('error' in resolved) {
      // Never navigate the iframe to it (javascript: would run with this page's origin).
      console.error(resolved.error);
      notice.textContent = resolved.error;
      notice.hidden = false;
      frame.hidden = true;
      frame.removeAttribute('src');
      this.embedOrigin = '';
      this.ready = false;
      return;
    }
    notice.hidden = true;
    notice.textContent = '';
    frame.hidden = false;
    const url = resolved.url;
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
    const id = (data as { id?: unknown }).id;
    const waiting = typeof id === 'string' ? this.pending.get(id) : undefined;
    if (waiting && (data.type === 'firstnet:ack' || data.type === 'firstnet:model' || data.type === 'firstnet:error')) {
      this.pending.delete(id as string);
      if (data.type === 'firstnet:error') waiting.reject(new Error(String((data as { message?: unknown }).message)));
      else waiting.resolve(data as Reply);
    }
    this.dispatchEvent(new CustomEvent(data.type, { detail: data }));
  }
}

if (!customElements.get('firstnet-widget')) customElements.define('firstnet-widget', FirstnetWidget);
