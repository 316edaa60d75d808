// detmath must agree with libm to a couple of ulp everywhere (libm is the independent
// reference here; bit equality with it is NOT required — that is the point of detmath).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "detmath.h"
#include "prng.h"

namespace fm = firstnet::detmath;

namespace {

std::int64_t ulpDistance(double a, double b) {
  std::int64_t ia, ib;
  std::memcpy(&ia, &a, 8);
  std::memcpy(&ib, &b, 8);
  if (ia < 0) ia = std::numeric_limits<std::int64_t>::min() - ia;
  if (ib < 0) ib = std::numeric_limits<std::int64_t>::min() - ib;
  return ia > ib ? ia - ib : ib - ia;
}

}  // namespace

TEST(Detmath, ExpMatchesLibmWithin2Ulp) {
  firstnet::Prng prng(3);
  std::int64_t worst = 0;
  for (int i = 0; i < 200000; ++i) {
    // Half the points in the common range, half across the whole domain.
    const double x = i % 2 ? (prng.uniform() * 2 - 1) * 40 : -745 + prng.uniform() * 1454;
    const double ref = std::exp(x);
    const double got = fm::exp(x);
    if (ref < std::numeric_limits<double>::min()) {  // subnormal results: absolute check
      ASSERT_NEAR(got, ref, 2 * std::numeric_limits<double>::denorm_min()) << x;
      continue;
    }
    worst = std::max(worst, ulpDistance(got, ref));
    ASSERT_LE(ulpDistance(got, ref), 2) << "x=" << x;
  }
  RecordProperty("worst_ulp", static_cast<int>(worst));
}

TEST(Detmath, ExpSpecialValues) {
  EXPECT_EQ(fm::exp(0.0), 1.0);
  EXPECT_EQ(fm::exp(-0.0), 1.0);
  EXPECT_EQ(fm::exp(1000.0), std::numeric_limits<double>::infinity());
  EXPECT_EQ(fm::exp(std::numeric_limits<double>::infinity()), std::numeric_limits<double>::infinity());
  EXPECT_EQ(fm::exp(-1000.0), 0.0);
  EXPECT_EQ(fm::exp(-std::numeric_limits<double>::infinity()), 0.0);
  EXPECT_TRUE(std::isnan(fm::exp(std::nan(""))));
  EXPECT_LE(ulpDistance(fm::exp(1.0), 2.718281828459045), 1);
  EXPECT_LE(ulpDistance(fm::exp(709.0), std::exp(709.0)), 2);
  EXPECT_GT(fm::exp(-744.0), 0.0);  // subnormal, not flushed
}

TEST(Detmath, Expm1AccurateNearZero) {
  for (double x : {1e-300, 1e-20, -1e-12, 1e-8, 3e-5, -0.01, 0.2, -0.3, 0.34, 0.5, -2.0, 10.0}) {
    EXPECT_LE(ulpDistance(fm::expm1(x), std::expm1(x)), 2) << x;
  }
  EXPECT_EQ(fm::expm1(0.0), 0.0);
}

TEST(Detmath, LogMatchesLibmWithin2Ulp) {
  firstnet::Prng prng(4);
  for (int i = 0; i < 200000; ++i) {
    // log-uniform over the whole positive range, subnormals included
    const double e = -1074 + prng.uniform() * 2097;
    const double x = std::ldexp(1.0 + prng.uniform(), static_cast<int>(std::floor(e)));
    if (!(x > 0) || std::isinf(x)) continue;
    ASSERT_LE(ulpDistance(fm::log(x), std::log(x)), 2) << "x=" << x;
  }
  for (int i = 0; i < 100000; ++i) {  // near 1, where cancellation would show
    const double x = 1.0 + (prng.uniform() - 0.5) * 1e-3;
    ASSERT_LE(ulpDistance(fm::log(x), std::log(x)), 2) << "x=" << x;
  }
}

TEST(Detmath, LogSpecialValues) {
  EXPECT_EQ(fm::log(1.0), 0.0);
  EXPECT_EQ(fm::log(0.0), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(fm::log(-1.0)));
  EXPECT_TRUE(std::isnan(fm::log(std::nan(""))));
  EXPECT_EQ(fm::log(std::numeric_limits<double>::infinity()), std::numeric_limits<double>::infinity());
  EXPECT_LE(ulpDistance(fm::log(2.0), 0.6931471805599453), 1);
  EXPECT_LE(ulpDistance(fm::log(std::numeric_limits<double>::denorm_min()), std::log(std::numeric_limits<double>::denorm_min())), 1);
}

TEST(Detmath, LogInvertsExp) {
  for (double x = -700; x < 700; x += 13.37) EXPECT_NEAR(fm::log(fm::exp(x)), x, 1e-13 * (1 + std::fabs(x)));
}
