// NumPy .npy arrays (format versions 1.0, 2.0 and 3.0), for the model file (contract §1).
//
// Layout: "\x93NUMPY", major, minor, header length (uint16 LE in 1.0, uint32 LE in 2.0/3.0),
// then a Python dict literal such as {'descr': '<f4', 'fortran_order': False, 'shape': (784, 128), }
// padded with spaces and a '\n', then the raw data. Only what a model file needs is read:
// float32/float64 numbers (returned as float32, C order) and 0-d unicode strings ('<U<n>',
// UTF-32LE) for `config`. Anything else (object arrays, i.e. pickles, structured dtypes,
// integers…) is refused with a one-line message. All sizes are checked before allocating.

export type NpyArray =
  | { kind: 'float'; shape: number[]; data: Float32Array; /** dtype as stored, e.g. '<f8' */ descr: string }
  | { kind: 'string'; shape: []; value: string; descr: string };

export interface NpyLimits {
  /** Largest number of elements accepted (default 16 Mi). */
  maxElements?: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** numpy itself refuses headers over 10,000 bytes without allow_pickle-like opt-in. */
export const MAX_HEADER_BYTES = 16 * 1024;
const MAX_DIMS = 32;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const DEFAULT_MAX_ELEMENTS = 16 * 1024 * 1024;
/** Longest 0-d unicode string accepted, in characters. */
const MAX_STRING_CHARS = 1024 * 1024;

/** Makes `name: problem` one line (file names and header text are untrusted). */
export function oneLine(text: string, max = 200): string {
  const s = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function fail(name: string, problem: string): never {
  throw new Error(`${oneLine(name)}: ${problem}`);
}

// ---------- header dict parsing (a strict subset of Python literals, never eval) ----------

type PyValue = string | boolean | number[] | PyValue[] | { list: true };

class HeaderParser {
  private i = 0;
  constructor(private readonly s: string, private readonly name: string) {}

  private ws(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i]!)) this.i++;
  }
  private bad(what: string): never {
    fail(this.name, `malformed .npy header (${what} at character ${this.i})`);
  }
  private eat(c: string): boolean {
    this.ws();
    if (this.s[this.i] === c) {
      this.i++;
      return true;
    }
    return false;
  }
  private str(): string {
    const q = this.s[this.i];
    if (q !== "'" && q !== '"') this.bad('expected a string');
    const end = this.s.indexOf(q, this.i + 1);
    if (end < 0) this.bad('unterminated string');
    const v = this.s.slice(this.i + 1, end);
    if (v.includes('\\')) this.bad('escapes are not supported');
    this.i = end + 1;
    return v;
  }
  private value(): PyValue {
    this.ws();
    const c = this.s[this.i];
    if (c === "'" || c === '"') return this.str();
    if (this.s.startsWith('True', this.i)) return (this.i += 4), true;
    if (this.s.startsWith('False', this.i)) return (this.i += 5), false;
    if (c === '[') return { list: true }; // structured dtype: refused by the caller
    if (c === '(') {
      this.i++;
      const dims: number[] = [];
      for (;;) {
        if (this.eat(')')) return dims;
        this.ws();
        const m = /^\d{1,15}/.exec(this.s.slice(this.i, this.i + 16));
        if (!m) this.bad('expected a dimension');
        this.i += m[0].length;
        if (this.s[this.i] === 'L') this.i++; // Python 2 long
        dims.push(Number(m[0]));
        if (dims.length > MAX_DIMS) this.bad('too many dimensions');
        if (!this.eat(',')) {
          if (!this.eat(')')) this.bad("expected ',' or ')'");
          return dims;
        }
      }
    }
    this.bad('unexpected value');
  }
  dict(): Map<string, PyValue> {
    const out = new Map<string, PyValue>();
    if (!this.eat('{')) this.bad("expected '{'");
    for (;;) {
      if (this.eat('}')) break;
      this.ws();
      const k = this.str();
      if (!this.eat(':')) this.bad("expected ':'");
      const v = this.value();
      if (typeof v === 'object' && !Array.isArray(v)) {
        fail(this.name, `structured dtypes are not supported (key '${oneLine(k, 40)}')`);
      }
      if (out.has(k)) this.bad(`duplicate key '${oneLine(k, 40)}'`);
      out.set(k, v);
      if (!this.eat(',')) {
        if (!this.eat('}')) this.bad("expected ',' or '}'");
        break;
      }
    }
    this.ws();
    if (this.i !== this.s.length) this.bad('text after the dict');
    return out;
  }
}

