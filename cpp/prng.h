// The project's own seeded random numbers. std::mt19937 would be reproducible, but the
// std:: distributions (normal, uniform_int) are not: libstdc++ and libc++ (Emscripten)
// implement them differently. So everything is spelled out here and in prng.cpp.
//
//   Pcg32       — PCG-XSH-RR 64/32 (O'Neill, pcg-random.org), the reference pcg32_random_r
//                 and pcg32_srandom_r. Prng(42, 54) gives the published demo sequence
//                 0xa15c02b7 0x7b47f409 0xba1d3330 …
//   bounded(n)  — unbiased integer in [0, n): reject the 2^32 mod n lowest outputs
//                 (the reference pcg32_boundedrand_r).
//   uniform()   — double in [0, 1) from 53 random bits (two outputs: 27 + 26 bits).
//   normal()    — standard normal by the Marsaglia polar method with detmath::log and
//                 sqrt: each accepted pair (u, v) gives two values; the second is returned
//                 by the next call.
//   shuffle()   — Fisher–Yates: for i = n−1 down to 1, swap(p[i], p[bounded(i+1)]).
#pragma once

#include <cstddef>
#include <cstdint>

namespace firstnet {

class Prng {
 public:
  /// The stream constant used for training seeds (the pcg32 demo's 54).
  static constexpr std::uint64_t kDefaultStream = 54;

  explicit Prng(std::uint64_t seed, std::uint64_t stream = kDefaultStream);

  /// Next raw 32-bit output.
  std::uint32_t next();
  /// Uniform integer in [0, bound), unbiased; bound ≥ 1.
  std::uint32_t bounded(std::uint32_t bound);
  /// Uniform double in [0, 1), multiples of 2^-53.
  double uniform();
  /// Standard normal N(0, 1).
  double normal();
  /// Fisher–Yates shuffle of p[0..n).
  void shuffle(std::uint32_t* p, std::size_t n);

 private:
  std::uint64_t state_ = 0;
  std::uint64_t inc_ = 0;
  bool hasSpare_ = false;
  double spare_ = 0.0;
};

}  // namespace firstnet
