// Every entry point refuses bad values with an InvalidArgument whose message names the
// argument and shows the bad value.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "dataset.h"
#include "errors.h"
#include "test_util.h"
#include "trainer.h"

using namespace firstnet;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

// Runs f, expects an InvalidArgument, and checks that its message contains every fragment.
void expectInvalid(const std::function<void()>& f, const std::vector<std::string>& fragments) {
  try {
    f();
    ADD_FAILURE() << "no exception; expected one mentioning " << fragments.front();
  } catch (const InvalidArgument& e) {
    const std::string msg = e.what();
    for (const auto& frag : fragments)
      EXPECT_NE(msg.find(frag), std::string::npos) << "message \"" << msg << "\" lacks \"" << frag << "\"";
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception type: " << e.what();
  }
}

void expectBadSpec(void (*mutate)(TrainerSpec&), const std::vector<std::string>& fragments) {
  TrainerSpec spec;
  mutate(spec);
  expectInvalid([&] { Trainer t(spec); }, fragments);
}

}  // namespace

TEST(Validation, FormatNumber) {
  EXPECT_EQ(formatNumber(-1), "-1");
  EXPECT_EQ(formatNumber(0.1), "0.1");
  EXPECT_EQ(formatNumber(1.5), "1.5");
  EXPECT_EQ(formatNumber(4294967296.0), "4294967296");
  EXPECT_EQ(formatNumber(kNaN), "NaN");
  EXPECT_EQ(formatNumber(-kInf), "-Infinity");
  // JS's notation (Number#toString), shortest digits that read back as the same double.
  EXPECT_EQ(formatNumber(1e-7), "1e-7");
  EXPECT_EQ(formatNumber(0), "0");
  EXPECT_EQ(formatNumber(0.000001), "0.000001");
  EXPECT_EQ(formatNumber(-0.0625), "-0.0625");
  EXPECT_EQ(formatNumber(1000000.5), "1000000.5");
  EXPECT_EQ(formatNumber(123.456), "123.456");
  EXPECT_EQ(formatNumber(1e21), "1e+21");
  EXPECT_EQ(formatNumber(1.5e25), "1.5e+25");
  EXPECT_EQ(formatNumber(9.995), "9.995");
  EXPECT_EQ(formatNumber(0.1 + 0.2), "0.30000000000000004");  // 17 digits: the fallback
  EXPECT_EQ(formatNumber(2.5e-300), "2.5e-300");
  EXPECT_EQ(formatNumber(1e300), "1e+300");
  EXPECT_EQ(formatNumber(9007199254740993.0), "9007199254740992");
}

// formatNumber against the C library's strtod (natively): a value written with ≤ 15
// significant digits — everything a reader types, such as lr 0.1 or 2.5e-5 — comes back
// exactly and as short as it was typed; any other double of ordinary size comes back within
// a relative 1e-15 (17 digits, see errors.cpp). "Typed": D · 10^e with D < 10^15, e in [-22, 7].
TEST(Validation, FormatNumberReadsBack) {
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  auto next = [&x] { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x; };
  int shortMisses = 0, longMisses = 0;
  for (int i = 0; i < 100000; ++i) {
    const std::string typed = std::to_string(next() % 1000000000000000ull) + "e" + std::to_string(static_cast<int>(next() % 30) - 22);  // |s| ≤ 22
    const double shortValue = std::strtod(typed.c_str(), nullptr);
    const std::string shown = formatNumber(shortValue);
    if (std::strtod(shown.c_str(), nullptr) != shortValue || shown.size() > typed.size() + 8) ++shortMisses;
    double longValue;
    const std::uint64_t bits = (next() & 0x800FFFFFFFFFFFFFull) | (static_cast<std::uint64_t>(1023 - 60 + next() % 121) << 52);
    std::memcpy(&longValue, &bits, sizeof longValue);
    if (std::fabs(std::strtod(formatNumber(longValue).c_str(), nullptr) - longValue) > 1e-15 * std::fabs(longValue)) ++longMisses;
  }
  EXPECT_EQ(shortMisses, 0);
  EXPECT_EQ(longMisses, 0);
}

