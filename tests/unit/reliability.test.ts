// Issue 6 in node against the real wasm: configurations at the edges (the table, the
// worker's validator and the CLI refuse or clamp them with a message naming the key), the
// divergence watch on real runs, the crash classifier, and no embind or heap leaks over
// train / evaluate / export / dispose cycles.
import { describe, expect, it, beforeAll } from 'vitest';
import { parseArgs, UsageError } from '../../web/src/cli/args';
import { trainCommand } from '../../web/src/cli/commands';
import { configNotices, configRangeProblem } from '../../web/src/config/limits';
import { DEFAULT_CONFIG, applySetting, cloneConfig, configForPreset, parseHash } from '../../web/src/config/settings';
import type { TrainConfig } from '../../web/src/config/types';
import type { Engine } from '../../web/src/engine/engine';
import type { FirstnetModule } from '../../web/src/engine/firstnet-wasm';
import { loadEngineNode } from '../../web/src/engine/load-node';
import { crashMessage, fatalFault } from '../../web/src/worker/fatal';
import { LossWatch, WINDOW } from '../../web/src/worker/lossWatch';
import { ProtocolError, validateConfig } from '../../web/src/worker/protocol';
import { TrainingRun } from '../../web/src/worker/session';
import { MNIST_DIR, mnist } from './helpers/mnist';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngineNode();
});

const FIFTY = Array.from({ length: 50 }, () => '10').join(',');

/** The edges of issue 6, as URL values, and the key each message must name. */
const EDGES: [string, string][] = [
  ['layers', '0'],
  ['layers', '100000'],
  ['layers', FIFTY],
  ['layers', '128,0'],
  ['lr', '0'],
  ['lr', '1e6'],
  ['lr', '1e-320'],
  ['lr', '-1'],
  ['epochs', '0'],
  ['epochs', '1001'],
  ['batch', '0'],
  ['batch', '60001'],
  ['train', '0'],
  ['momentum', '0.99999999999'],
];

