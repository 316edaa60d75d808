// One training example through the network and back, as rows a reader can follow: each
// intermediate value under the chapter's name (z1, a1, …, dz3, dW3), its shape, a few of
// its values and one sentence on what to notice; then the update. Plain data (it crosses
// postMessage) built in the worker from forwardBackward.ts.
import { type Activation, type DenseParams, backward, crossEntropy, forward, update } from './forwardBackward';

export type Phase = 'forward' | 'backward' | 'update';

export interface ReportValue {
  /** Where the value sits, e.g. "z1[3]" or "dW3[12, 7]". */
  at: string;
  value: number;
  /** For the update rows: the value after the step. */
  after?: number;
}

export interface ReportRow {
  phase: Phase;
  /** The chapter's name: "z1", "a1", "dW3", "W3", "loss". */
  name: string;
  /** The chapter's line of code that makes it. */
  code: string;
  /** NumPy shape: [1, 128], [64, 10]; [] for a number. */
  shape: number[];
  values: ReportValue[];
  note: string;
}

export interface StepReport {
  /** Row of the training set used. */
  index: number;
  label: number;
  /** The network's guess before the step. */
  predicted: number;
  /** Layer sizes, input first: [784, 128, 64, 10]. */
  sizes: number[];
  activation: Activation;
  lr: number;
  /** The example's 784 pixels (to show it). */
  pixels: Uint8Array;
  /** Cross-entropy of this example before and after one gradient step on it alone. */
  loss: number;
  lossAfter: number;
  rows: ReportRow[];
}

const FIRST = 5; // values shown of a long vector
const LARGEST = 4; // entries shown of a weight gradient

function firstValues(name: string, v: ArrayLike<number>, n = FIRST): ReportValue[] {
  return Array.from({ length: Math.min(n, v.length) }, (_, i) => ({ at: `${name}[${i}]`, value: v[i] }));
}

/** Positions of the k non-zero entries with the largest |value| (ties: the earlier one). */
function largest(m: Float64Array, k: number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < m.length; i++) {
    if (m[i] === 0) continue;
    idx.push(i);
    idx.sort((p, q) => Math.abs(m[q]) - Math.abs(m[p]) || p - q);
    if (idx.length > k) idx.pop();
  }
  return idx;
}

function count(v: ArrayLike<number>, test: (x: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) if (test(v[i])) n++;
  return n;
}

function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** A number for a sentence: 3 decimals, or 1 significant digit when tiny; a true minus sign. */
function fmt(v: number): string {
  const s = Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(3) : v.toExponential(1);
  return s.replace(/^-/, '−');
}

function inactiveNote(act: Activation, name: string, a: ArrayLike<number>): string {
  if (act === 'relu') return `${count(a, (x) => x === 0)} of ${a.length} are 0: ReLU set every negative ${name.replace('a', 'z')} to 0.`;
  if (act === 'sigmoid') return `${count(a, (x) => x < 0.01 || x > 0.99)} of ${a.length} are saturated (below 0.01 or above 0.99), where sigmoid is flat.`;
  return `${count(a, (x) => Math.abs(x) > 0.99)} of ${a.length} are saturated (|a| above 0.99), where tanh is flat.`;
}

function actCode(act: Activation, l: number): string {
  if (act === 'relu') return `a${l} = np.maximum(0, z${l})`;
  if (act === 'sigmoid') return `a${l} = 1 / (1 + np.exp(-z${l}))`;
  return `a${l} = np.tanh(z${l})`;
}

function slopeCode(act: Activation, l: number): string {
  if (act === 'relu') return `(z${l} > 0)`;
  if (act === 'sigmoid') return `a${l} * (1 - a${l})`;
  return `(1 - a${l}**2)`;
}

/**
 * Builds the report for one example. `layers` are the network's parameters (getParams),
 * `pixels` the example's 784 bytes, `label` its class, `lr` the learning rate used for
 * the update shown.
 */
