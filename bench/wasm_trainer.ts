// Benchmark runner (c): the project's wasm core in node through the engine wrapper
// (web/src/engine/load-node.ts), exactly as the CLI and the worker drive it. Bundled by
// scripts/bench.mjs to build/bench/wasm_trainer.mjs.
//
//   node build/bench/wasm_trainer.mjs <build/wasm dir> <mnist-dir/> [--threads N]
// --threads N (N > 1): the threaded module firstnet-core-mt (bench/wasm_mt.ts)
// with TrainerSpec.threads = N, instead of the shipped single-threaded module.
import type { Dataset, Trainer } from '../web/src/engine/engine';
import { loadEngineNode } from '../web/src/engine/load-node';
import { type BenchTrainer, loadTrain, serve } from './runner';
import { createThreadedTrainer, loadThreadedEngineNode } from './wasm_mt';

const [wasmDir, mnistDir, threadsFlag, threadsArg] = process.argv.slice(2);
const threads = threadsFlag === '--threads' ? Number(threadsArg) : 1;
if (!wasmDir || !mnistDir || !(Number.isInteger(threads) && threads >= 1))
  throw new Error('usage: wasm_trainer.mjs <build/wasm dir> <mnist-dir/> [--threads N]');

const engine = threads > 1 ? await loadThreadedEngineNode(wasmDir) : await loadEngineNode(wasmDir);
const data = loadTrain(mnistDir);
const train: Dataset = engine.datasetFrom(data.images, data.labels);

let trainer: Trainer | null = null;
let config = '';
const runner: BenchTrainer = {
  configure(batch, lr) {
    const key = `${batch} ${lr}`;
    if (key === config) return;
    trainer?.dispose();
    const spec = {
      layers: '784,128,64,10', activation: 'relu', init: 'he', initScale: 0,
      optimizer: 'sgd', lr, momentum: 0, batch, seed: 1,
    };
    trainer = threads > 1 ? createThreadedTrainer(engine, { ...spec, threads }) : engine.createTrainer(spec);
    config = key;
  },
  train(shouldStop) {
    // Blocks of steps between clock reads, like the worker's time slices.
    const t = trainer!;
    let steps = 0;
    let loss = NaN;
    do {
      const losses = t.trainSteps(train, data.count, 8);
      steps += losses.length;
      loss = losses[losses.length - 1]!;
    } while (!shouldStop());
    return { steps, loss };
  },
};
await serve(runner);
(trainer as Trainer | null)?.dispose(); // assigned in configure(): TS cannot see it
train.dispose();
if (threads > 1) process.exit(0); // the threaded module's pthread workers would keep node alive
