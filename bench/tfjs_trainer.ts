// Benchmark runner (d): TensorFlow.js 4.22 with its WebAssembly backend (XNNPACK, SIMD)
// in node, on the identical model: 784-128-64-10 ReLU, He-normal init, softmax
// cross-entropy (mean over the batch), plain SGD, the same shuffled genuine MNIST batches
// scaled x/255. Bundled by scripts/bench.mjs to build/bench/tfjs_trainer.mjs (tfjs stays
// external, loaded from node_modules). Speaks bench/runner.ts's protocol.
//
//   node build/bench/tfjs_trainer.mjs <tfjs-backend-wasm dist dir/> <mnist-dir/>
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { type BenchTrainer, loadTrain, serve } from './runner';

const [wasmDist, mnistDir] = process.argv.slice(2);
if (!wasmDist || !mnistDir) throw new Error('usage: tfjs_trainer.mjs <tfjs-backend-wasm dist dir/> <mnist-dir/>');

setWasmPaths(wasmDist); // the .wasm files ship inside the npm package
setThreadsCount(1); // one thread, like the others (node has no SharedArrayBuffer pool here anyway)
if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend did not initialise');
await tf.ready();

const data = loadTrain(mnistDir);

interface Model {
  vars: tf.Variable[];
  opt: tf.Optimizer;
  batch: number;
}

let model: Model | null = null;
let config = '';
let order = new Uint32Array(0);
let pos = 0;

function shuffle(): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  pos = 0;
}

function he(fanIn: number, fanOut: number): tf.Variable {
  return tf.variable(tf.randomNormal([fanIn, fanOut], 0, Math.sqrt(2 / fanIn), 'float32'));
}

const runner: BenchTrainer = {
  configure(batch, lr) {
    const key = `${batch} ${lr}`;
    if (key === config) return;
    if (model) {
      model.vars.forEach((v) => v.dispose());
      model.opt.dispose();
    }
    const vars = [he(784, 128), tf.variable(tf.zeros([128])), he(128, 64), tf.variable(tf.zeros([64])), he(64, 10), tf.variable(tf.zeros([10]))];
    model = { vars, opt: tf.train.sgd(lr), batch };
    config = key;
    order = Uint32Array.from({ length: data.count }, (_, i) => i);
    shuffle();
  },
  train(shouldStop) {
    const m = model!;
    const B = m.batch;
    const [W1, b1, W2, b2, W3, b3] = m.vars as [tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable];
    const x = new Float32Array(B * 784);
    const y = new Int32Array(B);
    let steps = 0;
    let loss = NaN;
    do {
      if (pos + B > order.length) shuffle();
      for (let r = 0; r < B; r++) {
        const row = order[pos + r]!;
        y[r] = data.labels[row]!;
        const src = row * 784;
        for (let p = 0; p < 784; p++) x[r * 784 + p] = data.images[src + p]! / 255;
      }
      pos += B;
      const l = tf.tidy(() => {
        const xs = tf.tensor2d(x, [B, 784]);
        const ys = tf.oneHot(tf.tensor1d(y, 'int32'), 10);
        return m.opt.minimize(() => {
          const h1 = tf.relu(tf.add(tf.matMul(xs, W1), b1));
          const h2 = tf.relu(tf.add(tf.matMul(h1, W2), b2));
          const logits = tf.add(tf.matMul(h2, W3), b3);
          return tf.losses.softmaxCrossEntropy(ys, logits) as tf.Scalar;
        }, true)!;
      });
      loss = l.dataSync()[0]!;
      l.dispose();
      steps++;
    } while (!shouldStop());
    return { steps, loss };
  },
};
await serve(runner);
