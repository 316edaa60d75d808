// The chapter's forward and backward pass for ONE example, in plain TypeScript, so the
// reader can watch every intermediate value (z1, a1, …, dz3, dW3, …). The network itself
// trains in the wasm core; this copy reads the core's weights (getParams) and recomputes
// one example in float64. tests/unit/stepThrough.test.ts checks it against the core:
// same probabilities, and W − lr·dW equal to the core's own batch-1 update.
//
// Shapes, with m = 1 example and sizes n0 = 784, n1, …, nL = 10:
//   x: (1, n0)    Wl: (n(l−1), nl)    bl: (nl,)    zl, al, dzl, dbl: (1, nl)    dWl: (n(l−1), nl)

export type Activation = 'relu' | 'sigmoid' | 'tanh';

/** One Dense layer's parameters, W row-major fanIn × fanOut (used as a @ W + b). */
export interface DenseParams {
  W: ArrayLike<number>;
  b: ArrayLike<number>;
  fanIn: number;
  fanOut: number;
}

export interface ForwardPass {
  /** Input scaled to [0, 1]: x = pixels / 255. */
  x: Float64Array;
  /** z[l] = a[l−1] @ W[l] + b[l] (0-based: z[0] is the chapter's z1). */
  z: Float64Array[];
  /** a[l] = act(z[l]) for hidden layers; the last is softmax(z): the probabilities. */
  a: Float64Array[];
}

export interface BackwardPass {
  /** dz[l] = ∂loss/∂z[l]; the last is a − onehot(y) (softmax + cross-entropy). */
  dz: Float64Array[];
  /** dW[l] = a[l−1]ᵀ @ dz[l] / m (m = 1), fanIn × fanOut row-major. */
  dW: Float64Array[];
  /** db[l] = mean of dz[l] over the batch (= dz[l] for one example). */
  db: Float64Array[];
}

export function activate(act: Activation, z: number): number {
  if (act === 'relu') return z > 0 ? z : 0;
  if (act === 'sigmoid') return 1 / (1 + Math.exp(-z));
  return Math.tanh(z);
}

/** act'(z), written with a = act(z) where that is the usual form. */
export function activationSlope(act: Activation, z: number, a: number): number {
  if (act === 'relu') return z > 0 ? 1 : 0; // the chapter's (z > 0)
  if (act === 'sigmoid') return a * (1 - a);
  return 1 - a * a;
}

/** softmax(z) computed as exp(z − max z) / Σ, so that large z cannot overflow. */
export function softmax(z: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < z.length; i++) max = Math.max(max, z[i]);
  const out = new Float64Array(z.length);
  let sum = 0;
  for (let i = 0; i < z.length; i++) sum += out[i] = Math.exp(z[i] - max);
  for (let i = 0; i < z.length; i++) out[i] /= sum;
  return out;
}

function checkShapes(layers: readonly DenseParams[]): void {
  if (layers.length === 0) throw new Error('forward: the network has no layers');
  layers.forEach((p, l) => {
    if (p.W.length !== p.fanIn * p.fanOut || p.b.length !== p.fanOut) {
      throw new Error(`forward: layer ${l + 1} has W of ${p.W.length} and b of ${p.b.length} values for ${p.fanIn}×${p.fanOut}`);
    }
    if (l > 0 && p.fanIn !== layers[l - 1].fanOut) throw new Error(`forward: layer ${l + 1} takes ${p.fanIn} inputs, layer ${l} gives ${layers[l - 1].fanOut}`);
  });
}

/** The forward pass of one example (pixels: fanIn uint8 values, 0–255). */
export function forward(layers: readonly DenseParams[], act: Activation, pixels: ArrayLike<number>): ForwardPass {
  checkShapes(layers);
  if (pixels.length !== layers[0].fanIn) throw new Error(`forward: ${pixels.length} pixels for ${layers[0].fanIn} inputs`);
  const x = Float64Array.from(pixels, (p) => p / 255);
  const z: Float64Array[] = [];
  const a: Float64Array[] = [];
  let prev: Float64Array = x;
  layers.forEach((p, l) => {
    const zl = new Float64Array(p.fanOut);
    for (let j = 0; j < p.fanOut; j++) zl[j] = p.b[j];
    for (let k = 0; k < p.fanIn; k++) {
      const v = prev[k];
      if (v === 0) continue; // a zero input (background pixel, dead unit) adds nothing
      const row = k * p.fanOut;
      for (let j = 0; j < p.fanOut; j++) zl[j] += v * p.W[row + j];
    }
    const last = l === layers.length - 1;
    const al = last ? softmax(zl) : zl.map((v) => activate(act, v));
    z.push(zl);
    a.push(al);
    prev = al;
  });
  return { x, z, a };
}

/** Cross-entropy of one example: −log p[label]. */
export function crossEntropy(probabilities: ArrayLike<number>, label: number): number {
  return -Math.log(Math.max(probabilities[label], 1e-300));
}

/** The backward pass of one example with true class `label` (m = 1). */
export function backward(layers: readonly DenseParams[], act: Activation, pass: ForwardPass, label: number): BackwardPass {
  const L = layers.length;
  const classes = layers[L - 1].fanOut;
  if (!Number.isInteger(label) || label < 0 || label >= classes) throw new Error(`backward: label ${label} is not a class 0–${classes - 1}`);
  const dz: Float64Array[] = new Array(L);
  const dW: Float64Array[] = new Array(L);
  const db: Float64Array[] = new Array(L);
  // Output: dz_L = a_L − y, with y the one-hot label (softmax and cross-entropy together).
  const out = pass.a[L - 1].slice();
  out[label] -= 1;
  dz[L - 1] = out;
  for (let l = L - 1; l >= 0; l--) {
    const p = layers[l];
    const aPrev = l > 0 ? pass.a[l - 1] : pass.x; // (1, fanIn)
    const g = dz[l]; // (1, fanOut)
    // dW_l = a_{l−1}ᵀ @ dz_l / m: (fanIn, 1) @ (1, fanOut) → (fanIn, fanOut)
    const w = new Float64Array(p.fanIn * p.fanOut);
    for (let k = 0; k < p.fanIn; k++) {
      const v = aPrev[k];
      if (v === 0) continue;
      for (let j = 0; j < p.fanOut; j++) w[k * p.fanOut + j] = v * g[j];
    }
    dW[l] = w;
    db[l] = g.slice(); // mean over m = 1 example
    if (l === 0) break;
    // dz_{l−1} = (dz_l @ W_lᵀ) * act'(z_{l−1}): (1, fanOut) @ (fanOut, fanIn) → (1, fanIn)
    const prev = new Float64Array(p.fanIn);
    for (let k = 0; k < p.fanIn; k++) {
      let s = 0;
      const row = k * p.fanOut;
      for (let j = 0; j < p.fanOut; j++) s += g[j] * p.W[row + j];
      prev[k] = s * activationSlope(act, pass.z[l - 1][k], pass.a[l - 1][k]);
    }
    dz[l - 1] = prev;
  }
  return { dz, dW, db };
}

/** Plain gradient descent on copies: W − lr·dW, b − lr·db (the chapter's update). */
export function update(layers: readonly DenseParams[], grads: BackwardPass, lr: number): DenseParams[] {
  return layers.map((p, l) => ({
    fanIn: p.fanIn,
    fanOut: p.fanOut,
    W: Float64Array.from(p.W, (w, i) => w - lr * grads.dW[l][i]),
    b: Float64Array.from(p.b, (b, j) => b - lr * grads.db[l][j]),
  }));
}