export function buildStepReport(layers: readonly DenseParams[], act: Activation, pixels: Uint8Array, label: number, lr: number, index: number): StepReport {
  const L = layers.length;
  const fw = forward(layers, act, pixels);
  const grads = backward(layers, act, fw, label);
  const probs = fw.a[L - 1];
  const predicted = argmax(probs);
  const loss = crossEntropy(probs, label);
  const next = update(layers, grads, lr);
  const lossAfter = crossEntropy(forward(next, act, pixels).a[L - 1], label);
  const sizes = [layers[0].fanIn, ...layers.map((p) => p.fanOut)];
  const rows: ReportRow[] = [];

  // ---- forward
  const ink = count(fw.x, (v) => v > 0);
  const inked: ReportValue[] = [];
  for (let i = 0; i < fw.x.length && inked.length < 3; i++) if (fw.x[i] > 0) inked.push({ at: `x[${i}]`, value: fw.x[i] });
  rows.push({ phase: 'forward', name: 'x', code: 'x = pixels / 255', shape: [1, sizes[0]], values: inked, note: `${ink} of ${sizes[0]} pixels have ink; the rest are 0.` });
  for (let l = 1; l <= L; l++) {
    const prev = l === 1 ? 'x' : `a${l - 1}`;
    const z = fw.z[l - 1];
    rows.push({
      phase: 'forward',
      name: `z${l}`,
      code: `z${l} = ${prev} @ W${l} + b${l}`,
      shape: [1, sizes[l]],
      values: l === L ? firstValues(`z${l}`, z, sizes[l]) : firstValues(`z${l}`, z),
      note: `(1, ${sizes[l - 1]}) @ (${sizes[l - 1]}, ${sizes[l]}) → (1, ${sizes[l]}). From ${fmt(Math.min(...z))} to ${fmt(Math.max(...z))}.`,
    });
    if (l < L) {
      rows.push({ phase: 'forward', name: `a${l}`, code: actCode(act, l), shape: [1, sizes[l]], values: firstValues(`a${l}`, fw.a[l - 1]), note: inactiveNote(act, `a${l}`, fw.a[l - 1]) });
    } else {
      rows.push({
        phase: 'forward',
        name: `a${l}`,
        code: `a${l} = softmax(z${l})  # probabilities`,
        shape: [1, sizes[l]],
        values: firstValues(`a${l}`, probs, sizes[l]),
        note: `Ten probabilities that add up to 1. The network says ${predicted} (${(probs[predicted] * 100).toFixed(1)} %); the label is ${label}.`,
      });
    }
  }
  rows.push({ phase: 'forward', name: 'loss', code: `loss = -np.log(a${L}[y])`, shape: [], values: [{ at: 'loss', value: loss }], note: `Cross-entropy: small when the probability of the true digit (${label}) is near 1.` });

  // ---- backward
  const picks: number[][] = [];
  for (let l = L; l >= 1; l--) {
    const prev = l === 1 ? 'x' : `a${l - 1}`;
    const dz = grads.dz[l - 1];
    if (l === L) {
      rows.push({
        phase: 'backward',
        name: `dz${l}`,
        code: `dz${l} = a${l} - y  # cross-entropy + softmax gradient`,
        shape: [1, sizes[l]],
        values: firstValues(`dz${l}`, dz, sizes[l]),
        note: `y is 1 at ${label}, 0 elsewhere: the true digit gets ${fmt(dz[label])} (push it up), every other digit its own probability (push it down).`,
      });
    } else {
      const zero = count(dz, (v) => v === 0);
      rows.push({
        phase: 'backward',
        name: `dz${l}`,
        code: `dz${l} = (dz${l + 1} @ W${l + 1}.T) * ${slopeCode(act, l)}`,
        shape: [1, sizes[l]],
        values: firstValues(`dz${l}`, dz),
        note:
          act === 'relu'
            ? `${zero} of ${sizes[l]} are 0: no gradient flows through a unit whose z${l} was ≤ 0.`
            : `Each value is scaled by the slope of ${act} at z${l}, at most ${act === 'sigmoid' ? '0.25' : '1'}: ‖dz${l}‖ = ${fmt(norm(dz))}.`,
      });
    }
    const dW = grads.dW[l - 1];
    const pick = largest(dW, LARGEST);
    picks[l - 1] = pick;
    const aPrev = l === 1 ? fw.x : fw.a[l - 2];
    const zeroRows = count(aPrev, (v) => v === 0);
    rows.push({
      phase: 'backward',
      name: `dW${l}`,
      code: `dW${l} = ${prev}.T @ dz${l} / m`,
      shape: [sizes[l - 1], sizes[l]],
      values: pick.map((i) => ({ at: `dW${l}[${Math.floor(i / sizes[l])}, ${i % sizes[l]}]`, value: dW[i] })),
      note: `(${sizes[l - 1]}, 1) @ (1, ${sizes[l]}), m = 1. The largest entries are shown; ${zeroRows} of ${sizes[l - 1]} rows are all 0, because ${l === 1 ? 'those pixels of x are 0' : `those units of a${l - 1} are 0`}.`,
    });
    rows.push({ phase: 'backward', name: `db${l}`, code: `db${l} = dz${l}.mean(axis=0)`, shape: [sizes[l]], values: firstValues(`db${l}`, grads.db[l - 1], l === L ? sizes[l] : FIRST), note: `With one example, db${l} is dz${l}.` });
  }

  // ---- update
  for (let l = L; l >= 1; l--) {
    const before = layers[l - 1].W;
    const after = next[l - 1].W;
    rows.push({
      phase: 'update',
      name: `W${l}`,
      code: `W${l} -= lr * dW${l}`,
      shape: [sizes[l - 1], sizes[l]],
      values: picks[l - 1].map((i) => ({ at: `W${l}[${Math.floor(i / sizes[l])}, ${i % sizes[l]}]`, value: before[i], after: after[i] })),
      note: `lr = ${lr}: each shown weight moves by −lr × its gradient.`,
    });
  }
  rows.push({
    phase: 'update',
    name: 'loss',
    code: 'loss on the same example, after the step',
    shape: [],
    values: [{ at: 'loss', value: loss, after: lossAfter }],
    note: lossAfter < loss ? 'One step on this example made its loss smaller: that is learning.' : 'The loss did not fall: the step was too large for this example.',
  });

  return { index, label, predicted, sizes, activation: act, lr, pixels, loss, lossAfter, rows };
}
