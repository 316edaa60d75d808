// A read-only view of Draw a digit and Look inside for tests and the curious:
// window.__firstnetInside. Getters return copies; nothing here can change the app.
import type { LayerDiagnostics } from '../../engine/engine';

export interface DiagnosticsSample {
  step: number;
  epoch: number;
  layers: LayerDiagnostics[];
}

export class InsideRecord {
  network: { sizes: number[]; activation: string } | null = null;
  draw = {
    strokes: 0,
    /** The 784 grey levels the network was last asked about (the drawing, prepared). */
    pixels: null as Uint8Array | null,
    probabilities: null as Float32Array | null,
    predictions: 0,
    /** Counts the images prepared; answeredSeq is the one whose probabilities are shown. */
    imageSeq: 0,
    answeredSeq: 0,
    /** A change (a stroke, a test digit) waits for the next frame to become an image. */
    framePending: false,
  };
  weights: { units: number; totalUnits: number; step: number; updates: number } | null = null;
  confusion: { matrix: Int32Array; epoch: number; count: number } | null = null;
  mistakes: { total: number; shown: number } | null = null;
  cell: { actual: number; predicted: number; total: number; shown: number } | null = null;
  readonly diagnostics: DiagnosticsSample[] = [];
  step: { index: number; label: number; predicted: number; loss: number; lossAfter: number; rows: number } | null = null;
}

function argmax(p: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
  return best;
}

/** Installs window.__firstnetInside as a frozen object of getters over `record`. */
export function exposeInside(record: InsideRecord): void {
  const view = Object.freeze({
    get network() {
      return record.network ? { sizes: record.network.sizes.slice(), activation: record.network.activation } : null;
    },
    get draw() {
      const d = record.draw;
      return {
        strokes: d.strokes,
        pixels: d.pixels ? Array.from(d.pixels) : null,
        probabilities: d.probabilities ? Array.from(d.probabilities) : null,
        predicted: d.probabilities ? argmax(d.probabilities) : null,
        predictions: d.predictions,
        /** The probabilities shown belong to the latest image. */
        settled: !d.framePending && d.pixels !== null && d.probabilities !== null && d.answeredSeq === d.imageSeq,
      };
    },
    get weights() {
      return record.weights ? { ...record.weights } : null;
    },
    get confusion() {
      const c = record.confusion;
      return c ? { matrix: Array.from(c.matrix), epoch: c.epoch, count: c.count } : null;
    },
    get mistakes() {
      return record.mistakes ? { ...record.mistakes } : null;
    },
    get cell() {
      return record.cell ? { ...record.cell } : null;
    },
    get diagnostics() {
      return record.diagnostics.map((s) => ({ step: s.step, epoch: s.epoch, layers: s.layers.map((l) => ({ ...l })) }));
    },
    get step() {
      return record.step ? { ...record.step } : null;
    },
  });
  Object.defineProperty(window, '__firstnetInside', { value: view, writable: false, configurable: false, enumerable: false });
}
