// Reports the widget's height whenever it changes, so the host can size its iframe with no
// inner scroll bar. The root element's box is the content's height (not the viewport's).
export function watchHeight(report: (height: number) => void): void {
  let last = -1;
  const measure = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      report(height);
    }
  };
  new ResizeObserver(measure).observe(document.documentElement);
  measure();
}
