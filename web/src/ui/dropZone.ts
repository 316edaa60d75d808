// Drag and drop anywhere on the page: a model (.npz, a zip) goes to ModelIO, IDX files
// (raw or gzip'd) go to DataPanel. Files are told apart by their first bytes, not their
// names; anything else is refused with a message naming the file.
import { el } from './dom';

export interface DropTargets {
  model(file: File): void;
  data(files: File[]): void;
  refuse(message: string): void;
}

type Kind = 'zip' | 'idx' | 'gzip' | 'other';

async function sniff(file: File): Promise<Kind> {
  const b = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  if (b[0] === 0x50 && b[1] === 0x4b) return 'zip';
  if (b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  if (b[0] === 0 && b[1] === 0 && b[2] === 0x08 && (b[3] === 0x01 || b[3] === 0x03)) return 'idx';
  return 'other';
}

/** Classifies dropped files: one model, or IDX files (gzip'd files count as IDX: parseIdx checks them). */
export async function classifyDrop(files: File[], kindOf: (f: File) => Promise<Kind> = sniff): Promise<{ model: File } | { data: File[] } | { error: string }> {
  const kinds = await Promise.all(files.map(kindOf));
  const other = files.find((_, i) => kinds[i] === 'other');
  if (other) return { error: `${other.name}: neither a model (.npz) nor an IDX file (raw or .gz)` };
  const zips = files.filter((_, i) => kinds[i] === 'zip');
  if (zips.length > 0) {
    if (files.length > 1) return { error: `Drop one model (.npz) at a time, or the four IDX files without it (got ${files.map((f) => f.name).join(', ')})` };
    return { model: zips[0]! };
  }
  return { data: files };
}

export class DropZone {
  private readonly overlay = el('div', 'drop-overlay', 'Drop a model (.npz) or the four IDX files of a data set');
  private depth = 0;

  constructor(private readonly targets: DropTargets) {
    this.overlay.hidden = true;
    this.overlay.setAttribute('aria-hidden', 'true');
    document.body.append(this.overlay);
    const hasFiles = (e: DragEvent) => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');
    window.addEventListener('dragenter', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      this.depth++;
      this.overlay.hidden = false;
    });
    window.addEventListener('dragover', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault(); // allows the drop
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    });
    window.addEventListener('dragleave', (e) => {
      if (!hasFiles(e)) return;
      this.depth = Math.max(0, this.depth - 1);
      if (this.depth === 0) this.overlay.hidden = true;
    });
    window.addEventListener('drop', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault(); // never navigate to the file
      this.depth = 0;
      this.overlay.hidden = true;
      const files = [...(e.dataTransfer?.files ?? [])];
      if (files.length) void this.take(files);
    });
  }

  async take(files: File[]): Promise<void> {
    let r;
    try {
      r = await classifyDrop(files);
    } catch (e) {
      this.targets.refuse(`The dropped files could not be read: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if ('error' in r) this.targets.refuse(r.error);
    else if ('model' in r) this.targets.model(r.model);
    else this.targets.data(r.data);
  }
}
