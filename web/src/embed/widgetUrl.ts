// The <firstnet-widget> element's attributes → embed.html's URL state. Kept free of the
// settings table (the element's script stays tiny); a unit test checks the key lists agree.
// Values are passed through encodeURIComponent: the widget validates them itself.

/** Settings an author may write as attributes (every URL key but origin, which the element sets). */
export const WIDGET_KEYS = ['preset', 'layers', 'activation', 'init', 'optimizer', 'lr', 'momentum', 'batch', 'epochs', 'seed', 'train', 'hide', 'lock'] as const;

/**
 * `embed.html#…` for the given attribute values: the attributes in table order, then the
 * host page's origin (the widget then takes commands from this page only).
 */
export function widgetHash(attrs: (name: string) => string | null, hostOrigin: string): string {
  const parts: string[] = [];
  for (const key of WIDGET_KEYS) {
    const v = attrs(key);
    if (v !== null) parts.push(`${key}=${encodeURIComponent(v)}`);
  }
  // A file:// page has origin "null", which no message can be checked against.
  if (/^https?:\/\//.test(hostOrigin)) parts.push(`origin=${encodeURIComponent(hostOrigin)}`);
  return parts.join('&');
}

/** The embed page's URL: `src` resolved against the page, http(s) only; else an error naming the attribute. */
export function embedUrl(src: string | null, base: string): { url: URL } | { error: string } {
  let url: URL;
  try {
    url = new URL(src ?? 'embed.html', base);
  } catch {
    return { error: `<firstnet-widget>: the src attribute is not a valid URL: ${show(src ?? '')}` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { error: `<firstnet-widget>: the src attribute must be an http: or https: URL (got a ${show(url.protocol)} URL): the widget is not loaded` };
  }
  return { url };
}

/** Untrusted text for a one-line message: cut short, control characters replaced. */
export function show(raw: string): string {
  const s = raw.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  return `'${s.length > 40 ? `${s.slice(0, 40)}…` : s}'`;
}
