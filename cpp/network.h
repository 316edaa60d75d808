// The chapter's Network: Dense layers with a hidden activation between them and softmax +
// cross-entropy at the end. For sizes {784, 128, 64, 10}:
//
//   forward:  z1 = x @ W1 + b1    a1 = act(z1)      x: r×784  z1, a1: r×128
//             z2 = a1 @ W2 + b2   a2 = act(z2)      z2, a2: r×64
//             z3 = a2 @ W3 + b3   p = softmax(z3)   z3, p: r×10
//   backward: dz3 = p − onehot(y)                                   r×10
//             dW3 += a2ᵀ dz3   db3 += Σ dz3                          64×10, 10
//             dz2 = (dz3 @ W3ᵀ) ⊙ act'(z2)                           r×64
//             dW2 += a1ᵀ dz2   db2 += Σ dz2                          128×64, 64
//             dz1 = (dz2 @ W2ᵀ) ⊙ act'(z1)                           r×128
//             dW1 += xᵀ dz1    db1 += Σ dz1   (dx is never needed)   784×128, 128
//
// One Network processes at most maxRows rows per call (the trainer's micro-chunk, 256);
// gradients are sums that keep accumulating across calls until zeroGrad(). Templated on
// the scalar: float for training, double for the gradient check in tests.
// All buffers are allocated in the constructor.
//
// Every product's left operand is packed without its zeros first (packing.h): layer l's
// input a_{l−1} by rows for the forward product and by columns for dW (both in one pass),
// and dz_l by rows for dz_l W_lᵀ. The trainer packs the first layer's input straight from
// uint8 pixels (clearInput, appendInputPixels, forwardPacked): the scaled batch is never
// stored densely.
#pragma once

#include <cstdint>
#include <vector>

#include "activation.h"
#include "dense.h"

namespace firstnet {

template <typename T>
class Network {
 public:
  using Matrix = typename Dense<T>::Matrix;

  /// sizes = {input, hidden…, classes}; every size ≥ 1, classes ≤ 256, maxRows ≥ 1.
  Network(const std::vector<int>& sizes, Activation activation, int maxRows);

  int layerCount() const { return static_cast<int>(layers_.size()); }
  int inputSize() const { return layers_.front().fanIn(); }
  int classes() const { return layers_.back().fanOut(); }
  int maxRows() const { return maxRows_; }
  Activation activation() const { return activation_; }
  Dense<T>& layer(int l) { return layers_[l]; }
  const Dense<T>& layer(int l) const { return layers_[l]; }

  /// Forward pass of rows ≤ maxRows rows of X (rows×inputSize). Fills every layer's z and
  /// a (the last layer's a is the softmax p). With labels, also sets dz_L = p − onehot and
  /// returns lossSoFar + Σ_rows cross-entropy, added row by row in double (a loss carried
  /// across chunks equals one pass); without labels, returns lossSoFar.
  double forward(const T* X, int rows, const std::uint8_t* labels, double lossSoFar = 0.0) noexcept;

  /// Filling the first layer's packed input row by row, for forwardPacked(): an image's
  /// uint8 pixels, each scaled by scale[pixel] (at most maxRows rows).
  void clearInput() noexcept { packClear(inRows_.front(), &inCols_.front()); }
  void appendInputPixels(const std::uint8_t* pixels, const float* scale) noexcept {
    packPixelRow(pixels, scale, inRows_.front(), &inCols_.front());
  }
  /// forward() on the rows appended since clearInput().
  double forwardPacked(const std::uint8_t* labels, double lossSoFar = 0.0) noexcept;

  /// Backward pass after a forward with labels: adds that chunk's gradient sums into
  /// every layer's dW, db.
  void backward() noexcept;

  /// Zeroes every layer's dW, db.
  void zeroGrad() noexcept;

  /// Threads for the products of forward and backward (nullptr: the calling thread only).
  /// Not owned; the results are the same bits with any pool (kernels.h).
  void setThreadPool(ThreadPool* pool) noexcept { pool_ = pool; }

  /// After forward: layer l's pre-activation z and activation a (rows×fanOut, row-major).
  const T* z(int l) const { return Z_[l].data(); }
  const T* a(int l) const { return A_[l].data(); }
  /// After forward: softmax probabilities (rows×classes).
  const T* probabilities() const { return A_.back().data(); }

 private:
  std::vector<Dense<T>> layers_;
  Activation activation_;
  int maxRows_;
  ThreadPool* pool_ = nullptr;
  std::vector<Matrix> Z_, A_, dZ_;     // per layer, maxRows×fanOut
  std::vector<SparseRows<T>> inRows_;  // per layer: a_{l−1} packed by rows (maxRows×fanIn)
  std::vector<SparseCols<T>> inCols_;  // per layer: the same by columns (packed together)
  std::vector<SparseRows<T>> dzRows_;  // per layer l ≥ 1: dz_l packed by rows (maxRows×fanOut)
};

extern template class Network<float>;
extern template class Network<double>;

}  // namespace firstnet
