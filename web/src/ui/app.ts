// Wires the page: URL hash ⇄ configuration ⇄ settings form, the training worker, and the
// views (status, loss chart, prediction grid). Holds no math: all training runs in the
// worker. All state lives in one App instance (no module-level mutable state).
import './styles.css';
import { SETTINGS, type Setting, cloneConfig, configToHash, describeConfig, lockedKeys, parseHash } from '../config/settings';
import type { TrainConfig } from '../config/types';
import { type TrainingClient, startTrainingWorker } from '../worker/client';
import type { RunState } from '../worker/protocol';
import type { AppHandle } from './appHandle';
import { attachCompanions } from './companions';
import { Controls } from './controls';
import { Library } from './library';
import { mountInside } from './inside/panel';
import { RunRecord, exposeRecord } from './debugHook';
import { LossChart } from './lossChart';
import { PredictionGrid } from './predictionGrid';
import { type ProgressView, StatusView } from './status';
import { debugEnabled, mountConfigNotices, mountRecovery } from './recovery';

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`index.html has no #${id}`);
  return e as T;
}

/** Groups of settings.ts HIDE_GROUPS that this page has, by the element that holds them. */
const HIDEABLE: Record<string, string> = {
  presets: '#presets, #preset-about',
  controls: '.settings',
  chart: '.chart',
  grid: '.grid',
  data: '.data-saver, .data-panel',
  models: '.models',
  runs: '.compare',
  about: '.about',
  draw: '.draw',
  weights: '.inside',
};

export class App {
  private config: TrainConfig;
  private state: RunState = 'loading';
  private readonly record = new RunRecord();
  private readonly client: TrainingClient;
  private readonly status = new StatusView(byId('status'));
  private readonly chart = new LossChart(byId('loss-chart'));
  private readonly grid = new PredictionGrid(byId('prediction-grid'));
  /** Notices for valid values the core adjusts, e.g. a batch larger than the training set (config/limits.ts). */
  private readonly showNotices = mountConfigNotices(byId('architecture'));
  private readonly controls: Controls;
  private readonly buttons = {
    train: byId<HTMLButtonElement>('train'),
    pause: byId<HTMLButtonElement>('pause'),
    reset: byId<HTMLButtonElement>('reset'),
  };
  /** Latest progress, drawn on the next animation frame. */
  private progress: Omit<ProgressView, 'epochs'> | null = null;
  private progressFrame = 0;
  /** Runs kept and compared, models in and out, the reader's data (library.ts). */
  private library: Library | null = null;

  constructor() {
    const parsed = parseHash(location.hash);
    this.config = parsed.config;
    this.controls = new Controls(
      byId('presets'),
      byId('preset-explanation'),
      byId<HTMLFormElement>('settings'),
      (config) => this.onSettingsChanged(config),
      (config) => void this.runConfig(config),
    );
    this.controls.show(this.config);
    // The explanation is long: open beside the controls on a laptop, one tap away on a phone.
    byId<HTMLDetailsElement>('preset-about').open = matchMedia('(min-width: 900px)').matches;
    this.showHashProblems(parsed.errors, parsed.notices);
    this.showConfig();
    exposeRecord(this.record);
    this.record.config = this.config;

    this.client = startTrainingWorker({ debug: debugEnabled() });
    this.listen();
    // Divergence → a smaller learning rate; a crashed engine → a new worker (recovery.ts).
    mountRecovery(this.buttons.train.parentElement!, {
      client: this.client,
      config: () => cloneConfig(this.config),
      restart: () => this.restartEngine(),
      applyConfig: (config) => this.handle().applyConfig(config),
    });
    this.library = new Library({ ...this.handle(), status: this.status, grid: this.grid, adoptConfig: (c) => this.adoptConfig(c) });
    mountInside(this.client, byId('draw'), byId('inside'));
    this.buttons.train.addEventListener('click', () => this.train());
    this.buttons.pause.addEventListener('click', () => this.call({ method: 'pause' }));
    this.buttons.reset.addEventListener('click', () => this.configure(this.config));
    window.addEventListener('hashchange', () => this.onHashChanged());
    attachCompanions(this.handle()); // before configure, whose showConfig hides groups

    const dataUrl = new URL('data/mnist/', document.baseURI).href;
    this.call({ method: 'init', dataUrl });
    this.configure(this.config);
    this.render();
  }

