// Packed left operands for the kernels: a rows×cols matrix with its exact zeros dropped,
// by rows (CSR, for Z = A·W and dA = dZ·Wᵀ) and by columns (CSC, for dW = Aᵀ·dZ).
//
// Why: the left operand of every product in this network is mostly zeros — MNIST pixels
// are ~81 % zero, ReLU activations and their gradients about half. Dropping a term whose
// multiplier is exactly 0 leaves every sum bit-identical: a sum that starts at +0 never
// becomes −0 under round-to-nearest, and adding ±0 to it changes nothing. (Only a product
// 0·Inf = NaN would be lost; a non-finite weight ends training through the divergence
// check anyway.) The order of each element's sum is unchanged: entries stay in ascending
// column order within a row (CSR) and ascending row order within a column (CSC).
//
// One packing pass fills both forms at once (no separate transpose), visiting only the
// nonzeros (a SIMD compare + bitmask per 4 floats or 16 pixels). Packing the first layer
// straight from uint8 pixels (packPixelRow) fuses the scaling x/255 into it: no dense
// float copy of the batch is ever made.
//
// Buffers are sized once for maxRows × cols entries (the dense worst case): no allocation
// while training. Indices are uint16: cols ≤ 1024 (spec.h), rows ≤ 65535 (checked).
#pragma once

#include <cstdint>
#include <vector>

namespace firstnet {

/// CSR: row i's entries are [start[i], start[i+1]), columns ascending.
template <typename T>
struct SparseRows {
  SparseRows(int maxRows, int cols);

  int rows = 0;                      // rows packed since clear
  int cols;                          // columns of the dense matrix
  std::vector<int> start;            // maxRows + 1
  std::vector<std::uint16_t> index;  // column of each entry
  std::vector<T> value;              // its value (never 0)

  int maxRows() const { return static_cast<int>(start.size()) - 1; }
  int entries() const { return start[rows]; }
};

/// CSC in fixed buckets: column k's entries are at [k·maxRows, k·maxRows + count[k]),
/// rows ascending (a bucket has room for every row, so rows append without a count pass).
template <typename T>
struct SparseCols {
  SparseCols(int maxRows, int cols);

  int rows = 0;
  int cols;
  int maxRows;
  std::vector<int> count;            // cols
  std::vector<std::uint16_t> index;  // row of each entry
  std::vector<T> value;

  long first(int k) const { return static_cast<long>(k) * maxRows; }
};

/// Empties r (and c, if given) before packing a new matrix.
template <typename T>
void packClear(SparseRows<T>& r, SparseCols<T>* c) noexcept;
/// Appends the dense row a[0..cols) as the next row of r (and of c).
template <typename T>
void packRow(const T* a, SparseRows<T>& r, SparseCols<T>* c) noexcept;
/// Appends an image row: value = scale[pixel], pixels 0 dropped (scale[0] must be 0).
template <typename T>
void packPixelRow(const std::uint8_t* pixels, const float* scale, SparseRows<T>& r, SparseCols<T>* c) noexcept;
/// c = the matrix of r by columns.
template <typename T>
void transpose(const SparseRows<T>& r, SparseCols<T>& c) noexcept;

extern template struct SparseRows<float>;
extern template struct SparseRows<double>;
extern template struct SparseCols<float>;
extern template struct SparseCols<double>;

}  // namespace firstnet
