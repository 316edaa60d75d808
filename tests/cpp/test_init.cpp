// Initial weights follow the documented order exactly (init.h, trainer.h) and have the
// documented scale.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "init.h"
#include "prng.h"
#include "test_util.h"
#include "trainer.h"

using namespace firstnet;

TEST(Init, TrainerWeightsFollowTheDocumentedDrawOrder) {
  for (const char* init : {"he", "xavier", "normal"}) {
    TrainerSpec spec = testutil::smallSpec("784,12,5,10", 32, 123);
    spec.init = init;
    spec.initScale = 0.01;
    Trainer t(spec);
    Prng prng(123);  // the same generator, replayed by hand
    for (int l = 0; l < t.layerCount(); ++l) {
      const int in = t.layerIn(l), out = t.layerOut(l);
      const double stddev = std::string(init) == "he"       ? std::sqrt(2.0 / in)
                            : std::string(init) == "xavier" ? std::sqrt(2.0 / (in + out))
                                                            : 0.01;
      std::vector<float> W(in * out), b(out, 1.0f);
      t.getParams(l, W.data(), b.data());
      for (int i = 0; i < in * out; ++i)
        ASSERT_EQ(W[i], static_cast<float>(prng.normal() * stddev)) << init << " layer " << l << " i " << i;
      for (float x : b) ASSERT_EQ(x, 0.0f);
    }
  }
}

TEST(Init, HeHasTheRightSpread) {
  Network<float> net({784, 128, 10}, Activation::ReLU, 1);
  Prng prng(9);
  initializeWeights(net, Init::He, 0, prng);
  const auto& W = net.layer(0).W();
  double sumSq = 0;
  for (int i = 0; i < W.size(); ++i) sumSq += double(W.data()[i]) * W.data()[i];
  EXPECT_NEAR(std::sqrt(sumSq / W.size()), std::sqrt(2.0 / 784), 0.01 * std::sqrt(2.0 / 784));
}

TEST(Init, StdFormulas) {
  EXPECT_DOUBLE_EQ(initStd(Init::He, 50, 7, 0), std::sqrt(2.0 / 50));
  EXPECT_DOUBLE_EQ(initStd(Init::Xavier, 50, 7, 0), std::sqrt(2.0 / 57));
  EXPECT_DOUBLE_EQ(initStd(Init::Normal, 50, 7, 0.01), 0.01);
}
