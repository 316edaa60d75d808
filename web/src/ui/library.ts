// The reader's library: runs kept and compared, models in and out, their own data, and
// the presets' measured notes. Attached once by App (app.ts); it builds its panels and
// puts them in the page (index.html needs no markup for them).
import './library.css';
import type { TrainConfig } from '../config/types';
import { type RunStore, RunStore as Store } from '../runs/store';
import { DataPanel } from './dataPanel';
import { DropZone } from './dropZone';
import { type AppHooks, messageOf } from './hooks';
import { el } from './dom';
import { ModelIO } from './modelIO';
import { PresetNotes } from './presetNotes';
import { RunsPanel } from './runsPanel';

function openStore(hooks: AppHooks): Promise<RunStore | null> {
  if (typeof indexedDB === 'undefined') {
    hooks.status.error('This browser does not let the page keep runs and models (IndexedDB is unavailable): they last until the page is closed.');
    return Promise.resolve(null);
  }
  return Store.open(indexedDB).catch((e: unknown) => {
    hooks.status.error(`${messageOf(e)} Runs and models last until the page is closed.`);
    return null;
  });
}

export class Library {
  private readonly runs: RunsPanel;
  private readonly models: ModelIO;
  private readonly dataPanel: DataPanel;
  private readonly notes: PresetNotes | null = null;

  constructor(private readonly hooks: AppHooks) {
    const store = openStore(hooks);

    // Preset notes: beside the explanation; the after-run note under the architecture line.
    const explanation = document.getElementById('preset-explanation');
    if (explanation) {
      const notesRoot = el('div', 'preset-notes');
      notesRoot.id = 'preset-notes';
      explanation.after(notesRoot);
      this.notes = new PresetNotes(notesRoot);
    }
    const runNote = el('p', 'run-note');
    runNote.id = 'run-note';
    runNote.hidden = true;
    runNote.setAttribute('role', 'status');
    (document.getElementById('architecture') ?? document.querySelector('.run'))?.after(runNote);

    // Compare runs: in the results column, after the prediction grid.
    const compare = el('section', 'panel compare');
    compare.setAttribute('aria-labelledby', 'compare-heading');
    const h = el('h2', undefined, 'Compare runs');
    h.id = 'compare-heading';
    const body = el('div', 'compare-body');
    compare.append(h, body);
    const grid = document.querySelector('section.grid');
    if (grid) grid.after(compare);
    else (document.querySelector('.column.results') ?? document.body).append(compare);

    this.dataPanel = new DataPanel(hooks, (info) => {
      this.runs.setData(info);
      this.notes?.show(hooks.config(), info);
    });
    this.models = new ModelIO(hooks, store, {
      imported: (config, name) => this.runs.runStarted(config, name),
      dataName: () => this.dataPanel.data.name,
    });
    this.runs = new RunsPanel(body, hooks, store, runNote, () => void this.models.refresh());
    const side = document.querySelector('.column.side') ?? document.querySelector('main') ?? document.body;
    side.append(this.models.root, this.dataPanel.root);

    hooks.client.on('state', (e) => this.models.setState(e.state));
    new DropZone({
      model: (f) => void this.models.importFile(f),
      data: (files) => void this.dataPanel.useFiles(files),
      refuse: (m) => hooks.status.error(m),
    });
  }

  /** App.configure: a new run begins. */
  runStarted(config: TrainConfig): void {
    this.hooks.grid.setStartLabel(null);
    this.runs.runStarted(config);
  }

  /** App.showConfig: the preset's measured numbers and what to notice. */
  configShown(config: TrainConfig): void {
    this.notes?.show(config, this.dataPanel.data);
  }
}
