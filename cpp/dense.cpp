#include "dense.h"

#include <algorithm>
#include <type_traits>

#include "simd.h"

namespace firstnet {

template <typename T>
Dense<T>::Dense(int fanIn, int fanOut, bool needsInputGrad)
    : W_(Matrix::Zero(fanIn, fanOut)),
      Wt_(needsInputGrad ? Matrix::Zero(fanOut, fanIn) : Matrix()),
      dW_(Matrix::Zero(fanIn, fanOut)),
      b_(Vector::Zero(fanOut)),
      db_(Vector::Zero(fanOut)),
      rowState_(static_cast<std::size_t>(fanIn), kRowZero),
      needsInputGrad_(needsInputGrad) {}

template <typename T>
typename Dense<T>::Matrix& Dense<T>::mutableDW() {
  clearStaleRows();
  std::fill(rowState_.begin(), rowState_.end(), std::uint8_t{kRowSum});
  return dW_;
}

template <typename T>
void Dense<T>::forward(const SparseRows<T>& Aprev, T* Z, T* A, ThreadPool* pool) const noexcept {
  EpilogueArgs<T> x;
  x.bias = b_.data();
  x.act = A;
  // Z = A_prev · W + b (the bias added to each finished sum), A = max(0, Z) if asked.
  forwardProduct(Aprev, W_.data(), fanOut(), Z, A ? Epilogue::kBiasRelu : Epilogue::kBias, x, pool);
}

template <typename T>
void Dense<T>::backward(const SparseCols<T>& AprevCols, const T* dZ, const SparseRows<T>* dZrows, T* dAprev,
                        Epilogue prevGrad, const EpilogueArgs<T>& prevArgs, ThreadPool* pool) noexcept {
  const int in = fanIn(), out = fanOut();
  weightGradProduct(AprevCols, dZ, out, dW_.data(), rowState_.data(), pool);  // dW += A_prevᵀ · dZ   in×out
  clearStaleRows();  // rows of the last step that this chunk did not touch
  columnSumAccumulate(dZ, db_.data(), AprevCols.rows, out);  // db += Σ_i dZ[i,:]    out
  if (dAprev == nullptr) return;
  refreshTranspose();
  inputGradProduct(*dZrows, Wt_.data(), in, dAprev, prevGrad, prevArgs, pool);  // dA_prev = dZ · Wᵀ  rows×in
}

// Wt = Wᵀ (out×in) after W changed: 4×4 blocks transposed in registers (float), the
// ragged edges element by element. Runs once per step for every layer but the first.
template <typename T>
void Dense<T>::refreshTranspose() noexcept {
  if (!transposeStale_) return;
  const int in = fanIn(), out = fanOut();
  const T* w = W_.data();
  T* wt = Wt_.data();
  int k4 = 0, j4 = 0;
  if constexpr (std::is_same_v<T, float>) {
    k4 = in & ~3;
    j4 = out & ~3;
    for (int k = 0; k < k4; k += 4)
      for (int j = 0; j < j4; j += 4) transpose4x4(w + static_cast<long>(k) * out + j, out, wt + static_cast<long>(j) * in + k, in);
  }
  for (int k = 0; k < in; ++k)  // the rows k ≥ k4 and columns j ≥ j4 left over
    for (int j = k < k4 ? j4 : 0; j < out; ++j) wt[static_cast<long>(j) * in + k] = w[static_cast<long>(k) * out + j];
  transposeStale_ = false;
}

template <typename T>
void Dense<T>::clearStaleRows() const noexcept {
  if (!anyStale_) return;
  const long out = fanOut();
  T* dw = dW_.data();
  for (int k = 0; k < fanIn(); ++k) {
    if (rowState_[k] != kRowStale) continue;
    std::fill(dw + k * out, dw + (k + 1) * out, T(0));
    rowState_[k] = kRowZero;
  }
  anyStale_ = false;
}

template <typename T>
void Dense<T>::zeroGrad() noexcept {
  for (std::uint8_t& s : rowState_) s = s == kRowSum ? std::uint8_t{kRowStale} : s;  // vectorises
  anyStale_ = true;
  db_.setZero();
}

template class Dense<float>;
template class Dense<double>;

}  // namespace firstnet
