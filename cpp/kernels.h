// The three matrix products of a Dense layer, written so that every output element is
// summed in the same order on every target (native SSE2, wasm SIMD128, any compiler):
//
//   forwardProduct     Z  = A · W        A: rows×in (packed rows)   W: in×out    Z: rows×out
//   weightGradProduct  dW += Aᵀ · dZ     A: rows×in (packed cols)   dZ: rows×out dW: in×out
//   inputGradProduct   dA = dZ · Wᵀ      dZ: rows×out (packed rows) Wt = Wᵀ: out×in  dA: rows×in
//
// Each output element is ONE sequential sum over the reduction index in ascending order
// (k for Z, i for dW, j for dA), starting at +0 (Z, dA) or at the old value (dW),
// skipping terms whose left factor is exactly 0 (packing.h says why that is exact).
// Vectorisation and register blocking only go ACROSS output elements: a micro-kernel
// holds an output row's panel of up to 8 four-wide vectors (32 floats) in registers and
// streams the nonzeros of the left operand past it — acc += a_ik · W[k, j..j+31] — so the
// per-element order is the scalar loop's, bit for bit. Panel widths are fixed constants
// (32, 16, 8, 4 columns, then scalar columns), never derived from cache sizes.
//
// Threads (optional, pool != nullptr with size() > 1): a product's OUTPUT COLUMNS are cut
// into one range per thread at multiples of 32 fixed by the column count and the thread
// count (kernels.cpp, splitColumns). Each element is still one thread's sequential sum in
// the same panel as with one thread, so the bits do not depend on the thread count.
// Products under 64 columns or 2^17 multiply-adds run on the calling thread.
//
// Epilogues fuse the element-wise step that follows a product into its store, saving a
// pass over the output: bias (+ ReLU) after Z = A·W, the activation derivative after
// dA = dZ·Wᵀ. Each is the same scalar expression the unfused code evaluated.
#pragma once

#include <cstdint>

#include "packing.h"

namespace firstnet {

class ThreadPool;

/// What a product does with a finished sum s of element (i, j) of its rows×cols output.
enum class Epilogue {
  kStore,        // out = s
  kBias,         // out = s + bias[j]
  kBiasRelu,     // out = s + bias[j];  act = out > 0 ? out : 0     (z and a of a ReLU layer)
  kReluGrad,     // out = z > 0 ? s : 0                             (dz = da ⊙ relu'(z))
  kSigmoidGrad,  // out = s · (a · (1 − a))                         (dz = da ⊙ σ'(z))
  kTanhGrad,     // out = s · (1 − a · a)                           (dz = da ⊙ tanh'(z))
};

/// The operands an epilogue reads or writes; z, a, act are rows×cols like the output.
template <typename T>
struct EpilogueArgs {
  const T* bias = nullptr;  // kBias, kBiasRelu
  T* act = nullptr;         // kBiasRelu: the activation, written
  const T* z = nullptr;     // kReluGrad
  const T* a = nullptr;     // kSigmoidGrad, kTanhGrad
};

/// Z = A · W, then the epilogue.   A: A.rows×A.cols packed by rows   W: A.cols×out   Z: A.rows×out
template <typename T>
void forwardProduct(const SparseRows<T>& A, const T* W, int out, T* Z, Epilogue epilogue = Epilogue::kStore,
                    const EpilogueArgs<T>& args = {}, ThreadPool* pool = nullptr) noexcept;

/// State of one row of dW, kept by its Dense layer across calls.
enum RowState : std::uint8_t {
  kRowZero = 0,   // the row is +0 (no input touched it since it was cleared)
  kRowSum = 1,    // the row holds a sum (touched since the step began)
  kRowStale = 2,  // logically +0 — a new step began — but its memory still holds the old sum
};

/// dW += Aᵀ · dZ, accumulating.   A: rows×in packed by columns   dZ: A.rows×out   dW: in×out
/// Only rows k whose column of A has a nonzero are written; each becomes kRowSum. A row in
/// state kRowZero or kRowStale starts its sums at +0 instead of reading dW (which is how a
/// step's first chunk overwrites last step's gradient without a separate zeroing pass).
/// Chunks of rows continue the same sums.
template <typename T>
void weightGradProduct(const SparseCols<T>& A, const T* dZ, int out, T* dW, std::uint8_t* rowState,
                       ThreadPool* pool = nullptr) noexcept;

/// dA = dZ · Wᵀ, then the epilogue, using the stored transpose Wt = Wᵀ (out×in) so the
/// micro-kernel runs along contiguous rows of Wt.   dZ: rows×out packed   dA: rows×in
template <typename T>
void inputGradProduct(const SparseRows<T>& dZ, const T* Wt, int in, T* dA, Epilogue epilogue = Epilogue::kStore,
                      const EpilogueArgs<T>& args = {}, ThreadPool* pool = nullptr) noexcept;

/// db += column sums of dZ, rows in order.   dZ: rows×out   db: out
template <typename T>
void columnSumAccumulate(const T* dZ, T* db, int rows, int out) noexcept;

}  // namespace firstnet
