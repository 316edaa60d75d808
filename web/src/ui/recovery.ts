// What the page offers when a run cannot go on (issue 6), with the one action that fixes it:
//   - the run diverged (the loss or a weight became NaN/∞): the worker stopped it within the
//     slice; here the reader gets the likely fix as a button — a learning rate 10× smaller —
//     which starts a fresh run without reloading (Reset alone restarts with the same settings);
//   - the engine crashed (a wasm trap, out of memory, an error that escaped: worker/fatal.ts):
//     a button starts a new worker; the settings, the chart and the saved runs stay.
// It also shows the notices of config/limits.ts (e.g. a batch larger than the training set)
// beside the architecture line. All text is set with textContent.
import './recovery.css';
import { configNotices } from '../config/limits';
import { SETTINGS, lockedChanges, lockedMessage } from '../config/settings';
import type { TrainConfig } from '../config/types';
import type { TrainingClient } from '../worker/client';
import { smallerLr } from '../worker/lossWatch';

export interface RecoveryHooks {
  client: TrainingClient;
  /** The current configuration (a copy). */
  config(): TrainConfig;
  /** Replaces the crashed worker and configures the current settings again. */
  restart(): Promise<unknown>;
  /** Applies a configuration as the reader's own edit would (form, URL, new run). */
  applyConfig(config: TrainConfig): Promise<unknown>;
}

/** Tests set window.__firstnetDebug = true before the app loads to enable debugCrash.ts faults. */
export function debugEnabled(): boolean {
  return (window as unknown as { __firstnetDebug?: unknown }).__firstnetDebug === true;
}

/** A learning rate 10× smaller, as the settings table writes it (e.g. 10 → 1, 0.5 → 0.05); `lr` itself if none is valid. */
export function smallerLearningRate(lr: number): number {
  const x = smallerLr(lr);
  return 'value' in SETTINGS.lr.parse(String(x)) ? x : lr;
}

/** Mounts the recovery panel after `anchor` (the Train/Pause/Reset buttons). */
export function mountRecovery(anchor: HTMLElement, hooks: RecoveryHooks): void {
  const panel = document.createElement('div');
  panel.className = 'recovery';
  panel.setAttribute('role', 'alert');
  panel.hidden = true;
  const text = document.createElement('p');
  const action = document.createElement('button');
  action.type = 'button';
  action.className = 'primary recovery-action';
  panel.append(text, action);
  anchor.after(panel);

  let onAction: (() => Promise<unknown>) | null = null;
  action.addEventListener('click', async () => {
    if (!onAction) return;
    action.disabled = true;
    try {
      await onAction();
    } finally {
      action.disabled = false;
    }
  });
  const show = (message: string, label: string, run: () => Promise<unknown>) => {
    text.textContent = message;
    action.textContent = label;
    action.hidden = false;
    onAction = run;
    panel.hidden = false;
    panel.dataset.kind = label.startsWith('Restart') ? 'crashed' : 'diverged';
  };
  const hide = () => {
    panel.hidden = true;
    onAction = null;
  };
  /** No button: only the explanation (the fix is not the reader's to make). */
  const explain = (message: string) => {
    text.textContent = message;
    action.textContent = '';
    action.hidden = true;
    onAction = null;
    panel.hidden = false;
    panel.dataset.kind = 'diverged';
  };

  hooks.client.on('error', (e) => {
    if (e.cause === 'crashed') {
      show('The training engine stopped and has to be restarted. Your settings, the chart and your saved runs are kept.', 'Restart the training engine', async () => {
        hide();
        await hooks.restart();
      });
    } else if (e.cause === 'diverged') {
      const config = hooks.config();
      const lr = smallerLearningRate(config.lr);
      if (lr === config.lr) return;
      const locked = lockedChanges(config, ['lr'], { ...config, lr });
      if (locked.length) {
        explain(
          `The numbers blew up: with learning rate ${config.lr} each step overshoots the minimum, and the loss grows instead of falling. ` +
            `A smaller learning rate would fix it, but ${lockedMessage(locked)}. Reset starts again with the same one.`,
        );
        return;
      }
      show(
        `The numbers blew up: with learning rate ${config.lr} each step overshoots the minimum, and the loss grows instead of falling. ` +
          `A smaller learning rate fixes it (Reset alone starts again with the same one).`,
        `Use learning rate ${lr} and start again`,
        async () => {
          hide();
          await hooks.applyConfig({ ...config, lr });
        },
      );
    }
  });
  // A new run (Reset, a new setting, a restarted engine) clears the panel.
  hooks.client.on('state', (e) => {
    if (e.state !== 'failed') hide();
  });

  if (debugEnabled()) {
    Object.defineProperty(window, '__firstnetCrash', { value: (actionName: string) => hooks.client.debug(actionName), configurable: true });
  }
}

/** Shows config/limits.ts notices (valid values the core adjusts) after `anchor`; returns the updater. */
export function mountConfigNotices(anchor: HTMLElement): (config: TrainConfig) => void {
  const box = document.createElement('div');
  box.className = 'messages config-notices';
  box.setAttribute('role', 'status');
  anchor.after(box);
  return (config) => {
    const notes = configNotices(config);
    box.replaceChildren(
      ...notes.map((n) => {
        const p = document.createElement('p');
        p.className = 'message info';
        p.textContent = n;
        return p;
      }),
    );
  };
}
