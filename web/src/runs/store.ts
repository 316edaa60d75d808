// The reader's runs and models, kept in IndexedDB so they survive reloads ("nothing lost").
//
// One database, versioned schema:
//   v1  runs   (key id)     SavedRun: config, data, status, per-epoch results, time
//       curves (key runId)  RunCurve: the downsampled loss curve of a run
//       models (key id)     SavedModel: .npz bytes and what the models list shows
// Every write is one transaction over all the stores it touches (a run, its curve and its
// model together): IndexedDB commits a transaction whole or not at all, so a tab closed
// mid-write, or a full disk, leaves the previous saved state exactly as it was.
// DOM-free: takes the IDBFactory it is given (window.indexedDB in the page).
import type { RunCurve, SavedModel, SavedRun } from './run';

export const DB_NAME = 'firstnet';
export const DB_VERSION = 1;
const RUNS = 'runs';
const CURVES = 'curves';
const MODELS = 'models';

/** A failed store operation; `quota` when the browser refused for lack of space. */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly quota: boolean,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** Upgrades from `oldVersion` to DB_VERSION, one step per version. */
function upgrade(db: IDBDatabase, oldVersion: number): void {
  if (oldVersion < 1) {
    db.createObjectStore(RUNS, { keyPath: 'id' }).createIndex('createdAt', 'createdAt');
    db.createObjectStore(CURVES, { keyPath: 'runId' });
    db.createObjectStore(MODELS, { keyPath: 'id' }).createIndex('createdAt', 'createdAt');
  }
}

function isQuota(e: unknown): boolean {
  const name = (e as { name?: string } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

function describe(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e && typeof e.message === 'string' && e.message) return e.message;
  return String((e as { name?: string } | null)?.name ?? e);
}

function storeError(what: string, e: unknown): StoreError {
  if (isQuota(e)) {
    return new StoreError(
      `${what}: the browser's storage for this page is full (quota exceeded), so it was not saved. ` +
        'Everything saved before is still there; delete old runs or models to make room.',
      true,
    );
  }
  return new StoreError(`${what}: ${describe(e)}`, false);
}

/** A request's result, read once the transaction has committed (see transact). */
class Result<T> {
  value: T | undefined;
  constructor(r: IDBRequest<T>) {
    r.onsuccess = () => (this.value = r.result);
  }
}

/** Runs `body` in one transaction; resolves when it has committed, rejects if it aborted. */
function transact<T>(db: IDBDatabase, stores: string[], mode: IDBTransactionMode, what: string, body: (tx: IDBTransaction) => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let tx: IDBTransaction;
    try {
      tx = db.transaction(stores, mode);
    } catch (e) {
      reject(storeError(what, e));
      return;
    }
    let result: T;
    // The first failure is the cause; the abort that follows reports only "aborted".
    let failure: unknown = null;
    tx.oncomplete = () => resolve(result);
    tx.onerror = (ev) => {
      failure ??= (ev.target as IDBRequest | null)?.error ?? tx.error;
    };
    tx.onabort = () => reject(storeError(what, failure ?? tx.error ?? new Error('the write was abandoned')));
    try {
      result = body(tx);
    } catch (e) {
      failure = e;
      try {
        tx.abort();
      } catch {
        reject(storeError(what, e)); // already finished: report the throw itself
      }
    }
  });
}

export interface RunWithCurve {
  run: SavedRun;
  curve: RunCurve | null;
}

export class RunStore {
  private constructor(private readonly db: IDBDatabase) {
    // Another tab opened a newer schema: step aside so its upgrade can run.
    db.onversionchange = () => db.close();
  }

  /** Opens (and if needed creates or upgrades) the database. */
  static open(factory: IDBFactory, name = DB_NAME): Promise<RunStore> {
    return new Promise((resolve, reject) => {
      let r: IDBOpenDBRequest;
      try {
        r = factory.open(name, DB_VERSION);
      } catch (e) {
        reject(storeError('Saved runs are not available', e));
        return;
      }
      r.onupgradeneeded = (ev) => upgrade(r.result, ev.oldVersion);
      r.onsuccess = () => resolve(new RunStore(r.result));
      r.onerror = () => reject(storeError('Saved runs are not available', r.error));
      r.onblocked = () => reject(new StoreError('Saved runs are not available: another tab holds an older version of them open; close it and reload.', false));
    });
  }

  close(): void {
    this.db.close();
  }

