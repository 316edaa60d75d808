// formats/zip.ts, the stored-zip writer of model files, read back by an independent reader
// (fflate's unzipSync) and byte-checked where the format fixes the bytes.
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { crc32, storedZip } from '../../web/src/formats/zip';

describe('storedZip', () => {
  it('crc32 gives the check value of the CRC-32 catalogue', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('writes members another reader gets back unchanged, in order, stored, at 1980-01-01 12:00', () => {
    const a = new Uint8Array(1000).map((_, i) => (i * 7) & 0xff);
    const members = { 'W1.npy': a, 'b1.npy': new Uint8Array([1, 2, 3]), 'empty.npy': new Uint8Array(0) };
    const zip = storedZip(members);
    const back = unzipSync(zip);
    expect(Object.keys(back)).toEqual(['W1.npy', 'b1.npy', 'empty.npy']);
    for (const [k, v] of Object.entries(members)) expect(back[k]).toEqual(v);
    const view = new DataView(zip.buffer);
    expect(view.getUint32(0, true)).toBe(0x04034b50);
    expect(view.getUint16(8, true)).toBe(0); // method: stored
    expect(view.getUint16(10, true)).toBe(12 << 11); // 12:00:00
    expect(view.getUint16(12, true)).toBe(33); // 1980-01-01
    expect(view.getUint32(14, true)).toBe(crc32(a));
    // The end record: 3 entries, no comment, at the very end.
    expect(view.getUint32(zip.length - 22, true)).toBe(0x06054b50);
    expect(view.getUint16(zip.length - 12, true)).toBe(3);
    expect(zip.length).toBe(22 + 3 * 76 + 2 * (6 + 6 + 9) + 1003);
    // Same members, same bytes.
    expect(storedZip(members)).toEqual(zip);
  });

  it('refuses a name that is not printable ASCII', () => {
    expect(() => storedZip({ 'W\u00e91.npy': new Uint8Array(1) })).toThrow(/member name .* printable ASCII/);
    expect(() => storedZip({ '': new Uint8Array(1) })).toThrow(/member name/);
  });
});
