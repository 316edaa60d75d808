// Trainer behaviour: determinism, learning, step/epoch bookkeeping, evaluate/predict,
// params and diagnostics.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "dataset.h"
#include "test_util.h"
#include "trainer.h"

using namespace firstnet;
using firstnet::testutil::fillSynthetic;
using firstnet::testutil::smallSpec;

namespace {

std::vector<float> allParams(const Trainer& t) {
  std::vector<float> out;
  for (int l = 0; l < t.layerCount(); ++l) {
    std::vector<float> W(t.layerIn(l) * t.layerOut(l)), b(t.layerOut(l));
    t.getParams(l, W.data(), b.data());
    out.insert(out.end(), W.begin(), W.end());
    out.insert(out.end(), b.begin(), b.end());
  }
  return out;
}

// Runs `steps` completed steps; returns the losses.
std::vector<double> trainSteps(Trainer& t, const Dataset& d, int n, int steps) {
  std::vector<double> losses;
  while (static_cast<int>(losses.size()) < steps)
    if (t.advance(d, n)) losses.push_back(t.lastLoss());
  return losses;
}

std::vector<std::uint64_t> bits(const std::vector<double>& v) {
  std::vector<std::uint64_t> out;
  for (double x : v) out.push_back(testutil::doubleBits(x));
  return out;
}

}  // namespace

TEST(Trainer, SameSeedSameNumbersDifferentSeedDifferent) {
  Dataset d(300);
  fillSynthetic(d, 300);
  for (const char* opt : {"sgd", "momentum"}) {
    TrainerSpec spec = smallSpec("784,24,12,10", 32, 42);
    spec.optimizer = opt;
    spec.momentum = 0.9;
    spec.lr = 0.05;
    Trainer a(spec), b(spec);
    spec.seed = 43;
    Trainer c(spec);
    const auto la = trainSteps(a, d, 300, 25), lb = trainSteps(b, d, 300, 25), lc = trainSteps(c, d, 300, 25);
    EXPECT_EQ(bits(la), bits(lb)) << opt;
    EXPECT_EQ(allParams(a), allParams(b)) << opt;
    EXPECT_EQ(a.epochOrder(), b.epochOrder());
    EXPECT_NE(la, lc) << opt;
    EXPECT_NE(allParams(a), allParams(c)) << opt;
    EXPECT_NE(a.epochOrder(), c.epochOrder());
  }
}

TEST(Trainer, LossDecreasesOnASmallFixedBatch) {
  Dataset d(64);
  fillSynthetic(d, 64);
  for (const char* act : {"relu", "sigmoid", "tanh"}) {
    TrainerSpec spec = smallSpec("784,32,10", 0);  // full batch: the same 64 examples each step
    spec.activation = act;
    spec.lr = std::string(act) == "sigmoid" ? 1.0 : 0.2;
    Trainer t(spec);
    const auto losses = trainSteps(t, d, 64, 40);
    EXPECT_LT(losses.back(), 0.5 * losses.front()) << act;
    for (std::size_t i = 1; i < losses.size(); ++i) EXPECT_LT(losses[i], losses[i - 1] + 1e-9) << act << " step " << i;
    const EvalResult r = t.evaluate(d, 0, 64, nullptr, nullptr);
    EXPECT_GT(r.accuracy, 0.9) << act;
  }
}

TEST(Trainer, StepsEpochsAndSamples) {
  Dataset d(1000);
  fillSynthetic(d, 1000);
  Trainer t(smallSpec("784,8,10", 300));
  EXPECT_TRUE(std::isnan(t.lastLoss()));
  EXPECT_EQ(t.batchSize(1000), 300);
  EXPECT_EQ(t.batchSize(100), 100);
  // Epoch of 1000 at batch 300: steps of 300, 300, 300, 100; a 300-step takes 2 calls
  // (256 + 44), the 100-step one.
  const bool expected[] = {false, true, false, true, false, true, true};
  for (int i = 0; i < 7; ++i) EXPECT_EQ(t.advance(d, 1000), expected[i]) << "call " << i;
  EXPECT_EQ(t.steps(), 4);
  EXPECT_EQ(t.epochs(), 1);
  EXPECT_EQ(t.stepInEpoch(), 0);
  EXPECT_EQ(t.samplesSeen(), 1000);
  EXPECT_FALSE(t.diverged());
  // Between epochs trainCount may change.
  t.advance(d, 500);
  EXPECT_EQ(t.epochOrder().size(), 500u);
}

TEST(Trainer, EveryEpochIsAFreshPermutation) {
  Dataset d(50);
  fillSynthetic(d, 50);
  Trainer t(smallSpec("784,4,10", 10));
  t.advance(d, 50);
  const auto first = t.epochOrder();
  std::set<std::uint32_t> s(first.begin(), first.end());
  EXPECT_EQ(s.size(), 50u);
  EXPECT_EQ(*s.rbegin(), 49u);
  for (int i = 0; i < 4; ++i) t.advance(d, 50);
  EXPECT_EQ(t.epochs(), 1);
  t.advance(d, 50);
  EXPECT_NE(t.epochOrder(), first);
}