interface Header {
  descr: string;
  fortran: boolean;
  shape: number[];
  dataOffset: number;
}

function readHeader(bytes: Uint8Array, name: string): Header {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail(name, 'not a .npy array (bad magic)');
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (major < 1 || major > 3 || minor !== 0) fail(name, `unsupported .npy version ${major}.${minor}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let len: number;
  let start: number;
  if (major === 1) {
    len = view.getUint16(8, true);
    start = 10;
  } else {
    if (bytes.length < 12) fail(name, 'truncated .npy header');
    len = view.getUint32(8, true);
    start = 12;
  }
  if (len > MAX_HEADER_BYTES) fail(name, `.npy header of ${len} bytes is longer than the ${MAX_HEADER_BYTES}-byte limit`);
  if (start + len > bytes.length) fail(name, `truncated .npy header (${len} bytes declared, ${bytes.length - start} present)`);
  const raw = bytes.subarray(start, start + len);
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(raw);
  } catch {
    fail(name, '.npy header is not valid text');
  }
  const dict = new HeaderParser(text.trimEnd(), name).dict();
  for (const k of dict.keys()) {
    if (k !== 'descr' && k !== 'fortran_order' && k !== 'shape') fail(name, `unexpected key '${oneLine(k, 40)}' in .npy header`);
  }
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (typeof descr !== 'string') fail(name, ".npy header has no 'descr' string");
  if (typeof fortran !== 'boolean') fail(name, ".npy header has no 'fortran_order' True/False");
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number')) fail(name, ".npy header has no 'shape' tuple");
  return { descr, fortran, shape: shape as number[], dataOffset: start + len };
}

/** Element count of a shape, refusing overflow past `max`. */
function elementCount(shape: number[], max: number, name: string): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) fail(name, `bad dimension ${d} in shape (${shape.join(', ')})`);
    n *= d;
    if (n > max) fail(name, `shape (${shape.join(', ')}) has more than the ${max} elements allowed`);
  }
  return n;
}

function decodeUtf32(bytes: Uint8Array, chars: number, little: boolean, name: string): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: string[] = [];
  let end = chars;
  while (end > 0 && view.getUint32((end - 1) * 4, little) === 0) end--; // numpy strips trailing NULs
  for (let i = 0; i < end; i++) {
    const cp = view.getUint32(i * 4, little);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) fail(name, `invalid character U+${cp.toString(16)} in string`);
    parts.push(String.fromCodePoint(cp));
  }
  return parts.join('');
}

/** Parses one .npy file. `name` names it in error messages (e.g. "model.npz: W1.npy"). */
export function parseNpy(bytes: Uint8Array, name: string, limits: NpyLimits = {}): NpyArray {
  const h = readHeader(bytes, name);
  const dataLen = bytes.length - h.dataOffset;
  const d = h.descr;
  if (/^[|<>=]?O/.test(d)) fail(name, `object arrays (pickled Python objects) are not supported (dtype '${oneLine(d, 20)}')`);
  const f = /^([<>=|])f([48])$/.exec(d);
  const u = /^([<>=|])U(\d{1,9})$/.exec(d);
  if (f) {
    if (f[1] === '|' || f[1] === '=') fail(name, `dtype '${d}' does not state its byte order`);
    const little = f[1] === '<';
    const size = Number(f[2]);
    const n = elementCount(h.shape, limits.maxElements ?? DEFAULT_MAX_ELEMENTS, name);
    if (n * size !== dataLen) {
      fail(name, `shape (${h.shape.join(', ')}) of '${d}' needs ${n * size} data bytes but the file has ${dataLen}`);
    }
    if (h.fortran && h.shape.length > 2) fail(name, 'fortran_order arrays of more than 2 dimensions are not supported');
    let data: Float32Array;
    if (size === 4 && little && LITTLE_ENDIAN_HOST) {
      data = new Float32Array(bytes.slice(h.dataOffset).buffer); // a copy: aligned, and owned by the caller
    } else {
      const view = new DataView(bytes.buffer, bytes.byteOffset + h.dataOffset, dataLen);
      data = new Float32Array(n);
      if (size === 4) for (let i = 0; i < n; i++) data[i] = view.getFloat32(i * 4, little);
      else for (let i = 0; i < n; i++) data[i] = view.getFloat64(i * 8, little);
    }
    const shape = [...h.shape];
    if (h.fortran && shape.length === 2) return { kind: 'float', shape, data: transpose(data, shape[1]!, shape[0]!), descr: d };
    return { kind: 'float', shape, data, descr: d };
  }
  if (u) {
    if (u[1] === '|' || u[1] === '=') fail(name, `dtype '${d}' does not state its byte order`);
    if (h.shape.length !== 0) fail(name, `only 0-d unicode strings are supported, not shape (${h.shape.join(', ')})`);
    const chars = Number(u[2]);
    if (chars > MAX_STRING_CHARS) fail(name, `string of ${chars} characters is longer than the ${MAX_STRING_CHARS} allowed`);
    if (chars * 4 !== dataLen) fail(name, `dtype '${d}' needs ${chars * 4} data bytes but the file has ${dataLen}`);
    const value = decodeUtf32(bytes.subarray(h.dataOffset), chars, u[1] === '<', name);
    return { kind: 'string', shape: [], value, descr: d };
  }
  fail(name, `unsupported dtype '${oneLine(d, 20)}' (expected float32 '<f4', float64 '<f8' or a unicode string)`);
}

/** `rows × cols` row-major → its transpose (`cols × rows`, row-major). */
function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  // Fortran order of shape (r, c) is C order of shape (c, r): transpose it to C order (r, c).
  const out = new Float32Array(a.length);
  // An empty array may still declare a huge side, e.g. (2147483648, 0): looping over it would hang.
  if (a.length === 0) return out;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j]!;
  return out;
}

// ---------- writing ----------

function npyBytes(descr: string, shape: number[], dataBytes: number): { out: Uint8Array; offset: number } {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  // Pad so that the data starts on a 64-byte boundary, as numpy does; header ends in '\n'.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + dataBytes);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  return { out, offset: total };
}

/** A float32 array of the given shape (C order) as .npy bytes (version 1.0, '<f4'). */
export function writeNpyFloat32(shape: number[], data: Float32Array): Uint8Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new Error(`writeNpyFloat32: shape (${shape.join(', ')}) needs ${n} values, got ${data.length}`);
  const { out, offset } = npyBytes('<f4', shape, n * 4);
  if (LITTLE_ENDIAN_HOST) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, n * 4), offset);
  } else {
    const view = new DataView(out.buffer, offset);
    for (let i = 0; i < n; i++) view.setFloat32(i * 4, data[i]!, true);
  }
  return out;
}

/** A 0-d unicode string array ('<U<n>', UTF-32LE) as .npy bytes, as numpy.array(str) saves it. */
export function writeNpyString(value: string): Uint8Array {
  const cps = Array.from(value, (c) => c.codePointAt(0)!);
  const chars = Math.max(1, cps.length);
  const { out, offset } = npyBytes(`<U${chars}`, [], chars * 4);
  const view = new DataView(out.buffer, offset);
  cps.forEach((cp, i) => view.setUint32(i * 4, cp, true));
  return out;
}
