// IDX files, the MNIST distribution format (contract §2 and §5 `--data DIR`), raw or gzip'd.
//
//   images: magic 0x00000803, int32 BE N, 28, 28, then N × 784 uint8 pixels (row-major)
//   labels: magic 0x00000801, int32 BE N, then N uint8 labels, each 0–9
//
// Untrusted bytes: the header is checked before anything is allocated, and a gzip stream
// is inflated in small pieces into a buffer of exactly the size its IDX header declares,
// so a lying header or a gzip bomb is refused as soon as it overflows that.
import { Inflate } from 'fflate';

export const IMAGE_SIDE = 28;
export const IMAGE_BYTES = IMAGE_SIDE * IMAGE_SIDE;
/** Most items accepted in one file (EMNIST digits has 240,000; MNIST 60,000). */
export const MAX_IDX_ITEMS = 300_000;
/** Deflate's largest expansion: 258 bytes from 2 bits at best, about 1032 to 1. */
const MAX_DEFLATE_RATIO = 1032;

export type IdxFile =
  | { kind: 'images'; name: string; count: number; /** count × 784 pixels */ data: Uint8Array }
  | { kind: 'labels'; name: string; count: number; /** count labels, 0–9 */ data: Uint8Array };

export interface IdxPair {
  count: number;
  images: Uint8Array;
  labels: Uint8Array;
}

class IdxError extends Error {}

function clean(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').slice(0, 200);
}

interface Header {
  kind: 'images' | 'labels';
  count: number;
  headerBytes: number;
  totalBytes: number;
}

/** Bytes needed before the header can be read (labels need 8, images 16). */
function headerLength(head: Uint8Array): number {
  return head.length >= 4 && head[3] === 3 ? 16 : 8;
}

function readHeader(head: Uint8Array, fail: (p: string) => never): Header {
  if (head.length < 8) fail(`too short for an IDX file (${head.length} bytes)`);
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const magic = v.getUint32(0);
  if (magic !== 0x803 && magic !== 0x801) {
    const hex = `0x${magic.toString(16).padStart(8, '0')}`;
    if (head[0] === 0 && head[1] === 0) fail(`IDX type ${hex} is not supported (expected 0x00000803 images or 0x00000801 labels)`);
    fail(`not an IDX file (magic ${hex}, expected 0x00000803 or 0x00000801)`);
  }
  const count = v.getUint32(4);
  if (count < 1 || count > MAX_IDX_ITEMS) fail(`declares ${count} items (1–${MAX_IDX_ITEMS} allowed)`);
  if (magic === 0x801) return { kind: 'labels', count, headerBytes: 8, totalBytes: 8 + count };
  if (head.length < 16) fail('truncated IDX image header');
  const rows = v.getUint32(8);
  const cols = v.getUint32(12);
  if (rows !== IMAGE_SIDE || cols !== IMAGE_SIDE) fail(`images are ${rows}×${cols}; 28×28 is required`);
  return { kind: 'images', count, headerBytes: 16, totalBytes: 16 + count * IMAGE_BYTES };
}

