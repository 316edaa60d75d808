// The reader's runs as a small table: what each changed from its preset, the data, best
// test accuracy, time; a box to overlay it on the comparison charts and a button to delete
// it. Text only (textContent): configs and file names never become HTML.
import { configForPreset } from '../config/settings';
import { describeAgainstPreset } from '../runs/diff';
import { type SavedRun, bestAccuracy } from '../runs/run';
import { el } from './dom';

export interface RunRow {
  run: SavedRun;
  /** Saved in IndexedDB (false: kept on this page only, e.g. after a quota error). */
  saved: boolean;
  selected: boolean;
}

export interface RunsTableEvents {
  select(id: string, selected: boolean): void;
  remove(id: string): void;
}

const STATUS: Record<SavedRun['status'], string> = { done: '', stopped: ' (stopped)', diverged: ' (diverged)' };

function cell(text: string, className?: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function time(seconds: number): string {
  return seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

export class RunsTable {
  private readonly table = document.createElement('table');
  private readonly body = document.createElement('tbody');
  private readonly empty = document.createElement('p');

  constructor(
    root: HTMLElement,
    private readonly on: RunsTableEvents,
  ) {
    this.table.className = 'runs-table';
    const caption = document.createElement('caption');
    caption.textContent = 'Your runs (newest first)';
    const head = document.createElement('thead');
    const tr = document.createElement('tr');
    for (const [text, cls] of [
      ['Show', 'select'],
      ['Run', 'name'],
      ['Data', 'data'],
      ['Best test', 'num'],
      ['Epochs', 'num epochs'],
      ['Time', 'num'],
      ['Actions', 'actions'],
    ]) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = text!;
      th.className = cls!;
      tr.append(th);
    }
    head.append(tr);
    this.table.append(caption, head, this.body);
    this.empty.className = 'hint';
    this.empty.textContent = 'No runs yet: train one, and it is kept here (in this browser) when it finishes.';
    const wrap = document.createElement('div');
    wrap.className = 'runs-table-wrap';
    wrap.append(this.table);
    root.replaceChildren(this.empty, wrap);
  }

  /** Rows, newest first; `overlayFull` disables unticked boxes. */
  render(rows: readonly RunRow[], overlayFull: boolean): void {
    this.empty.hidden = rows.length > 0;
    this.table.hidden = rows.length === 0;
    this.body.replaceChildren(
      ...[...rows].reverse().map((r) => {
        const tr = document.createElement('tr');
        tr.dataset.runId = r.run.id;
        const when = new Date(r.run.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
        const name = describeAgainstPreset(r.run, configForPreset(r.run.config.preset));
        const label = `${name.replace(/ on .*$/, '')}${STATUS[r.run.status]}`;

        const box = document.createElement('input');
        box.type = 'checkbox';
        box.checked = r.selected;
        box.disabled = !r.selected && overlayFull;
        box.setAttribute('aria-label', `Overlay run ${label} on the charts`);
        box.addEventListener('change', () => this.on.select(r.run.id, box.checked));
        const select = document.createElement('td');
        select.className = 'select';
        select.append(box);

        const nameCell = cell(label, 'name');
        const meta = document.createElement('span');
        meta.className = 'meta';
        meta.textContent = `${when} · seed ${r.run.config.seed}${r.run.from ? ` · from ${r.run.from}` : ''}${r.saved ? '' : ' · not saved'}`;
        const onData = el('span', 'meta narrow-only', `${r.run.data.name} · ${r.run.epochsDone} epoch${r.run.epochsDone === 1 ? '' : 's'}`);
        nameCell.append(meta, onData);

        const best = bestAccuracy(r.run);
        const del = document.createElement('button');
        del.type = 'button';
        del.className = 'small';
        del.textContent = 'Delete';
        del.setAttribute('aria-label', `Delete run ${label} (${when})`);
        del.addEventListener('click', () => this.on.remove(r.run.id));
        const actions = document.createElement('td');
        actions.className = 'actions';
        actions.append(del);

        tr.append(
          select,
          nameCell,
          cell(r.run.data.name, 'data'),
          cell(best === null ? '—' : `${(best * 100).toFixed(2)} %`, 'num best'),
          cell(String(r.run.epochsDone), 'num epochs'),
          cell(time(r.run.seconds), 'num'),
          actions,
        );
        return tr;
      }),
    );
  }
}
