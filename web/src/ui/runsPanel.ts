// Every run the reader makes, kept: recorded from the worker's events, saved in IndexedDB
// when it finishes (with its model) or when the reader asks, listed in a table after a
// reload, overlaid on the comparison charts, deletable. A failed save (a full quota) is
// said in the status area; the run stays on the page and nothing saved before is touched.
import { SETTING_KEYS, applySetting, cloneConfig, diffConfigs, lockedChanges, lockedMessage } from '../config/settings';
import type { TrainConfig } from '../config/types';
import { RunRecorder } from '../runs/recorder';
import { type DataInfo, MNIST_DATA, type RunCurve, type SavedModel, type SavedRun, newId } from '../runs/run';
import { type RunStore, StoreError } from '../runs/store';
import { validateExportedModel } from '../worker/protocol';
import { CompareChart, MAX_OVERLAY } from './compare';
import { type AppHooks, button, messageOf } from './hooks';
import { el } from './dom';
import { afterRunNote } from './presetNotes';
import { RunsTable } from './runsTable';

interface Entry {
  run: SavedRun;
  curve: RunCurve | null;
  saved: boolean;
}

type Outcome = 'done' | 'failed' | 'abandoned';

export class RunsPanel {
  private readonly entries = new Map<string, Entry>();
  /** Runs the reader deleted: a save still in flight must not bring them back (nor a later snapshot). */
  private readonly deleted = new Set<string>();
  /** Overlaid run ids, in the order they were ticked. */
  private selected: string[] = [];
  private recorder: RunRecorder | null = null;
  private data: DataInfo = { ...MNIST_DATA };
  private waiter: ((o: Outcome) => void) | null = null;
  private readonly table: RunsTable;
  private readonly chart: CompareChart;
  private readonly saveButton: HTMLButtonElement;
  private readonly againstButton: HTMLButtonElement;
  private readonly progress = el('p', 'hint compare-progress');
  private busy = false;
  /** Saves in flight: one at a time, in order. */
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly root: HTMLElement,
    private readonly hooks: AppHooks,
    private readonly store: Promise<RunStore | null>,
    private readonly note: HTMLElement,
    private readonly onModelsChanged: () => void,
  ) {
    const actions = el('div', 'buttons');
    this.saveButton = button('Save this run', () => void this.saveCurrent(), 'small');
    this.againstButton = button('Run this exercise against the default', () => void this.runAgainstDefault(), 'small');
    this.againstButton.id = 'run-against-default';
    this.saveButton.id = 'save-run';
    actions.append(this.againstButton, this.saveButton);
    const chartRoot = el('div', 'compare-charts');
    const tableRoot = el('div');
    root.replaceChildren(actions, this.progress, chartRoot, tableRoot);
    this.chart = new CompareChart(chartRoot);
    this.table = new RunsTable(tableRoot, {
      select: (id, on) => this.select(id, on),
      remove: (id) => void this.remove(id),
    });
    this.listen();
    void this.load();
    this.render();
  }

  /** The data set runs from now on train on (the reader's files or MNIST). */
  setData(info: DataInfo): void {
    this.data = { ...info };
  }

  /** A new run begins (app.configure, or an imported model): the previous one is kept. */
  runStarted(config: TrainConfig, from: string | null = null): void {
    // A finished run was saved by its done/diverged handler; an unfinished one is kept as
    // 'stopped' (saved once it has a test accuracy; on this page only before that).
    const prev = this.recorder;
    if (prev && !prev.empty && !prev.finished && !prev.saved) {
      prev.finish('stopped');
      void this.keep(prev, prev.snapshot().run.evaluations.length > 0);
    }
    this.recorder = new RunRecorder(config, this.data, from);
    this.note.textContent = '';
    this.note.hidden = true;
    this.resolveWaiter('abandoned');
    this.render();
  }

  private listen(): void {
    const c = this.hooks.client;
    c.on('progress', (e) => this.recorder?.addLosses(e.firstStep, e.losses, e.samplesSeen));
    c.on('evaluation', (e) => {
      if (e.testAccuracy !== null && e.testLoss !== null && e.epoch > 0) {
        this.recorder?.addEvaluation({ epoch: e.epoch, step: e.step, testAccuracy: e.testAccuracy, testLoss: e.testLoss });
      }
    });
    c.on('state', (e) => {
      this.recorder?.setTraining(e.state === 'training');
      this.render();
    });
    c.on('done', () => {
      const r = this.recorder;
      if (!r) return;
      r.finish('done');
      // Ask for the model now, before anything else reaches the worker's queue.
      const model = this.requestModel(r);
      void this.keep(r, true, model);
      const last = r.snapshot().run.evaluations.at(-1)?.testAccuracy ?? null;
      const text = afterRunNote(r.config, r.data, last);
      this.note.textContent = text;
      this.note.hidden = text === '';
      this.resolveWaiter('done');
    });
    c.on('error', (e) => {
      const r = this.recorder;
      if (r && e.cause === 'diverged') {
        r.finish('diverged');
        void this.keep(r, true);
      }
      this.resolveWaiter('failed');
    });
  }

  private resolveWaiter(o: Outcome): void {
    const w = this.waiter;
    this.waiter = null;
    w?.(o);
  }

  /** The current network as a SavedModel (requested at once; resolves later). */
  private requestModel(r: RunRecorder): Promise<SavedModel | null> {
    const asked = this.hooks.client.request({ method: 'exportModel' });
    return asked.then(
      (value) => {
        const m = validateExportedModel(value);
        const id = newId('model');
        return {
          id,
          createdAt: Date.now(),
          name: m.name,
          layers: m.layers,
          activation: m.activation,
          testAccuracy: m.testAccuracy,
          dataName: r.data.name,
          runId: r.id,
          bytes: m.bytes,
        };
      },
      () => null, // nothing to export (e.g. no network): the run is saved without a model
    );
  }

  /** Puts a run in the table and, if `persist`, saves it (with its model if given). */
  private keep(r: RunRecorder, persist: boolean, model: Promise<SavedModel | null> = Promise.resolve(null)): Promise<void> {
    const { run, curve } = r.snapshot();
    if (this.deleted.has(run.id)) return Promise.resolve();
    const existing = this.entries.get(run.id);
    this.entries.set(run.id, { run, curve, saved: existing?.saved ?? false });
    if (r.status !== 'stopped' || !existing) this.autoSelect(run.id);
    this.render();
    if (!persist) return Promise.resolve();
    return this.persist(r, run, curve, model);
  }

  private persist(r: RunRecorder, run: SavedRun, curve: RunCurve, model: Promise<SavedModel | null>): Promise<void> {
    this.root.dataset.saving = 'true';
    const job = this.saving.then(async () => {
      const store = await this.store;
      if (!store) return;
      const m = await model;
      // r.modelId, read now: an earlier save of this run may have stored a model meanwhile.
      const toSave: SavedRun = { ...run, modelId: m?.id ?? r.modelId };
      if (this.deleted.has(run.id)) return; // deleted while this save waited its turn
      try {
        await store.saveRun(toSave, curve, m);
        if (this.deleted.has(run.id)) {
          // Deleted while it was being written: the delete ran first, so delete it again.
          await store.deleteRun(toSave);
          return;
        }
        r.modelId = toSave.modelId;
        r.saved = r.steps === run.steps && r.status === run.status; // unchanged since the snapshot
        this.entries.set(run.id, { run: toSave, curve, saved: true });
        if (m) this.onModelsChanged();
      } catch (e) {
        const entry = this.entries.get(run.id);
        if (entry) entry.saved = false;
        this.hooks.status.error(e instanceof StoreError ? e.message : `This run could not be saved: ${messageOf(e)}`);
      }
      this.render();
    });
    this.saving = job.finally(() => {
      if (this.saving === tail) delete this.root.dataset.saving;
    });
    const tail = this.saving;
    return job;
  }

  /** "Save this run": the run as it is now, with its network. */
  private async saveCurrent(): Promise<void> {
    const r = this.recorder;
    if (!r || r.empty) {
      this.hooks.status.say('Nothing to save yet: train first.');
      return;
    }
    const model = r.status === 'diverged' ? Promise.resolve(null) : this.requestModel(r);
    await this.keep(r, true, model);
    const entry = this.entries.get(r.id);
    if (entry?.saved) this.hooks.status.say('Run saved in this browser: it will still be here after a reload.');
  }

  private async load(): Promise<void> {
    const store = await this.store;
    if (!store) return;
    try {
      const list = await store.listRunsWithCurves();
      for (const { run, curve } of list) if (!this.entries.has(run.id)) this.entries.set(run.id, { run, curve, saved: true });
      // Show the latest finished runs (up to four) until the reader picks.
      if (this.selected.length === 0) {
        this.selected = list
          .filter((x) => x.run.status !== 'stopped')
          .slice(-4)
          .map((x) => x.run.id);
      }
    } catch (e) {
      this.hooks.status.error(messageOf(e));
    }
    this.render();
  }

  private autoSelect(id: string): void {
    if (this.selected.includes(id)) return;
    this.selected.push(id);
    while (this.selected.length > MAX_OVERLAY) this.selected.shift();
  }

  private select(id: string, on: boolean): void {
    this.selected = this.selected.filter((x) => x !== id);
    if (on) this.autoSelect(id);
    this.render();
  }

  private async remove(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.deleted.add(id);
    const store = await this.store;
    if (store && entry.saved) {
      try {
        await store.deleteRun(entry.run);
        if (entry.run.modelId) this.onModelsChanged();
      } catch (e) {
        this.deleted.delete(id);
        this.hooks.status.error(messageOf(e));
        return;
      }
    }
    this.entries.delete(id);
    this.selected = this.selected.filter((x) => x !== id);
    if (this.recorder?.id === id) this.recorder.saved = true; // deleted on purpose: do not keep it again
    this.render();
  }

  /**
   * One click: the default preset (with this run's seed, training images and data), then
   * the chosen exercise, overlaid. A finished default run with the same settings is reused.
   */
  private async runAgainstDefault(): Promise<void> {
    if (this.busy) return;
    const chosen = cloneConfig(this.hooks.config());
    // The default preset with this run's seed and training images (and its page keys).
    const base = cloneConfig(chosen);
    applySetting(base, 'preset', 'default');
    base.seed = chosen.seed;
    base.train = chosen.train;
    const locked = lockedChanges(chosen, SETTING_KEYS, base);
    if (locked.length) {
      this.hooks.status.error(`The comparison against the default was not run: it would change ${locked.join(', ')}, but ${lockedMessage(locked)}.`);
      return;
    }
    if (diffConfigs(chosen, base) === 'same settings') {
      this.hooks.status.say('This is the default already: choose an exercise (an experiment other than “default”) first.');
      return;
    }
    this.busy = true;
    this.render();
    try {
      const reuse = [...this.entries.values()]
        .reverse()
        .find((e) => e.run.status === 'done' && e.run.data.name === this.data.name && diffConfigs(e.run.config, base) === 'same settings');
      let baseId = reuse?.run.id ?? null;
      if (!baseId) {
        this.progress.textContent = 'Training “default” first (1 of 2)…';
        baseId = await this.trainToEnd(base);
        if (!baseId) return;
      }
      this.progress.textContent = `Now training “${chosen.preset}” (2 of 2)…`;
      const chosenId = await this.trainToEnd(chosen);
      if (!chosenId) return;
      this.selected = [baseId, chosenId];
      this.progress.textContent = '';
    } finally {
      this.busy = false;
      if (this.progress.textContent?.endsWith('…')) this.progress.textContent = 'Stopped before the comparison was complete.';
      this.render();
    }
  }

  /** Configures and trains `config` to the end; the run's id, or null if it failed or was replaced. */
  private async trainToEnd(config: TrainConfig): Promise<string | null> {
    if (!(await this.hooks.applyConfig(config))) return null;
    const id = this.recorder?.id ?? null;
    const outcome = new Promise<Outcome>((resolve) => (this.waiter = resolve));
    await this.hooks.train();
    return (await outcome) === 'done' ? id : null;
  }

  private render(): void {
    const rows = [...this.entries.values()].map((e) => ({ run: e.run, saved: e.saved, selected: this.selected.includes(e.run.id) }));
    this.table.render(rows, this.selected.length >= MAX_OVERLAY);
    const shown = this.selected.map((id) => this.entries.get(id)).filter((e): e is Entry => !!e);
    shown.sort((a, b) => a.run.createdAt - b.run.createdAt);
    this.chart.show(shown.map((e) => ({ run: e.run, curve: e.curve })));
    const state = this.hooks.state();
    const training = state === 'training' || state === 'waiting';
    this.againstButton.disabled = this.busy || training;
    this.saveButton.disabled = this.busy || !this.recorder || this.recorder.empty;
  }
}
