// Models in and out (contract §1): export the current network as .npz (a Blob URL
// download of the bytes the worker wrote), import one (file picker, drag and drop, or a
// saved model) — including a file the chapter's NumPy code saved with np.savez — and keep
// models in IndexedDB. The worker reads and checks the file; a refusal names the file and
// the problem, and the current network stays as it was.
import { describeConfig, lockedChanges, lockedMessage } from '../config/settings';
import { MAX_FILE_BYTES } from '../formats/npz';
import type { SavedModel } from '../runs/run';
import { newId } from '../runs/run';
import { type RunStore, StoreError } from '../runs/store';
import { validateExportedModel, validateImportedModel } from '../worker/protocol';
import { type AppHooks, button, download, messageOf } from './hooks';
import { el } from './dom';

export interface ModelIOEvents {
  /** A model became the current network (a new run starts from it). */
  imported(config: ReturnType<AppHooks['config']>, name: string): void;
  /** The data set name the current test accuracy refers to. */
  dataName(): string;
}

export class ModelIO {
  readonly root = el('section', 'panel models');
  private readonly picker = el('input');
  private readonly current = el('p', 'model-current');
  private readonly list = el('ul', 'saved-models');
  private readonly listHint = el('p', 'hint', 'No saved models yet. Each finished run saves its model here; “Save model” keeps the current one.');
  private readonly exportButton: HTMLButtonElement;
  private readonly saveButton: HTMLButtonElement;

  constructor(
    private readonly hooks: AppHooks,
    private readonly store: Promise<RunStore | null>,
    private readonly on: ModelIOEvents,
  ) {
    this.root.setAttribute('aria-labelledby', 'models-heading');
    const h = el('h2', undefined, 'Models');
    h.id = 'models-heading';
    const intro = el(
      'p',
      'hint',
      'A model file is a NumPy .npz with W1…WL and b1…bL, as in the chapter: it opens with numpy.load, and a file the chapter’s code saved with np.savez opens here. You can also drop a .npz anywhere on the page.',
    );
    this.picker.type = 'file';
    this.picker.accept = '.npz,application/zip';
    this.picker.id = 'model-file';
    this.picker.hidden = true;
    this.picker.addEventListener('change', () => {
      const f = this.picker.files?.[0];
      this.picker.value = '';
      if (f) void this.importFile(f);
    });
    this.exportButton = button('Export model (.npz)', () => void this.exportCurrent());
    this.exportButton.id = 'export-model';
    const importButton = button('Import model…', () => this.picker.click());
    importButton.id = 'import-model';
    this.saveButton = button('Save model', () => void this.saveCurrent());
    this.saveButton.id = 'save-model';
    const row = el('div', 'buttons');
    row.append(this.exportButton, importButton, this.saveButton);
    const listHead = el('h3', undefined, 'Saved in this browser');
    this.root.append(h, intro, row, this.current, this.picker, listHead, this.listHint, this.list);
    void this.refresh();
  }

