// Runs presets through the CLI (the same wasm as the browser, so the same numbers bit for
// bit) and records what it measured in web/src/config/presets.json as each preset's
// "measured": test accuracy and loss after each epoch, the training loss of the first and
// last epoch, and the seconds of training on this machine. The "notice" texts are written
// by hand from these numbers: re-read them when a number changes.
//
//   node scripts/measure-presets.mjs              # every preset
//   node scripts/measure-presets.mjs default,narrow
//   node scripts/measure-presets.mjs --check      # compare only, write nothing; exit 1 on a difference
//
// Needs the CLI built (`node scripts/build-cli.mjs`) and the wasm (`bash scripts/build-wasm.sh`).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const file = `${root}web/src/config/presets.json`;
const args = process.argv.slice(2);
const check = args.includes('--check');
const only = args.find((a) => !a.startsWith('--'))?.split(',');

const presets = JSON.parse(readFileSync(file, 'utf8'));
const ids = only ?? presets.map((p) => p.id);
const results = new Map();
let differs = false;

for (const id of ids) {
  if (!presets.some((p) => p.id === id)) {
    console.error(`measure-presets: no preset '${id}'`);
    process.exit(2);
  }
  const r = spawnSync(process.execPath, [`${root}bin/firstnet.mjs`, 'train', '--preset', id, '--json'], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    console.error(`measure-presets: ${id} failed:\n${r.stderr}`);
    process.exit(1);
  }
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const last = rows.at(-1);
  const seconds = rows.reduce((s, x) => s + x.seconds, 0);
  const measured = {
    seed: Number(presets.find((p) => p.id === id).settings.seed ?? 1), // the table's default seed is 1
    epochs: rows.length,
    testAccuracy: last.testAccuracy,
    testLoss: last.testLoss,
    trainLossFirstEpoch: rows[0].loss,
    trainLossLastEpoch: last.loss,
    testAccuracyPerEpoch: rows.map((x) => x.testAccuracy),
    testLossPerEpoch: rows.map((x) => x.testLoss),
    seconds: Math.round(seconds * 10) / 10,
  };
  results.set(id, measured);
  const old = presets.find((p) => p.id === id).measured;
  const same = old && old.testAccuracy === measured.testAccuracy && JSON.stringify(old.testLossPerEpoch) === JSON.stringify(measured.testLossPerEpoch);
  if (!same) differs = true;
  console.log(
    `${id.padEnd(12)} ${String(measured.epochs).padStart(3)} epochs  test ${(100 * measured.testAccuracy).toFixed(2)} %  ` +
      `loss ${measured.trainLossFirstEpoch.toFixed(5)} → ${measured.trainLossLastEpoch.toFixed(5)}  ${measured.seconds} s${same ? '' : old ? '  CHANGED' : '  new'}`,
  );
}

if (check) process.exit(differs ? 1 : 0);
// Re-read right before writing: only the "measured" fields change.
const fresh = JSON.parse(readFileSync(file, 'utf8'));
for (const p of fresh) if (results.has(p.id)) p.measured = results.get(p.id);
writeFileSync(file, `${JSON.stringify(fresh, null, 2)}\n`);
console.log(`wrote ${file}`);
