// --extern-pre-js for firstnet-core.mjs: Emscripten 3.1.6's node path calls require() and
// reads __dirname, neither of which exists in an ES module. In node, define both from
// import.meta.url; in a browser or worker (no process.versions.node) they are left
// undefined and the glue never touches them. process.getBuiltinModule exists from node
// 20.16 / 22.3; older nodes fall back to the global require if there is one.
const firstnetIsNode =
  typeof process === 'object' && process !== null && typeof process.versions === 'object' &&
  process.versions !== null && typeof process.versions.node === 'string';
const require = firstnetIsNode && typeof process.getBuiltinModule === 'function'
  ? process.getBuiltinModule('module').createRequire(import.meta.url)
  : (typeof globalThis.require === 'function' ? globalThis.require : undefined);
const __dirname = firstnetIsNode && require
  ? require('path').dirname(require('url').fileURLToPath(import.meta.url))
  : '';
