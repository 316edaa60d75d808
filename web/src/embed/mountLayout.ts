// Embed mode's page body: the same panels as index.html (its <main>), without the page's
// header — so the widget always has exactly the app's controls, whatever index.html gains.
// The markup is this project's own index.html, bundled at build time; nothing from the URL
// goes into it.
import pageHtml from '../../index.html?raw';

/** Puts index.html's <main> at the top of this page's body (before App looks its elements up). */
export function mountLayout(): void {
  const page = new DOMParser().parseFromString(pageHtml, 'text/html');
  const main = page.querySelector('main');
  if (!main) throw new Error('index.html has no <main> to embed');
  // The page's (visually hidden) heading goes inside: all content within landmarks.
  const heading = document.querySelector('body > h1');
  if (heading) main.prepend(heading);
  document.body.prepend(document.adoptNode(main));
}
