// The model file against real NumPy (/usr/bin/python3 with numpy): files firstnet writes load
// with numpy.load(path) and no allow_pickle; files the chapter's code writes with np.savez /
// np.savez_compressed (float64) load in firstnet; pickled and odd arrays are refused.
// Skipped only when /usr/bin/python3 with numpy is absent (the reason is printed).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readModelNpz, writeModelNpz, type ModelFile } from '../../web/src/formats/npz';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' });
const numpyVersion = probe.status === 0 ? probe.stdout.trim() : null;
if (!numpyVersion) {
  console.log(`npz-numpy: skipped — ${PYTHON} with numpy is not available (${(probe.error?.message ?? probe.stderr ?? '').trim().split('\n').pop()})`);
}

const dir = mkdtempSync(join(tmpdir(), 'firstnet-npz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function python(script: string): string {
  const r = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8', cwd: dir, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return r.stdout;
}

/** Exactly representable values; Python recomputes the same formula. */
function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => (((i * 7 + seed * 13) % 1001) - 500) / 1024);
}
const PY_VALUES = 'def values(n, seed):\n    i = np.arange(n, dtype=np.int64)\n    return (((i * 7 + seed * 13) % 1001) - 500) / 1024\n';

function same(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

describe.skipIf(!numpyVersion)(`numpy ${numpyVersion ?? '(absent)'} interop`, () => {
  it('numpy.load reads a firstnet model without allow_pickle: float32, (fan_in, fan_out), config JSON', () => {
    const sizes = [784, 128, 64, 10];
    const model: ModelFile = {
      layers: sizes.slice(1).map((fanOut, l) => ({
        W: values(sizes[l]! * fanOut, l + 1),
        b: values(fanOut, l + 11),
        fanIn: sizes[l]!,
        fanOut,
      })),
      activation: 'sigmoid',
      config: { format: 'firstnet-model', version: 1, layers: sizes, activation: 'sigmoid', note: 'ünïcode 😀' },
      notices: [],
    };
    writeFileSync(join(dir, 'ours.npz'), writeModelNpz(model));
    const out = python(`
import json, numpy as np
${PY_VALUES}
z = np.load('ours.npz')
assert sorted(z.files) == ['W1', 'W2', 'W3', 'b1', 'b2', 'b3', 'config'], z.files
sizes = [784, 128, 64, 10]
for l in range(3):
    W, b = z['W%d' % (l + 1)], z['b%d' % (l + 1)]
    assert W.dtype == np.float32 and W.shape == (sizes[l], sizes[l + 1]), (W.dtype, W.shape)
    assert b.dtype == np.float32 and b.shape == (sizes[l + 1],), (b.dtype, b.shape)
    assert W.flags['C_CONTIGUOUS']
    assert np.array_equal(W.ravel(), values(W.size, l + 1).astype(np.float32))
    assert np.array_equal(b, values(b.size, l + 11).astype(np.float32))
c = z['config']
assert c.shape == () and c.dtype.kind == 'U', (c.shape, c.dtype)
cfg = json.loads(str(c))
# the chapter's forward pass runs on it
x = np.ones((2, 784), dtype=np.float32) / 2
a = x
for l in range(1, 4):
    a = a @ z['W%d' % l] + z['b%d' % l]
print(json.dumps({'config': cfg, 'out': list(a.shape)}))
`);
    const res = JSON.parse(out) as { config: Record<string, unknown>; out: number[] };
    expect(res.config).toEqual(model.config);
    expect(res.out).toEqual([2, 10]);
  });

  it('reads np.savez and np.savez_compressed float64 files of the chapter\'s shapes', () => {
    python(`
import json, numpy as np
rng = np.random.default_rng(0)
p = {}
for i, (a, b) in enumerate([(784, 128), (128, 64), (64, 10)], 1):
    p['W%d' % i] = rng.standard_normal((a, b)) * 0.01   # float64, as in the chapter
    p['b%d' % i] = np.zeros(b)
p['b2'][3] = 0.25
np.savez('chapter.npz', **p)
np.savez_compressed('chapter_c.npz', **p)
np.savez_compressed('chapter_cfg.npz', config=np.array(json.dumps({'activation': 'tanh'})), **p)
for k, v in p.items():
    v.astype('<f4').tofile(k + '.f32')
`);
    for (const file of ['chapter.npz', 'chapter_c.npz', 'chapter_cfg.npz']) {
      const m = readModelNpz(new Uint8Array(readFileSync(join(dir, file))), file);
      expect(m.layers.map((l) => [l.fanIn, l.fanOut])).toEqual([[784, 128], [128, 64], [64, 10]]);
      expect(m.notices).toContain('float64 arrays converted to float32');
      expect(m.activation).toBe(file === 'chapter_cfg.npz' ? 'tanh' : 'relu');
      if (file !== 'chapter_cfg.npz') expect(m.notices).toContain('no config in file: assuming ReLU');
      m.layers.forEach((l, i) => {
        const W = new Float32Array(new Uint8Array(readFileSync(join(dir, `W${i + 1}.f32`))).buffer);
        const b = new Float32Array(new Uint8Array(readFileSync(join(dir, `b${i + 1}.f32`))).buffer);
        expect(same(l.W, W)).toBe(true);
        expect(same(l.b, b)).toBe(true);
      });
      expect(m.layers[1]!.b[3]).toBe(0.25);
    }
  });

  it('reads fortran-order and big-endian arrays, and round-trips through numpy', () => {
    python(`
import numpy as np
W1 = (np.arange(7840, dtype=np.float64).reshape(784, 10) / 64)
np.savez('odd.npz', W1=np.asfortranarray(W1).astype('>f4'), b1=np.arange(10, dtype='>f8'))
assert not np.load('odd.npz')['W1'].flags['C_CONTIGUOUS']
`);
    const m = readModelNpz(new Uint8Array(readFileSync(join(dir, 'odd.npz'))), 'odd.npz');
    expect(m.layers[0]!.W[1]).toBe(1 / 64);
    expect(m.layers[0]!.W[10]).toBe(10 / 64);
    expect(Array.from(m.layers[0]!.b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // and what firstnet writes from it numpy reads back as the same C-order array
    writeFileSync(join(dir, 'odd2.npz'), writeModelNpz({ ...m, config: null }));
    expect(python(`
import numpy as np
a, b = np.load('odd.npz'), np.load('odd2.npz')
print(np.array_equal(a['W1'], b['W1']) and np.array_equal(a['b1'], b['b1']) and str(b['config']).startswith('{'))
`).trim()).toBe('True');
  });

  it('refuses object (pickled) arrays, positional arrays and shapes that do not chain', () => {
    python(`
import numpy as np
W1, b1 = np.zeros((784, 10)), np.zeros(10)
np.savez('pickled.npz', W1=np.array([W1, 1], dtype=object), b1=b1)
np.savez('positional.npz', W1, b1)
np.savez('badshape.npz', W1=np.zeros((784, 12)), b1=np.zeros(12))
np.savez('nan.npz', W1=np.full((784, 10), np.nan), b1=b1)
np.savez('act.npz', W1=W1, b1=b1, config=np.array('{"activation": "gelu"}'))
`);
    const refuse = (file: string) => () => readModelNpz(new Uint8Array(readFileSync(join(dir, file))), file);
    expect(refuse('pickled.npz')).toThrow(/^pickled\.npz: W1: object arrays \(pickled Python objects\) are not supported/);
    expect(refuse('positional.npz')).toThrow(/^positional\.npz: unexpected array 'arr_0'/);
    expect(refuse('badshape.npz')).toThrow(/^badshape\.npz: W1 has shape \(784, 12\) but must be \(784, 10\)/);
    expect(refuse('nan.npz')).toThrow(/^nan\.npz: W1 holds a non-finite value \(NaN\) at flat index 0/);
    expect(refuse('act.npz')).toThrow(/^act\.npz: unknown activation "gelu" in config/);
  });
});
