// scripts/build-data.mjs → public data chunks → data/chunks.ts loadDataset, end to end against
// the genuine MNIST IDX files; manifest validation; corrupt and partial downloads.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadDataset, sha256Fallback, type DataPart, type LoadProgress } from '../../web/src/data/chunks';
import { validateManifest, type Manifest } from '../../web/src/data/manifest';
import { mnist } from './helpers/mnist';

const SCRIPT = fileURLToPath(new URL('../../scripts/build-data.mjs', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'firstnet-data-'));
const out = join(tmp, 'mnist');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** fetch for file: URLs (node's fetch cannot read them); logs the file names it serves. */
function fileFetch(log: string[] = []): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    log.push(url.pathname.split('/').pop()!);
    try {
      return new Response(new Uint8Array(readFileSync(fileURLToPath(url))));
    } catch {
      return new Response('not found', { status: 404, statusText: 'Not Found' });
    }
  }) as typeof fetch;
}

async function all(gen: AsyncGenerator<DataPart>): Promise<DataPart[]> {
  const parts: DataPart[] = [];
  for await (const p of gen) parts.push({ ...p, images: p.images.slice(), labels: p.labels.slice() });
  return parts;
}

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).not.toContain('\n');
    return (e as Error).message;
  }
  throw new Error('expected a failure');
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('build-data.mjs', () => {
  let manifest: Manifest;
  beforeAll(() => {
    execFileSync('node', [SCRIPT, '--out', out], { encoding: 'utf8' });
    manifest = validateManifest(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')));
  });

  it('writes a valid manifest: test first, then 6 train chunks of 10,000, each with size and sha256', () => {
    expect(manifest.name).toBe('MNIST');
    expect(manifest.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(manifest.layout).toMatch(/count×784 image bytes .* followed by count label bytes/);
    expect(manifest.test.count).toBe(10000);
    expect(manifest.test.chunks).toHaveLength(1);
    expect(manifest.train.chunks.map((c) => c.count)).toEqual([10000, 10000, 10000, 10000, 10000, 10000]);
    const json = readFileSync(join(out, 'manifest.json'), 'utf8');
    expect(json.indexOf('"test"')).toBeLessThan(json.indexOf('"train"'));
    for (const c of [...manifest.test.chunks, ...manifest.train.chunks]) {
      const bytes = new Uint8Array(readFileSync(join(out, c.file)));
      expect(bytes.length).toBe(c.bytes);
      expect(sha(bytes)).toBe(c.sha256);
      expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
      expect(c.rawBytes).toBe(c.count * 785);
    }
  });

  it('is idempotent (a second run does nothing) and deterministic (a rebuild writes the same bytes)', () => {
    const mtime = statSync(join(out, 'train-3.bin')).mtimeMs;
    expect(execFileSync('node', [SCRIPT, '--out', out], { encoding: 'utf8' })).toMatch(/up to date/);
    expect(statSync(join(out, 'train-3.bin')).mtimeMs).toBe(mtime);
    // A changed chunk makes it rebuild, to the very same bytes.
    const copy = join(tmp, 'changed');
    cpSync(out, copy, { recursive: true });
    writeFileSync(join(copy, 'train-2.bin'), 'garbage');
    expect(execFileSync('node', [SCRIPT, '--out', copy], { encoding: 'utf8' })).toMatch(/wrote/);
    expect(readFileSync(join(copy, 'manifest.json'), 'utf8')).toBe(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(sha(new Uint8Array(readFileSync(join(copy, 'train-2.bin'))))).toBe(manifest.train.chunks[1]!.sha256);
  });

  it('loadDataset decodes every chunk to exactly the original IDX bytes, in manifest order', async () => {
    const log: string[] = [];
    const progress: LoadProgress[] = [];
    const parts = await all(loadDataset(pathToFileURL(out), { fetch: fileFetch(log), onProgress: (p) => progress.push(p) }));
    expect(log).toEqual(['manifest.json', 'test.bin', 'train-1.bin', 'train-2.bin', 'train-3.bin', 'train-4.bin', 'train-5.bin', 'train-6.bin']);
    expect(parts.map((p) => [p.set, p.offset, p.count, p.setCount])).toEqual([
      ['test', 0, 10000, 10000],
      ...[0, 1, 2, 3, 4, 5].map((k) => ['train', k * 10000, 10000, 60000]),
    ]);
    const test = mnist('t10k');
    const train = mnist('train');
    expect(Buffer.compare(parts[0]!.images, test.images)).toBe(0);
    expect(Buffer.compare(parts[0]!.labels, test.labels)).toBe(0);
    for (const p of parts.slice(1)) {
      expect(Buffer.compare(p.images, train.images.subarray(p.offset * 784, (p.offset + p.count) * 784))).toBe(0);
      expect(Buffer.compare(p.labels, train.labels.subarray(p.offset, p.offset + p.count))).toBe(0);
    }
    const total = [...manifest.test.chunks, ...manifest.train.chunks].reduce((s, c) => s + c.bytes, 0);
    expect(progress.at(-1)).toEqual({ loadedBytes: total, totalBytes: total, part: 'train-6.bin' });
    expect(progress.every((p, i) => i === 0 || p.loadedBytes >= progress[i - 1]!.loadedBytes)).toBe(true);
  });

  it('trainCount 10000 fetches only the first train chunk; 15000 fetches two and cuts the second', async () => {
    const log: string[] = [];
    const parts = await all(loadDataset(pathToFileURL(out), { fetch: fileFetch(log), trainCount: 10000 }));
    expect(log).toEqual(['manifest.json', 'test.bin', 'train-1.bin']);
    expect(parts.map((p) => p.count)).toEqual([10000, 10000]);
    const log2: string[] = [];
    const parts2 = await all(loadDataset(`${pathToFileURL(out).href}/`, { fetch: fileFetch(log2), trainCount: 15000 }));
    expect(log2).toEqual(['manifest.json', 'test.bin', 'train-1.bin', 'train-2.bin']);
    expect(parts2.map((p) => [p.offset, p.count, p.setCount, p.images.length, p.labels.length]).slice(1)).toEqual([
      [0, 10000, 15000, 7840000, 10000],
      [10000, 5000, 15000, 3920000, 5000],
    ]);
    expect(Buffer.compare(parts2[2]!.labels, mnist('train', 15000).labels.subarray(10000))).toBe(0);
    expect(await failure(all(loadDataset(pathToFileURL(out), { fetch: fileFetch(), trainCount: 60001 })))).toMatch(
      /trainCount 60001 must be an integer from 1 to the 60000 training images/,
    );
  });

  it('works without crypto.subtle (plain-http pages) and without DecompressionStream (older browsers)', async () => {
    vi.stubGlobal('crypto', {});
    vi.stubGlobal('DecompressionStream', undefined);
    try {
      const t0 = performance.now();
      const parts = await all(loadDataset(pathToFileURL(out), { fetch: fileFetch(), trainCount: 10000 }));
      expect(performance.now() - t0).toBeLessThan(5000);
      expect(Buffer.compare(parts[1]!.images, mnist('train', 10000).images)).toBe(0);
    } finally {
      vi.unstubAllGlobals();
    }
    for (const n of [0, 1, 55, 56, 63, 64, 65, 1000, 100_003]) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255);
      expect(Buffer.from(sha256Fallback(data)).toString('hex')).toBe(sha(data));
    }
  });

  it('refuses a chunk whose sha256 does not match, naming the file, before decompressing it', async () => {
    const copy = join(tmp, 'tampered');
    cpSync(out, copy, { recursive: true });
    const bytes = new Uint8Array(readFileSync(join(copy, 'train-1.bin')));
    bytes[1000] ^= 0xff;
    writeFileSync(join(copy, 'train-1.bin'), bytes);
    expect(await failure(all(loadDataset(pathToFileURL(copy), { fetch: fileFetch() })))).toMatch(
      /^train-1\.bin: sha256 [0-9a-f]{12}… does not match the manifest's [0-9a-f]{12}… \(corrupt or stale file; rebuild the data\)$/,
    );
    writeFileSync(join(copy, 'train-1.bin'), bytes.subarray(0, 500));
    expect(await failure(all(loadDataset(pathToFileURL(copy), { fetch: fileFetch() })))).toMatch(/^train-1\.bin: 500 bytes, but the manifest states \d+$/);
    writeFileSync(join(copy, 'train-1.bin'), new Uint8Array(bytes.length + 10));
    expect(await failure(all(loadDataset(pathToFileURL(copy), { fetch: fileFetch() })))).toMatch(/^train-1\.bin: larger than the \d+ bytes the manifest states$/);
    rmSync(join(copy, 'test.bin'));
    expect(await failure(all(loadDataset(pathToFileURL(copy), { fetch: fileFetch() })))).toMatch(/^test\.bin: HTTP 404 Not Found$/);
  });
});

describe('loadDataset on hand-made chunks', () => {
  /** A data set directory with the given raw (uncompressed) chunks; manifest fields can be overridden. */
  function makeSet(name: string, test: Uint8Array, count: number, patch: (m: Record<string, any>) => void = () => {}): URL {
    const dir = join(tmp, name);
    mkdirSync(dir, { recursive: true });
    const gz = gzipSync(test, { mtime: 0 });
    writeFileSync(join(dir, 'c.bin'), gz);
    writeFileSync(join(dir, 't.bin'), gz);
    const chunk = { file: 'c.bin', count, bytes: gz.length, rawBytes: count * 785, sha256: sha(gz) };
    const m: Record<string, any> = {
      format: 'firstnet-data', version: 1, name: 'T', classes: '0123456789'.split(''), imageSize: 784,
      test: { count, chunks: [chunk] }, train: { count, chunks: [{ ...chunk, file: 't.bin' }] },
    };
    patch(m);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    return pathToFileURL(dir);
  }

  it('refuses labels outside 0–9 and a chunk that decompresses to the wrong size', async () => {
    const raw = new Uint8Array(2 * 785);
    raw[2 * 784 + 1] = 12;
    expect(await failure(all(loadDataset(makeSet('labels', raw, 2), { fetch: fileFetch() })))).toMatch(/^c\.bin: label 12 at row 1 is outside 0–9$/);
    expect(await failure(all(loadDataset(makeSet('short', new Uint8Array(785), 2), { fetch: fileFetch() })))).toMatch(
      /^c\.bin: decompresses to 785 bytes, not the 1570 the manifest states$/,
    );
    expect(await failure(all(loadDataset(makeSet('long', new Uint8Array(3 * 785), 2), { fetch: fileFetch() })))).toMatch(
      /^c\.bin: decompresses to more than the 1570 bytes the manifest states$/,
    );
  });

  it('refuses a chunk that is not gzip, and a manifest that is not JSON or not valid', async () => {
    const url = makeSet('notgz', new Uint8Array(785), 1);
    const dir = fileURLToPath(url);
    const junk = new Uint8Array(100).fill(7);
    writeFileSync(join(dir, 'c.bin'), junk);
    writeFileSync(join(dir, 't.bin'), junk);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    for (const s of [m.test, m.train]) Object.assign(s.chunks[0], { bytes: 100, sha256: sha(junk) });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    expect(await failure(all(loadDataset(url, { fetch: fileFetch() })))).toMatch(/^c\.bin: corrupt gzip data/);
    writeFileSync(join(dir, 'manifest.json'), '{"format":');
    expect(await failure(all(loadDataset(url, { fetch: fileFetch() })))).toMatch(/^manifest\.json: not valid JSON$/);
    const bad = makeSet('badfile', new Uint8Array(785), 1, (x) => (x.train.chunks[0].file = '../secret'));
    expect(await failure(all(loadDataset(bad, { fetch: fileFetch() })))).toMatch(/^manifest\.json: train\.chunks\[0\]\.file must be a plain file name/);
  });

  it('stops when aborted', async () => {
    const ac = new AbortController();
    const gen = loadDataset(makeSet('abort', new Uint8Array(785), 1), { fetch: fileFetch(), signal: ac.signal });
    await gen.next();
    ac.abort();
    await expect(gen.next()).rejects.toThrow();
  });
});

describe('validateManifest', () => {
  const chunk = (o: object = {}) => ({ file: 'a.bin', count: 2, bytes: 100, rawBytes: 1570, sha256: 'a'.repeat(64), ...o });
  const good = () => ({
    format: 'firstnet-data', version: 1, name: 'MNIST', classes: '0123456789'.split(''), imageSize: 784,
    test: { count: 2, chunks: [chunk()] }, train: { count: 4, chunks: [chunk({ file: 'b.bin' }), chunk({ file: 'c.bin' })] },
  });

  it('accepts a good manifest and ignores extra fields', () => {
    expect(validateManifest({ ...good(), generator: 'x' }).train.chunks).toHaveLength(2);
  });

  const cases: [string, (m: any) => void, RegExp][] = [
    ['not an object', () => {}, /\(top level\) must be a JSON object/],
    ['format', (m) => (m.format = 'zip'), /^manifest\.json: format must be "firstnet-data"$/],
    ['version', (m) => (m.version = 2), /version must be 1 .*got 2/],
    ['name', (m) => delete m.name, /name must be a string/],
    ['classes', (m) => m.classes.pop(), /classes must be an array of 10 class names/],
    ['class name', (m) => (m.classes[3] = 3), /classes\[3\] must be a string/],
    ['imageSize', (m) => (m.imageSize = 1024), /imageSize must be 784/],
    ['count too big', (m) => (m.train.count = 2e6), /train\.count must be an integer from 1 to 1000000/],
    ['count not integer', (m) => (m.test.count = 1.5), /test\.count must be an integer/],
    ['chunk sum', (m) => (m.train.count = 5), /train\.count is 5 but its chunks hold 4 images/],
    ['no chunks', (m) => (m.test.chunks = []), /test\.chunks must be an array of 1 to 1000 chunks/],
    ['slash in file', (m) => (m.test.chunks[0].file = 'x/a.bin'), /test\.chunks\[0\]\.file must be a plain file name/],
    ['dotdot', (m) => (m.test.chunks[0].file = '..'), /test\.chunks\[0\]\.file must be a plain file name/],
    ['scheme', (m) => (m.train.chunks[1].file = 'https://evil.example/a'), /train\.chunks\[1\]\.file must be a plain file name/],
    ['hidden file', (m) => (m.train.chunks[1].file = '.env'), /train\.chunks\[1\]\.file must be a plain file name/],
    ['duplicate file', (m) => (m.train.chunks[1].file = 'a.bin'), /chunks list the file 'a\.bin' twice/],
    ['sha256', (m) => (m.train.chunks[0].sha256 = 'ABC'), /train\.chunks\[0\]\.sha256 must be 64 lowercase hex digits/],
    ['rawBytes', (m) => (m.train.chunks[0].rawBytes = 1571), /train\.chunks\[0\]\.rawBytes must be count × 785 = 1570/],
    ['bytes', (m) => (m.train.chunks[0].bytes = -1), /train\.chunks\[0\]\.bytes must be an integer from 18/],
  ];
  for (const [what, patch, message] of cases) {
    it(`refuses: ${what}`, () => {
      const m = what === 'not an object' ? [1] : good();
      patch(m);
      expect(() => validateManifest(m)).toThrow(message);
    });
  }
});
