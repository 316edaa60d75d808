// Benchmark runner (c): the project's wasm core in node through the engine wrapper
// (web/src/engine/load-node.ts), exactly as the CLI and the worker drive it. Bundled by
// scripts/bench.mjs to build/bench/wasm_trainer.mjs.
//
//   node build/bench/wasm_trainer.mjs <build/wasm dir> <mnist-dir/>
import type { Dataset, Trainer } from '../web/src/engine/engine';
import { loadEngineNode } from '../web/src/engine/load-node';
import { type BenchTrainer, loadTrain, serve } from './runner';

const [wasmDir, mnistDir] = process.argv.slice(2);
if (!wasmDir || !mnistDir) throw new Error('usage: wasm_trainer.mjs <build/wasm dir> <mnist-dir/>');

const engine = await loadEngineNode(wasmDir);
const data = loadTrain(mnistDir);
const train: Dataset = engine.datasetFrom(data.images, data.labels);

let trainer: Trainer | null = null;
let config = '';
const runner: BenchTrainer = {
  configure(batch, lr) {
    const key = `${batch} ${lr}`;
    if (key === config) return;
    trainer?.dispose();
    trainer = engine.createTrainer({
      layers: '784,128,64,10', activation: 'relu', init: 'he', initScale: 0,
      optimizer: 'sgd', lr, momentum: 0, batch, seed: 1,
    });
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
