// Full-batch gradient descent through micro-chunks of 256 equals one direct pass over the
// whole batch: the chunks continue the same per-element sums in the same row order, so
// the results are not just close but bit-identical (asserted exactly).
#include <gtest/gtest.h>

#include <vector>

#include "dataset.h"
#include "init.h"
#include "network.h"
#include "prng.h"
#include "test_util.h"
#include "trainer.h"

using namespace firstnet;

TEST(FullBatch, MicroChunksEqualASinglePass) {
  const int n = 600;  // 256 + 256 + 88
  Dataset d(n);
  testutil::fillSynthetic(d, n);
  TrainerSpec spec = testutil::smallSpec("784,24,12,10", 0, 5);
  spec.lr = 0.3;
  Trainer t(spec);

  // The reference: replay the documented random order by hand (weights, then shuffle)
  // and run one forward/backward over all 600 rows in a Network sized for them.
  const std::vector<int> sizes = {784, 24, 12, 10};
  Network<float> net(sizes, Activation::ReLU, n);
  Prng prng(5);
  initializeWeights(net, Init::He, 0, prng);
  std::vector<std::uint32_t> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  prng.shuffle(order.data(), n);

  std::vector<float> X(static_cast<std::size_t>(n) * 784);
  std::vector<std::uint8_t> y(n);
  for (int r = 0; r < n; ++r) {
    y[r] = d.labels()[order[r]];
    for (int p = 0; p < 784; ++p) X[r * 784 + p] = static_cast<float>(d.images()[order[r] * 784 + p]) / 255.0f;
  }
  net.zeroGrad();
  const double loss = net.forward(X.data(), n, y.data()) / n;
  net.backward();
  const float lr = 0.3f;
  for (int l = 0; l < net.layerCount(); ++l) {  // W -= lr · dW/m
    auto& layer = net.layer(l);
    for (int i = 0; i < layer.W().size(); ++i)
      layer.mutableW().data()[i] -= lr * (layer.dW().data()[i] / static_cast<float>(n));
    for (int j = 0; j < layer.b().size(); ++j)
      layer.mutableB().data()[j] -= lr * (layer.db().data()[j] / static_cast<float>(n));
  }

  EXPECT_FALSE(t.advance(d, n));
  EXPECT_FALSE(t.advance(d, n));
  EXPECT_TRUE(t.advance(d, n));
  EXPECT_EQ(t.epochOrder(), order);
  EXPECT_EQ(t.lastLoss(), loss);
  double maxDiff = 0;
  for (int l = 0; l < net.layerCount(); ++l) {
    std::vector<float> W(sizes[l] * sizes[l + 1]), b(sizes[l + 1]);
    t.getParams(l, W.data(), b.data());
    for (std::size_t i = 0; i < W.size(); ++i) maxDiff = std::max(maxDiff, double(std::fabs(W[i] - net.layer(l).W().data()[i])));
    for (std::size_t j = 0; j < b.size(); ++j) maxDiff = std::max(maxDiff, double(std::fabs(b[j] - net.layer(l).b().data()[j])));
  }
  EXPECT_EQ(maxDiff, 0.0);
}