describe('configurations at the edges', () => {
  it.each(EDGES)('the URL table refuses %s=%s with a message naming the key, and keeps the default', (key, value) => {
    const r = parseHash(`#${key}=${value}`);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(new RegExp(`^${key}: '`));
    expect(r.errors[0]).toContain('is not valid: expected');
    expect((r.config as unknown as Record<string, unknown>)[key]).toEqual((DEFAULT_CONFIG as unknown as Record<string, unknown>)[key]);
  });

  it.each(EDGES)('the CLI refuses --%s %s with exit-2 usage error naming the flag', (key, value) => {
    expect(() => parseArgs(['train', `--${key}`, value])).toThrow(UsageError);
    expect(() => parseArgs(['train', `--${key}`, value])).toThrow(new RegExp(`^--${key}: '`));
  });

  it('a batch larger than the training set is clamped, and said: in the page (configNotices) and the CLI', async () => {
    const config = parseHash('#batch=5000&train=1000').config;
    expect(config.batch).toBe(5000);
    expect(configNotices(config)).toEqual(['batch 5000 is larger than the 1000 training images (train): each step uses all 1000, i.e. full-batch gradient descent.']);
    expect(configNotices(parseHash('#batch=64&train=1000').config)).toEqual([]);
    expect(configNotices(parseHash('#batch=full&train=1000').config)).toEqual([]);
    // The core clamps: one step per epoch of all 1000 examples.
    const run = new TrainingRun(engine, config);
    expect(run.batchSize).toBe(1000);
    run.dispose();

    const args = parseArgs(['train', '--batch', '5000', '--train', '300', '--epochs', '1', '--json', '--data', MNIST_DIR]);
    const out: string[] = [];
    const err: string[] = [];
    if (args.command !== 'train') throw new Error('expected train');
    await trainCommand(engine, args, { out: (l) => out.push(l), err: (l) => err.push(l), defaultDataDir: MNIST_DIR });
    expect(err).toEqual(['firstnet: note: batch 5000 is larger than the 300 training images (train): each step uses all 300, i.e. full-batch gradient descent.']);
    expect(out).toHaveLength(1);
    expect(Number.isFinite((JSON.parse(out[0]!) as { loss: number }).loss)).toBe(true);
  });

  it('the largest network the table allows (8 hidden layers of 1024) builds, trains a step and is disposed', () => {
    const config = parseHash('#layers=1024,1024,1024,1024,1024,1024,1024,1024&train=300&batch=16').config;
    const data = mnist('train', 300);
    const train = engine.datasetFrom(data.images, data.labels);
    const run = new TrainingRun(engine, config);
    const r = run.slice(train, 1e9, 1);
    expect(r.losses).toHaveLength(1);
    expect(Number.isFinite(r.losses[0])).toBe(true);
    run.dispose();
    train.dispose();
  });

  it('the worker refuses an out-of-range config that did not come through the table (postMessage, stale client)', () => {
    const bad: [keyof TrainConfig, unknown][] = [
      ['lr', 1e6],
      ['lr', 0],
      ['layers', [100000]],
      ['layers', Array.from({ length: 50 }, () => 10)],
      ['epochs', 0],
      ['epochs', 1e9],
      ['batch', 60001],
      ['train', 1e9],
      ['seed', 2 ** 32],
      ['init', { kind: 'normal', scale: 1000 }],
    ];
    for (const [key, value] of bad) {
      const c = { ...cloneConfig(DEFAULT_CONFIG), [key]: value };
      expect(() => validateConfig(c), `${key}=${JSON.stringify(value)}`).toThrow(ProtocolError);
      expect(() => validateConfig(c)).toThrow(new RegExp(`^config: '?${key}'?:? `));
      expect(configRangeProblem(c as TrainConfig)).toMatch(new RegExp(`^${key}: .* is out of range \\(expected `));
    }
    for (const id of ['chapter', 'default', 'sigmoid', 'third-layer', 'narrow', 'batch-1', 'full-batch', 'init-large', 'init-tiny']) {
      expect(configRangeProblem(configForPreset(id)!)).toBeNull();
    }
  });

  it('the core refuses what the table refuses, with messages naming the field', () => {
    const spec = { layers: '784,128,64,10', activation: 'relu', init: 'he', initScale: 0, optimizer: 'sgd', lr: 0.1, momentum: 0, batch: 64, seed: 1 };
    const refusals: [Partial<typeof spec>, RegExp][] = [
      [{ layers: '784,0,10' }, /TrainerSpec.layers hidden widths must be in \[1, 1024\]/],
      [{ layers: '784,100000,10' }, /TrainerSpec.layers hidden widths must be in \[1, 1024\]/],
      [{ layers: `784,${FIFTY},10` }, /TrainerSpec.layers must have 0–8 hidden layers \(got 50/],
      [{ lr: 0 }, /TrainerSpec.lr must be finite, > 0 and <= 1000 \(got 0\)/],
      [{ lr: 1e6 }, /TrainerSpec.lr must be finite, > 0 and <= 1000 \(got 1000000\)/],
      [{ lr: 1e-320 }, /TrainerSpec.lr must be at least 1.4e-45/],
      [{ momentum: 0.99999999999 }, /TrainerSpec.momentum must be at most 0.99999994/],
      [{ layers: '784,12\n8,10' }, /^TrainerSpec.layers must be comma-separated integers like "784,128,64,10" \(got "784,12\?8,10"\)$/],
    ];
    for (const [change, re] of refusals) expect(() => engine.createTrainer({ ...spec, ...change })).toThrow(re);
  });
});

describe('divergence that stays finite (lossWatch.ts)', () => {
  function steps(hash: string, n: number, train = 2000): { losses: number[]; blowUpAt: number | null } {
    const config = parseHash(hash).config;
    config.train = Math.min(config.train, train);
    const data = mnist('train', config.train);
    const ds = engine.datasetFrom(data.images, data.labels);
    const run = new TrainingRun(engine, config);
    const watch = new LossWatch();
    const losses: number[] = [];
    let blowUpAt: number | null = null;
    try {
      while (losses.length < n && blowUpAt === null && !run.diverged) {
        const r = run.slice(ds, 1e9, 1);
        losses.push(...r.losses);
        blowUpAt = watch.add(r.firstStep, r.losses)?.step ?? null;
      }
    } finally {
      run.dispose();
      ds.dispose();
    }
    return { losses, blowUpAt };
  }

  it('sigmoid at lr 10 is stopped: the loss rose far above where it started', () => {
    const r = steps('#preset=sigmoid&lr=10', 400);
    expect(r.blowUpAt).not.toBeNull();
    expect(r.blowUpAt!).toBeGreaterThan(WINDOW);
    expect(r.losses.every(Number.isFinite)).toBe(true); // finite all along: the core's NaN check alone would never stop it
  });

  it.each(['#preset=default', '#preset=sigmoid', '#preset=batch-1', '#preset=init-large', '#preset=narrow', '#batch=1&lr=0.1', '#preset=sigmoid&lr=3'])(
    '%s is not stopped in its first 300 steps',
    (hash) => {
      expect(steps(hash, 300).blowUpAt).toBeNull();
    },
  );

  it('a low-loss start (an imported, trained model) is not stopped for ordinary noise', () => {
    const w = new LossWatch();
    const losses = [0.05, ...Array.from({ length: 100 }, (_, i) => 0.1 + 0.3 * Math.abs(Math.sin(i)))];
    expect(w.add(0, losses)).toBeNull();
  });
});

describe('crash classifier (fatal.ts)', () => {
  it('a wasm trap, out of memory and a stack overflow need a new worker; an ordinary error does not', () => {
    let trap: unknown;
    try {
      const m = new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 5, 1, 3, 0, 0, 11]));
      (new WebAssembly.Instance(m).exports.f as () => void)();
    } catch (e) {
      trap = e;
    }
    expect(fatalFault(trap)).toMatch(/^the WebAssembly engine trapped \(unreachable/);
    expect(fatalFault(new Error('std::bad_alloc'))).toBe('it ran out of memory (std::bad_alloc)');
    expect(fatalFault(new Error('wasm memory: could not allocate 4 bytes'))).toMatch(/^it ran out of memory/);
    expect(fatalFault(new RangeError('Maximum call stack size exceeded'))).toMatch(/stack overflowed/);
    expect(fatalFault(new Error('TrainerSpec.lr must be finite, > 0 and <= 1000 (got 0)'))).toBeNull();
    expect(crashMessage('it ran out of memory (std::bad_alloc)')).toMatch(/^The training engine stopped: it ran out of memory \(std::bad_alloc\)\. Restart it/);
  });

  it('a network too large for the heap that is left is refused with std::bad_alloc, and the engine is usable after it is freed', () => {
    const mod = engine.module;
    const held: number[] = [];
    for (let size = 256 * 1024 * 1024; size >= 64 * 1024; size /= 2) {
      for (let p = mod._malloc(size); p; p = mod._malloc(size)) held.push(p);
    }
    let error: unknown;
    try {
      new TrainingRun(engine, parseHash('#layers=1024,1024,1024,1024').config).dispose();
    } catch (e) {
      error = e;
    }
    for (const p of held) mod._free(p);
    expect(fatalFault(error)).toMatch(/^it ran out of memory/);
    const run = new TrainingRun(engine, parseHash('#layers=1024,1024,1024,1024').config);
    run.dispose();
  });
});