TEST(Trainer, BatchOfOne) {
  Dataset d(20);
  fillSynthetic(d, 20);
  TrainerSpec spec = smallSpec("784,16,10", 1);
  spec.lr = 0.02;
  Trainer t(spec);
  const double before = t.evaluate(d, 0, 20, nullptr, nullptr).loss;
  for (int i = 0; i < 60; ++i) EXPECT_TRUE(t.advance(d, 20));
  EXPECT_EQ(t.steps(), 60);
  EXPECT_EQ(t.epochs(), 3);
  EXPECT_EQ(t.samplesSeen(), 60);
  EXPECT_LT(t.evaluate(d, 0, 20, nullptr, nullptr).loss, 0.7 * before);
}

TEST(Trainer, EvaluateAndPredictAgree) {
  Dataset d(600);
  fillSynthetic(d, 600);
  Trainer t(smallSpec("784,16,10", 50));
  trainSteps(t, d, 600, 10);
  std::vector<float> probs(300 * 10);
  std::vector<std::int32_t> confusion(100, 1);  // evaluate ADDS into it
  const EvalResult r = t.evaluate(d, 250, 300, probs.data(), confusion.data());
  EXPECT_EQ(r.count, 300);
  EXPECT_DOUBLE_EQ(r.accuracy, r.correct / 300.0);
  int total = 0, diagonal = 0;
  for (int i = 0; i < 10; ++i)
    for (int j = 0; j < 10; ++j) {
      total += confusion[i * 10 + j] - 1;
      if (i == j) diagonal += confusion[i * 10 + j] - 1;
    }
  EXPECT_EQ(total, 300);
  EXPECT_EQ(diagonal, r.correct);
  double lossSum = 0;
  for (int i = 0; i < 300; ++i) {
    float p[10];
    t.predict(d.images() + (250 + i) * 784, p);
    double s = 0;
    for (int j = 0; j < 10; ++j) {
      ASSERT_EQ(p[j], probs[i * 10 + j]) << "row " << i;  // same forward, same bits
      s += p[j];
    }
    EXPECT_NEAR(s, 1.0, 1e-5);
    lossSum += -std::log(static_cast<double>(p[d.labels()[250 + i]]));
  }
  EXPECT_NEAR(r.loss, lossSum / 300, 1e-4);
  // Null outputs are skipped.
  const EvalResult r2 = t.evaluate(d, 250, 300, nullptr, nullptr);
  EXPECT_EQ(r2.correct, r.correct);
  EXPECT_EQ(r2.loss, r.loss);
}

TEST(Trainer, EvaluateInTheMiddleOfAStepChangesNothing) {
  Dataset d(600);
  fillSynthetic(d, 600);
  Trainer a(smallSpec("784,16,10", 0)), b(smallSpec("784,16,10", 0));
  a.advance(d, 600);
  b.advance(d, 600);
  a.evaluate(d, 0, 600, nullptr, nullptr);
  a.advance(d, 600);
  b.advance(d, 600);
  EXPECT_TRUE(a.advance(d, 600));
  EXPECT_TRUE(b.advance(d, 600));
  EXPECT_EQ(a.lastLoss(), b.lastLoss());
  EXPECT_EQ(allParams(a), allParams(b));
}

TEST(Trainer, ParamsRoundTripAndSetParamsTakesEffect) {
  Dataset d(100);
  fillSynthetic(d, 100);
  TrainerSpec spec = smallSpec("784,16,10", 20);
  spec.optimizer = "momentum";
  spec.momentum = 0.9;
  Trainer a(spec), b(smallSpec("784,16,10", 20, 77));
  trainSteps(a, d, 100, 3);
  for (int l = 0; l < a.layerCount(); ++l) {
    std::vector<float> W(a.layerIn(l) * a.layerOut(l)), bias(a.layerOut(l));
    a.getParams(l, W.data(), bias.data());
    b.setParams(l, W.data(), bias.data());
  }
  EXPECT_EQ(allParams(a), allParams(b));
  const EvalResult ra = a.evaluate(d, 0, 100, nullptr, nullptr);
  const EvalResult rb = b.evaluate(d, 0, 100, nullptr, nullptr);
  EXPECT_EQ(ra.loss, rb.loss);

  // setParams in the middle of a full-batch step restarts that step.
  Trainer c(smallSpec("784,16,10", 0)), e(smallSpec("784,16,10", 0));
  Dataset big(600);
  fillSynthetic(big, 600);
  c.advance(big, 600);  // 256 of 600 done
  std::vector<float> W(784 * 16), bias(16);
  c.getParams(0, W.data(), bias.data());
  c.setParams(0, W.data(), bias.data());  // same values, but the partial step restarts
  int calls = 0;
  while (!c.advance(big, 600)) ++calls;
  EXPECT_EQ(calls, 2);  // 3 calls again for the whole 600
  while (!e.advance(big, 600)) {
  }
  EXPECT_EQ(c.lastLoss(), e.lastLoss());
  EXPECT_EQ(allParams(c), allParams(e));
}

