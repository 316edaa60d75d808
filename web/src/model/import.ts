// A model file becomes the network to use (contract §1): its layer sizes and activation
// replace the current configuration's; the other settings (learning rate, batch, seed …)
// stay, so Train continues from the file's weights with the reader's settings.
import { MAX_HIDDEN_LAYERS, MAX_WIDTH, cloneConfig } from '../config/table';
import type { TrainConfig } from '../config/types';
import type { ModelFile } from '../formats/npz';
import { modelSizes } from './model';

/** `current` with the model's hidden layers and activation; throws, naming `name`, if the table refuses them. */
export function configForModel(current: TrainConfig, model: ModelFile, name: string): TrainConfig {
  const hidden = modelSizes(model).slice(1, -1);
  if (hidden.length > MAX_HIDDEN_LAYERS) throw new Error(`${name}: ${hidden.length} hidden layers, at most ${MAX_HIDDEN_LAYERS} are supported`);
  const wide = hidden.find((w) => w > MAX_WIDTH);
  if (wide !== undefined) throw new Error(`${name}: a hidden layer of ${wide} units, at most ${MAX_WIDTH} are supported`);
  const config = cloneConfig(current);
  config.layers = hidden;
  config.activation = model.activation;
  return config;
}
