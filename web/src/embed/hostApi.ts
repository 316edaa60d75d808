// The embed API's window side (contract §4): takes firstnet:command messages from the parent
// window only (and only from origin= when the embed URL sets it), validates them
// (messages.ts), drives the app through its handle, and posts the widget's news to the
// parent. A bad command gets a firstnet:error naming the problem; nothing is thrown.
// Commands run one at a time, in the order received; one with an id is answered by
// firstnet:ack (or firstnet:model / firstnet:error with that id). An origin= that was given
// but cannot be read closes the widget: no command taken, nothing posted (never '*').
import { configToHash, parseHash } from '../config/settings';
import type { AppHandle } from '../ui/appHandle';
import { validateExportedModel } from '../worker/protocol';
import { type Command, type CommandId, type OutMessage, configFromCommand, hostPolicy, originAllowed, parseCommand, targetOrigin } from './messages';
import { USER_PAUSE_EVENT } from '../ui/visibility';

/** Progress messages are posted at most this often (plus one after each evaluation). */
const PROGRESS_EVERY_MS = 250;

export class HostApi {
  /** The origin= of the embed URL as the page was loaded (a later hash change cannot widen it). */
  private readonly allowed: { origin: string };
  private readonly parent: Window | null;
  private last = { epoch: 0, step: 0, samplesSeen: 0, loss: null as number | null };
  private lastPosted = 0;
  private progressTimer = 0;
  private evaluation: { testAccuracy: number; testLoss: number } | null = null;
  /** Commands run one after another, in the order received (a configure then a train must not race). */
  private queue: Promise<void> = Promise.resolve();
  /** Why this widget talks to no one (origin= given but unreadable), or null. */
  readonly closed: string | null;

  constructor(private readonly app: AppHandle) {
    // The hash as the page was loaded, read here too: App keeps only the valid settings.
    const policy = hostPolicy(parseHash(location.hash));
    this.closed = policy.closed ?? null;
    this.allowed = { origin: policy.closed === undefined ? policy.origin : '' };
    this.parent = window.parent !== window ? window.parent : null;
    if (this.closed !== null) {
      // Fail closed: no listener, no messages (not even to '*'); the reader and the author see why.
      showClosed(this.closed);
      return;
    }
    if (!this.parent) return; // opened on its own: no host to talk to
    window.addEventListener('message', (e) => this.receive(e));
    this.listen();
  }

  /** Posts to the parent (only to origin= when set; never when closed). */
  post(message: OutMessage, transfer: Transferable[] = []): void {
    if (this.closed !== null) return;
    this.parent?.postMessage(message, { targetOrigin: targetOrigin(this.allowed), transfer });
  }

  private listen(): void {
    const c = this.app.client;
    c.on('ready', (e) => {
      this.post({ type: 'firstnet:ready', version: e.version, config: configToHash(this.app.config()) });
    });
    c.on('state', (e) => {
      // A new run: forget the last one's numbers.
      if (e.state === 'idle') {
        this.evaluation = null;
        this.last = { epoch: 0, step: 0, samplesSeen: 0, loss: null };
      }
    });
    c.on('progress', (e) => {
      this.last = { epoch: e.epoch, step: e.step, samplesSeen: e.samplesSeen, loss: e.losses.at(-1) ?? this.last.loss };
      this.scheduleProgress();
    });
    c.on('evaluation', (e) => {
      if (e.testAccuracy === null || e.testLoss === null) return; // the untrained grid look
      this.evaluation = { testAccuracy: e.testAccuracy, testLoss: e.testLoss };
      this.postProgress(this.evaluation);
    });
    c.on('done', (e) => {
      this.postProgress();
      this.post({ type: 'firstnet:done', epoch: e.epoch, ...(this.evaluation ?? {}) });
    });
    c.on('error', (e) => this.post({ type: 'firstnet:error', message: e.message }));
  }

  private scheduleProgress(): void {
    if (this.progressTimer) return;
    const wait = Math.max(0, this.lastPosted + PROGRESS_EVERY_MS - performance.now());
    this.progressTimer = window.setTimeout(() => {
      this.progressTimer = 0;
      this.postProgress();
    }, wait);
  }

  private postProgress(measured?: { testAccuracy: number; testLoss: number }): void {
    if (this.progressTimer) {
      clearTimeout(this.progressTimer);
      this.progressTimer = 0;
    }
    this.lastPosted = performance.now();
    this.post({ type: 'firstnet:progress', ...this.last, ...(measured ?? {}) });
  }

  private receive(e: MessageEvent): void {
    if (e.source !== this.parent) return; // only the parent window commands a widget
    const parsed = parseCommand(e.data);
    if (parsed === null) return; // not for firstnet
    if (!originAllowed(this.allowed, e.origin)) {
      // Told to the sender only (it is the parent); the allowed origin is not revealed.
      this.parent?.postMessage(
        { type: 'firstnet:error', message: `commands from ${e.origin} are refused: this widget's embed URL allows another origin (origin=)` },
        { targetOrigin: e.origin === 'null' ? '*' : e.origin },
      );
      return;
    }
    if (!parsed.ok) {
      const id = (e.data as { id?: unknown }).id;
      this.error(`firstnet:command refused: ${parsed.error}`, typeof id === 'string' || typeof id === 'number' ? id : undefined);
      return;
    }
    const cmd = parsed.value;
    this.queue = this.queue.then(
      () => this.run(cmd),
      () => this.run(cmd),
    ).catch((err: unknown) => this.error(`${cmd.command}: ${err instanceof Error ? err.message : String(err)}`, cmd.id));
  }

  private error(message: string, id?: CommandId): void {
    this.post({ type: 'firstnet:error', message, ...(id === undefined ? {} : { id }) });
  }

  private async run(cmd: Command): Promise<void> {
    const app = this.app;
    let ok: boolean;
    switch (cmd.command) {
      case 'train':
        ok = await app.train();
        break;
      case 'pause':
        document.dispatchEvent(new Event(USER_PAUSE_EVENT));
        ok = await app.pause();
        break;
      case 'step':
        ok = await app.step();
        break;
      case 'reset':
        ok = await app.reset();
        break;
      case 'configure': {
        const next = configFromCommand(app.config(), cmd.config ?? {});
        if (!next.ok) return this.error(next.error, cmd.id);
        ok = await app.applyConfig(next.value);
        break;
      }
      case 'export':
        return this.exportModel(cmd.id);
    }
    if (!ok) this.error(`${cmd.command}: ${app.lastError() || 'refused'}`, cmd.id);
    else if (cmd.id !== undefined) this.post({ type: 'firstnet:ack', command: cmd.command, id: cmd.id });
  }

  private async exportModel(id?: CommandId): Promise<void> {
    try {
      const m = validateExportedModel(await this.app.client.request({ method: 'exportModel' }));
      const bytes = m.bytes;
      this.post({ type: 'firstnet:model', bytes, name: m.name, testAccuracy: m.testAccuracy, ...(id === undefined ? {} : { id }) }, [bytes.buffer as ArrayBuffer]);
    } catch (e) {
      this.error(`export: ${e instanceof Error ? e.message : String(e)}`, id);
    }
  }
}

/** A lasting, visible notice at the top of the widget (text only) and one console error. */
function showClosed(message: string): void {
  console.error(`firstnet: ${message}`);
  const p = document.createElement('p');
  p.className = 'message error embed-closed';
  p.setAttribute('role', 'alert');
  p.textContent = message;
  const main = document.querySelector('main');
  if (main) main.prepend(p);
  else document.body.prepend(p);
}
