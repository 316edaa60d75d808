#include "loss.h"

#include "detmath.h"

namespace firstnet {

namespace {

// M = max_j z_j and S = Σ_j e^{z_j − M}, j in order.
template <typename T>
void maxAndSum(const T* z, int classes, double* M, double* S, double* e /* classes */) {
  double m = static_cast<double>(z[0]);
  for (int j = 1; j < classes; ++j)
    if (static_cast<double>(z[j]) > m) m = static_cast<double>(z[j]);
  double s = 0.0;
  for (int j = 0; j < classes; ++j) {
    e[j] = detmath::exp(static_cast<double>(z[j]) - m);
    s += e[j];
  }
  *M = m;
  *S = s;
}

constexpr int kMaxClasses = 256;

}  // namespace

template <typename T>
double softmaxCrossEntropy(const T* Z, const std::uint8_t* labels, int rows, int classes, T* P,
                           T* dZ, double lossSoFar) noexcept {
  double e[kMaxClasses];
  double total = lossSoFar;
  for (int i = 0; i < rows; ++i) {
    const T* z = Z + static_cast<long>(i) * classes;
    T* p = P + static_cast<long>(i) * classes;
    double M, S;
    maxAndSum(z, classes, &M, &S, e);
    for (int j = 0; j < classes; ++j) p[j] = static_cast<T>(e[j] / S);
    if (labels == nullptr) continue;
    const int y = labels[i];
    total += detmath::log(S) - (static_cast<double>(z[y]) - M);
    T* dz = dZ + static_cast<long>(i) * classes;
    for (int j = 0; j < classes; ++j) dz[j] = p[j];
    dz[y] = p[y] - T(1);
  }
  return total;
}

template <typename T>
double crossEntropyRow(const T* z, int classes, int y) noexcept {
  double e[kMaxClasses];
  double M, S;
  maxAndSum(z, classes, &M, &S, e);
  return detmath::log(S) - (static_cast<double>(z[y]) - M);
}

template double softmaxCrossEntropy<float>(const float*, const std::uint8_t*, int, int, float*,
                                           float*, double) noexcept;
template double softmaxCrossEntropy<double>(const double*, const std::uint8_t*, int, int, double*,
                                            double*, double) noexcept;
template double crossEntropyRow<float>(const float*, int, int) noexcept;
template double crossEntropyRow<double>(const double*, int, int) noexcept;

}  // namespace firstnet
