// The reader's own data set: four IDX files (raw or .gz, any names) dropped on the page,
// used for training and testing in place of MNIST. Runs in the worker (no DOM).
//
// Files are told apart by content, not by name: the IDX magic says images or labels, an
// image file pairs with the label file of the same count, and the larger pair is the
// training set (names decide only when both pairs have the same count). Every file goes
// through parseIdx, which checks sizes before allocating and labels 0–9.
import { FASHION_CLASSES, MAX_USER_FILE_BYTES, type ClassNaming, recogniseDataSet } from '../data/classes';
import type { Dataset, Engine } from '../engine/engine';
import { type IdxFile, type IdxPair, parseIdx, pairIdx } from '../formats/idx';
import type { DataInfo } from '../runs/run';
import { MnistData } from './datasets';
import { GRID_COUNT } from './protocol';

export interface UserFile {
  name: string;
  bytes: Uint8Array;
}

export interface IdentifiedData {
  train: IdxPair;
  test: IdxPair;
  info: DataInfo;
}

const isTestName = (n: string) => /t10k|test/i.test(n);
const isTrainName = (n: string) => /train/i.test(n);

/** Parses and pairs the four files; throws one line naming the file and the problem. */
export function identifyIdxFiles(files: readonly UserFile[], naming: ClassNaming = 'auto'): IdentifiedData {
  if (files.length !== 4) {
    throw new Error(
      `Give four IDX files — training images and labels, test images and labels (raw or .gz) — not ${files.length}: ${files.map((f) => f.name).join(', ') || 'none'}`,
    );
  }
  for (const f of files) {
    if (f.bytes.length > MAX_USER_FILE_BYTES) throw new Error(`${f.name}: ${f.bytes.length} bytes is more than the ${MAX_USER_FILE_BYTES}-byte limit`);
  }
  const parsed = files.map((f) => parseIdx(f.bytes, f.name));
  const images = parsed.filter((p): p is Extract<IdxFile, { kind: 'images' }> => p.kind === 'images');
  const labels = parsed.filter((p): p is Extract<IdxFile, { kind: 'labels' }> => p.kind === 'labels');
  if (images.length !== 2 || labels.length !== 2) {
    throw new Error(`Expected two image files and two label files; got ${images.length} image file(s) (${images.map((i) => i.name).join(', ')}) and ${labels.length} label file(s) (${labels.map((l) => l.name).join(', ')})`);
  }
  // Pair by count; with equal counts, by name (train/test).
  let pairs: [IdxFile, IdxFile][];
  const [i0, i1] = images as [IdxFile, IdxFile];
  const [l0, l1] = labels as [IdxFile, IdxFile];
  if (i0.count !== i1.count) {
    const match = (img: IdxFile) => labels.find((l) => l.count === img.count);
    const m0 = match(i0);
    const m1 = match(i1);
    if (!m0 || !m1 || m0 === m1) {
      throw new Error(`The counts do not pair up: images ${i0.name} (${i0.count}), ${i1.name} (${i1.count}); labels ${l0.name} (${l0.count}), ${l1.name} (${l1.count})`);
    }
    pairs = [
      [i0, m0],
      [i1, m1],
    ];
    pairs.sort((a, b) => b[0].count - a[0].count); // training first: the larger set
  } else {
    const trainImg = images.find((f) => isTrainName(f.name) && !isTestName(f.name));
    const testImg = images.find((f) => isTestName(f.name));
    const trainLab = labels.find((f) => isTrainName(f.name) && !isTestName(f.name));
    const testLab = labels.find((f) => isTestName(f.name));
    if (!trainImg || !testImg || !trainLab || !testLab || trainImg === testImg || trainLab === testLab) {
      throw new Error(
        `Both image files have ${i0.count} images, so the names must say which is for training and which for testing ("train" and "t10k" or "test"): ${files.map((f) => f.name).join(', ')}`,
      );
    }
    pairs = [
      [trainImg, trainLab],
      [testImg, testLab],
    ];
  }
  const train = pairIdx(pairs[0]![0], pairs[0]![1]);
  const test = pairIdx(pairs[1]![0], pairs[1]![1]);
  if (train.count === 0) throw new Error(`${pairs[0]![0].name}: the training set has no images`);
  if (test.count === 0) throw new Error(`${pairs[1]![0].name}: the test set has no images`);
  const recognised = recogniseDataSet(train.labels, test.labels, files.map((f) => f.name));
  const kind = naming === 'fashion' ? 'fashion-mnist' : naming === 'digits' && recognised === 'fashion-mnist' ? 'custom' : recognised;
  // Files that are MNIST itself (by their labels) count as MNIST: runs on them compare as such.
  const name = kind === 'fashion-mnist' ? 'Fashion-MNIST' : kind === 'mnist' ? 'MNIST' : 'your data';
  const info: DataInfo = {
    kind,
    name,
    trainRows: train.count,
    testRows: test.count,
    classNames: kind === 'fashion-mnist' ? [...FASHION_CLASSES] : null,
  };
  return { train, test, info };
}

/** The identified files as engine datasets (copied into wasm memory). */
export function userDatasets(engine: Engine, data: IdentifiedData): MnistData {
  const train = engine.datasetFrom(data.train.images, data.train.labels);
  let test: Dataset;
  try {
    test = engine.datasetFrom(data.test.images, data.test.labels);
  } catch (e) {
    train.dispose();
    throw e;
  }
  const out = new MnistData(test, train);
  out.loaded = true;
  out.gridSent = true;
  return out;
}

/** The first GRID_COUNT test images and labels (copies, transferable). */
export function gridOf(test: Dataset): { pixels: Uint8Array; labels: Uint8Array } {
  const n = Math.min(GRID_COUNT, test.count);
  const pixels = new Uint8Array(n * 784);
  for (let i = 0; i < n; i++) pixels.set(test.image(i), i * 784);
  return { pixels, labels: test.labels(0, n) };
}
