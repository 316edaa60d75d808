// A zip of STORED members (no compression), the way numpy.savez writes an .npz. Written by
// hand rather than with fflate's zipSync, which brings its whole deflate encoder into the
// worker bundle (~3.4 KB gzip of the 150 KB budget) only to be called with level 0.
//
// Layout (APPNOTE.TXT §4.3): for each member a local header (30 bytes + name) and its
// bytes; then the central directory (46 bytes + name per member); then the end record
// (22 bytes). All integers little-endian; names ASCII (the model's are W1.npy, b1.npy, …).
// One fixed timestamp for every member, so the same members give the same bytes.

/** 1980-01-01 12:00:00 in MS-DOS form (1980 is the earliest year a zip date can hold). */
const DOS_TIME = 12 << 11;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const VERSION = 20; // 2.0: the version that can extract stored members

let crcTable: Uint32Array | null = null;

/** CRC-32 (ISO 3309, polynomial 0xEDB88320), as zip records it. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The members, in the order given, as one stored zip. */
export function storedZip(members: Record<string, Uint8Array>): Uint8Array {
  const entries = Object.entries(members).map(([name, data]) => {
    if (!/^[\x20-\x7e]{1,255}$/.test(name)) throw new Error(`storedZip: member name '${name.slice(0, 40)}' must be 1–255 printable ASCII characters`);
    return { name: new TextEncoder().encode(name), data, crc: crc32(data), offset: 0 };
  });
  let size = 22;
  for (const e of entries) size += 30 + 46 + 2 * e.name.length + e.data.length;
  if (size > 0xffffffff || entries.length > 0xffff) throw new Error('storedZip: too large for a zip without zip64');
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  let p = 0;
  const u16 = (x: number) => {
    v.setUint16(p, x, true);
    p += 2;
  };
  const u32 = (x: number) => {
    v.setUint32(p, x, true);
    p += 4;
  };
  const bytes = (b: Uint8Array) => {
    out.set(b, p);
    p += b.length;
  };
  // version needed, flags, method (0 = stored), time, date, crc, compressed and plain sizes
  const common = (e: (typeof entries)[number]) => {
    u16(VERSION);
    u16(0);
    u16(0);
    u16(DOS_TIME);
    u16(DOS_DATE);
    u32(e.crc);
    u32(e.data.length);
    u32(e.data.length);
    u16(e.name.length);
    u16(0); // extra field length
  };
  for (const e of entries) {
    e.offset = p;
    u32(0x04034b50);
    common(e);
    bytes(e.name);
    bytes(e.data);
  }
  const directory = p;
  for (const e of entries) {
    u32(0x02014b50);
    u16(VERSION); // made by (MS-DOS attributes)
    common(e);
    u16(0); // comment length
    u16(0); // disk number
    u16(0); // internal attributes
    u32(0); // external attributes
    u32(e.offset);
    bytes(e.name);
  }
  const directorySize = p - directory;
  u32(0x06054b50);
  u16(0); // this disk
  u16(0); // the directory's disk
  u16(entries.length);
  u16(entries.length);
  u32(directorySize);
  u32(directory);
  u16(0); // comment length
  return out;
}
