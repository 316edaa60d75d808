// 16-byte vectors for the kernels, written once with GCC/Clang vector extensions: the same
// source compiles to SSE2 natively (x86-64 baseline, no -march) and to WebAssembly SIMD128
// under Emscripten with -msimd128. Every operation here is lane-wise IEEE single (or
// double) arithmetic — mul, add, compare, bitwise select — so a lane computes exactly what
// the scalar expression would, on both targets. There is deliberately no FMA (wasm SIMD
// has none; -ffp-contract=off keeps the compiler from fusing), no horizontal sum and no
// reciprocal estimate: nothing whose rounding could differ between the two.
//
//   Simd<float>:  4 lanes      Simd<double>: 2 lanes (used by the gradient-check tests)
#pragma once

#include <cstdint>
#include <cstring>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace firstnet {

template <typename T>
struct Simd;

template <>
struct Simd<float> {
  typedef float V __attribute__((vector_size(16)));
  typedef std::int32_t M __attribute__((vector_size(16)));  // lane masks: all ones / zero
  static constexpr int kLanes = 4;
  static V splat(float x) { return V{x, x, x, x}; }
};

template <>
struct Simd<double> {
  typedef double V __attribute__((vector_size(16)));
  typedef std::int64_t M __attribute__((vector_size(16)));
  static constexpr int kLanes = 2;
  static V splat(double x) { return V{x, x}; }
};

/// Unaligned load / store of kLanes values (memcpy: no alignment or aliasing assumptions).
template <typename T>
inline typename Simd<T>::V vload(const T* p) {
  typename Simd<T>::V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <typename T>
inline void vstore(T* p, typename Simd<T>::V v) {
  std::memcpy(p, &v, sizeof v);
}

/// Every lane = x (a broadcast — one f32x4.splat / shufps; no arithmetic, so −0 stays
/// −0). A lane-by-lane loop would compile to stores through the stack under Emscripten.
template <typename T>
inline typename Simd<T>::V vsplat(T x) {
  return Simd<T>::splat(x);
}

/// Lane-wise (z > 0 ? x : +0): the select of ReLU and of its derivative. NaN > 0 is false,
/// as in the scalar code, so a NaN z gives +0 there too.
template <typename T>
inline typename Simd<T>::V vwherePositive(typename Simd<T>::V z, typename Simd<T>::V x) {
  using M = typename Simd<T>::M;
  using V = typename Simd<T>::V;
  const M positive = z > V{};
  return reinterpret_cast<V>(reinterpret_cast<M>(x) & positive);
}

/// dst rows 0..3 = columns 0..3 of the 4×4 block at src (row strides in floats): a
/// transpose in registers, pure data movement.
inline void transpose4x4(const float* src, long srcStride, float* dst, long dstStride) {
  using V = Simd<float>::V;
  const V r0 = vload(src), r1 = vload(src + srcStride), r2 = vload(src + 2 * srcStride),
          r3 = vload(src + 3 * srcStride);
  const V t0 = __builtin_shufflevector(r0, r1, 0, 4, 1, 5), t1 = __builtin_shufflevector(r0, r1, 2, 6, 3, 7),
          t2 = __builtin_shufflevector(r2, r3, 0, 4, 1, 5), t3 = __builtin_shufflevector(r2, r3, 2, 6, 3, 7);
  vstore(dst, __builtin_shufflevector(t0, t2, 0, 1, 4, 5));
  vstore(dst + dstStride, __builtin_shufflevector(t0, t2, 2, 3, 6, 7));
  vstore(dst + 2 * dstStride, __builtin_shufflevector(t1, t3, 0, 1, 4, 5));
  vstore(dst + 3 * dstStride, __builtin_shufflevector(t1, t3, 2, 3, 6, 7));
}

/// Bit l set iff p[l] != 0 (NaN counts as nonzero), for l < 4 / l < 16. Used by packing
/// to visit only the nonzeros of a row; these only find zeros, no arithmetic, so the one
/// intrinsic per target (wasm SIMD128 or its SSE2 twin) cannot change a result.
inline unsigned nonzeroMask4(const float* p) {
#if defined(__wasm_simd128__)
  return wasm_i32x4_bitmask(wasm_f32x4_ne(wasm_v128_load(p), wasm_f32x4_splat(0.0f)));
#elif defined(__SSE2__)
  return static_cast<unsigned>(_mm_movemask_ps(_mm_cmpneq_ps(_mm_loadu_ps(p), _mm_setzero_ps())));
#else
  unsigned m = 0;
  for (int l = 0; l < 4; ++l) m |= static_cast<unsigned>(p[l] != 0.0f) << l;
  return m;
#endif
}
inline unsigned nonzeroMask16(const std::uint8_t* p) {
#if defined(__wasm_simd128__)
  return wasm_i8x16_bitmask(wasm_i8x16_ne(wasm_v128_load(p), wasm_i8x16_splat(0)));
#elif defined(__SSE2__)
  const __m128i zero = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), _mm_setzero_si128());
  return ~static_cast<unsigned>(_mm_movemask_epi8(zero)) & 0xffffu;
#else
  unsigned m = 0;
  for (int l = 0; l < 16; ++l) m |= static_cast<unsigned>(p[l] != 0) << l;
  return m;
#endif
}

/// Index of the lowest set bit of m != 0.
inline int lowestBit(unsigned m) { return __builtin_ctz(m); }

}  // namespace firstnet
