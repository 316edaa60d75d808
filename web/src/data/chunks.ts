// Loads the MNIST chunks listed in manifest.json (contract §2), in manifest order: the test
// set, then the training chunks, so training can start before the rest has arrived.
// Each chunk is fetched, its size and sha256 checked BEFORE it is decompressed (with the
// platform's DecompressionStream, into a buffer of exactly the size the manifest states),
// then its length and labels are checked. Runs in browsers, workers and node ≥ 20.
import { DATA_CACHE } from './cache';
import { gunzipSync } from 'fflate';
import { IMAGE_SIZE, validateManifest, type ChunkInfo, type Manifest } from './manifest';

export interface DataPart {
  set: 'test' | 'train';
  /** Row index of this part's first image within its set. */
  offset: number;
  count: number;
  /** count × 784 uint8 pixels, row-major 28×28. */
  images: Uint8Array;
  /** count labels, 0–9. */
  labels: Uint8Array;
  /** Rows this set will hold once all its parts have arrived (to size buffers on the first part). */
  setCount: number;
  file: string;
}

export interface LoadProgress {
  loadedBytes: number;
  totalBytes: number;
  /** File being fetched. */
  part: string;
}

export interface LoadOptions {
  fetch?: typeof fetch;
  onProgress?: (p: LoadProgress) => void;
  /** Training images wanted (default: all); only the chunks needed are fetched. */
  trainCount?: number;
  signal?: AbortSignal;
  /** A manifest already fetched with fetchManifest (else it is fetched). */
  manifest?: Manifest;
}

const MAX_MANIFEST_BYTES = 1024 * 1024;

/** The base as a URL that ends in '/', so file names resolve inside it. */
export function dataBaseUrl(base: string | URL): URL {
  const s = base instanceof URL ? base.href : base;
  try {
    return new URL(s.endsWith('/') ? s : `${s}/`, (globalThis as { location?: { href: string } }).location?.href);
  } catch {
    throw new Error(`data location '${s.slice(0, 100)}' is not a valid URL`);
  }
}

/** Reads a response body into exactly `expected` bytes (or at most `max` when expected is null). */
async function readBody(res: Response, file: string, expected: number | null, max: number, progress?: (n: number) => void): Promise<Uint8Array> {
  const limit = expected ?? max;
  const reader = res.body?.getReader();
  if (!reader) {
    const all = new Uint8Array(await res.arrayBuffer());
    if (all.length > limit) throw new Error(`${file}: ${all.length} bytes, more than the ${limit} expected`);
    progress?.(all.length);
    return all;
  }
  let out = new Uint8Array(expected ?? 64 * 1024);
  let got = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (got + value.length > limit) {
      await reader.cancel().catch(() => {});
      throw new Error(`${file}: larger than the ${limit} bytes the manifest states`);
    }
    if (got + value.length > out.length) {
      const bigger = new Uint8Array(Math.min(limit, Math.max(out.length * 2, got + value.length)));
      bigger.set(out.subarray(0, got));
      out = bigger;
    }
    out.set(value, got);
    got += value.length;
    progress?.(got);
  }
  return out.subarray(0, got);
}

async function get(url: URL, file: string, opts: LoadOptions): Promise<Response> {
  const f = opts.fetch ?? globalThis.fetch;
  let res: Response;
  try {
    res = await f(url.href, { signal: opts.signal });
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    throw new Error(`${file}: could not be fetched (${String((e as Error)?.message ?? e).slice(0, 100)})`);
  }
  if (!res.ok) throw new Error(`${file}: HTTP ${res.status} ${res.statusText}`.trim());
  return res;
}

/** Fetches and validates manifest.json under `baseUrl`. */
export async function fetchManifest(baseUrl: string | URL, opts: LoadOptions = {}): Promise<Manifest> {
  const res = await get(new URL('manifest.json', dataBaseUrl(baseUrl)), 'manifest.json', opts);
  const body = await readBody(res, 'manifest.json', null, MAX_MANIFEST_BYTES);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new Error('manifest.json: not valid JSON');
  }
  return validateManifest(json);
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // crypto.subtle exists only in secure contexts (https, localhost): a page opened over plain
  // http, e.g. a dev server reached from a phone on the LAN, gets the small fallback below.
  const subtle = globalThis.crypto?.subtle;
  const digest = subtle ? new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)) : sha256Fallback(bytes);
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

