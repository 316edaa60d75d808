// Deterministic exp, expm1 and log in double precision, built from +, −, ×, ÷ only.
//
// Why: std::exp/std::log come from libm, and glibc (native) and musl (Emscripten) return
// different last bits for some inputs. One different bit in a loss changes every later
// weight, so the training path uses these instead. IEEE-754 fixes the result of each
// +, −, ×, ÷ and of int↔double conversions, and the build compiles with
// -ffp-contract=off (no fused multiply-add) and without -ffast-math (no reassociation),
// so every target computes exactly the same bits.
//
// Accuracy: within about 2 ulp (≈ 4e-16 relative) of the true value on the whole range;
// tests/cpp/test_detmath.cpp checks this against libm natively.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>

namespace firstnet::detmath {

namespace detail {

// ln 2 split Cody–Waite style: kLn2Hi has its low 32 bits zero, so k·kLn2Hi is exact for
// |k| < 2^20 and x − k·ln2 loses nothing to cancellation.
inline constexpr double kLn2Hi = 6.93147180369123816490e-01;
inline constexpr double kLn2Lo = 1.90821492927058770002e-10;
inline constexpr double kLog2e = 1.44269504088896338700e+00;
inline constexpr double kSqrt2 = 1.41421356237309514547e+00;

inline double fromBits(std::uint64_t b) {
  double d;
  std::memcpy(&d, &b, sizeof d);
  return d;
}
inline std::uint64_t toBits(double d) {
  std::uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

/// 2^k for −1022 ≤ k ≤ 1023, exact (built from the exponent bits).
inline double pow2(int k) { return fromBits(static_cast<std::uint64_t>(k + 1023) << 52); }

/// e^r for |r| ≤ ln2/2 ≈ 0.347: Taylor series to r^13/13!, whose remainder
/// (0.347^14/14! ≈ 4e-18) is below half an ulp of 1. Horner form, fixed order.
inline double expReduced(double r) {
  double p = 1.0 / 6227020800.0;  // 1/13!
  p = p * r + 1.0 / 479001600.0;  // 1/12!
  p = p * r + 1.0 / 39916800.0;   // 1/11!
  p = p * r + 1.0 / 3628800.0;    // 1/10!
  p = p * r + 1.0 / 362880.0;     // 1/9!
  p = p * r + 1.0 / 40320.0;      // 1/8!
  p = p * r + 1.0 / 5040.0;       // 1/7!
  p = p * r + 1.0 / 720.0;        // 1/6!
  p = p * r + 1.0 / 120.0;        // 1/5!
  p = p * r + 1.0 / 24.0;         // 1/4!
  p = p * r + 1.0 / 6.0;          // 1/3!
  p = p * r + 0.5;                // 1/2!
  p = p * r + 1.0;                // 1/1!
  return p * r + 1.0;             // 1/0!
}

/// e^r − 1 for |r| ≤ ln2/2, without the cancellation of expReduced(r) − 1.
inline double expm1Reduced(double r) {
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  return (p * r) * r + r;  // r + r²/2 + … : the leading term is r itself, exactly
}

}  // namespace detail

/// e^x. Overflows to +inf above 709.78, underflows (through subnormals) to 0 below −745.13.
inline double exp(double x) {
  using namespace detail;
  if (x != x) return x;                                         // NaN
  if (x > 709.782712893383973096) return std::numeric_limits<double>::infinity();
  if (x < -745.133219101941108420) return 0.0;
  // x = k·ln2 + r with k = round(x / ln2), |r| ≤ ln2/2 (plus rounding).
  const double t = x * kLog2e;
  const int k = static_cast<int>(t >= 0 ? t + 0.5 : t - 0.5);  // truncation: exact
  const double kd = static_cast<double>(k);
  const double r = (x - kd * kLn2Hi) - kd * kLn2Lo;
  const double er = expReduced(r);  // in [0.70, 1.42]
  // Scale by 2^k. k ranges over [−1075, 1024]; outside the normal exponent range the
  // scaling is split in two so no intermediate overflows early.
  if (k > 1023) return er * pow2(1023) * pow2(k - 1023);
  if (k < -1022) return er * pow2(k + 1022) * pow2(-1022);  // one rounding into subnormals
  return er * pow2(k);
}

/// e^x − 1, accurate near 0 (used by tanh).
inline double expm1(double x) {
  if (x != x) return x;
  if (x > -0.34657359027997264 && x < 0.34657359027997264) return detail::expm1Reduced(x);
  return exp(x) - 1.0;  // |e^x − 1| ≥ 0.29 here: no harmful cancellation
}

/// Natural logarithm. log(0) = −inf, log(x < 0) = NaN, log(+inf) = +inf.
inline double log(double x) {
  using namespace detail;
  if (x != x) return x;
  if (x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) return -std::numeric_limits<double>::infinity();
  if (x == std::numeric_limits<double>::infinity()) return x;
  int e = 0;
  if (x < std::numeric_limits<double>::min()) {  // subnormal: scale into the normal range
    x *= 18014398509481984.0;                     // 2^54, exact
    e = -54;
  }
  // x = m·2^e with m in [1, 2), read from the bits; then move m into (√2/2, √2].
  const std::uint64_t bits = toBits(x);
  e += static_cast<int>((bits >> 52) & 0x7ff) - 1023;
  double m = fromBits((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
  if (m > kSqrt2) {
    m *= 0.5;
    e += 1;
  }
  // log m = 2·atanh(s) = 2(s + s³/3 + s⁵/5 + …), s = (m−1)/(m+1), |s| ≤ 0.1716.
  // m − 1 is exact (Sterbenz). Terms up to s^23/23: the rest is below 1e-19 relative.
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double p = 1.0 / 23.0;
  p = p * s2 + 1.0 / 21.0;
  p = p * s2 + 1.0 / 19.0;
  p = p * s2 + 1.0 / 17.0;
  p = p * s2 + 1.0 / 15.0;
  p = p * s2 + 1.0 / 13.0;
  p = p * s2 + 1.0 / 11.0;
  p = p * s2 + 1.0 / 9.0;
  p = p * s2 + 1.0 / 7.0;
  p = p * s2 + 1.0 / 5.0;
  p = p * s2 + 1.0 / 3.0;
  const double logm = 2.0 * s + (2.0 * s) * (s2 * p);  // 2s·(1 + s²p), leading term exact
  const double ed = static_cast<double>(e);
  return ed * kLn2Hi + (ed * kLn2Lo + logm);
}

}  // namespace firstnet::detmath
