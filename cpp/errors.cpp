#include "errors.h"

#include <cmath>
#include <cstdint>

namespace firstnet {

namespace {

// 10^0 … 10^22: every one is exactly representable as a double.
constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/// x · 10^n for any n: exact table steps (exact results only while |n| ≤ 22, which is where
/// formatNumber's round-trip check relies on it).
double timesPow10(double x, int n) {
  for (; n > 22; n -= 22) x *= kPow10[22];
  for (; n < -22; n += 22) x /= kPow10[22];
  return n >= 0 ? x * kPow10[n] : x / kPow10[-n];
}

std::string digitsOf(std::uint64_t d) {
  std::string out;
  do {
    out.insert(out.begin(), static_cast<char>('0' + d % 10));
    d /= 10;
  } while (d != 0);
  return out;
}

}  // namespace

// Not printf/strtod: those pull ~24 KB of formatting, parsing and 128-bit float code into a
// wasm module of ~115 KB, for error messages only. For p = 1, 2, … significant digits, the
// p-digit integer D nearest a·10^s is tried; it is accepted when D·10^-s gives back a. For
// p ≤ 15 and |s| ≤ 22 both factors are exact doubles and the one rounding of D·10^-s is the
// correctly rounded parse (Clinger's fast path): so a value typed as D·10^e with D < 10^15
// and |e| ≤ 22 (lr 0.1, 2.5e-5, 100001) is shown as typed. Other doubles get up to 17
// digits in double arithmetic: within a relative 1e-15, not always the shortest round trip.
std::string formatNumber(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return "0";
  const std::string sign = v < 0 ? "-" : "";
  const double a = std::fabs(v);
  if (a == std::floor(a) && a < 9007199254740992.0) return sign + digitsOf(static_cast<std::uint64_t>(a));

  int e10 = 0;  // a = m · 10^e10 with 1 ≤ m < 10
  while (timesPow10(a, -e10) >= 10) ++e10;
  while (timesPow10(a, -e10) < 1) --e10;
  std::uint64_t digits = 0;
  int p = 1;
  for (; p <= 17; ++p) {
    const int s = p - 1 - e10;  // a · 10^s has p digits before the point
    double d = std::nearbyint(timesPow10(a, s));
    if (d >= kPow10[p]) {  // rounded up to 10^p: one digit fewer after the point
      d = std::nearbyint(d / 10);
      if (p == 1) continue;
    }
    digits = static_cast<std::uint64_t>(d);
    const double back = timesPow10(d, -s);
    if (p <= 15 && s <= 22 && s >= -22 ? back == a : std::fabs(back - a) <= 4e-17 * a) break;
  }
  if (p > 17) p = 17;
  std::string m = digitsOf(digits);
  if (static_cast<int>(m.size()) > p) {  // 9.99… rounded up to 10.0…: the exponent grows
    ++e10;
    m.pop_back();
  }
  while (m.size() > 1 && m.back() == '0') m.pop_back();
  const int n = static_cast<int>(m.size());
  // As JS's Number#toString: plain notation for 1e-6 ≤ a < 1e21, else d.ddde±x.
  if (e10 >= 21 || e10 < -6) {
    std::string out = sign + m.substr(0, 1);
    if (n > 1) out += "." + m.substr(1);
    return out + "e" + (e10 < 0 ? "-" : "+") + digitsOf(static_cast<std::uint64_t>(e10 < 0 ? -e10 : e10));
  }
  if (e10 < 0) return sign + "0." + std::string(static_cast<std::size_t>(-e10 - 1), '0') + m;
  if (n <= e10 + 1) return sign + m + std::string(static_cast<std::size_t>(e10 + 1 - n), '0');
  return sign + m.substr(0, static_cast<std::size_t>(e10 + 1)) + "." + m.substr(static_cast<std::size_t>(e10 + 1));
}

void failArgument(const std::string& name, const std::string& rule, double got) {
  throw InvalidArgument(name + " must be " + rule + " (got " + formatNumber(got) + ")");
}

void failArgument(const std::string& name, const std::string& rule, const std::string& got) {
  throw InvalidArgument(name + " must be " + rule + " (got " + got + ")");
}

static std::string rangeRule(std::int64_t lo, std::int64_t hi) {
  return "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
}

std::int64_t requireInteger(double v, const char* name, std::int64_t lo, std::int64_t hi) {
  if (!(v == std::floor(v)) || v < static_cast<double>(lo) || v > static_cast<double>(hi)) {
    failArgument(name, rangeRule(lo, hi), v);
  }
  return static_cast<std::int64_t>(v);
}

void requireRange(std::int64_t v, const char* name, std::int64_t lo, std::int64_t hi) {
  if (v < lo || v > hi) failArgument(name, rangeRule(lo, hi), static_cast<double>(v));
}

void requireNonNull(const void* p, const char* name) {
  if (p == nullptr) throw InvalidArgument(std::string(name) + " must not be null (got 0)");
}

}  // namespace firstnet
