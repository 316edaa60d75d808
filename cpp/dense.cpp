#include "dense.h"

#include "kernels.h"

namespace firstnet {

template <typename T>
Dense<T>::Dense(int fanIn, int fanOut, bool needsInputGrad)
    : W_(Matrix::Zero(fanIn, fanOut)),
      Wt_(needsInputGrad ? Matrix::Zero(fanOut, fanIn) : Matrix()),
      dW_(Matrix::Zero(fanIn, fanOut)),
      b_(Vector::Zero(fanOut)),
      db_(Vector::Zero(fanOut)),
      needsInputGrad_(needsInputGrad) {}

template <typename T>
void Dense<T>::forward(const T* Aprev, int rows, T* Z) const noexcept {
  const int in = fanIn(), out = fanOut();
  forwardProduct(Aprev, W_.data(), Z, rows, in, out);  // Z = A_prev · W   rows×out
  const T* b = b_.data();
  for (int i = 0; i < rows; ++i) {  // Z += b (broadcast over rows)
    T* z = Z + static_cast<long>(i) * out;
    for (int j = 0; j < out; ++j) z[j] = z[j] + b[j];
  }
}

template <typename T>
void Dense<T>::backward(const T* Aprev, const T* dZ, int rows, T* dAprev) noexcept {
  const int in = fanIn(), out = fanOut();
  weightGradProduct(Aprev, dZ, dW_.data(), rows, in, out);  // dW += A_prevᵀ · dZ   in×out
  columnSumAccumulate(dZ, db_.data(), rows, out);           // db += Σ_i dZ[i,:]    out
  if (dAprev == nullptr) return;
  if (transposeStale_) {  // Wt = Wᵀ, element by element (no allocation)
    for (int k = 0; k < in; ++k)
      for (int j = 0; j < out; ++j) Wt_(j, k) = W_(k, j);
    transposeStale_ = false;
  }
  inputGradProduct(dZ, Wt_.data(), dAprev, rows, out, in);  // dA_prev = dZ · Wᵀ   rows×in
}

template <typename T>
void Dense<T>::zeroGrad() noexcept {
  dW_.setZero();
  db_.setZero();
}

template class Dense<float>;
template class Dense<double>;

}  // namespace firstnet
