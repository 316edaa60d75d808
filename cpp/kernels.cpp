#include "kernels.h"

#include <algorithm>

#include "simd.h"
#include "threads.h"

namespace firstnet {

namespace {

// The epilogue of one vector / one scalar: s is the finished sum of elements
// out[o .. o+L) (columns j .. j+L) or of out[o] (column j).
template <typename T, Epilogue E>
inline void finishVector(typename Simd<T>::V s, long o, int j, T* out, const EpilogueArgs<T>& x) {
  using V = typename Simd<T>::V;
  if constexpr (E == Epilogue::kStore) {
    vstore(out + o, s);
  } else if constexpr (E == Epilogue::kBias) {
    vstore(out + o, s + vload(x.bias + j));
  } else if constexpr (E == Epilogue::kBiasRelu) {
    const V z = s + vload(x.bias + j);
    vstore(out + o, z);
    vstore(x.act + o, vwherePositive<T>(z, z));
  } else if constexpr (E == Epilogue::kReluGrad) {
    vstore(out + o, vwherePositive<T>(vload(x.z + o), s));
  } else if constexpr (E == Epilogue::kSigmoidGrad) {
    const V a = vload(x.a + o);
    vstore(out + o, s * (a * (vsplat(T(1)) - a)));
  } else {
    static_assert(E == Epilogue::kTanhGrad);
    const V a = vload(x.a + o);
    vstore(out + o, s * (vsplat(T(1)) - a * a));
  }
}

template <typename T, Epilogue E>
inline void finishScalar(T s, long o, int j, T* out, const EpilogueArgs<T>& x) {
  if constexpr (E == Epilogue::kStore) {
    out[o] = s;
  } else if constexpr (E == Epilogue::kBias) {
    out[o] = s + x.bias[j];
  } else if constexpr (E == Epilogue::kBiasRelu) {
    const T z = s + x.bias[j];
    out[o] = z;
    x.act[o] = z > T(0) ? z : T(0);
  } else if constexpr (E == Epilogue::kReluGrad) {
    out[o] = x.z[o] > T(0) ? s : T(0);
  } else if constexpr (E == Epilogue::kSigmoidGrad) {
    out[o] = s * (x.a[o] * (T(1) - x.a[o]));
  } else {
    out[o] = s * (T(1) - x.a[o] * x.a[o]);
  }
}

// The micro-kernel. For the panel of columns [j0, j0 + NV·L) of one output row at out + o:
//   s[j] = init[j] + Σ_e val[e] · B[idx[e], j]      e = 0, 1, …, n−1 in order
// with init = +0 (Accumulate = false) or the current out[o + j] (Accumulate = true).
// The NV accumulators stay in registers while the n nonzeros stream past: per nonzero one
// broadcast, then NV loads, NV multiplies, NV adds (SSE2 or SIMD128, no FMA).
template <typename T, Epilogue E, int NV, bool Accumulate>
inline void panel(const std::uint16_t* idx, const T* val, int n, const T* B, int ldb, int j0, T* out,
                  long o, const EpilogueArgs<T>& x) {
  using V = typename Simd<T>::V;
  constexpr int L = Simd<T>::kLanes;
  V acc[NV];
  for (int v = 0; v < NV; ++v) acc[v] = Accumulate ? vload(out + o + v * L) : V{};
  const T* b0 = B + j0;
  for (int e = 0; e < n; ++e) {
    const V a = vsplat(val[e]);
    const T* b = b0 + static_cast<long>(idx[e]) * ldb;
    for (int v = 0; v < NV; ++v) acc[v] = acc[v] + a * vload<T>(b + v * L);
  }
  for (int v = 0; v < NV; ++v) finishVector<T, E>(acc[v], o + v * L, j0 + v * L, out, x);
}

// One output column j the same way, in scalar code (the last cols mod L columns).
template <typename T, Epilogue E, bool Accumulate>
inline void column(const std::uint16_t* idx, const T* val, int n, const T* B, int ldb, int j, T* out,
                   long o, const EpilogueArgs<T>& x) {
  T s = Accumulate ? out[o] : T(0);
  for (int e = 0; e < n; ++e) s = s + val[e] * B[static_cast<long>(idx[e]) * ldb + j];
  finishScalar<T, E>(s, o, j, out, x);
}

// Columns [j, jEnd) of one output row at out + o (row length ldb): panels of 8, 4, 2, 1
// vectors, then scalar columns. The split depends only on j, jEnd and nothing else. With
// [j, jEnd) = [0, cols) it is the whole row; a thread's range (splitColumns below) starts
// at a multiple of the widest panel and ends at one or at cols, so each column lands in
// the same panel as in the whole row and is computed by the same instructions.
template <typename T, Epilogue E, bool Accumulate>
void outputRow(const std::uint16_t* idx, const T* val, int n, const T* B, int ldb, int j, int jEnd, T* out,
               long o, const EpilogueArgs<T>& x) {
  constexpr int L = Simd<T>::kLanes;
  for (; j + 8 * L <= jEnd; j += 8 * L) panel<T, E, 8, Accumulate>(idx, val, n, B, ldb, j, out, o + j, x);
  if (j + 4 * L <= jEnd) {
    panel<T, E, 4, Accumulate>(idx, val, n, B, ldb, j, out, o + j, x);
    j += 4 * L;
  }
  if (j + 2 * L <= jEnd) {
    panel<T, E, 2, Accumulate>(idx, val, n, B, ldb, j, out, o + j, x);
    j += 2 * L;
  }
  if (j + L <= jEnd) {
    panel<T, E, 1, Accumulate>(idx, val, n, B, ldb, j, out, o + j, x);
    j += L;
  }
  for (; j < jEnd; ++j) column<T, E, Accumulate>(idx, val, n, B, ldb, j, out, o + j, x);
}

// Splitting a product over a ThreadPool by OUTPUT COLUMNS. Boundaries are multiples of
// kSplitCols (float's widest panel, 8 vectors × 4 lanes; a multiple of double's 16 too)
// computed from cols and the thread count only: part t of P gets whole 32-column blocks
// [32·⌊B·t/P⌋, 32·⌊B·(t+1)/P⌋) of the B = ⌊cols/32⌋ blocks, the last part also the tail
// cols mod 32. Each element is still one sequential sum done by one thread, so the
// result is bit-identical to one thread. Products narrower than kMinSplitCols (the output
// layer's 10 columns) or with fewer than kMinSplitWork multiply-adds (nonzeros of the left
// operand × columns: every product at batch 1, ~2 µs each) are not split: too little work
// to pay for the hand-off (~1 µs). Either way the bits are the same; only speed changes.
constexpr int kSplitCols = 32;
constexpr int kMinSplitCols = 2 * kSplitCols;
constexpr long kMinSplitWork = 1L << 17;
static_assert(kSplitCols % (8 * Simd<float>::kLanes) == 0 && kSplitCols % (8 * Simd<double>::kLanes) == 0,
              "split boundaries must fall on panel boundaries");

int columnParts(int cols, long entries, const ThreadPool* pool) {
  if (!FIRSTNET_HAS_THREADS) return 1;  // the default wasm module: no split code at all
  if (pool == nullptr || pool->size() == 1 || cols < kMinSplitCols || entries * cols < kMinSplitWork) return 1;
  return std::min(pool->size(), cols / kSplitCols);
}

// body(j0, j1) for every part's columns [j0, j1) of a product whose left operand has
// `entries` nonzeros, in parallel; returns when all are done.
template <typename Body>
void splitColumns(int cols, long entries, ThreadPool* pool, const Body& body) {
  const int parts = columnParts(cols, entries, pool);
  if (parts == 1) {
    body(0, cols);
    return;
  }
  const int blocks = cols / kSplitCols;
  auto task = [&](int t) {
    const int j0 = kSplitCols * (blocks * t / parts);
    const int j1 = t + 1 == parts ? cols : kSplitCols * (blocks * (t + 1) / parts);
    body(j0, j1);
  };
  pool->run(parts, task);
}

// Columns [j0, j1) of out (A.rows × cols) = A · B, then the epilogue: one output row per
// packed row of A.
template <typename T, Epilogue E>
void rowsTimesDense(const SparseRows<T>& A, const T* B, int cols, int j0, int j1, T* out,
                    const EpilogueArgs<T>& x) {
  for (int i = 0; i < A.rows; ++i) {
    const int e0 = A.start[i];
    outputRow<T, E, false>(A.index.data() + e0, A.value.data() + e0, A.start[i + 1] - e0, B, cols, j0, j1, out,
                           static_cast<long>(i) * cols, x);
  }
}

template <typename T, Epilogue E>
void rowsTimesDense(const SparseRows<T>& A, const T* B, int cols, T* out, const EpilogueArgs<T>& x,
                    ThreadPool* pool) {
  splitColumns(cols, A.entries(), pool, [&](int j0, int j1) { rowsTimesDense<T, E>(A, B, cols, j0, j1, out, x); });
}

template <typename T>
void rowsTimesDense(const SparseRows<T>& A, const T* B, int cols, T* out, Epilogue e, const EpilogueArgs<T>& x,
                    ThreadPool* pool) {
  switch (e) {
    case Epilogue::kStore: return rowsTimesDense<T, Epilogue::kStore>(A, B, cols, out, x, pool);
    case Epilogue::kBias: return rowsTimesDense<T, Epilogue::kBias>(A, B, cols, out, x, pool);
    case Epilogue::kBiasRelu: return rowsTimesDense<T, Epilogue::kBiasRelu>(A, B, cols, out, x, pool);
    case Epilogue::kReluGrad: return rowsTimesDense<T, Epilogue::kReluGrad>(A, B, cols, out, x, pool);
    case Epilogue::kSigmoidGrad: return rowsTimesDense<T, Epilogue::kSigmoidGrad>(A, B, cols, out, x, pool);
    case Epilogue::kTanhGrad: return rowsTimesDense<T, Epilogue::kTanhGrad>(A, B, cols, out, x, pool);
  }
}

// Columns [j0, j1) of dW (+)= Aᵀ · dZ. With Mark (one part: all the columns) each row
// written becomes kRowSum at once; without (one of several parts) rowState is only read,
// so every thread sees the state the call began with, and weightGradProduct marks the
// rows once all parts are done.
template <typename T, bool Mark>
void weightGradColumns(const SparseCols<T>& A, const T* dZ, int out, int j0, int j1, T* dW,
                       std::uint8_t* rowState) {
  // Row k of dW (+)= Σ_i A[i,k] · dZ[i,:], i ascending: column k of A is row k's list.
  for (int k = 0; k < A.cols; ++k) {
    const int n = A.count[k];
    if (n == 0) continue;
    const std::uint16_t* rows = A.index.data() + A.first(k);
    const T* vals = A.value.data() + A.first(k);
    const long o = static_cast<long>(k) * out;
    if (rowState[k] == kRowSum)
      outputRow<T, Epilogue::kStore, true>(rows, vals, n, dZ, out, j0, j1, dW, o, EpilogueArgs<T>{});
    else  // +0 or stale: the sum starts at +0 and overwrites the row
      outputRow<T, Epilogue::kStore, false>(rows, vals, n, dZ, out, j0, j1, dW, o, EpilogueArgs<T>{});
    if (Mark) rowState[k] = kRowSum;
  }
}

}  // namespace

template <typename T>
void forwardProduct(const SparseRows<T>& A, const T* W, int out, T* Z, Epilogue epilogue,
                    const EpilogueArgs<T>& args, ThreadPool* pool) noexcept {
  rowsTimesDense(A, W, out, Z, epilogue, args, pool);  // Z[i,:] = Σ_k A[i,k] · W[k,:]
}

template <typename T>
void inputGradProduct(const SparseRows<T>& dZ, const T* Wt, int in, T* dA, Epilogue epilogue,
                      const EpilogueArgs<T>& args, ThreadPool* pool) noexcept {
  rowsTimesDense(dZ, Wt, in, dA, epilogue, args, pool);  // dA[i,:] = Σ_j dZ[i,j] · Wt[j,:]
}

template <typename T>
void weightGradProduct(const SparseCols<T>& A, const T* dZ, int out, T* dW, std::uint8_t* rowState,
                       ThreadPool* pool) noexcept {
  long entries = 0;
  if (FIRSTNET_HAS_THREADS && pool != nullptr)
    for (int k = 0; k < A.cols; ++k) entries += A.count[k];
  if (columnParts(out, entries, pool) == 1) {
    weightGradColumns<T, true>(A, dZ, out, 0, out, dW, rowState);
    return;
  }
  splitColumns(out, entries, pool, [&](int j0, int j1) { weightGradColumns<T, false>(A, dZ, out, j0, j1, dW, rowState); });
  for (int k = 0; k < A.cols; ++k)  // after every part: the rows written now hold sums
    if (A.count[k] != 0) rowState[k] = kRowSum;
}

template <typename T>
void columnSumAccumulate(const T* dZ, T* db, int rows, int out) noexcept {
  for (int i = 0; i < rows; ++i) {
    const T* __restrict dz = dZ + static_cast<long>(i) * out;
    for (int j = 0; j < out; ++j) db[j] += dz[j];
  }
}

#define FIRSTNET_KERNELS(T)                                                                         \
  template void forwardProduct<T>(const SparseRows<T>&, const T*, int, T*, Epilogue,                \
                                  const EpilogueArgs<T>&, ThreadPool*) noexcept;                    \
  template void inputGradProduct<T>(const SparseRows<T>&, const T*, int, T*, Epilogue,              \
                                    const EpilogueArgs<T>&, ThreadPool*) noexcept;                  \
  template void weightGradProduct<T>(const SparseCols<T>&, const T*, int, T*, std::uint8_t*,        \
                                     ThreadPool*) noexcept;                                         \
  template void columnSumAccumulate<T>(const T*, T*, int, int) noexcept;
FIRSTNET_KERNELS(float)
FIRSTNET_KERNELS(double)
#undef FIRSTNET_KERNELS

}  // namespace firstnet
