// embed.html's entry: the app's panels without page chrome, the app itself, the
// postMessage API for the host page, and height reports for the iframe.
import './embed.css';
import { App } from '../ui/app';
import { HostApi } from './hostApi';
import { mountLayout } from './mountLayout';
import { watchHeight } from './resize';

mountLayout();
const app = new App();
const host = new HostApi(app.handle());
watchHeight((height) => host.post({ type: 'firstnet:resize', height }));
