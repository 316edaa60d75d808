// The page's one way to make elements: a tag, a class and text set with textContent —
// never HTML, so no string from a URL, a file or a message can become markup.

/** Creates an element with a class and optional text (textContent, never HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}