  /** Saves (or replaces) a run with its curve, and its model if given — all or nothing. */
  saveRun(run: SavedRun, curve: RunCurve, model: SavedModel | null = null): Promise<void> {
    if (curve.runId !== run.id) return Promise.reject(new StoreError(`saveRun: the curve belongs to ${curve.runId}, not ${run.id}`, false));
    if (model && run.modelId !== model.id) return Promise.reject(new StoreError(`saveRun: run.modelId is ${run.modelId}, the model is ${model.id}`, false));
    const stores = model ? [RUNS, CURVES, MODELS] : [RUNS, CURVES];
    return transact(this.db, stores, 'readwrite', 'This run could not be saved', (tx) => {
      tx.objectStore(RUNS).put(run);
      tx.objectStore(CURVES).put(curve);
      if (model) tx.objectStore(MODELS).put(model);
    });
  }

  /** Every run, oldest first. */
  async listRuns(): Promise<SavedRun[]> {
    const runs = await transact(this.db, [RUNS], 'readonly', 'Saved runs could not be read', (tx) => new Result<SavedRun[]>(tx.objectStore(RUNS).index('createdAt').getAll()));
    return runs.value ?? [];
  }

  /** Runs with their curves, oldest first (one read transaction: a consistent picture). */
  async listRunsWithCurves(): Promise<RunWithCurve[]> {
    const { runs, curves } = await transact(this.db, [RUNS, CURVES], 'readonly', 'Saved runs could not be read', (tx) => ({
      runs: new Result<SavedRun[]>(tx.objectStore(RUNS).index('createdAt').getAll()),
      curves: new Result<RunCurve[]>(tx.objectStore(CURVES).getAll()),
    }));
    const byId = new Map((curves.value ?? []).map((c) => [c.runId, c]));
    return (runs.value ?? []).map((run) => ({ run, curve: byId.get(run.id) ?? null }));
  }

  async getCurve(runId: string): Promise<RunCurve | null> {
    const r = await transact(this.db, [CURVES], 'readonly', 'A saved curve could not be read', (tx) => new Result<RunCurve | undefined>(tx.objectStore(CURVES).get(runId)));
    return r.value ?? null;
  }

  /** Deletes a run, its curve and its model together. */
  deleteRun(run: Pick<SavedRun, 'id' | 'modelId'>): Promise<void> {
    return transact(this.db, [RUNS, CURVES, MODELS], 'readwrite', 'The run could not be deleted', (tx) => {
      tx.objectStore(RUNS).delete(run.id);
      tx.objectStore(CURVES).delete(run.id);
      if (run.modelId) tx.objectStore(MODELS).delete(run.modelId);
    });
  }

  saveModel(model: SavedModel): Promise<void> {
    return transact(this.db, [MODELS], 'readwrite', 'The model could not be saved', (tx) => {
      tx.objectStore(MODELS).put(model);
    });
  }

  /** Models without their bytes (for the list), oldest first. */
  async listModels(): Promise<Omit<SavedModel, 'bytes'>[]> {
    const out: Omit<SavedModel, 'bytes'>[] = [];
    await transact(this.db, [MODELS], 'readonly', 'Saved models could not be read', (tx) => {
      const cursor = tx.objectStore(MODELS).index('createdAt').openCursor();
      cursor.onsuccess = () => {
        const c = cursor.result;
        if (!c) return;
        const { bytes: _bytes, ...rest } = c.value as SavedModel;
        out.push(rest);
        c.continue();
      };
    });
    return out;
  }

  async getModel(id: string): Promise<SavedModel | null> {
    const r = await transact(this.db, [MODELS], 'readonly', 'The saved model could not be read', (tx) => new Result<SavedModel | undefined>(tx.objectStore(MODELS).get(id)));
    return r.value ?? null;
  }

  /** Deletes a model; a run that saved it keeps its record (its modelId is cleared). */
  deleteModel(id: string): Promise<void> {
    return transact(this.db, [MODELS, RUNS], 'readwrite', 'The model could not be deleted', (tx) => {
      tx.objectStore(MODELS).delete(id);
      const runs = tx.objectStore(RUNS);
      const cursor = runs.openCursor();
      cursor.onsuccess = () => {
        const c = cursor.result;
        if (!c) return;
        const run = c.value as SavedRun;
        if (run.modelId === id) c.update({ ...run, modelId: null });
        c.continue();
      };
    });
  }
}
