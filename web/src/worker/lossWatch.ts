// Divergence that stays finite (issue 6). The core stops a run whose loss or weights become
// NaN/∞ (Trainer.diverged), but its fused softmax + cross-entropy keeps the loss finite long
// after a run has blown up: sigmoid at lr 10 jumps from 2.4 to 14.5 in one step and then
// wanders around 3–15 without ever learning. This watch calls a run diverged when the mean
// loss of its last WINDOW steps exceeds FACTOR × its first step's loss (the untrained
// network's, ≈ ln 10 = 2.30) and at least FLOOR (so a fine-tuned imported model at 0.05 is
// not stopped for a noisy 0.2).
//
// Measured on MNIST (20-step windows, worst mean ÷ first loss): every preset ≤ 0.83;
// batch 1 at lr 0.1 1.51; relu lr 0.5 0.66; sigmoid lr 3 1.06 — against sigmoid lr 10 2.8–6.4
// (first past 2× at step 78–241 depending on the training-set size) and tanh lr 1 7.5.
// DOM-free: runs in the worker.

export const WINDOW = 20;
export const FACTOR = 2;
export const FLOOR = 2 * Math.log(10);

export interface BlowUp {
  /** Steps completed when it was noticed. */
  step: number;
  /** Mean loss of the last WINDOW steps. */
  mean: number;
  /** The first step's loss. */
  first: number;
}

export class LossWatch {
  private first = NaN;
  private readonly ring = new Float64Array(WINDOW);
  private count = 0;
  private sum = 0;

  /** Adds the losses of completed steps (in order, the first at step `firstStep`); returns a BlowUp once the window is past the limit. */
  add(firstStep: number, losses: readonly number[]): BlowUp | null {
    for (let i = 0; i < losses.length; i++) {
      const loss = losses[i]!;
      if (!Number.isFinite(loss)) continue; // non-finite: the core's own divergence check reports it
      if (Number.isNaN(this.first)) this.first = loss;
      const slot = this.count % WINDOW;
      if (this.count >= WINDOW) this.sum -= this.ring[slot]!;
      this.ring[slot] = loss;
      this.sum += loss;
      this.count++;
      if (this.count > WINDOW) {
        const mean = this.sum / WINDOW;
        if (mean > Math.max(FACTOR * this.first, FLOOR)) return { step: firstStep + i + 1, mean, first: this.first };
      }
    }
    return null;
  }
}

/** The fix to suggest: a learning rate 10× smaller, written as the settings table would. */
export function smallerLr(lr: number): number {
  return Number((lr / 10).toPrecision(6));
}

export function blowUpMessage(b: BlowUp, lr: number): string {
  return (
    `Training diverged at step ${b.step}: the loss rose to ${b.mean.toFixed(2)} on average over the last ${WINDOW} steps, ` +
    `more than twice the ${b.first.toFixed(2)} it started at (learning rate ${lr}): each step overshoots. ` +
    `Try a learning rate 10× smaller (${smallerLr(lr)}), then Reset.`
  );
}
