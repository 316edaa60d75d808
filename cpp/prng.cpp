#include "prng.h"

#include <cmath>

#include "detmath.h"

namespace firstnet {

Prng::Prng(std::uint64_t seed, std::uint64_t stream) {
  // pcg32_srandom_r: state = 0; inc = 2·stream + 1; step; state += seed; step.
  state_ = 0;
  inc_ = (stream << 1u) | 1u;
  next();
  state_ += seed;
  next();
}

std::uint32_t Prng::next() {
  const std::uint64_t old = state_;
  state_ = old * 6364136223846793005ULL + inc_;
  const auto xorshifted = static_cast<std::uint32_t>(((old >> 18u) ^ old) >> 27u);
  const auto rot = static_cast<std::uint32_t>(old >> 59u);
  return (xorshifted >> rot) | (xorshifted << ((0u - rot) & 31u));
}

std::uint32_t Prng::bounded(std::uint32_t bound) {
  // Outputs below threshold = 2^32 mod bound would make small results more likely.
  const std::uint32_t threshold = (0u - bound) % bound;
  for (;;) {
    const std::uint32_t r = next();
    if (r >= threshold) return r % bound;
  }
}

double Prng::uniform() {
  const std::uint32_t a = next() >> 5;  // 27 bits
  const std::uint32_t b = next() >> 6;  // 26 bits
  return (static_cast<double>(a) * 67108864.0 + static_cast<double>(b)) *
         (1.0 / 9007199254740992.0);  // (a·2^26 + b) / 2^53, exact
}

double Prng::normal() {
  if (hasSpare_) {
    hasSpare_ = false;
    return spare_;
  }
  // Marsaglia polar: (u, v) uniform in the unit disc minus the origin, s = u² + v²;
  // then u·√(−2 ln s / s) and v·√(−2 ln s / s) are independent N(0, 1).
  for (;;) {
    const double u = 2.0 * uniform() - 1.0;
    const double v = 2.0 * uniform() - 1.0;
    const double s = u * u + v * v;
    if (s >= 1.0 || s == 0.0) continue;
    const double mul = std::sqrt(-2.0 * detmath::log(s) / s);  // sqrt is exact-rounded IEEE
    spare_ = v * mul;
    hasSpare_ = true;
    return u * mul;
  }
}

void Prng::shuffle(std::uint32_t* p, std::size_t n) {
  for (std::size_t i = n; i > 1; --i) {
    const std::uint32_t j = bounded(static_cast<std::uint32_t>(i));  // j in [0, i)
    const std::uint32_t t = p[i - 1];
    p[i - 1] = p[j];
    p[j] = t;
  }
}

}  // namespace firstnet