TEST(Trainer, Diagnostics) {
  Dataset d(100);
  fillSynthetic(d, 100);
  Trainer t(smallSpec("784,32,16,10", 50));
  for (int l = 0; l < 3; ++l) {
    const LayerDiagnostics z = t.diagnostics(l);
    EXPECT_EQ(z.activationMean, 0);
    EXPECT_EQ(z.weightNorm, 0);
    EXPECT_EQ(z.weightGradNorm, 0);
  }
  trainSteps(t, d, 100, 2);
  for (int l = 0; l < 3; ++l) {
    const LayerDiagnostics g = t.diagnostics(l);
    EXPECT_GT(g.weightNorm, 0) << l;
    EXPECT_GT(g.weightGradNorm, 0) << l;
    EXPECT_GE(g.activationStd, 0) << l;
    EXPECT_GE(g.inactiveFraction, 0) << l;
    EXPECT_LE(g.inactiveFraction, 1) << l;
  }
  EXPECT_NEAR(t.diagnostics(2).activationMean, 0.1, 1e-6);  // softmax rows sum to 1
  EXPECT_EQ(t.diagnostics(2).inactiveFraction, 0);
  // The weight norm is ‖W‖_F of the current weights.
  std::vector<float> W(16 * 10), b(10);
  t.getParams(2, W.data(), b.data());
  double s = 0;
  for (float w : W) s += double(w) * w;
  EXPECT_NEAR(t.diagnostics(2).weightNorm, std::sqrt(s), 1e-9);
}

// Diagnostics are computed when first asked for, not by every step. Whenever they are
// asked — right after the step, after evaluate/predict/setParams overwrote the network's
// buffers, or in the middle of the next step when it spans several calls — they must be
// those of the last completed step, bit for bit.
TEST(Trainer, DiagnosticsAreOfTheLastCompletedStepWheneverAsked) {
  auto same = [](const LayerDiagnostics& x, const LayerDiagnostics& y) {
    return testutil::doubleBits(x.activationMean) == testutil::doubleBits(y.activationMean) &&
           testutil::doubleBits(x.activationStd) == testutil::doubleBits(y.activationStd) &&
           testutil::doubleBits(x.inactiveFraction) == testutil::doubleBits(y.inactiveFraction) &&
           testutil::doubleBits(x.weightGradNorm) == testutil::doubleBits(y.weightGradNorm) &&
           testutil::doubleBits(x.weightNorm) == testutil::doubleBits(y.weightNorm);
  };
  for (const char* opt : {"sgd", "momentum"}) {
    for (double batch : {0.0, 7.0}) {  // full batch: 600 = 256 + 256 + 88, three calls a step
      SCOPED_TRACE(::testing::Message() << opt << " batch " << batch);
      Dataset d(600);
      fillSynthetic(d, 600);
      TrainerSpec spec = smallSpec("784,32,16,10", batch, 4);
      spec.optimizer = opt;
      Trainer eager(spec), lazy(spec);
      std::vector<float> probs(600 * 10), p(10), W(784 * 32), bias(32);
      for (int step = 0; step < 3; ++step) {
        trainSteps(eager, d, 600, 1);
        trainSteps(lazy, d, 600, 1);
        std::vector<LayerDiagnostics> want;
        for (int l = 0; l < 3; ++l) want.push_back(eager.diagnostics(l));
        // lazy: first overwrite everything the diagnostics are computed from …
        lazy.evaluate(d, 0, 600, probs.data(), nullptr);
        lazy.predict(d.images() + 784, p.data());
        lazy.getParams(0, W.data(), bias.data());
        lazy.setParams(0, W.data(), bias.data());  // same values: only momentum state resets
        if (batch == 0) EXPECT_FALSE(lazy.advance(d, 600));  // the next step, one third done
        for (int l = 0; l < 3; ++l) EXPECT_TRUE(same(lazy.diagnostics(l), want[l])) << "layer " << l << " step " << step;
        if (batch == 0) {  // finish the next step the same way in both
          while (!lazy.advance(d, 600)) {
          }
          while (!eager.advance(d, 600)) {
          }
        } else {
          trainSteps(lazy, d, 600, 1);
          trainSteps(eager, d, 600, 1);
        }
        if (std::string(opt) == "momentum") break;  // setParams reset lazy's momentum: they part
      }
      EXPECT_GT(lazy.diagnostics(0).weightGradNorm, 0);
    }
  }
}

TEST(Trainer, NamesAndShapes) {
  TrainerSpec spec = smallSpec("784,128,64,10");
  spec.activation = "tanh";
  Trainer t(spec);
  EXPECT_EQ(t.layerCount(), 3);
  EXPECT_EQ(t.layerIn(0), 784);
  EXPECT_EQ(t.layerOut(0), 128);
  EXPECT_EQ(t.layerIn(2), 64);
  EXPECT_EQ(t.layerOut(2), 10);
  EXPECT_EQ(t.activation(), "tanh");
}
