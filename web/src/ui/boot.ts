// index.html's start (main.ts): the training worker first, the app's panels after.
//
// Building the panels is one long main-thread task (~150–300 ms on a 2-core machine), and a
// new worker only gets going (its script fetched, its module run) when its page's thread is
// free. Started inside that task, the worker — and behind it the wasm compile and the data
// download, the cold start's critical path — waited for the panels (`npm run bench:browser`
// shows the timeline). So the worker is started and told the data URL and the first
// configuration's training-set size (its download then starts at once, worker/datasets.ts
// begin()); the panels are built when it has answered, or after MAX_WAIT_MS if it has not.
// Its events are held until the App listens. embed.html builds its App at once instead:
// its host page's messages must find the API listening (embed/embedMain.ts).
import { parseHash } from '../config/settings';
import { type TrainingClient, startTrainingWorker } from '../worker/client';
import { App } from './app';
import { debugEnabled } from './recovery';

const MAX_WAIT_MS = 1000;

export async function bootApp(): Promise<App> {
  const client: TrainingClient = startTrainingWorker({ debug: debugEnabled() });
  client.holdEvents();
  const init = client.request({
    method: 'init',
    dataUrl: new URL('data/mnist/', document.baseURI).href,
    trainCount: parseHash(location.hash).config.train,
  });
  // A refusal or a dead worker is the App's to report: it sends init again and listens.
  await Promise.race([init.catch(() => {}), new Promise((r) => setTimeout(r, MAX_WAIT_MS))]);
  const app = new App(client);
  client.releaseEvents();
  return app;
}