TEST(Validation, DefaultSpecIsValid) { EXPECT_NO_THROW(Trainer t{TrainerSpec{}}); }

TEST(Validation, Layers) {
  expectBadSpec([](TrainerSpec& s) { s.layers = "784,128,9"; }, {"TrainerSpec.layers must start with 784 and end with 10 (got 784,128,9)"});
  expectBadSpec([](TrainerSpec& s) { s.layers = "785,10"; }, {"TrainerSpec.layers", "785,10"});
  expectBadSpec([](TrainerSpec& s) { s.layers = "784"; }, {"TrainerSpec.layers", "(got 784)"});
  expectBadSpec([](TrainerSpec& s) { s.layers = ""; }, {"TrainerSpec.layers", "(got \"\")"});
  expectBadSpec([](TrainerSpec& s) { s.layers = "784,,10"; }, {"TrainerSpec.layers", "784,,10"});
  expectBadSpec([](TrainerSpec& s) { s.layers = "784,a,10"; }, {"TrainerSpec.layers", "784,a,10"});
  expectBadSpec([](TrainerSpec& s) { s.layers = "784,-5,10"; }, {"TrainerSpec.layers", "784,-5,10"});
  expectBadSpec([](TrainerSpec& s) { s.layers = "784,1.5,10"; }, {"TrainerSpec.layers", "784,1.5,10"});
  expectBadSpec([](TrainerSpec& s) { s.layers = "784,0,10"; }, {"TrainerSpec.layers", "[1, 1024]", "got 0 at position 1"});
  expectBadSpec([](TrainerSpec& s) { s.layers = "784,64,1025,10"; }, {"TrainerSpec.layers", "got 1025 at position 2"});
  expectBadSpec([](TrainerSpec& s) { s.layers = "784,99999999999,10"; }, {"TrainerSpec.layers", "99999999999"});
  expectBadSpec([](TrainerSpec& s) { s.layers = "784,8,8,8,8,8,8,8,8,8,10"; }, {"TrainerSpec.layers must have 0–8 hidden layers", "(got 9 hidden layers"});
  TrainerSpec ok;
  ok.layers = "784,8,8,8,8,8,8,8,8,10";  // 8 hidden: the maximum
  EXPECT_NO_THROW(Trainer t(ok));
  ok.layers = " 784, 1024 ,10 ";  // spaces around numbers are tolerated
  EXPECT_NO_THROW(Trainer t(ok));
  ok.layers = "784,10";  // no hidden layer: logistic regression
  EXPECT_NO_THROW(Trainer t(ok));
}

TEST(Validation, Names) {
  expectBadSpec([](TrainerSpec& s) { s.activation = "elu"; }, {"TrainerSpec.activation", "\"elu\"", "relu"});
  expectBadSpec([](TrainerSpec& s) { s.init = "kaiming"; }, {"TrainerSpec.init", "\"kaiming\""});
  expectBadSpec([](TrainerSpec& s) { s.optimizer = "adam"; }, {"TrainerSpec.optimizer", "\"adam\""});
}

TEST(Validation, InitScale) {
  expectBadSpec([](TrainerSpec& s) { s.init = "normal"; s.initScale = 0; }, {"TrainerSpec.initScale", "(got 0)"});
  expectBadSpec([](TrainerSpec& s) { s.init = "normal"; s.initScale = -0.01; }, {"TrainerSpec.initScale", "(got -0.01)"});
  expectBadSpec([](TrainerSpec& s) { s.init = "normal"; s.initScale = kNaN; }, {"TrainerSpec.initScale", "(got NaN)"});
  expectBadSpec([](TrainerSpec& s) { s.init = "normal"; s.initScale = kInf; }, {"TrainerSpec.initScale", "(got Infinity)"});
  TrainerSpec ok;
  ok.initScale = kNaN;  // ignored unless init is "normal"
  EXPECT_NO_THROW(Trainer t(ok));
}

