// The model file's content (contract §1) from a trained network, and back.
// The .npz bytes themselves are written and read by formats/npz.ts.
import type { LayerParams, Trainer } from '../engine/engine';
import type { TrainConfig } from '../config/types';
import type { ModelFile } from '../formats/npz';

export interface ModelMetrics {
  testAccuracy?: number;
  testLoss?: number;
}

/** The JSON stored as `config` in the .npz: informative, except `activation`. */
export function modelConfigJson(config: TrainConfig, sizes: number[], metrics: ModelMetrics): Record<string, unknown> {
  const init = config.init.kind === 'normal' ? `normal:${config.init.scale}` : config.init.kind;
  return {
    format: 'firstnet-model',
    version: 1,
    layers: sizes,
    activation: config.activation,
    init,
    optimizer: config.optimizer,
    lr: config.lr,
    ...(config.optimizer === 'momentum' ? { momentum: config.momentum } : {}),
    batch: config.batch,
    seed: config.seed,
    epochs: config.epochs,
    train: config.train,
    metrics,
  };
}

export function modelFromTrainer(trainer: Trainer, config: TrainConfig, metrics: ModelMetrics): ModelFile {
  const layers: LayerParams[] = trainer.getParams();
  return {
    layers,
    activation: config.activation,
    config: modelConfigJson(config, trainer.sizes, metrics),
    notices: [],
  };
}

/** Layer sizes of a model file, input first: [784, 128, 64, 10]. */
export function modelSizes(model: ModelFile): number[] {
  return [model.layers[0]!.fanIn, ...model.layers.map((l) => l.fanOut)];
}
