// `npm run soak`: the app in Debian's Chromium (playwright-core) for N minutes of a reader's
// busy use — train a few seconds, pause, Reset, change a setting through the URL, now and
// then export the model and import it again — sampling every 30 s:
//   wasm heap  the worker's WebAssembly memory (the About panel's value, from its 'memory'
//              events; it only grows, so a flat line means no leak inside the engine)
//   JS heap    the page's used JS heap after a forced GC (CDP HeapProfiler.collectGarbage,
//              then Performance.getMetrics JSHeapUsedSize)
// Prints a table, then one JSON line
//   {minutes, samples, wasmHeapStartMB, wasmHeapEndMB, jsHeapStartMB, jsHeapEndMB, jsHeapSlopeMBPerMin, ...}
// (`runsListed*`: the runs table keeps every run started on the page, each with its loss
// curve (~33 KB), so the heap grows with the runs kept — by design, not a leak. The soak makes
// a run every few seconds, far more than a reader would, so it deletes the oldest with its
// Delete button while more than --keep-runs (default 8) are listed, as a tidy reader would:
// what is left growing is then a leak. --keep-runs 0 keeps them all.)
// and exits 1 if the JS heap after GC grew by more than --max-js-growth-mb (default 8 MB)
// from the first sample to the last (or a page error escaped). The first sample is taken
// after a warm-up of one cycle through every setting used, so caches and the wasm heap's
// high-water mark are in place; the minutes count from there.
// Not part of `npm test`. Needs dist/ built (`npm run build`); serves it with the browser
// tests' own helpers (tests/browser/server.ts: a `vite preview` child process this script
// owns, stopped by its process group id).
//
//   node scripts/soak.mjs [--minutes 20] [--max-js-growth-mb 8] [--keep-runs 8]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const log = (s) => process.stderr.write(`${s}\n`);

function option(name, fallback, allowZero = false) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v < 0 || (v === 0 && !allowZero)) {
    log(`soak: --${name} needs a ${allowZero ? 'non-negative' : 'positive'} number (got ${process.argv[i + 1] ?? 'nothing'})`);
    process.exit(2);
  }
  return v;
}
const unknown = process.argv.slice(2).filter((a, i, all) => a.startsWith('--') && !['--minutes', '--max-js-growth-mb', '--keep-runs'].includes(a) && !(i > 0 && all[i - 1].startsWith('--')));
if (unknown.length) {
  log(`soak: unknown option ${unknown[0]} (use --minutes N, --max-js-growth-mb M, --keep-runs K)`);
  process.exit(2);
}
const MINUTES = option('minutes', 20);
const MAX_JS_GROWTH_MB = option('max-js-growth-mb', 8);
const KEEP_RUNS = option('keep-runs', 8, true);
const SAMPLE_MS = 30_000;
const MB = 2 ** 20;

// tests/browser/server.ts is TypeScript: bundle it (node platform, packages external) into a
// temporary module and import that — the same startPreview/launchChromium the tests use.
// Inside build/ so that it resolves playwright-core from this project's node_modules.
mkdirSync(join(ROOT, 'build'), { recursive: true });
const tmp = mkdtempSync(join(ROOT, 'build', 'soak-'));
const helperFile = join(tmp, 'server.mjs');
await build({ entryPoints: [join(ROOT, 'tests/browser/server.ts')], outfile: helperFile, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'error', define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(ROOT, 'tests/browser/server.ts')).href) } });
const { startPreview, launchChromium } = await import(pathToFileURL(helperFile).href);