  /** What embed mode and the companions drive (appHandle.ts). */
  handle(): AppHandle {
    return {
      client: this.client,
      config: () => cloneConfig(this.config),
      state: () => this.state,
      train: () => this.train(),
      pause: () => this.call({ method: 'pause' }),
      step: () => this.call({ method: 'step' }),
      reset: () => this.configure(this.config),
      applyConfig: async (config) => {
        if (this.state === 'training' || this.state === 'waiting') await this.call({ method: 'pause' });
        this.controls.show(config);
        history.replaceState(null, '', `#${configToHash(config)}`);
        this.status.setUrlProblems([]);
        return this.configure(config);
      },
      lastError: () => this.record.errors.at(-1) ?? '',
      say: (text) => this.status.say(text),
    };
  }

  private listen(): void {
    const c = this.client;
    c.on('ready', (e) => {
      this.record.engineVersion = e.version;
      this.record.engineThreads = e.threads;
    });
    c.on('state', (e) => {
      this.state = e.state;
      this.record.state = e.state;
      this.render();
    });
    c.on('dataProgress', (e) => this.status.setDataProgress(e.loadedBytes, e.totalBytes));
    c.on('dataReady', (e) => this.status.setDataReady(e.testRows, e.trainRows));
    c.on('gridImages', (e) => this.grid.setImages(e.pixels, e.labels));
    c.on('progress', (e) => {
      this.record.addLosses(e.firstStep, e.losses);
      this.chart.addLosses(e.firstStep, e.losses);
      this.progress = e;
      this.progressFrame ||= requestAnimationFrame(() => {
        this.progressFrame = 0;
        if (this.progress) this.status.setProgress({ ...this.progress, epochs: this.config.epochs });
      });
    });
    c.on('evaluation', (e) => {
      const g = this.grid.setPredictions(e.probabilities, e.epoch);
      this.record.grid = { ...g, epoch: e.epoch };
      if (e.testAccuracy !== null && e.testLoss !== null) {
        this.record.evaluations.push({ epoch: e.epoch, step: e.step, testAccuracy: e.testAccuracy, testLoss: e.testLoss });
        this.chart.addAccuracy(e.step, e.testAccuracy);
        this.status.setAccuracy(e.testAccuracy, e.testLoss, e.epoch);
      }
    });
    c.on('done', (e) => {
      const last = this.record.evaluations.at(-1);
      const acc = last ? ` Test accuracy ${(last.testAccuracy * 100).toFixed(2)} %.` : '';
      this.status.say(`Done: ${e.epoch} epoch${e.epoch === 1 ? '' : 's'}.${acc}`);
    });
    c.on('error', (e) => {
      this.record.errors.push(e.message);
      this.status.error(e.message);
    });
  }

  /**
   * After a crash (worker/fatal.ts): a new worker with the same settings, without reloading
   * the page; the crashed run stays in the saved runs.
   */
  private async restartEngine(): Promise<boolean> {
    this.client.restart();
    this.state = 'loading';
    this.record.state = 'loading';
    this.render();
    await this.call({ method: 'init', dataUrl: new URL('data/mnist/', document.baseURI).href });
    return this.configure(this.config);
  }

  /** Sends a request; a refusal is shown, never thrown. */
  private async call(body: Parameters<TrainingClient['request']>[0]): Promise<boolean> {
    try {
      await this.client.request(body);
      return true;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.record.errors.push(message);
      this.status.error(message);
      return false;
    }
  }

