// What the page (app.ts) lends to the runs, models and data panels: AppHandle's actions,
// the status and grid views, and adoptConfig. Keeps those panels out of app.ts.
import type { TrainConfig } from '../config/types';
import type { AppHandle } from './appHandle';
import type { PredictionGrid } from './predictionGrid';
import type { StatusView } from './status';
import { el } from './dom';

/** AppHandle (what embed mode drives) plus the views and the one action the panels need besides. */
export interface AppHooks extends AppHandle {
  status: StatusView;
  grid: PredictionGrid;
  /**
   * The worker already holds a network for `config` (an imported model): show its settings
   * in the form and the URL, clear the charts and counters, but start no new network.
   */
  adoptConfig(config: TrainConfig): void;
}

export function button(text: string, onClick: () => void, className?: string): HTMLButtonElement {
  const b = el('button', className, text);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Offers bytes as a download (a Blob URL, revoked once the click has started it). */
export function download(bytes: Uint8Array, name: string, type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
