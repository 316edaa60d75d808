// formats/npy.ts: .npy reading and writing, and every refusal with its message.
import { describe, expect, it } from 'vitest';
import { MAX_HEADER_BYTES, parseNpy, writeNpyFloat32, writeNpyString } from '../../web/src/formats/npy';

/** A .npy file with the given header dict text and data bytes (version major.0). */
function npy(header: string, data: Uint8Array = new Uint8Array(0), major = 1): Uint8Array {
  const pre = major === 1 ? 10 : 12;
  const enc = new TextEncoder().encode(header + '\n');
  const out = new Uint8Array(pre + enc.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const v = new DataView(out.buffer);
  if (major === 1) v.setUint16(8, enc.length, true);
  else v.setUint32(8, enc.length, true);
  out.set(enc, pre);
  out.set(data, pre + enc.length);
  return out;
}

function floats(values: number[], size: 4 | 8, little = true): Uint8Array {
  const out = new Uint8Array(values.length * size);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => (size === 4 ? v.setFloat32(i * size, x, little) : v.setFloat64(i * size, x, little)));
  return out;
}

describe('npy round trip', () => {
  it('writes float32 with a 64-byte aligned version 1.0 header and reads it back', () => {
    const data = Float32Array.from({ length: 12 }, (_, i) => i / 8 - 0.5);
    const bytes = writeNpyFloat32([3, 4], data);
    const hlen = new DataView(bytes.buffer).getUint16(8, true);
    expect((10 + hlen) % 64).toBe(0);
    expect(bytes[10 + hlen - 1]).toBe(0x0a);
    const text = new TextDecoder().decode(bytes.subarray(10, 10 + hlen));
    expect(text).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(3, 4\), \} *\n$/);
    const a = parseNpy(bytes, 'x.npy');
    expect(a.kind).toBe('float');
    if (a.kind !== 'float') return;
    expect(a.shape).toEqual([3, 4]);
    expect(Array.from(a.data)).toEqual(Array.from(data));
  });

  it('writes 1-d shapes as (n,) and reads them', () => {
    const bytes = writeNpyFloat32([5], new Float32Array([1, 2, 3, 4, 5]));
    expect(new TextDecoder().decode(bytes.subarray(10, 80))).toContain("'shape': (5,)");
    const a = parseNpy(bytes, 'b.npy');
    expect(a.kind === 'float' && a.shape).toEqual([5]);
  });

  it('round-trips 0-d unicode strings, including characters outside the BMP', () => {
    const s = '{"format":"firstnet-model","ü":"😀"}';
    const bytes = writeNpyString(s);
    expect(new TextDecoder().decode(bytes.subarray(10, 40))).toContain(`'descr': '<U${Array.from(s).length}'`);
    const a = parseNpy(bytes, 'config.npy');
    expect(a).toMatchObject({ kind: 'string', value: s, shape: [] });
    expect(parseNpy(writeNpyString(''), 'e.npy')).toMatchObject({ kind: 'string', value: '' });
  });

  it('converts float64 and big-endian arrays to float32', () => {
    const a = parseNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", floats([0.1, -2.5], 8)), 'd.npy');
    expect(a.kind === 'float' && Array.from(a.data)).toEqual([Math.fround(0.1), -2.5]);
    const b = parseNpy(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", floats([1.5, -3], 4, false)), 'be.npy');
    expect(b.kind === 'float' && Array.from(b.data)).toEqual([1.5, -3]);
    const c = parseNpy(npy("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", floats([7.25], 8, false)), 'be8.npy');
    expect(c.kind === 'float' && Array.from(c.data)).toEqual([7.25]);
  });

  it('transposes fortran_order 2-d arrays into C order', () => {
    // shape (2, 3) = [[1,2,3],[4,5,6]] stored column-major: 1 4 2 5 3 6
    const a = parseNpy(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", floats([1, 4, 2, 5, 3, 6], 4)), 'f.npy');
    expect(a.kind === 'float' && Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads version 2.0 and 3.0 headers, double quotes and odd spacing', () => {
    const h = '{"descr":"<f4","shape":(1,2),"fortran_order":False}';
    for (const major of [2, 3]) {
      const a = parseNpy(npy(h, floats([1, 2], 4), major), 'v.npy');
      expect(a.kind === 'float' && a.shape).toEqual([1, 2]);
    }
  });
});

describe('npy refusals', () => {
  const f4 = (shape: string, data: Uint8Array, extra = '') =>
    npy(`{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, ${extra}}`, data);
  const cases: [string, Uint8Array, RegExp][] = [
    ['bad magic', new TextEncoder().encode('PK\x03\x04 not numpy at all'), /^m\.npy: not a \.npy array \(bad magic\)$/],
    ['too short', new Uint8Array([0x93, 0x4e]), /bad magic/],
    ['version 4.0', (() => { const b = writeNpyFloat32([1], new Float32Array(1)); b[6] = 4; return b; })(), /unsupported \.npy version 4\.0/],
    ['header longer than the limit', (() => { const b = npy('{}'); new DataView(b.buffer).setUint32(8, MAX_HEADER_BYTES + 1, true); b[6] = 2; return b; })(), /header of 16385 bytes is longer than the 16384-byte limit/],
    ['truncated header', (() => { const b = writeNpyFloat32([1], new Float32Array(1)); return b.subarray(0, 30); })(), /truncated \.npy header/],
    ['object dtype (pickle)', npy("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(16)), /object arrays \(pickled Python objects\) are not supported/],
    ['structured dtype', npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)), /structured dtypes are not supported/],
    ['integer dtype', npy("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)), /unsupported dtype '<i4'/],
    ['no byte order', npy("{'descr': '|f4', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)), /does not state its byte order/],
    ['shape larger than data', f4('(3, 4)', floats([1, 2], 4)), /shape \(3, 4\) of '<f4' needs 48 data bytes but the file has 8/],
    ['shape smaller than data', f4('(1,)', floats([1, 2], 4)), /needs 4 data bytes but the file has 8/],
    ['huge shape', f4('(100000, 100000, 100000)', new Uint8Array(4)), /has more than the 16777216 elements allowed/],
    ['unknown header key', f4('(1,)', floats([1], 4), "'extra': True, "), /unexpected key 'extra'/],
    ['missing shape', npy("{'descr': '<f4', 'fortran_order': False}", new Uint8Array(4)), /no 'shape' tuple/],
    ['malformed dict', npy("{'descr': '<f4', 'fortran_order': Fals", new Uint8Array(4)), /malformed \.npy header/],
    ['eval-like header', npy("__import__('os').system('x')", new Uint8Array(4)), /malformed \.npy header \(expected '\{'/],
    ['unicode array not 0-d', npy("{'descr': '<U3', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(24)), /only 0-d unicode strings are supported/],
    ['unicode size mismatch', npy("{'descr': '<U3', 'fortran_order': False, 'shape': (), }", new Uint8Array(8)), /needs 12 data bytes but the file has 8/],
    ['invalid code point', npy("{'descr': '<U1', 'fortran_order': False, 'shape': (), }", new Uint8Array([0, 0xd8, 0, 0])), /invalid character U\+d800/],
    ['fortran 3-d', npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1, 1), }", new Uint8Array(4)), /fortran_order arrays of more than 2 dimensions/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`refuses ${what}`, () => {
      let err: unknown;
      try {
        parseNpy(bytes, 'm.npy');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(Error);
      const msg = (err as Error).message;
      expect(msg).toMatch(/^m\.npy: /);
      expect(msg).toMatch(message);
      expect(msg).not.toContain('\n');
    });
  }

  it('keeps a file name with a newline on one line', () => {
    expect(() => parseNpy(new Uint8Array(3), 'evil\nname.npy')).toThrow(/^evil name\.npy: not a \.npy array/);
  });
});
