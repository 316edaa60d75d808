// Weight initialisers. Biases start at 0 (the chapter's np.zeros).
//
//   he      W ~ N(0, 1) · √(2 / fan_in)               (ReLU's variance-preserving scale)
//   xavier  W ~ N(0, 1) · √(2 / (fan_in + fan_out))   (Glorot normal)
//   normal  W ~ N(0, 1) · scale                       (the chapter: np.random.randn(…) * 0.01)
//
// Draw order (part of "same seed ⇒ same numbers"): layer 0's W row by row (W[0,0],
// W[0,1], …, W[fan_in−1, fan_out−1]), then layer 1's W, and so on, each value
// float(prng.normal() · std) with std computed in double. Nothing else draws in between.
#pragma once

#include <cmath>
#include <string>

#include "network.h"
#include "prng.h"

namespace firstnet {

enum class Init { He, Xavier, Normal };

inline const char* initName(Init i) {
  switch (i) {
    case Init::He: return "he";
    case Init::Xavier: return "xavier";
    case Init::Normal: return "normal";
  }
  return "?";
}

inline bool parseInit(const std::string& name, Init* out) {
  if (name == "he") *out = Init::He;
  else if (name == "xavier") *out = Init::Xavier;
  else if (name == "normal") *out = Init::Normal;
  else return false;
  return true;
}

/// Standard deviation of layer weights with this fan-in/out.
inline double initStd(Init init, int fanIn, int fanOut, double scale) {
  switch (init) {
    case Init::He: return std::sqrt(2.0 / fanIn);
    case Init::Xavier: return std::sqrt(2.0 / (fanIn + fanOut));
    case Init::Normal: return scale;
  }
  return 0.0;
}

/// Fills every W in the documented order from prng; sets every b to 0.
template <typename T>
void initializeWeights(Network<T>& net, Init init, double scale, Prng& prng) {
  for (int l = 0; l < net.layerCount(); ++l) {
    Dense<T>& layer = net.layer(l);
    const double stddev = initStd(init, layer.fanIn(), layer.fanOut(), scale);
    auto& W = layer.mutableW();
    for (int k = 0; k < layer.fanIn(); ++k)
      for (int j = 0; j < layer.fanOut(); ++j) W(k, j) = static_cast<T>(prng.normal() * stddev);
    layer.mutableB().setZero();
  }
}

}  // namespace firstnet
