#include "network.h"

#include <stdexcept>

#include "loss.h"

namespace firstnet {

template <typename T>
Network<T>::Network(const std::vector<int>& sizes, Activation activation, int maxRows)
    : activation_(activation), maxRows_(maxRows) {
  // Internal invariant: the public entry point (spec.cpp) has already validated sizes.
  if (sizes.size() < 2 || maxRows < 1 || sizes.back() > 256)
    throw std::logic_error("Network: bad sizes or maxRows");
  const int L = static_cast<int>(sizes.size()) - 1;
  layers_.reserve(L);
  for (int l = 0; l < L; ++l) {
    if (sizes[l] < 1 || sizes[l + 1] < 1) throw std::logic_error("Network: size < 1");
    layers_.emplace_back(sizes[l], sizes[l + 1], /*needsInputGrad=*/l > 0);
    Z_.push_back(Matrix::Zero(maxRows, sizes[l + 1]));
    A_.push_back(Matrix::Zero(maxRows, sizes[l + 1]));
    dZ_.push_back(Matrix::Zero(maxRows, sizes[l + 1]));
  }
}

template <typename T>
double Network<T>::forward(const T* X, int rows, const std::uint8_t* labels, double lossSoFar) noexcept {
  const int L = layerCount();
  const T* in = X;  // a_{l−1}: rows×fanIn(l)
  for (int l = 0; l < L; ++l) {
    const int out = layers_[l].fanOut();
    layers_[l].forward(in, rows, Z_[l].data());  // z_l = a_{l−1} W_l + b_l   rows×out
    if (l + 1 < L) {
      activationForward(activation_, Z_[l].data(), A_[l].data(),
                        static_cast<std::size_t>(rows) * out);  // a_l = act(z_l)
      in = A_[l].data();
    }
  }
  // p = softmax(z_L); with labels: dz_L = p − onehot(y), loss sum.     rows×classes
  return softmaxCrossEntropy(Z_[L - 1].data(), labels, rows, classes(), A_[L - 1].data(),
                             labels ? dZ_[L - 1].data() : nullptr, lossSoFar);
}

template <typename T>
void Network<T>::backward(const T* X, int rows) noexcept {
  for (int l = layerCount() - 1; l >= 0; --l) {
    const T* aPrev = l > 0 ? A_[l - 1].data() : X;  // rows×fanIn(l)
    T* dPrev = l > 0 ? dZ_[l - 1].data() : nullptr;  // gets dz_l W_lᵀ: rows×fanIn(l)
    layers_[l].backward(aPrev, dZ_[l].data(), rows, dPrev);
    if (l > 0) {  // dz_{l−1} = (dz_l W_lᵀ) ⊙ act'(z_{l−1})
      activationBackward(activation_, Z_[l - 1].data(), A_[l - 1].data(), dPrev,
                         static_cast<std::size_t>(rows) * layers_[l - 1].fanOut());
    }
  }
}

template <typename T>
void Network<T>::zeroGrad() noexcept {
  for (auto& layer : layers_) layer.zeroGrad();
}

template class Network<float>;
template class Network<double>;

}  // namespace firstnet
