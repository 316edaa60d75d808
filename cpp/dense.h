// Dense (fully connected) layer: z = a_prev · W + b, the chapter's "matrix multiplication
// plus a bias addition". W is fan_in × fan_out (row-major, like NumPy's W in x @ W), so a
// batch row multiplies from the left. The activation is chosen by Network; a ReLU is fused
// into forward's store, and the previous layer's activation derivative into backward's.
//
// Gradients are SUMS over the rows seen since zeroGrad(); the trainer divides by m once
// the step's examples are all done (dW = a_prevᵀ dz / m, db = mean of dz over rows).
//
// Each row k of dW has a state (kernels.h RowState). Rows no input touched (an input unit
// that was 0 on every row) stay exactly +0, so a plain SGD update can skip them — at
// batch 1 that is ~80 % of the first layer. zeroGrad() only marks touched rows stale; the
// next backward's product overwrites the ones it touches again and clears the rest, so a
// step costs no separate pass to zero dW. Reads through dW() always see the cleared rows.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "kernels.h"
#include "packing.h"

namespace firstnet {

template <typename T>
class Dense {
 public:
  using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;

  /// W and b start at 0 (init.h fills W). needsInputGrad = false for the first layer,
  /// whose input gradient (w.r.t. the pixels) is never used: no Wᵀ copy is kept then.
  Dense(int fanIn, int fanOut, bool needsInputGrad = true);

  int fanIn() const { return static_cast<int>(W_.rows()); }
  int fanOut() const { return static_cast<int>(W_.cols()); }
  bool needsInputGrad() const { return needsInputGrad_; }

  /// Read access to parameters and accumulated gradients.
  const Matrix& W() const { return W_; }  // fanIn × fanOut
  const Vector& b() const { return b_; }  // fanOut
  const Matrix& dW() const {
    clearStaleRows();
    return dW_;
  }
  const Vector& db() const { return db_; }
  /// Write access; marks the stored transpose stale (refreshed before the next backward).
  Matrix& mutableW() {
    transposeStale_ = true;
    return W_;
  }
  Vector& mutableB() { return b_; }
  /// Write access to dW: afterwards every row counts as holding a sum.
  Matrix& mutableDW();
  Vector& mutableDb() { return db_; }

  /// rowState()[k]: RowState of row k of dW (kRowSum rows are the touched ones).
  const std::uint8_t* rowState() const { return rowState_.data(); }

  /// Z = A_prev · W + b, and A = relu(Z) too when A != nullptr.
  ///                                         A_prev: rows×fanIn (packed) → Z, A: rows×fanOut
  /// pool (optional): the products' threads (kernels.h; same bits with or without).
  void forward(const SparseRows<T>& Aprev, T* Z, T* A, ThreadPool* pool = nullptr) const noexcept;

  /// dW += A_prevᵀ · dZ ; db += Σ_rows dZ ; and when dAprev != nullptr
  /// dAprev = (dZ · Wᵀ) then prevGrad's epilogue (the previous layer's act', giving its dz).
  ///   AprevCols: rows×fanIn packed by columns   dZ: rows×fanOut (dZrows: the same, packed)
  void backward(const SparseCols<T>& AprevCols, const T* dZ, const SparseRows<T>* dZrows, T* dAprev,
                Epilogue prevGrad, const EpilogueArgs<T>& prevArgs, ThreadPool* pool = nullptr) noexcept;

  /// dW = 0, db = 0: the start of a step (dW lazily, see the top of this file).
  void zeroGrad() noexcept;

 private:
  void refreshTranspose() noexcept;
  /// Writes +0 over the rows still stale (logically zero, physically old) — const because
  /// it changes no value a reader can see.
  void clearStaleRows() const noexcept;

  Matrix W_, Wt_;
  mutable Matrix dW_;
  Vector b_, db_;
  mutable std::vector<std::uint8_t> rowState_;  // fanIn RowStates
  mutable bool anyStale_ = false;
  bool needsInputGrad_;
  bool transposeStale_ = true;
};

extern template class Dense<float>;
extern template class Dense<double>;

}  // namespace firstnet