TEST(Validation, LearningRate) {
  expectBadSpec([](TrainerSpec& s) { s.lr = -1; }, {"TrainerSpec.lr must be finite, > 0 and <= 1000 (got -1)"});
  expectBadSpec([](TrainerSpec& s) { s.lr = 0; }, {"TrainerSpec.lr", "(got 0)"});
  expectBadSpec([](TrainerSpec& s) { s.lr = kNaN; }, {"TrainerSpec.lr", "(got NaN)"});
  expectBadSpec([](TrainerSpec& s) { s.lr = kInf; }, {"TrainerSpec.lr", "(got Infinity)"});
  expectBadSpec([](TrainerSpec& s) { s.lr = 1000.5; }, {"TrainerSpec.lr", "(got 1000.5)"});
  TrainerSpec ok;
  ok.lr = 1000;
  EXPECT_NO_THROW(Trainer t(ok));
}

TEST(Validation, Momentum) {
  expectBadSpec([](TrainerSpec& s) { s.momentum = -0.1; }, {"TrainerSpec.momentum", "[0, 1)", "(got -0.1)"});
  expectBadSpec([](TrainerSpec& s) { s.momentum = 1; }, {"TrainerSpec.momentum", "(got 1)"});
  expectBadSpec([](TrainerSpec& s) { s.momentum = kNaN; }, {"TrainerSpec.momentum", "(got NaN)"});
}

TEST(Validation, BatchAndSeed) {
  expectBadSpec([](TrainerSpec& s) { s.batch = -1; }, {"TrainerSpec.batch", "(got -1)"});
  expectBadSpec([](TrainerSpec& s) { s.batch = 1.5; }, {"TrainerSpec.batch", "integer", "(got 1.5)"});
  expectBadSpec([](TrainerSpec& s) { s.batch = kNaN; }, {"TrainerSpec.batch", "(got NaN)"});
  expectBadSpec([](TrainerSpec& s) { s.batch = 100001; }, {"TrainerSpec.batch", "(got 100001)"});
  expectBadSpec([](TrainerSpec& s) { s.seed = -1; }, {"TrainerSpec.seed", "(got -1)"});
  expectBadSpec([](TrainerSpec& s) { s.seed = 4294967296.0; }, {"TrainerSpec.seed", "(got 4294967296)"});
  expectBadSpec([](TrainerSpec& s) { s.seed = 0.5; }, {"TrainerSpec.seed", "(got 0.5)"});
  TrainerSpec ok;
  ok.seed = 4294967295.0;
  ok.batch = 0;
  EXPECT_NO_THROW(Trainer t(ok));
}

TEST(Validation, Dataset) {
  expectInvalid([] { Dataset d(0); }, {"Dataset capacity", "(got 0)"});
  expectInvalid([] { Dataset d(100001); }, {"Dataset capacity", "(got 100001)"});
  expectInvalid([] { Dataset d(-3); }, {"Dataset capacity", "(got -3)"});
  Dataset d(5);
  expectInvalid([&] { d.setCount(6); }, {"Dataset.setCount n", "[0, 5]", "(got 6)"});
  expectInvalid([&] { d.setCount(-1); }, {"Dataset.setCount n", "(got -1)"});
  d.labels()[2] = 10;
  expectInvalid([&] { d.setCount(5); }, {"label at row 2", "(got 10)"});
}

TEST(Validation, RequireInteger) {
  expectInvalid([] { requireInteger(1.5, "x", 0, 9); }, {"x must be an integer in [0, 9]", "(got 1.5)"});
  expectInvalid([] { requireInteger(kNaN, "x", 0, 9); }, {"(got NaN)"});
  expectInvalid([] { requireInteger(-kInf, "x", 0, 9); }, {"(got -Infinity)"});
  EXPECT_EQ(requireInteger(9, "x", 0, 9), 9);
  expectInvalid([] { requireNonNull(nullptr, "predict imagePtr"); }, {"predict imagePtr must not be null"});
}

