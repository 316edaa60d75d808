#include "diagnostics.h"

#include <cmath>

namespace firstnet {

namespace {

// Σ x² in double with 8 interleaved partial sums (element i goes to sum i mod 8), combined
// pairwise in a fixed order: a fixed summation order, like everything else, but 8
// independent dependency chains instead of one (this runs on ~100k weights every step).
// With a divisor m, of the elements x[i] / m (float division), without storing them.
double frobenius(const float* x, long n, float m = 1.0f) {
  double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  long i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; ++k) {
      const double v = static_cast<double>(x[i + k] / m);
      s[k] += v * v;
    }
  for (int k = 0; i < n; ++i, ++k) {
    const double v = static_cast<double>(x[i] / m);
    s[k] += v * v;
  }
  return std::sqrt(((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7])));
}

}  // namespace

double frobeniusNorm(const float* x, long n) noexcept { return frobenius(x, n); }

LayerDiagnostics layerDiagnostics(const Dense<float>& layer, const float* a, int rows,
                                  bool isOutput, Activation activation, float m) noexcept {
  LayerDiagnostics d;
  const int out = layer.fanOut();
  const long n = static_cast<long>(rows) * out;
  const long wn = static_cast<long>(layer.fanIn()) * out;
  d.weightGradNorm = frobenius(layer.dW().data(), wn, m);
  d.weightNorm = frobenius(layer.W().data(), wn);
  if (n == 0) return d;

  double sum = 0;
  for (long i = 0; i < n; ++i) sum += a[i];
  d.activationMean = sum / static_cast<double>(n);
  double sq = 0;
  for (long i = 0; i < n; ++i) {
    const double dev = a[i] - d.activationMean;
    sq += dev * dev;
  }
  d.activationStd = std::sqrt(sq / static_cast<double>(n));

  if (isOutput) return d;
  long inactive = 0;
  if (activation == Activation::ReLU) {
    for (int j = 0; j < out; ++j) {
      bool dead = true;
      for (int i = 0; i < rows && dead; ++i) dead = a[static_cast<long>(i) * out + j] == 0.0f;
      inactive += dead;
    }
    d.inactiveFraction = static_cast<double>(inactive) / out;
  } else {
    for (long i = 0; i < n; ++i) {
      const bool saturated = activation == Activation::Sigmoid ? (a[i] < 0.01f || a[i] > 0.99f)
                                                                : std::fabs(a[i]) > 0.99f;
      inactive += saturated;
    }
    d.inactiveFraction = static_cast<double>(inactive) / static_cast<double>(n);
  }
  return d;
}

}  // namespace firstnet
