#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "loss.h"

using namespace firstnet;

TEST(SoftmaxCrossEntropy, UniformLogitsGiveLog10) {
  float z[10] = {}, p[10], dz[10];
  const std::uint8_t y = 3;
  const double loss = softmaxCrossEntropy(z, &y, 1, 10, p, dz);
  EXPECT_NEAR(loss, std::log(10.0), 1e-15);
  for (int j = 0; j < 10; ++j) {
    EXPECT_FLOAT_EQ(p[j], 0.1f);
    EXPECT_FLOAT_EQ(dz[j], j == 3 ? 0.1f - 1.0f : 0.1f);
  }
}

TEST(SoftmaxCrossEntropy, HandComputedValues) {
  // logits (1, 2, 3), label 0: loss = log(e + e² + e³) − 1 = 2.40760596444438
  const double z[3] = {1, 2, 3};
  double p[3], dz[3];
  const std::uint8_t y = 0;
  const double loss = softmaxCrossEntropy(z, &y, 1, 3, p, dz);
  EXPECT_NEAR(loss, 2.40760596444438, 1e-13);
  const double S = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  EXPECT_NEAR(p[0], std::exp(1.0) / S, 1e-15);
  EXPECT_NEAR(p[2], std::exp(3.0) / S, 1e-15);
  EXPECT_NEAR(dz[0], std::exp(1.0) / S - 1, 1e-15);
  EXPECT_NEAR(dz[0] + dz[1] + dz[2], 0.0, 1e-15);  // rows of p − onehot sum to 0
}

TEST(SoftmaxCrossEntropy, StableForLogitsPlusMinus1000) {
  // Two rows: the label has the largest logit (loss ≈ 0), then the smallest (loss ≈ 2000).
  float z[20];
  for (int j = 0; j < 10; ++j) z[j] = z[10 + j] = j % 2 ? 1000.0f : -1000.0f;
  const std::uint8_t y[2] = {1, 0};
  float p[20], dz[20];
  const double loss = softmaxCrossEntropy(z, y, 2, 10, p, dz);
  ASSERT_TRUE(std::isfinite(loss));
  // row 0: five logits tie at +1000: loss = log 5; row 1: loss = 2000 + log 5
  EXPECT_NEAR(loss, 2000.0 + 2 * std::log(5.0), 1e-9);
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(std::isfinite(p[i]));
    ASSERT_TRUE(std::isfinite(dz[i]));
  }
  EXPECT_FLOAT_EQ(p[1], 0.2f);
  EXPECT_EQ(p[0], 0.0f);
  EXPECT_NEAR(crossEntropyRow(z, 10, 1), std::log(5.0), 1e-12);
  EXPECT_NEAR(crossEntropyRow(z, 10, 0), 2000.0 + std::log(5.0), 1e-9);
}

TEST(SoftmaxCrossEntropy, WithoutLabelsOnlyProbabilities) {
  float z[4] = {0, 0, std::log(2.0f), 0}, p[4];
  EXPECT_EQ(softmaxCrossEntropy(z, nullptr, 1, 4, p, static_cast<float*>(nullptr)), 0.0);
  EXPECT_NEAR(p[2], 0.4f, 1e-7);
}
