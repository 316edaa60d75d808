#include "kernels.h"

namespace firstnet {

template <typename T>
void forwardProduct(const T* A, const T* W, T* Z, int rows, int in, int out) noexcept {
  for (int i = 0; i < rows; ++i) {
    T* __restrict z = Z + static_cast<long>(i) * out;
    const T* a = A + static_cast<long>(i) * in;
    for (int j = 0; j < out; ++j) z[j] = T(0);
    for (int k = 0; k < in; ++k) {
      const T aik = a[k];
      if (aik == T(0)) continue;
      const T* __restrict w = W + static_cast<long>(k) * out;
      for (int j = 0; j < out; ++j) z[j] += aik * w[j];
    }
  }
}

template <typename T>
void weightGradProduct(const T* A, const T* dZ, T* dW, int rows, int in, int out) noexcept {
  for (int i = 0; i < rows; ++i) {
    const T* a = A + static_cast<long>(i) * in;
    const T* __restrict dz = dZ + static_cast<long>(i) * out;
    for (int k = 0; k < in; ++k) {
      const T aik = a[k];
      if (aik == T(0)) continue;
      T* __restrict dw = dW + static_cast<long>(k) * out;
      for (int j = 0; j < out; ++j) dw[j] += aik * dz[j];
    }
  }
}

template <typename T>
void inputGradProduct(const T* dZ, const T* Wt, T* dA, int rows, int out, int in) noexcept {
  forwardProduct(dZ, Wt, dA, rows, out, in);  // dA[i,:] = Σ_j dZ[i,j] · Wt[j,:]
}

template <typename T>
void columnSumAccumulate(const T* dZ, T* db, int rows, int out) noexcept {
  for (int i = 0; i < rows; ++i) {
    const T* __restrict dz = dZ + static_cast<long>(i) * out;
    for (int j = 0; j < out; ++j) db[j] += dz[j];
  }
}

template void forwardProduct<float>(const float*, const float*, float*, int, int, int) noexcept;
template void forwardProduct<double>(const double*, const double*, double*, int, int, int) noexcept;
template void weightGradProduct<float>(const float*, const float*, float*, int, int, int) noexcept;
template void weightGradProduct<double>(const double*, const double*, double*, int, int,
                                        int) noexcept;
template void inputGradProduct<float>(const float*, const float*, float*, int, int, int) noexcept;
template void inputGradProduct<double>(const double*, const double*, double*, int, int,
                                       int) noexcept;
template void columnSumAccumulate<float>(const float*, float*, int, int) noexcept;
template void columnSumAccumulate<double>(const double*, double*, int, int) noexcept;

}  // namespace firstnet