TEST(Validation, TrainerMethods) {
  Trainer t(testutil::smallSpec("784,8,10", 4));
  Dataset d(20);
  testutil::fillSynthetic(d, 20);
  Dataset empty(3);
  std::vector<float> W(784 * 8), b(8), probs(200);
  std::uint8_t image[784] = {};

  expectInvalid([&] { t.layerIn(-1); }, {"layerIn l", "[0, 1]", "(got -1)"});
  expectInvalid([&] { t.layerOut(2); }, {"layerOut l", "(got 2)"});
  expectInvalid([&] { t.batchSize(-1); }, {"batchSize n", "(got -1)"});
  expectInvalid([&] { t.advance(d, 0); }, {"advance trainCount", "[1, 20]", "(got 0)"});
  expectInvalid([&] { t.advance(d, 21); }, {"advance trainCount", "(got 21)"});
  expectInvalid([&] { t.advance(empty, 1); }, {"advance train", "count 0"});
  EXPECT_TRUE(t.advance(d, 20));  // step 1 of 5: an epoch of 20 is now in progress
  expectInvalid([&] { t.advance(d, 10); }, {"advance trainCount", "stay 20", "(got 10)"});
  expectInvalid([&] { t.evaluate(d, -1, 5, nullptr, nullptr); }, {"evaluate start", "(got -1)"});
  expectInvalid([&] { t.evaluate(d, 20, 1, nullptr, nullptr); }, {"evaluate start", "[0, 19]", "(got 20)"});
  expectInvalid([&] { t.evaluate(d, 15, 6, nullptr, nullptr); }, {"evaluate count", "[1, 5]", "(got 6)"});
  expectInvalid([&] { t.evaluate(d, 0, 0, nullptr, nullptr); }, {"evaluate count", "(got 0)"});
  expectInvalid([&] { t.evaluate(empty, 0, 1, nullptr, nullptr); }, {"evaluate data", "count 0"});
  expectInvalid([&] { t.predict(nullptr, probs.data()); }, {"predict imagePtr", "null"});
  expectInvalid([&] { t.predict(image, nullptr); }, {"predict outPtr", "null"});
  expectInvalid([&] { t.getParams(2, W.data(), b.data()); }, {"getParams l", "(got 2)"});
  expectInvalid([&] { t.getParams(0, nullptr, b.data()); }, {"getParams wPtr", "null"});
  expectInvalid([&] { t.getParams(0, W.data(), nullptr); }, {"getParams bPtr", "null"});
  expectInvalid([&] { t.setParams(-1, W.data(), b.data()); }, {"setParams l", "(got -1)"});
  expectInvalid([&] { t.setParams(0, nullptr, b.data()); }, {"setParams wPtr", "null"});
  expectInvalid([&] { t.diagnostics(5); }, {"diagnostics l", "(got 5)"});

  t.getParams(0, W.data(), b.data());
  std::vector<float> W2 = W;
  W2[17] = std::numeric_limits<float>::quiet_NaN();
  expectInvalid([&] { t.setParams(0, W2.data(), b.data()); }, {"setParams wPtr[17]", "finite", "(got NaN)"});
  b[3] = std::numeric_limits<float>::infinity();
  expectInvalid([&] { t.setParams(0, W.data(), b.data()); }, {"setParams bPtr[3]", "(got Infinity)"});
  std::vector<float> after(784 * 8), bAfter(8);
  t.getParams(0, after.data(), bAfter.data());
  EXPECT_EQ(after, W);  // a refused setParams leaves the weights alone
  for (float x : bAfter) EXPECT_TRUE(std::isfinite(x));

  // A label spoiled after setCount is caught when the row is used.
  d.labels()[4] = 77;
  expectInvalid([&] { t.evaluate(d, 0, 20, nullptr, nullptr); }, {"label at row 4", "(got 77)"});
}

TEST(Validation, DivergenceStopsTraining) {
  TrainerSpec spec = testutil::smallSpec("784,32,10", 16);
  spec.init = "normal";
  spec.initScale = 1e20;  // z2 ≈ 32 · 1e21 · 1e20 overflows float: the first loss is NaN
  Trainer t(spec);
  Dataset d(64);
  testutil::fillSynthetic(d, 64);
  int guard = 0;
  while (!t.diverged() && guard++ < 200) t.advance(d, 64);
  ASSERT_TRUE(t.diverged());
  try {
    t.advance(d, 64);
    FAIL() << "advance after divergence must throw";
  } catch (const TrainingError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("training diverged"), std::string::npos) << msg;
    EXPECT_NE(msg.find("at step " + std::to_string(t.steps())), std::string::npos) << msg;
    EXPECT_NE(msg.find("lower the learning rate"), std::string::npos) << msg;
  }
}
