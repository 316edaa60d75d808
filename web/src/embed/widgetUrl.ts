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
