// index.html's entry: the app on its own page. (embed.html builds the same App in
// web/src/embed/embedMain.ts; app.ts itself only defines it, so either page decides when.)
import { App } from './app';

new App();
