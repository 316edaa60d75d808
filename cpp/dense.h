// Dense (fully connected) layer: z = a_prev · W + b, the chapter's "matrix multiplication
// plus a bias addition". W is fan_in × fan_out (row-major, like NumPy's W in x @ W), so a
// batch row multiplies from the left. The activation is applied by Network, not here.
//
// Gradients are SUMS over the rows seen since zeroGrad(); the trainer divides by m once
// the step's examples are all done (dW = a_prevᵀ dz / m, db = mean of dz over rows).
#pragma once

#include <Eigen/Core>

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
  const Matrix& dW() const { return dW_; }
  const Vector& db() const { return db_; }
  /// Write access; marks the stored transpose stale (refreshed before the next backward).
  Matrix& mutableW() {
    transposeStale_ = true;
    return W_;
  }
  Vector& mutableB() { return b_; }
  Matrix& mutableDW() { return dW_; }
  Vector& mutableDb() { return db_; }

  /// Z = A_prev · W + b                       A_prev: rows×fanIn → Z: rows×fanOut
  void forward(const T* Aprev, int rows, T* Z) const noexcept;

  /// dW += A_prevᵀ · dZ ; db += Σ_rows dZ ; dA_prev = dZ · Wᵀ (if dAprev != nullptr)
  ///                       A_prev: rows×fanIn, dZ: rows×fanOut → dA_prev: rows×fanIn
  void backward(const T* Aprev, const T* dZ, int rows, T* dAprev) noexcept;

  /// dW = 0, db = 0: the start of a step.
  void zeroGrad() noexcept;

 private:
  Matrix W_, Wt_, dW_;
  Vector b_, db_;
  bool needsInputGrad_;
  bool transposeStale_ = true;
};

extern template class Dense<float>;
extern template class Dense<double>;

}  // namespace firstnet
