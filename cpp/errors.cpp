#include "errors.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace firstnet {

std::string formatNumber(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[40];
  // Integers print without a fraction or exponent, as JS does below 1e21.
  if (v == std::floor(v) && std::fabs(v) < 1e21) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
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
