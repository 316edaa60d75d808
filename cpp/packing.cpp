#include "packing.h"

#include <stdexcept>
#include <type_traits>

#include "simd.h"

namespace firstnet {

template <typename T>
SparseRows<T>::SparseRows(int maxRows, int cols_)
    : cols(cols_),
      start(static_cast<std::size_t>(maxRows) + 1, 0),
      index(static_cast<std::size_t>(maxRows) * cols_),
      value(static_cast<std::size_t>(maxRows) * cols_) {
  if (maxRows < 1 || maxRows > 65535 || cols_ < 1 || cols_ > 65535)
    throw std::logic_error("SparseRows: maxRows and cols must be in [1, 65535]");
}

template <typename T>
SparseCols<T>::SparseCols(int maxRows_, int cols_)
    : cols(cols_),
      maxRows(maxRows_),
      count(static_cast<std::size_t>(cols_), 0),
      index(static_cast<std::size_t>(maxRows_) * cols_),
      value(static_cast<std::size_t>(maxRows_) * cols_) {
  if (maxRows_ < 1 || maxRows_ > 65535 || cols_ < 1 || cols_ > 65535)
    throw std::logic_error("SparseCols: maxRows and cols must be in [1, 65535]");
}

namespace {

// Appends entry (row r.rows, column k, x) to r at cursor n, and to column k of c.
template <typename T>
inline void put(SparseRows<T>& r, SparseCols<T>* c, int& n, int k, T x) {
  r.index[n] = static_cast<std::uint16_t>(k);
  r.value[n] = x;
  ++n;
  if (c) {
    const long p = c->first(k) + c->count[k]++;
    c->index[p] = static_cast<std::uint16_t>(r.rows);
    c->value[p] = x;
  }
}

template <typename T>
inline void finishRow(SparseRows<T>& r, SparseCols<T>* c, int n) {
  r.start[++r.rows] = n;
  if (c) c->rows = r.rows;
}

}  // namespace

template <typename T>
void packClear(SparseRows<T>& r, SparseCols<T>* c) noexcept {
  r.rows = 0;
  if (!c) return;
  c->rows = 0;
  for (int& n : c->count) n = 0;
}

template <typename T>
void packRow(const T* a, SparseRows<T>& r, SparseCols<T>* c) noexcept {
  int n = r.start[r.rows];
  int k = 0;
  if constexpr (std::is_same_v<T, float>) {
    for (; k + 4 <= r.cols; k += 4)  // visit the set bits of "a[k..k+3] != 0" only
      for (unsigned m = nonzeroMask4(a + k); m; m &= m - 1) {
        const int j = k + lowestBit(m);
        put(r, c, n, j, a[j]);
      }
  }
  for (; k < r.cols; ++k)
    if (a[k] != T(0)) put(r, c, n, k, a[k]);  // NaN != 0: kept, so it propagates
  finishRow(r, c, n);
}

template <typename T>
void packPixelRow(const std::uint8_t* pixels, const float* scale, SparseRows<T>& r, SparseCols<T>* c) noexcept {
  int n = r.start[r.rows];
  int p = 0;
  for (; p + 16 <= r.cols; p += 16)  // MNIST's borders: many 16-pixel groups are all zero
    for (unsigned m = nonzeroMask16(pixels + p); m; m &= m - 1) {
      const int j = p + lowestBit(m);
      put(r, c, n, j, static_cast<T>(scale[pixels[j]]));
    }
  for (; p < r.cols; ++p)
    if (pixels[p] != 0) put(r, c, n, p, static_cast<T>(scale[pixels[p]]));
  finishRow(r, c, n);
}

template <typename T>
void transpose(const SparseRows<T>& r, SparseCols<T>& c) noexcept {
  for (int& n : c.count) n = 0;
  for (int i = 0; i < r.rows; ++i)  // rows in order, so each column's rows ascend
    for (int e = r.start[i]; e < r.start[i + 1]; ++e) {
      const int k = r.index[e];
      const long p = c.first(k) + c.count[k]++;
      c.index[p] = static_cast<std::uint16_t>(i);
      c.value[p] = r.value[e];
    }
  c.rows = r.rows;
}

template struct SparseRows<float>;
template struct SparseRows<double>;
template struct SparseCols<float>;
template struct SparseCols<double>;
#define FIRSTNET_PACKING(T)                                                                          \
  template void packClear<T>(SparseRows<T>&, SparseCols<T>*) noexcept;                               \
  template void packRow<T>(const T*, SparseRows<T>&, SparseCols<T>*) noexcept;                       \
  template void packPixelRow<T>(const std::uint8_t*, const float*, SparseRows<T>&, SparseCols<T>*) noexcept; \
  template void transpose<T>(const SparseRows<T>&, SparseCols<T>&) noexcept;
FIRSTNET_PACKING(float)
FIRSTNET_PACKING(double)
#undef FIRSTNET_PACKING

}  // namespace firstnet
