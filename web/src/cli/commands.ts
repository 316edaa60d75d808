// `firstnet train` and `firstnet eval`: the same wasm and the same numbers as the browser.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { toTrainerSpec, describeConfig } from '../config/settings';
import { configNotices } from '../config/limits';
import { INPUT_SIZE, OUTPUT_SIZE } from '../config/types';
import type { Engine, Dataset } from '../engine/engine';
import { MAX_FILE_BYTES, readModelNpz, writeModelNpz } from '../formats/npz';
import { modelFromTrainer, modelSizes } from '../model/model';
import type { EvalArgs, TrainArgs } from './args';
import { UsageError } from './args';
import { readIdxPair } from './idxDir';

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Where the IDX files are when --data is not given. */
  defaultDataDir: string;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

async function loadModel(path: string, io: Io) {
  const unreadable = (e: NodeJS.ErrnoException) => {
    throw new Error(`${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  };
  // The size first: a huge file is refused without reading it.
  const { size } = await stat(path).catch(unreadable);
  if (size > MAX_FILE_BYTES) throw new Error(`${path}: ${size} bytes is larger than the ${MAX_FILE_BYTES}-byte limit for a model`);
  const bytes = await readFile(path).catch(unreadable);
  const model = readModelNpz(new Uint8Array(bytes), path);
  for (const n of model.notices) io.err(`${path}: ${n}`);
  return model;
}

async function loadTestSet(engine: Engine, dir: string): Promise<Dataset> {
  const t = await readIdxPair(dir, 't10k');
  return engine.datasetFrom(t.images, t.labels);
}

export async function trainCommand(engine: Engine, args: TrainArgs, io: Io): Promise<void> {
  const config = args.config;
  const model = args.from ? await loadModel(args.from, io) : null;
  if (model) {
    // The file decides the shape and activation; flags given explicitly must agree with it.
    const hidden = modelSizes(model).slice(1, -1);
    if (args.explicit.has('layers') && hidden.join(',') !== config.layers.join(',')) {
      throw new UsageError(`--layers ${config.layers.join(',')} does not match ${args.from} (${hidden.join(',')})`);
    }
    if (args.explicit.has('activation') && model.activation !== config.activation) {
      throw new UsageError(`--activation ${config.activation} does not match ${args.from} (${model.activation})`);
    }
    config.layers = hidden;
    config.activation = model.activation;
  }

  // Valid values the core adjusts (batch larger than the training set): said, on stderr.
  for (const notice of configNotices(config)) io.err(`firstnet: note: ${notice}`);

  const dir = args.data ?? io.defaultDataDir;
  const trainData = await readIdxPair(dir, 'train');
  if (config.train > trainData.labels.length) {
    throw new UsageError(`--train ${config.train} is more than the ${trainData.labels.length} training images in ${dir}`);
  }
  const n = config.train;
  const train = engine.datasetFrom(trainData.images.subarray(0, n * INPUT_SIZE), trainData.labels.subarray(0, n));
  const test = await loadTestSet(engine, dir);
  const trainer = engine.createTrainer(toTrainerSpec(config));
  try {
    if (model) trainer.setParams(model.layers);
    if (!args.json) io.out(`training ${describeConfig(config)} on ${n} images, testing on ${test.count}`);
    let last = { testAccuracy: NaN, testLoss: NaN };
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const t0 = performance.now();
      let lossSum = 0;
      let steps = 0;
      while (trainer.epochs < epoch) {
        if (trainer.advance(train, n)) {
          lossSum += trainer.lastLoss;
          steps++;
        }
      }
      const seconds = (performance.now() - t0) / 1000;
      const onTrain = trainer.evaluate(train, 0, n);
      const onTest = trainer.evaluate(test);
      last = { testAccuracy: onTest.accuracy, testLoss: onTest.loss };
      const loss = lossSum / steps;
      if (args.json) {
        io.out(JSON.stringify({ epoch, loss, trainAccuracy: onTrain.accuracy, testAccuracy: onTest.accuracy, testLoss: onTest.loss, seconds }));
      } else {
        io.out(`epoch ${epoch}/${config.epochs}  loss ${loss.toFixed(4)}  train ${pct(onTrain.accuracy)}  test ${pct(onTest.accuracy)}  ${seconds.toFixed(1)} s`);
      }
    }
    if (args.save) {
      const bytes = writeModelNpz(modelFromTrainer(trainer, config, last));
      await writeFile(args.save, bytes);
      if (!args.json) io.out(`saved ${args.save} (${bytes.length} bytes)`);
    }
  } finally {
    trainer.dispose();
    train.dispose();
    test.dispose();
  }
}

export async function evalCommand(engine: Engine, args: EvalArgs, io: Io): Promise<void> {
  const model = await loadModel(args.model, io);
  const sizes = modelSizes(model);
  if (sizes[0] !== INPUT_SIZE || sizes[sizes.length - 1] !== OUTPUT_SIZE) {
    throw new Error(`${args.model}: layers ${sizes.join('-')} do not run from 784 to 10`);
  }
  const test = await loadTestSet(engine, args.data ?? io.defaultDataDir);
  // Any valid spec of the right shape: the weights are replaced at once.
  const trainer = engine.createTrainer({
    layers: sizes.join(','),
    activation: model.activation,
    init: 'he',
    initScale: 0,
    optimizer: 'sgd',
    lr: 0.1,
    momentum: 0,
    batch: 1,
    seed: 0,
  });
  try {
    trainer.setParams(model.layers);
    const r = trainer.evaluate(test);
    if (args.json) io.out(JSON.stringify({ testAccuracy: r.accuracy, loss: r.loss, correct: r.correct, count: r.count }));
    else io.out(`${args.model}: test accuracy ${pct(r.accuracy)} (${r.correct}/${r.count}), loss ${r.loss.toFixed(4)}`);
  } finally {
    trainer.dispose();
    test.dispose();
  }
}