function checkLength(h: Header, actual: number, fail: (p: string) => never): void {
  if (actual === h.totalBytes) return;
  const what = h.kind === 'images' ? `${h.count} images of 28×28` : `${h.count} labels`;
  if (actual < h.totalBytes) fail(`truncated: the header declares ${what} (${h.totalBytes} bytes) but there are ${actual}`);
  fail(`the header declares ${what} (${h.totalBytes} bytes) but there are more (${actual}+)`);
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** Offset of the deflate data after a gzip member header (RFC 1952). */
function gzipDataStart(b: Uint8Array, fail: (p: string) => never): number {
  if (b.length < 18 || b[2] !== 8) fail('corrupt gzip header');
  const flags = b[3]!;
  if (flags & 0xe0) fail('corrupt gzip header (reserved flags)');
  let p = 10;
  if (flags & 4) p += 2 + (b[10]! | (b[11]! << 8)); // FEXTRA
  for (const bit of [8, 16]) {
    // FNAME, FCOMMENT: zero-terminated
    if (!(flags & bit)) continue;
    while (p < b.length && b[p] !== 0) p++;
    p++;
  }
  if (flags & 2) p += 2; // FHCRC
  if (p + 8 > b.length) fail('corrupt gzip header');
  return p;
}

/** Inflates a gzip'd IDX file into exactly the size its IDX header declares. */
function gunzipIdx(bytes: Uint8Array, fail: (p: string) => never): { h: Header; data: Uint8Array } {
  const start = gzipDataStart(bytes, fail);
  const head = new Uint8Array(16);
  let headLen = 0;
  let h: Header | null = null;
  let out: Uint8Array | null = null;
  let got = 0;
  let crc = -1;
  let done = false;
  const inf = new Inflate((chunk, final) => {
    if (final) done = true;
    let c = chunk;
    if (!h) {
      const take = Math.min(c.length, 16 - headLen);
      head.set(c.subarray(0, take), headLen);
      headLen += take;
      if (headLen < 4 || headLen < headerLength(head)) {
        if (final) fail(`truncated: ${headLen} bytes after decompression`);
        return;
      }
      h = readHeader(head.subarray(0, headLen), fail);
      if (headLen > h.totalBytes) fail(`decompresses to more than the ${h.totalBytes} bytes its header declares`);
      // Deflate cannot expand more than 1032:1, so a small file whose header declares a large
      // set is lying: refused before the declared size is allocated.
      if (h.totalBytes > MAX_DEFLATE_RATIO * bytes.length) {
        fail(`its header declares ${h.totalBytes} bytes, more than the ${bytes.length}-byte gzip file can hold (deflate expands at most ${MAX_DEFLATE_RATIO}:1)`);
      }
      out = new Uint8Array(h.totalBytes); // bounded by MAX_IDX_ITEMS, checked in readHeader
      out.set(head.subarray(0, headLen));
      got = headLen;
      c = c.subarray(take);
    }
    if (got + c.length > out!.length) fail(`decompresses to more than the ${out!.length} bytes its header declares`);
    out!.set(c, got);
    got += c.length;
  });
  const deflate = bytes.subarray(start, bytes.length - 8);
  // Small pieces: fflate inflates a whole piece before reporting, so 16 KiB yields at most ~16 MB at once.
  const PIECE = 16384;
  try {
    for (let o = 0; o < deflate.length; o += PIECE) inf.push(deflate.subarray(o, o + PIECE), o + PIECE >= deflate.length);
  } catch (e) {
    if (e instanceof IdxError) throw e;
    fail(`corrupt gzip data (${String((e as Error).message).slice(0, 60)})`);
  }
  if (!h || !out) fail('truncated gzip data');
  const hdr = h as Header;
  if (!done) fail('truncated gzip data');
  checkLength(hdr, got, fail);
  const data = out as Uint8Array;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  const tail = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8, 8);
  if (((crc ^ -1) >>> 0) !== tail.getUint32(0, true) || (got >>> 0) !== tail.getUint32(4, true)) {
    fail('gzip CRC or length mismatch: the file is corrupted');
  }
  return { h: hdr, data };
}

/**
 * Parses an IDX image or label file, raw or gzip'd (magic 1f 8b). `name` starts every
 * error message. For a raw file `data` is a view into `bytes` (no copy).
 */
export function parseIdx(bytes: Uint8Array, name: string): IdxFile {
  const file = clean(name);
  const fail = (problem: string): never => {
    throw new IdxError(`${file}: ${problem}`);
  };
  try {
    let h: Header;
    let all: Uint8Array;
    if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
      ({ h, data: all } = gunzipIdx(bytes, fail));
    } else {
      h = readHeader(bytes.subarray(0, headerLength(bytes)), fail);
      checkLength(h, bytes.length, fail);
      all = bytes;
    }
    const data = all.subarray(h.headerBytes);
    if (h.kind === 'labels') {
      for (let i = 0; i < data.length; i++) {
        if (data[i]! > 9) fail(`label ${data[i]} at index ${i} is outside 0–9`);
      }
    }
    return { kind: h.kind, name: file, count: h.count, data };
  } catch (e) {
    if (e instanceof IdxError) throw new Error(e.message);
    throw new Error(`${file}: unreadable IDX file (${String((e as Error)?.message ?? e).slice(0, 100)})`);
  }
}

/** Pairs an image file with its label file; refuses a swap or unequal counts. */
export function pairIdx(images: IdxFile, labels: IdxFile): IdxPair {
  if (images.kind !== 'images') throw new Error(`${images.name}: expected an IDX image file (magic 0x00000803)`);
  if (labels.kind !== 'labels') throw new Error(`${labels.name}: expected an IDX label file (magic 0x00000801)`);
  if (images.count !== labels.count) {
    throw new Error(`${images.name} has ${images.count} images but ${labels.name} has ${labels.count} labels`);
  }
  return { count: images.count, images: images.data, labels: labels.data };
}
