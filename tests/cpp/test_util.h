// Shared helpers for the GoogleTest suites: small deterministic data sets.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "dataset.h"
#include "prng.h"
#include "spec.h"

namespace firstnet::testutil {

/// Fills rows [0, n) with a learnable synthetic "digit" set: label = (i·7) mod 10; the
/// image lights a class-specific horizontal band (rows 2c…2c+4 of the 28×28 grid) plus
/// sparse random noise, so a network can learn it in a few steps. Then setCount(n).
inline void fillSynthetic(Dataset& d, int n, std::uint64_t seed = 99) {
  Prng prng(seed, 7);
  for (int i = 0; i < n; ++i) {
    const int label = (i * 7) % 10;
    d.labels()[i] = static_cast<std::uint8_t>(label);
    std::uint8_t* img = d.images() + static_cast<std::size_t>(i) * Dataset::kPixels;
    for (int p = 0; p < Dataset::kPixels; ++p) {
      const int row = p / 28;
      const bool band = row >= 2 * label + 2 && row < 2 * label + 6 && (p % 28) > 4 && (p % 28) < 24;
      std::uint32_t r = prng.next();
      if (band) img[p] = static_cast<std::uint8_t>(128 + (r & 127));
      else img[p] = (r & 15) == 0 ? static_cast<std::uint8_t>(r >> 24) : 0;
    }
  }
  d.setCount(n);
}

inline TrainerSpec smallSpec(const char* layers = "784,16,10", double batch = 32, double seed = 1) {
  TrainerSpec s;
  s.layers = layers;
  s.batch = batch;
  s.seed = seed;
  return s;
}

inline std::uint32_t floatBits(float f) {
  std::uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

inline std::uint64_t doubleBits(double f) {
  std::uint64_t b;
  std::memcpy(&b, &f, 8);
  return b;
}

}  // namespace firstnet::testutil
