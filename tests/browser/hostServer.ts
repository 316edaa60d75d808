// A textbook author's page on another origin, for the embed tests: a tiny node http server
// (in this process, stopped by the test) that serves host pages embedding the widget from
// the preview server. `http://localhost:PORT` vs the widget's `http://127.0.0.1:PORT`: a
// different origin and a different site.
import { readFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

export interface HostServer {
  /** The host page origin, e.g. http://localhost:41234 */
  origin: string;
  /** Registers a page: GET /<name> returns `html`. */
  page(name: string, html: string): string;
  /** Serves the files of `dir` under /<prefix>/ (e.g. dist/ as /book/widgets/firstnet/); returns that URL. */
  mount(prefix: string, dir: string): string;
  stop(): Promise<void>;
}

/** Content types by extension, for the test servers that serve dist/. */
export const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.webmanifest': 'application/manifest+json',
};

/** `host` names the origin: localhost (host pages) or 127.0.0.1 (a second site serving dist/). */
export async function startHostServer(host: 'localhost' | '127.0.0.1' = 'localhost'): Promise<HostServer> {
  const pages = new Map<string, string>();
  const mounts = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    for (const [prefix, dir] of mounts) {
      if (!path.startsWith(prefix)) continue;
      const file = normalize(join(dir, decodeURIComponent(path.slice(prefix.length)) || 'index.html'));
      if (!file.startsWith(dir)) break;
      readFile(file).then(
        (body) => res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
        () => res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found'),
      );
      return;
    }
    const html = pages.get(path);
    if (!html) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${host}:${port}`;
  return {
    origin,
    page(name, html) {
      pages.set(`/${name}`, html);
      return `${origin}/${name}`;
    },
    mount(prefix, dir) {
      mounts.set(`/${prefix}/`, normalize(`${dir}/`));
      return `${origin}/${prefix}/`;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A host page with one iframe of `src`, recording every message from it in
 * window.received (in order) and sizing the iframe on firstnet:resize — the README's host
 * example, nearly verbatim. window.send(message) posts to the widget.
 */
export function iframeHost(src: string, options: { spacerAfter?: number; sibling?: boolean } = {}): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host</title><link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="margin:0">
<h1>A chapter</h1>
<iframe id="widget" title="firstnet" style="width:100%;border:0;height:300px" src="${src.replace(/"/g, '&quot;')}"></iframe>
${options.spacerAfter ? `<div id="spacer" style="height:${options.spacerAfter}px"></div><p id="end">end</p>` : ''}
${options.sibling ? '<iframe id="sibling" title="sibling" srcdoc="<p>sibling</p>"></iframe>' : ''}
<script>
  const frame = document.getElementById('widget');
  const widgetOrigin = new URL(frame.src).origin;
  window.received = [];
  window.addEventListener('message', (e) => {
    if (e.source !== frame.contentWindow || e.origin !== widgetOrigin) return;
    const m = e.data;
    if (!m || typeof m.type !== 'string' || !m.type.startsWith('firstnet:')) return;
    window.received.push(m);
    if (m.type === 'firstnet:resize') frame.style.height = Math.ceil(m.height) + 'px';
  });
  window.send = (message) => frame.contentWindow.postMessage(message, widgetOrigin);
</script>
</body></html>`;
}