  /** Reads a dropped or picked file and makes it the current network. */
  async importFile(file: File): Promise<boolean> {
    if (file.size > MAX_FILE_BYTES) {
      this.hooks.status.error(`${file.name}: ${file.size} bytes is larger than the ${MAX_FILE_BYTES}-byte limit for a model`);
      return false;
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch (e) {
      this.hooks.status.error(`${file.name}: could not be read (${messageOf(e)})`);
      return false;
    }
    return this.importBytes(file.name, bytes);
  }

  /** Sends a model to the worker; on success the page shows its settings and predictions. */
  async importBytes(name: string, bytes: Uint8Array): Promise<boolean> {
    // A model brings its own layers and activation: refused before the worker adopts it.
    const locked = lockedChanges(this.hooks.config(), ['layers', 'activation']);
    if (locked.length) {
      this.hooks.status.error(`The model was not loaded: ${name} brings its own layers and activation, but ${lockedMessage(locked)}.`);
      return false;
    }
    const s = this.hooks.state();
    if (s === 'training' || s === 'waiting') await this.hooks.pause();
    let answer;
    try {
      answer = validateImportedModel(await this.hooks.client.request({ method: 'importModel', name, bytes }, [bytes.buffer as ArrayBuffer]));
    } catch (e) {
      // The worker's message starts with the file name (readModelNpz); the app keeps its network.
      this.hooks.status.error(`The model was not loaded: ${messageOf(e)}`);
      return false;
    }
    this.hooks.adoptConfig(answer.config);
    this.on.imported(answer.config, name);
    this.hooks.grid.setStartLabel(`Loaded ${name}`);
    if (answer.probabilities) this.hooks.grid.setPredictions(answer.probabilities, 0);
    if (answer.testAccuracy !== null && answer.testLoss !== null) this.hooks.status.setAccuracy(answer.testAccuracy, answer.testLoss, 0);
    const acc = answer.testAccuracy === null ? '' : ` Test accuracy ${(answer.testAccuracy * 100).toFixed(2)} % on ${this.on.dataName()}.`;
    const notes = answer.notices.length ? ` Note: ${answer.notices.join('; ')}.` : '';
    const text = `Loaded ${name}: ${describeConfig(answer.config).split(' ').slice(0, 2).join(' ')}.${acc}${notes} Train continues from these weights.`;
    this.hooks.status.say(text);
    // Kept beside the buttons too (the status line moves on with the next news).
    this.current.textContent = text;
    return true;
  }

  private async exportCurrent(): Promise<void> {
    try {
      const m = validateExportedModel(await this.hooks.client.request({ method: 'exportModel' }));
      download(m.bytes, m.name);
      this.hooks.status.say(`Exported ${m.name} (${Math.round(m.bytes.length / 1024)} KB): open it with numpy.load("${m.name}").`);
    } catch (e) {
      this.hooks.status.error(`The model could not be exported: ${messageOf(e)}`);
    }
  }

  /** "Save model": the current network into IndexedDB. */
  private async saveCurrent(): Promise<void> {
    const store = await this.store;
    if (!store) return;
    try {
      const m = validateExportedModel(await this.hooks.client.request({ method: 'exportModel' }));
      const model: SavedModel = {
        id: newId('model'),
        createdAt: Date.now(),
        name: m.name,
        layers: m.layers,
        activation: m.activation,
        testAccuracy: m.testAccuracy,
        dataName: this.on.dataName(),
        runId: null,
        bytes: m.bytes,
      };
      await store.saveModel(model);
      this.hooks.status.say(`Saved ${m.name} in this browser.`);
      await this.refresh();
    } catch (e) {
      this.hooks.status.error(e instanceof StoreError ? e.message : `The model could not be saved: ${messageOf(e)}`);
    }
  }

  /** Re-reads the saved models list. */
  async refresh(): Promise<void> {
    const store = await this.store;
    if (!store) {
      this.listHint.textContent = 'This browser does not let the page keep models (IndexedDB is unavailable).';
      return;
    }
    let models;
    try {
      models = await store.listModels();
    } catch (e) {
      this.hooks.status.error(messageOf(e));
      return;
    }
    this.listHint.hidden = models.length > 0;
    this.list.replaceChildren(
      ...models.reverse().map((m) => {
        const li = el('li');
        li.dataset.modelId = m.id;
        const acc = m.testAccuracy === null ? '' : ` · ${(m.testAccuracy * 100).toFixed(2)} % on ${m.dataName}`;
        const when = new Date(m.createdAt).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
        const text = el('span', 'model-name', m.name);
        const meta = el('span', 'meta', `${m.layers.join('-')} ${m.activation}${acc} · ${when}`);
        const actions = el('span', 'buttons');
        actions.append(
          button('Use', () => void this.useSaved(m.id), 'small'),
          button('Download', () => void this.downloadSaved(m.id), 'small'),
          button('Delete', () => void this.deleteSaved(m.id), 'small'),
        );
        for (const b of actions.querySelectorAll('button')) b.setAttribute('aria-label', `${b.textContent} ${m.name}`);
        li.append(text, meta, actions);
        return li;
      }),
    );
  }

  private async saved(id: string): Promise<SavedModel | null> {
    const store = await this.store;
    try {
      const m = await store?.getModel(id);
      if (!m) this.hooks.status.error('That model is no longer saved.');
      return m ?? null;
    } catch (e) {
      this.hooks.status.error(messageOf(e));
      return null;
    }
  }

  private async useSaved(id: string): Promise<void> {
    const m = await this.saved(id);
    if (m) await this.importBytes(m.name, m.bytes.slice());
  }

  private async downloadSaved(id: string): Promise<void> {
    const m = await this.saved(id);
    if (m) download(m.bytes, m.name);
  }

  private async deleteSaved(id: string): Promise<void> {
    const store = await this.store;
    try {
      await store?.deleteModel(id);
    } catch (e) {
      this.hooks.status.error(messageOf(e));
    }
    await this.refresh();
  }

  /** Buttons follow the run state (a diverged network is not worth exporting). */
  setState(state: ReturnType<AppHooks['state']>): void {
    this.exportButton.disabled = state === 'failed';
    this.saveButton.disabled = state === 'failed';
  }
}
