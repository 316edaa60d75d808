// Class names of the data sets firstnet knows. MNIST's classes are the digits themselves
// (null: show the digit); Fashion-MNIST has ten kinds of clothing with the labels 0–9.

/** Fashion-MNIST's classes, label 0 first (Xiao, Rasul & Vollgraf 2017). */
export const FASHION_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

/** Short forms for small places (a 46 px grid cell): one word each. */
const SHORT: Readonly<Record<string, string>> = { 'T-shirt/top': 'T-shirt', 'Ankle boot': 'Boot' };

export function shortClassName(name: string): string {
  return SHORT[name] ?? name;
}

/** Largest IDX file the reader may bring (full MNIST train images are 47 MB raw). */
export const MAX_USER_FILE_BYTES = 200 * 1024 * 1024;

/** How a data set's classes are named: 'auto' lets firstnet recognise the set. */
export type ClassNaming = 'auto' | 'digits' | 'fashion';
export const CLASS_NAMINGS: readonly ClassNaming[] = ['auto', 'digits', 'fashion'];

/**
 * Fingerprints of the known sets: counts and the first 16 labels of each file, which tell
 * MNIST and Fashion-MNIST apart whatever the files are called.
 */
const KNOWN: readonly { kind: 'mnist' | 'fashion-mnist'; train: number; test: number; trainHead: string; testHead: string }[] = [
  { kind: 'mnist', train: 60000, test: 10000, trainHead: '5041921314353617', testHead: '7210414959069015' },
  { kind: 'fashion-mnist', train: 60000, test: 10000, trainHead: '9003027255095579', testHead: '9211614657457341' },
];

/** Recognises MNIST or Fashion-MNIST by their label files (or by a file name saying "fashion"). */
export function recogniseDataSet(trainLabels: Uint8Array, testLabels: Uint8Array, names: readonly string[]): 'mnist' | 'fashion-mnist' | 'custom' {
  const head = (l: Uint8Array) => Array.from(l.subarray(0, 16)).join('');
  for (const k of KNOWN) {
    if (trainLabels.length === k.train && testLabels.length === k.test && head(trainLabels) === k.trainHead && head(testLabels) === k.testHead) return k.kind;
  }
  if (names.some((n) => /fashion/i.test(n))) return 'fashion-mnist';
  return 'custom';
}
