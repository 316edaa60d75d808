// The three matrix products of a Dense layer, written out so that every output element is
// summed in the same order on every target (native SSE2, wasm SIMD, any compiler):
// each element's sum runs sequentially over its index k; loops vectorise only ACROSS
// output elements (the innermost j loop), which never changes a single element's order.
// No blocking by cache size, no threads. All matrices are row-major and contiguous.
//
// Zero skipping: a term whose multiplier a[i,k] is exactly 0 is skipped. MNIST pixels are
// ~80% zero and ReLU outputs about half, so this saves most of the work. It is exact for
// finite values: a sum that starts at +0 never becomes −0, and adding ±0 to it changes
// nothing. (With an Inf weight the skipped 0·Inf = NaN would not appear; a non-finite
// weight is caught by the divergence check after the step anyway.)
#pragma once

namespace firstnet {

/// Z = A · W, overwriting Z.            A: rows×in   W: in×out   Z: rows×out
/// for i, for k: Z[i,:] += A[i,k] · W[k,:]
template <typename T>
void forwardProduct(const T* A, const T* W, T* Z, int rows, int in, int out) noexcept;

/// dW += Aᵀ · dZ, accumulating.         A: rows×in   dZ: rows×out   dW: in×out
/// for i, for k: dW[k,:] += A[i,k] · dZ[i,:]   (rows in order: chunks continue the sum)
template <typename T>
void weightGradProduct(const T* A, const T* dZ, T* dW, int rows, int in, int out) noexcept;

/// dA = dZ · Wᵀ, overwriting dA, using the stored transpose Wt = Wᵀ (out×in) so the inner
/// loop runs over a contiguous row of dA instead of being a dot product.
///                                      dZ: rows×out  Wt: out×in   dA: rows×in
template <typename T>
void inputGradProduct(const T* dZ, const T* Wt, T* dA, int rows, int out, int in) noexcept;

/// db += column sums of dZ, rows in order.   dZ: rows×out   db: out
template <typename T>
void columnSumAccumulate(const T* dZ, T* db, int rows, int out) noexcept;

}  // namespace firstnet
