#include "network.h"

#include <stdexcept>

#include "loss.h"

namespace firstnet {

template <typename T>
Network<T>::Network(const std::vector<int>& sizes, Activation activation, int maxRows)
    : activation_(activation), maxRows_(maxRows) {
  // Internal invariant: the public entry point (spec.cpp) has already validated sizes.
  if (sizes.size() < 2 || maxRows < 1 || maxRows > 65535 || sizes.back() > 256)
    throw std::logic_error("Network: bad sizes or maxRows");
  const int L = static_cast<int>(sizes.size()) - 1;
  layers_.reserve(L);
  for (int l = 0; l < L; ++l) {
    if (sizes[l] < 1 || sizes[l + 1] < 1) throw std::logic_error("Network: size < 1");
    layers_.emplace_back(sizes[l], sizes[l + 1], /*needsInputGrad=*/l > 0);
    Z_.push_back(Matrix::Zero(maxRows, sizes[l + 1]));
    A_.push_back(Matrix::Zero(maxRows, sizes[l + 1]));
    dZ_.push_back(Matrix::Zero(maxRows, sizes[l + 1]));
    inRows_.emplace_back(maxRows, sizes[l]);
    inCols_.emplace_back(maxRows, sizes[l]);
    dzRows_.emplace_back(l > 0 ? maxRows : 1, l > 0 ? sizes[l + 1] : 1);  // dz_0 is never packed
  }
}

template <typename T>
double Network<T>::forward(const T* X, int rows, const std::uint8_t* labels, double lossSoFar) noexcept {
  packClear(inRows_[0], &inCols_[0]);
  for (int r = 0; r < rows; ++r) packRow(X + static_cast<long>(r) * inputSize(), inRows_[0], &inCols_[0]);
  return forwardPacked(labels, lossSoFar);
}

template <typename T>
double Network<T>::forwardPacked(const std::uint8_t* labels, double lossSoFar) noexcept {
  const int L = layerCount();
  const int rows = inRows_[0].rows;
  for (int l = 0; l < L; ++l) {
    const int out = layers_[l].fanOut();
    const bool hidden = l + 1 < L;
    T* z = Z_[l].data();
    T* a = A_[l].data();
    if (hidden && activation_ == Activation::ReLU) {
      layers_[l].forward(inRows_[l], z, a, pool_);  // z_l = a_{l−1} W_l + b_l, a_l = relu(z_l)   rows×out
    } else {
      layers_[l].forward(inRows_[l], z, nullptr, pool_);  // z_l = a_{l−1} W_l + b_l   rows×out
      if (hidden) activationForward(activation_, z, a, static_cast<std::size_t>(rows) * out);
    }
    if (hidden) {  // pack a_l, the next layer's input, by rows and by columns
      packClear(inRows_[l + 1], &inCols_[l + 1]);
      for (int r = 0; r < rows; ++r) packRow(a + static_cast<long>(r) * out, inRows_[l + 1], &inCols_[l + 1]);
    }
  }
  // p = softmax(z_L); with labels: dz_L = p − onehot(y), loss sum.     rows×classes
  return softmaxCrossEntropy(Z_[L - 1].data(), labels, rows, classes(), A_[L - 1].data(),
                             labels ? dZ_[L - 1].data() : nullptr, lossSoFar);
}

template <typename T>
void Network<T>::backward() noexcept {
  const int rows = inRows_[0].rows;
  for (int l = layerCount() - 1; l >= 0; --l) {
    if (l == 0) {
      layers_[0].backward(inCols_[0], dZ_[0].data(), nullptr, nullptr, Epilogue::kStore, {}, pool_);
      break;
    }
    // dz_{l−1} = (dz_l W_lᵀ) ⊙ act'(z_{l−1}), the derivative fused into the product's store.
    const int out = layers_[l].fanOut();
    SparseRows<T>& dz = dzRows_[l];
    packClear<T>(dz, nullptr);
    for (int r = 0; r < rows; ++r) packRow<T>(dZ_[l].data() + static_cast<long>(r) * out, dz, nullptr);
    EpilogueArgs<T> act;
    Epilogue grad = Epilogue::kReluGrad;
    switch (activation_) {
      case Activation::ReLU: act.z = Z_[l - 1].data(); break;
      case Activation::Sigmoid: grad = Epilogue::kSigmoidGrad; act.a = A_[l - 1].data(); break;
      case Activation::Tanh: grad = Epilogue::kTanhGrad; act.a = A_[l - 1].data(); break;
    }
    layers_[l].backward(inCols_[l], dZ_[l].data(), &dz, dZ_[l - 1].data(), grad, act, pool_);
  }
}

template <typename T>
void Network<T>::zeroGrad() noexcept {
  for (auto& layer : layers_) layer.zeroGrad();
}

template class Network<float>;
template class Network<double>;

}  // namespace firstnet