const preview = await startPreview();
const browser = await launchChromium();
let exitCode = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');

  const waitState = (states, timeout = 60_000) =>
    page.waitForFunction((s) => s.includes(window.__firstnet.state), states, { timeout, polling: 100 });
  const trainEnabled = () => page.waitForFunction(() => !document.getElementById('train').disabled, null, { timeout: 60_000 });

  await page.goto(`${preview.url}#train=10000&epochs=500&layers=64,32`);
  await trainEnabled();

  const samples = [];
  let t0 = Date.now();
  async function sample() {
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const js = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
    const wasm = Number(await page.evaluate(() => document.querySelector('.about .heap')?.dataset.bytes ?? 'NaN'));
    // Runs listed in the runs table: every run the reader started on this page is kept there.
    const runs = await page.evaluate(() => document.querySelectorAll('.runs-table tbody tr').length);
    // What else the page keeps: saved models listed, and DOM nodes (a detached-node leak shows in
    // Performance.getMetrics' Nodes, which counts nodes alive in the page, attached or not).
    const models = await page.evaluate(() => document.querySelectorAll('.saved-models li').length);
    const nodes = metrics.find((m) => m.name === 'Nodes')?.value ?? NaN;
    const s = { minute: (Date.now() - t0) / 60_000, wasmMB: wasm / MB, jsMB: js / MB, runs, models, nodes };
    samples.push(s);
    log(`${s.minute.toFixed(1).padStart(6)} ${s.wasmMB.toFixed(1).padStart(9)} ${s.jsMB.toFixed(2).padStart(9)} ${String(cycles).padStart(7)} ${String(runs).padStart(6)} ${String(models).padStart(7)} ${String(nodes).padStart(7)}`);
  }

  let cycles = 0;
  let modelFile = null;
  log(' minute   wasm MB     JS MB  cycles   runs  models   nodes');
  const widths = ['64,32', '32', '128,64', '16,16'];
  const WARMUP_CYCLES = 6; // every width and lr once, an export and an import
  let nextSample = Infinity;
  let end = Infinity;
  while (Date.now() < end) {
    if (cycles === WARMUP_CYCLES) {
      t0 = Date.now();
      nextSample = t0;
      end = t0 + MINUTES * 60_000;
    }
    if (Date.now() >= nextSample) {
      await sample();
      nextSample += SAMPLE_MS;
    }
    cycles++;
    // Train a few seconds, pause.
    await trainEnabled();
    await page.click('#train');
    await waitState(['training']);
    await page.waitForTimeout(2500 + (cycles % 3) * 500);
    // (A small network may have finished its epochs already: then there is nothing to pause.)
    await page.evaluate(() => {
      const b = document.getElementById('pause');
      if (!b.disabled) b.click();
    });
    await waitState(['paused', 'done']);
    // Every third cycle: export the model, and import it back on the next one.
    if (cycles % 3 === 0) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-model')]);
      modelFile = join(tmp, `model-${cycles % 2}.npz`);
      await download.saveAs(modelFile);
    } else if (cycles % 3 === 1 && modelFile) {
      await page.setInputFiles('#model-file', modelFile);
      await page.waitForFunction(() => document.querySelector('.model-current')?.textContent?.startsWith('Loaded '), null, { timeout: 30_000 });
    }
    // Tidy the runs table: delete the oldest listed run(s) beyond KEEP_RUNS (newest first).
    if (KEEP_RUNS > 0) {
      for (;;) {
        // A count, not page.$$(): element handles would keep the table's old, detached rows
        // alive in the page (seen: ~300 DOM nodes a cycle, the soak's leak, not the app's).
        const rows = { length: await page.evaluate(() => document.querySelectorAll('.runs-table tbody tr').length) };
        if (rows.length <= KEEP_RUNS) break;
        // The oldest row's run goes, by its id: the row count alone misleads, since an import
        // just before adds the imported model's run while the delete is under way.
        const id = await page.evaluate((n) => document.querySelector(`.runs-table tbody tr:nth-child(${n})`).dataset.runId, rows.length);
        await page.click(`.runs-table tbody tr[data-run-id="${id}"] .actions button`);
        await page.waitForFunction((i) => !document.querySelector(`.runs-table tbody tr[data-run-id="${i}"]`), id, { timeout: 30_000 });
      }
    }
    // Reset, then change a setting (a new run, as if the reader edited the URL).
    await page.click('#reset');
    await waitState(['idle']);
    const lr = [0.1, 0.05, 0.2][cycles % 3];
    await page.evaluate((h) => (location.hash = h), `#train=10000&epochs=500&layers=${widths[cycles % widths.length]}&lr=${lr}&seed=${cycles % 5}`);
    await page.waitForFunction((l) => window.__firstnet.config?.lr === l && window.__firstnet.state === 'idle', lr, { timeout: 60_000 });
  }
  await sample();
  await context.close();

  const first = samples[0];
  const last = samples.at(-1);
  // Least-squares slope of the JS heap over time, in MB per minute.
  const n = samples.length;
  const mx = samples.reduce((a, s) => a + s.minute, 0) / n;
  const my = samples.reduce((a, s) => a + s.jsMB, 0) / n;
  const sxx = samples.reduce((a, s) => a + (s.minute - mx) ** 2, 0);
  const slope = sxx > 0 ? samples.reduce((a, s) => a + (s.minute - mx) * (s.jsMB - my), 0) / sxx : 0;
  const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
  const result = {
    minutes: round(last.minute),
    samples: n,
    cycles,
    wasmHeapStartMB: round(first.wasmMB),
    wasmHeapEndMB: round(last.wasmMB),
    jsHeapStartMB: round(first.jsMB),
    jsHeapEndMB: round(last.jsMB),
    jsHeapSlopeMBPerMin: round(slope, 3),
    maxJsGrowthMB: MAX_JS_GROWTH_MB,
    runsListedStart: first.runs,
    runsListedEnd: last.runs,
    modelsListedStart: first.models,
    modelsListedEnd: last.models,
    domNodesStart: first.nodes,
    domNodesEnd: last.nodes,
    // The runs table keeps every run started on the page (with its loss curve): the growth per run listed.
    jsHeapPerRunKB: last.runs > first.runs ? round(((last.jsMB - first.jsMB) * 1024) / (last.runs - first.runs), 1) : null,
    pageErrors: pageErrors.length,
  };
  const problems = [];
  if (last.jsMB - first.jsMB > MAX_JS_GROWTH_MB) problems.push(`the JS heap after GC grew by ${round(last.jsMB - first.jsMB)} MB (bound ${MAX_JS_GROWTH_MB} MB)`);
  if (!(last.wasmMB <= first.wasmMB)) log(`soak: note: the wasm heap grew from ${round(first.wasmMB)} to ${round(last.wasmMB)} MB (it never shrinks; not a failure by itself)`);
  if (pageErrors.length) problems.push(`${pageErrors.length} uncaught page errors, the first: ${pageErrors[0]}`);
  for (const p of problems) log(`soak: ${p}`);
  if (problems.length) exitCode = 1;
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (e) {
  log(`soak: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  exitCode = 1;
} finally {
  await browser.close();
  await preview.stop();
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(exitCode);