const K = Uint32Array.from(
  '428a2f98 71374491 b5c0fbcf e9b5dba5 3956c25b 59f111f1 923f82a4 ab1c5ed5 d807aa98 12835b01 243185be 550c7dc3 72be5d74 80deb1fe 9bdc06a7 c19bf174 e49b69c1 efbe4786 0fc19dc6 240ca1cc 2de92c6f 4a7484aa 5cb0a9dc 76f988da 983e5152 a831c66d b00327c8 bf597fc7 c6e00bf3 d5a79147 06ca6351 14292967 27b70a85 2e1b2138 4d2c6dfc 53380d13 650a7354 766a0abb 81c2c92e 92722c85 a2bfe8a1 a81a664b c24b8b70 c76c51a3 d192e819 d6990624 f40e3585 106aa070 19a4c116 1e376c08 2748774c 34b0bcb5 391c0cb3 4ed8aa4a 5b9cca4f 682e6ff3 748f82ee 78a5636f 84c87814 8cc70208 90befffa a4506ceb bef9a3f7 c67178f2'
    .split(' ')
    .map((h) => parseInt(h, 16)),
);

/** FIPS 180-4 SHA-256, for contexts without crypto.subtle. */
export function sha256Fallback(data: Uint8Array): Uint8Array {
  const len = data.length;
  const padded = new Uint8Array(Math.ceil((len + 9) / 64) * 64);
  padded.set(data);
  padded[len] = 0x80;
  const pv = new DataView(padded.buffer);
  pv.setUint32(padded.length - 8, Math.floor(len / 0x20000000));
  pv.setUint32(padded.length - 4, (len * 8) >>> 0);
  const H = Uint32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const W = new Uint32Array(64);
  const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));
  for (let off = 0; off < padded.length; off += 64) {
    for (let t = 0; t < 16; t++) W[t] = pv.getUint32(off + t * 4);
    for (let t = 16; t < 64; t++) {
      const w15 = W[t - 15]!;
      const w2 = W[t - 2]!;
      const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
      const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
      W[t] = W[t - 16]! + s0 + W[t - 7]! + s1;
    }
    let [a, b, c, d, e, f, g, h] = [H[0]!, H[1]!, H[2]!, H[3]!, H[4]!, H[5]!, H[6]!, H[7]!];
    for (let t = 0; t < 64; t++) {
      const t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t]! + W[t]!;
      const t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      [h, g, f, e, d, c, b, a] = [g, f, e, (d + t1) >>> 0, c, b, a, (t1 + t2) >>> 0];
    }
    [a, b, c, d, e, f, g, h].forEach((x, i) => (H[i] = H[i]! + x));
  }
  const out = new Uint8Array(32);
  const ov = new DataView(out.buffer);
  H.forEach((x, i) => ov.setUint32(i * 4, x));
  return out;
}

/** gunzip into exactly `size` bytes with DecompressionStream, refusing more or less. */
async function gunzipExactly(gz: Uint8Array, size: number, file: string): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') {
    // Older browsers: fflate, into a buffer of the stated size (the sha256 already matched).
    let out: Uint8Array;
    try {
      out = gunzipSync(gz, { out: new Uint8Array(size) });
    } catch (e) {
      throw new Error(`${file}: corrupt gzip data (${String((e as Error)?.message ?? e).slice(0, 80)})`);
    }
    if (out.length !== size) throw new Error(`${file}: decompresses to ${out.length} bytes, not the ${size} the manifest states`);
    return out;
  }
  const input = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(gz);
      c.close();
    },
  });
  const reader = input.pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>).getReader();
  const out = new Uint8Array(size);
  let got = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (got + value.length > size) {
        await reader.cancel().catch(() => {});
        throw new Error(`${file}: decompresses to more than the ${size} bytes the manifest states`);
      }
      out.set(value, got);
      got += value.length;
    }
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(`${file}: `)) throw e;
    throw new Error(`${file}: corrupt gzip data (${String((e as Error)?.message ?? e).slice(0, 80)})`);
  }
  if (got !== size) throw new Error(`${file}: decompresses to ${got} bytes, not the ${size} the manifest states`);
  return out;
}

/**
 * A chunk's URL, with its content hash in the query: a cache (the HTTP cache, the service
 * worker's) may keep it forever, and a rebuilt chunk gets a new URL instead of a stale hit.
 */
export function chunkUrl(base: URL, c: ChunkInfo): URL {
  const url = new URL(c.file, base);
  url.searchParams.set('v', c.sha256.slice(0, 16));
  return url;
}

/** The chunks loadDataset fetches for `trainCount` training images: the test set's, then enough training chunks. */
export function chunksFor(manifest: Manifest, trainCount: number): ChunkInfo[] {
  const out = [...manifest.test.chunks];
  let rows = 0;
  for (const c of manifest.train.chunks) {
    if (rows >= trainCount) break;
    out.push(c);
    rows += c.count;
  }
  return out;
}

/**
 * One download of a chunk for every widget on a page. Several widgets (iframes or custom
 * elements of one origin) each run a worker that wants the same chunks at the same moment,
 * and neither the HTTP cache nor the service worker (not yet in control on a first visit)
 * merges requests in flight. So the fetch runs under a Web Lock named after the chunk's URL:
 * the first worker downloads it and puts a copy in Cache Storage before letting go; the
 * others, waiting on the lock, find it there. The response is handed on as soon as it
 * arrives (progress still shows); the lock is held until the copy is stored. Where there is
 * no Cache Storage or Web Locks (node, the CLI's own fetch), it is a plain fetch.
 */