describe('no embind or heap leaks', () => {
  /** Counts the embind objects made through module.Trainer / module.Dataset and the live _malloc blocks. */
  function instrument(mod: FirstnetModule) {
    const made: { isDeleted(): boolean }[] = [];
    const blocks = new Set<number>();
    const orig = { Trainer: mod.Trainer, Dataset: mod.Dataset, malloc: mod._malloc, free: mod._free };
    const track = <T extends object>(C: T): T =>
      new Proxy(C, {
        construct(target, args) {
          const obj = Reflect.construct(target as never, args) as { isDeleted(): boolean };
          made.push(obj);
          return obj;
        },
      });
    mod.Trainer = track(mod.Trainer);
    mod.Dataset = track(mod.Dataset);
    mod._malloc = (n: number) => {
      const p = orig.malloc(n);
      if (p) blocks.add(p);
      return p;
    };
    mod._free = (p: number) => {
      blocks.delete(p);
      orig.free(p);
    };
    return {
      live: () => made.filter((o) => !o.isDeleted()).length,
      blocks: () => blocks.size,
      restore: () => Object.assign(mod, { Trainer: orig.Trainer, Dataset: orig.Dataset, _malloc: orig.malloc, _free: orig.free }),
    };
  }

  it('train / evaluate / predict / export / import / dispose, 12 cycles: 0 live objects and 0 blocks after each, a flat heap', () => {
    const count = instrument(engine.module);
    try {
      const heap: number[] = [];
      const trainData = mnist('train', 1000);
      const testData = mnist('t10k', 300);
      for (let cycle = 0; cycle < 12; cycle++) {
        const train = engine.datasetFrom(trainData.images, trainData.labels);
        const test = engine.datasetFrom(testData.images, testData.labels);
        const config = cycle % 2 ? parseHash('#preset=sigmoid&train=1000&batch=32').config : parseHash('#preset=narrow&train=1000&optimizer=momentum').config;
        const run = new TrainingRun(engine, config);
        expect(count.live()).toBe(3);
        for (let i = 0; i < 5; i++) run.slice(train, 1e9, 4);
        run.evaluate(test);
        run.gridProbabilities(test);
        run.inspect.predict(testData.images.subarray(0, 784));
        run.inspect.diagnostics();
        const model = run.toModel();
        run.setParams(model.layers);
        run.dispose();
        train.dispose();
        test.dispose();
        expect(count.live()).toBe(0);
        expect(count.blocks()).toBe(0);
        heap.push(engine.heapBytes);
      }
      // After the first cycles have grown it to its working size, the heap stays where it is.
      expect(heap.at(-1)).toBe(heap[3]);
    } finally {
      count.restore();
    }
  });

  it('a refused configuration or model leaves nothing behind', () => {
    const count = instrument(engine.module);
    try {
      expect(() => new TrainingRun(engine, { ...cloneConfig(DEFAULT_CONFIG), lr: 1e6 })).toThrow(/TrainerSpec.lr/);
      const run = new TrainingRun(engine, configForPreset('narrow')!);
      const bad = run.toModel().layers.map((l) => ({ ...l, W: l.W.map(() => NaN) }));
      expect(() => run.setParams(bad)).toThrow(/finite/);
      run.dispose();
      expect(count.live()).toBe(0);
      expect(count.blocks()).toBe(0);
      const c = cloneConfig(DEFAULT_CONFIG);
      expect(applySetting(c, 'lr', '0')).toMatch(/not valid/);
    } finally {
      count.restore();
    }
  });
});