  private async train(): Promise<boolean> {
    // After the last epoch or a failure, Train starts a fresh run with the same settings.
    if (this.state === 'done' || this.state === 'failed') {
      if (!(await this.configure(this.config))) return false;
    }
    return this.call({ method: 'train' });
  }

  /** A new run: fresh network, cleared chart, grid guesses and counters. */
  private async configure(config: TrainConfig): Promise<boolean> {
    this.library?.runStarted(config);
    this.clearRun(config);
    return this.call({ method: 'configure', config });
  }

  /** The worker already holds a network for `config` (an imported model): show it, start no new one. */
  private adoptConfig(config: TrainConfig): void {
    this.controls.show(config);
    history.replaceState(null, '', `#${configToHash(config)}`);
    this.status.setUrlProblems([]);
    this.clearRun(config);
  }

  /** Fresh chart, grid guesses and counters for a run of `config`. */
  private clearRun(config: TrainConfig): void {
    this.config = config;
    this.record.clear();
    this.record.config = config;
    this.progress = null;
    this.chart.reset();
    this.grid.clearPredictions();
    this.status.clearErrors();
    this.status.clearProgress(config.epochs);
    this.showConfig();
  }

  private onSettingsChanged(config: TrainConfig): void {
    history.replaceState(null, '', `#${configToHash(config)}`);
    this.status.setUrlProblems([]); // the URL now holds valid values only
    void this.configure(config);
  }

  /** A preset's button (fix it, halve): a new run of `config`, trained at once (paused first if training). */
  private async runConfig(config: TrainConfig): Promise<void> {
    if (this.state === 'training' || this.state === 'waiting') await this.call({ method: 'pause' });
    history.replaceState(null, '', `#${configToHash(config)}`);
    this.status.setUrlProblems([]);
    if (await this.configure(config)) await this.train();
  }

  /** The reader edited the URL: apply it (a new run), pausing first if training. */
  private async onHashChanged(): Promise<void> {
    const parsed = parseHash(location.hash);
    if (this.state === 'training' || this.state === 'waiting') await this.call({ method: 'pause' });
    this.controls.show(parsed.config);
    const configured = this.configure(parsed.config); // sets this.config before it awaits
    this.showHashProblems(parsed.errors, parsed.notices);
    await configured;
  }

  /** Problems in the URL hash, each naming its key, and the value used instead. */
  private showHashProblems(errors: readonly string[], notices: readonly string[]): void {
    const named = errors.map((e) => {
      const key = /^(\w+): /.exec(e)?.[1] as keyof TrainConfig | undefined;
      if (!key || !(key in SETTINGS)) return `URL: ${e}`;
      const used = (SETTINGS[key] as Setting<typeof key>).format(this.config[key] as never);
      return `URL: ${e} — using ${key}=${used || '(none)'}.`;
    });
    this.status.setUrlProblems([...named, ...notices.map((n) => `URL: ${n}.`)]);
  }

  private showConfig(): void {
    byId('architecture').textContent = describeConfig(this.config);
    this.showNotices(this.config);
    this.controls.lock(lockedKeys(this.config));
    this.library?.configShown(this.config);
    for (const [group, selector] of Object.entries(HIDEABLE)) {
      for (const el of document.querySelectorAll<HTMLElement>(selector)) el.hidden = this.config.hide.includes(group);
    }
  }

  /** Buttons and the form follow the run state. */
  private render(): void {
    const s = this.state;
    const busy = s === 'training' || s === 'waiting';
    this.status.setState(s);
    this.buttons.train.disabled = busy;
    this.buttons.train.textContent = s === 'paused' ? 'Resume' : s === 'done' || s === 'failed' ? 'Train again' : 'Train';
    this.buttons.pause.disabled = !busy;
    this.buttons.reset.disabled = busy || s === 'loading';
    this.controls.setLocked(busy);
    byId('settings-hint').textContent = busy
      ? 'Settings are locked while training. Pause to change them.'
      : 'Changing a setting starts a new run: the network is reset and the URL records the settings.';
  }
}
