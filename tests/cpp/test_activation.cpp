#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "activation.h"

using namespace firstnet;

TEST(Activation, ReluForwardAndDerivative) {
  const float z[] = {-2.0f, -0.0f, 0.0f, 1e-30f, 3.5f};
  float a[5], d[5] = {1, 1, 1, 1, 1};
  activationForward(Activation::ReLU, z, a, 5);
  activationBackward(Activation::ReLU, z, a, d, 5);
  const float ea[] = {0, 0, 0, 1e-30f, 3.5f};
  const float ed[] = {0, 0, 0, 1, 1};  // the chapter's (z > 0): 0 at z = 0
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(a[i], ea[i]);
    EXPECT_EQ(d[i], ed[i]);
  }
}

TEST(Activation, SigmoidAndTanhMatchLibm) {
  for (double z = -40; z <= 40; z += 0.0137) {
    EXPECT_NEAR(sigmoid(z), 1.0 / (1.0 + std::exp(-z)), 4e-16) << z;
    EXPECT_NEAR(tanhDet(z), std::tanh(z), 4e-16 * std::max(1.0, std::fabs(std::tanh(z)))) << z;
  }
  for (double z : {1e-300, 1e-12, -3e-9, 1e-5}) EXPECT_NEAR(tanhDet(z) / std::tanh(z), 1.0, 1e-15) << z;
  EXPECT_EQ(sigmoid(0.0f), 0.5f);
  EXPECT_EQ(tanhDet(0.0f), 0.0f);
}

TEST(Activation, ExtremeInputsStayFinite) {
  for (float z : {-1000.0f, 1000.0f, -3e38f, 3e38f}) {
    EXPECT_TRUE(std::isfinite(sigmoid(z)));
    EXPECT_TRUE(std::isfinite(tanhDet(z)));
  }
  EXPECT_EQ(sigmoid(-1000.0f), 0.0f);
  EXPECT_EQ(sigmoid(1000.0f), 1.0f);
  EXPECT_EQ(tanhDet(-1000.0f), -1.0f);
  EXPECT_EQ(tanhDet(1000.0f), 1.0f);
}

// The derivative used by backward against a central difference of the forward map.
TEST(Activation, DerivativesMatchFiniteDifferences) {
  for (Activation kind : {Activation::ReLU, Activation::Sigmoid, Activation::Tanh}) {
    for (double z = -4.1; z < 4.1; z += 0.173) {
      const double h = 1e-6;
      double zp = z + h, zm = z - h, ap, am, a;
      activationForward(kind, &zp, &ap, 1);
      activationForward(kind, &zm, &am, 1);
      activationForward(kind, &z, &a, 1);
      double d = 1.0;
      activationBackward(kind, &z, &a, &d, 1);
      EXPECT_NEAR(d, (ap - am) / (2 * h), 1e-8) << activationName(kind) << " z=" << z;
    }
  }
}

TEST(Activation, Names) {
  Activation a;
  for (const char* n : {"relu", "sigmoid", "tanh"}) {
    ASSERT_TRUE(parseActivation(n, &a));
    EXPECT_STREQ(activationName(a), n);
  }
  EXPECT_FALSE(parseActivation("ReLU", &a));
}
