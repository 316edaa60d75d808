// A smoke run of `npm run bench` (scripts/bench.mjs --smoke: one short round of the four
// trainers and the native core with 2 threads at batch 64 and the kernel check, no build;
// the threaded wasm module is not built by npm test, so its row and keys are left out): its last line must be the JSON the
// performance issue names, every value positive, and native and wasm kernels must agree.
// Needs the native and wasm builds (npm test makes them first). The numbers are not
// asserted against goals: this machine's load is not the benchmark's business here.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KEYS = [
  'wasmSamplesPerSec',
  'nativeEigenSamplesPerSec',
  'nativeCoreSamplesPerSec',
  'tfjsWasmSamplesPerSec',
  'wasmOverNativeEigen',
  'wasmOverTfjs',
  'gflops',
  'nativeCore2ThreadSamplesPerSec', // the native core with TrainerSpec.threads = 2
  'threadSpeedup',
];

describe('npm run bench (smoke)', () => {
  it('prints the table and ends with the JSON line, all values positive', () => {
    const r = spawnSync(process.execPath, ['scripts/bench.mjs', '--smoke'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(r.stdout).toContain('| firstnet core, wasm in node | 64 |');
    expect(r.stdout).toContain('native and wasm outputs bit-identical: yes');
    const json = JSON.parse(lines[lines.length - 1]!) as Record<string, number>;
    expect(Object.keys(json)).toEqual(KEYS);
    for (const k of KEYS) {
      expect(typeof json[k], k).toBe('number');
      expect(json[k], k).toBeGreaterThan(0);
    }
    expect(json.wasmOverNativeEigen).toBeCloseTo(json.wasmSamplesPerSec! / json.nativeEigenSamplesPerSec!, 2);
  });
});
