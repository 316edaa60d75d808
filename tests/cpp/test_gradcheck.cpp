// Gradient check: backward's analytic gradients against central differences of the loss,
// asserted for every activation and 0–3 hidden layers. Done on Network<double> — the same
// templated code that trains in float — so rounding does not hide a wrong formula; then
// the float instantiation is checked against the double one.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "network.h"
#include "prng.h"

using namespace firstnet;

namespace {

constexpr int kRows = 5;

template <typename T>
void randomize(Network<T>& net, Prng& prng) {
  for (int l = 0; l < net.layerCount(); ++l) {
    auto& W = net.layer(l).mutableW();
    for (int i = 0; i < W.size(); ++i) W.data()[i] = static_cast<T>(prng.normal() * 0.7);
    auto& b = net.layer(l).mutableB();
    for (int i = 0; i < b.size(); ++i) b.data()[i] = static_cast<T>(prng.normal() * 0.3);
  }
}

// Mean loss over the rows.
double meanLoss(Network<double>& net, const std::vector<double>& X, const std::uint8_t* y) {
  return net.forward(X.data(), kRows, y) / kRows;
}

struct Case {
  Activation activation;
  std::vector<int> sizes;
};

std::string describe(const Case& c) {
  std::string s = activationName(c.activation);
  for (int n : c.sizes) s += "_" + std::to_string(n);
  return s;
}

// Readable test names in ctest output instead of a byte dump.
void PrintTo(const Case& c, std::ostream* os) { *os << describe(c); }

class GradCheck : public ::testing::TestWithParam<Case> {};

TEST_P(GradCheck, AnalyticMatchesCentralDifference) {
  const Case& c = GetParam();
  Network<double> net(c.sizes, c.activation, kRows);
  Prng prng(2024);
  randomize(net, prng);
  std::vector<double> X(kRows * c.sizes.front());
  for (auto& x : X) x = prng.uniform() < 0.3 ? 0.0 : prng.uniform();  // pixels in [0,1)
  std::uint8_t y[kRows];
  for (auto& v : y) v = static_cast<std::uint8_t>(prng.bounded(c.sizes.back()));

  net.zeroGrad();
  net.forward(X.data(), kRows, y);
  net.backward();

  const double h = 1e-6;
  double worst = 0;
  for (int l = 0; l < net.layerCount(); ++l) {
    auto& layer = net.layer(l);
    // Copy the analytic mean gradients first: forward() below does not touch them, but
    // keep the check independent of that.
    std::vector<double> dW(layer.dW().data(), layer.dW().data() + layer.dW().size());
    std::vector<double> db(layer.db().data(), layer.db().data() + layer.db().size());
    auto check = [&](double* param, double analyticSum, const char* what, int index) {
      const double saved = *param;
      *param = saved + h;
      layer.mutableW();  // mark the transpose stale (it is not used by forward anyway)
      const double up = meanLoss(net, X, y);
      *param = saved - h;
      const double down = meanLoss(net, X, y);
      *param = saved;
      const double numeric = (up - down) / (2 * h);
      const double analytic = analyticSum / kRows;
      const double err = std::fabs(numeric - analytic) / std::max(1e-2, std::fabs(numeric) + std::fabs(analytic));
      worst = std::max(worst, err);
      // Central differences are O(h²) ≈ 1e-12 accurate, plus ≈ loss·1e-16/h ≈ 1e-9 of
      // rounding; the 1e-2 floor keeps that noise below 1e-6 for tiny gradients. A wrong
      // formula (a missing factor, a transposed index) gives errors of order 0.1–1.
      ASSERT_LT(err, 1e-6) << what << " of layer " << l << " index " << index << ": analytic "
                           << analytic << " numeric " << numeric;
    };
    double* W = layer.mutableW().data();
    for (int i = 0; i < static_cast<int>(dW.size()); ++i) check(W + i, dW[i], "W", i);
    double* b = layer.mutableB().data();
    for (int j = 0; j < static_cast<int>(db.size()); ++j) check(b + j, db[j], "b", j);
  }
  RecordProperty("worst_relative_error", std::to_string(worst));
}

std::vector<Case> cases() {
  std::vector<Case> out;
  const std::vector<std::vector<int>> shapes = {
      {9, 4}, {9, 6, 4}, {9, 7, 5, 4}, {9, 6, 5, 3, 4}};  // 0, 1, 2, 3 hidden layers
  for (Activation a : {Activation::ReLU, Activation::Sigmoid, Activation::Tanh})
    for (const auto& s : shapes) out.push_back({a, s});
  return out;
}

INSTANTIATE_TEST_SUITE_P(AllActivationsAndDepths, GradCheck, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return describe(info.param); });

// The float network (what trains) computes the same gradients as the double one, to
// float rounding: relative 1e-4 of the largest gradient entry of each tensor.
TEST(GradCheckFloat, FloatGradientsAgreeWithDouble) {
  for (Activation a : {Activation::ReLU, Activation::Sigmoid, Activation::Tanh}) {
    const std::vector<int> sizes = {784, 32, 16, 10};
    Network<double> nd(sizes, a, 8);
    Network<float> nf(sizes, a, 8);
    Prng prng(5);
    randomize(nd, prng);
    for (int l = 0; l < nd.layerCount(); ++l) {
      for (int i = 0; i < nd.layer(l).W().size(); ++i)
        nf.layer(l).mutableW().data()[i] = static_cast<float>(nd.layer(l).W().data()[i]);
      for (int i = 0; i < nd.layer(l).b().size(); ++i)
        nf.layer(l).mutableB().data()[i] = static_cast<float>(nd.layer(l).b().data()[i]);
    }
    // Round the weights of nd to float values too, so both start identical.
    for (int l = 0; l < nd.layerCount(); ++l) {
      for (int i = 0; i < nd.layer(l).W().size(); ++i) nd.layer(l).mutableW().data()[i] = nf.layer(l).W().data()[i];
      for (int i = 0; i < nd.layer(l).b().size(); ++i) nd.layer(l).mutableB().data()[i] = nf.layer(l).b().data()[i];
    }
    std::vector<double> Xd(8 * 784);
    std::vector<float> Xf(8 * 784);
    for (int i = 0; i < 8 * 784; ++i) {
      Xf[i] = prng.uniform() < 0.8 ? 0.0f : static_cast<float>(prng.bounded(256)) / 255.0f;
      Xd[i] = Xf[i];
    }
    std::uint8_t y[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    nd.zeroGrad();
    nf.zeroGrad();
    const double ld = nd.forward(Xd.data(), 8, y);
    const double lf = nf.forward(Xf.data(), 8, y);
    EXPECT_NEAR(lf, ld, 1e-4 * std::fabs(ld));
    nd.backward();
    nf.backward();
    for (int l = 0; l < nd.layerCount(); ++l) {
      const auto& gd = nd.layer(l).dW();
      const auto& gf = nf.layer(l).dW();
      double scale = 0;
      for (int i = 0; i < gd.size(); ++i) scale = std::max(scale, std::fabs(gd.data()[i]));
      for (int i = 0; i < gd.size(); ++i)
        ASSERT_NEAR(gf.data()[i], gd.data()[i], 1e-4 * scale) << activationName(a) << " layer " << l;
    }
  }
}

}  // namespace