async function getShared(url: URL, file: string, opts: LoadOptions): Promise<Response> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (opts.fetch || !locks || typeof caches === 'undefined') return get(url, file, opts);
  let cache: Cache;
  try {
    cache = await caches.open(DATA_CACHE);
  } catch {
    return get(url, file, opts); // storage unavailable (private mode, quota): fetch alone
  }
  return new Promise<Response>((resolve, reject) => {
    locks
      .request(`firstnet-data ${url.href}`, async () => {
        const hit = await cache.match(url.href).catch(() => undefined);
        if (hit) return resolve(hit);
        const res = await get(url, file, opts);
        const copy = res.clone();
        resolve(res);
        await cache.put(url.href, copy).catch(() => {}); // best effort: a full quota only loses the sharing
      })
      .catch(reject);
  });
}

/** A chunk that failed its checks must not stay in the shared cache for the next try. */
function forget(url: URL): void {
  if (typeof caches !== 'undefined') void caches.open(DATA_CACHE).then((c) => c.delete(url.href)).catch(() => {});
}

async function loadChunk(base: URL, c: ChunkInfo, opts: LoadOptions, progress: (n: number) => void): Promise<Uint8Array> {
  const url = chunkUrl(base, c);
  try {
    return await checkChunk(c, await readBody(await getShared(url, c.file, opts), c.file, c.bytes, c.bytes, progress));
  } catch (e) {
    forget(url);
    throw e;
  }
}

/** The bytes of chunk `c` as fetched → its rows, after the size, sha256, gzip and label checks. */
async function checkChunk(c: ChunkInfo, gz: Uint8Array): Promise<Uint8Array> {
  if (gz.length !== c.bytes) throw new Error(`${c.file}: ${gz.length} bytes, but the manifest states ${c.bytes}`);
  const t0 = performance.now();
  const hash = await sha256Hex(gz);
  const t1 = performance.now();
  if (hash !== c.sha256) {
    throw new Error(`${c.file}: sha256 ${hash.slice(0, 12)}… does not match the manifest's ${c.sha256.slice(0, 12)}… (corrupt or stale file; rebuild the data)`);
  }
  const raw = await gunzipExactly(gz, c.rawBytes, c.file);
  // For `npm run bench:browser`'s cold-start timeline; no-ops for everyone else.
  performance.measure?.(`firstnet sha256 ${c.file}`, { start: t0, end: t1 });
  performance.measure?.(`firstnet gunzip ${c.file}`, { start: t1, end: performance.now() });
  const labels = raw.subarray(c.count * IMAGE_SIZE);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! > 9) throw new Error(`${c.file}: label ${labels[i]} at row ${i} is outside 0–9`);
  }
  return raw;
}

/**
 * Yields the data set's parts in manifest order: every test chunk, then as many training
 * chunks as `trainCount` needs (the last one cut to size). Errors name the file.
 */
export async function* loadDataset(baseUrl: string | URL, opts: LoadOptions = {}): AsyncGenerator<DataPart, void, undefined> {
  const base = dataBaseUrl(baseUrl);
  const manifest = opts.manifest ?? (await fetchManifest(base, opts));
  const want = opts.trainCount ?? manifest.train.count;
  if (!Number.isInteger(want) || want < 1 || want > manifest.train.count) {
    throw new Error(`trainCount ${want} must be an integer from 1 to the ${manifest.train.count} training images in manifest.json`);
  }
  const plan: { set: 'test' | 'train'; chunk: ChunkInfo; offset: number; count: number; setCount: number }[] = [];
  let offset = 0;
  for (const chunk of manifest.test.chunks) {
    plan.push({ set: 'test', chunk, offset, count: chunk.count, setCount: manifest.test.count });
    offset += chunk.count;
  }
  offset = 0;
  for (const chunk of manifest.train.chunks) {
    if (offset >= want) break;
    plan.push({ set: 'train', chunk, offset, count: Math.min(chunk.count, want - offset), setCount: want });
    offset += chunk.count;
  }
  const totalBytes = plan.reduce((s, p) => s + p.chunk.bytes, 0);
  let done = 0;
  for (const p of plan) {
    opts.signal?.throwIfAborted();
    const file = p.chunk.file;
    opts.onProgress?.({ loadedBytes: done, totalBytes, part: file });
    const raw = await loadChunk(base, p.chunk, opts, (n) => opts.onProgress?.({ loadedBytes: done + n, totalBytes, part: file }));
    done += p.chunk.bytes;
    const images = raw.subarray(0, p.count * IMAGE_SIZE);
    const labels = raw.subarray(p.chunk.count * IMAGE_SIZE, p.chunk.count * IMAGE_SIZE + p.count);
    yield { set: p.set, offset: p.offset, count: p.count, images, labels, setCount: p.setCount, file };
  }
}
