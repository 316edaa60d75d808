// `npm run bench`: the threaded wasm module must give the single-threaded module's bits.
// Trains the chapter's network (784-128-64-10 ReLU, He, SGD, seed 1) on genuine MNIST for
// the same steps with the shipped module (threads 1) and with firstnet-core-mt (threads
// 2), at batch 64 and 256, and compares every step's loss (float64 bits) and the final
// weights (float32 bits). Prints one JSON line: {"same":…,"steps":…,"firstMismatch":…}.
//
//   node build/bench/wasm_threads_check.mjs <build/wasm dir> <mnist-dir/>
import type { Engine } from '../web/src/engine/engine';
import { loadEngineNode } from '../web/src/engine/load-node';
import { loadTrain } from './runner';
import { createThreadedTrainer, loadThreadedEngineNode } from './wasm_mt';

const [wasmDir, mnistDir] = process.argv.slice(2);
if (!wasmDir || !mnistDir) throw new Error('usage: wasm_threads_check.mjs <build/wasm dir> <mnist-dir/>');
const mnist = loadTrain(mnistDir);

/** Losses of `steps` steps, then every parameter, as raw bits. */
function run(engine: Engine, batch: number, steps: number, threads: number): { losses: Float64Array; params: Uint32Array } {
  const data = engine.datasetFrom(mnist.images, mnist.labels);
  const spec = { layers: '784,128,64,10', activation: 'relu', init: 'he', initScale: 0, optimizer: 'sgd', lr: 0.1, momentum: 0, batch, seed: 1 };
  const trainer = threads > 1 ? createThreadedTrainer(engine, { ...spec, threads }) : engine.createTrainer(spec);
  try {
    const losses = new Float64Array(trainer.trainSteps(data, mnist.count, steps));
    const params = trainer.getParams().flatMap((p) => [...new Uint32Array(p.W.buffer), ...new Uint32Array(p.b.buffer)]);
    return { losses, params: Uint32Array.from(params) };
  } finally {
    trainer.dispose();
    data.dispose();
  }
}

const single = await loadEngineNode(wasmDir);
const threaded = await loadThreadedEngineNode(wasmDir);
let steps = 0;
let firstMismatch: string | null = null;
for (const [batch, n] of [[64, 40], [256, 10]] as const) {
  const a = run(single, batch, n, 1);
  const b = run(threaded, batch, n, 2);
  const la = new BigUint64Array(a.losses.buffer);
  const lb = new BigUint64Array(b.losses.buffer);
  steps += la.length;
  if (la.length !== n || lb.length !== n) firstMismatch ??= `batch ${batch}: ${la.length} vs ${lb.length} steps`;
  for (let i = 0; i < n && !firstMismatch; i++) if (la[i] !== lb[i]) firstMismatch = `batch ${batch} step ${i}: loss ${a.losses[i]} vs ${b.losses[i]}`;
  for (let i = 0; i < a.params.length && !firstMismatch; i++) if (a.params[i] !== b.params[i]) firstMismatch = `batch ${batch}: parameter ${i} differs`;
}
console.log(JSON.stringify({ same: firstMismatch === null, steps, firstMismatch }));
process.exit(0); // the threaded module's pthread workers would keep node alive
