// libFuzzer target: the Trainer and Dataset entry points that take sizes and bytes from
// outside — Dataset capacity and setCount over random labels, advance with any trainCount,
// evaluate over any [start, start + count), setParams with random floats (NaN and ±Inf
// included: refused, weights unchanged), predict on random pixels, and layer indices. A
// refusal must be an InvalidArgument (or TrainingError after divergence) with a one-line
// message; anything else, a crash, or ASan/UBSan report is a bug. Networks are kept small
// (≤ 3 hidden layers of ≤ 32) so that each input runs in well under a millisecond.
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "dataset.h"
#include "errors.h"
#include "trainer.h"

using firstnet::Dataset;
using firstnet::InvalidArgument;
using firstnet::Trainer;
using firstnet::TrainingError;

namespace {

[[noreturn]] void bug(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_trainer: %s: %s\n", what, detail.c_str());
  std::abort();
}

void oneLine(const std::exception& e) {
  const std::string m = e.what();
  if (m.empty() || m.find('\n') != std::string::npos) bug("message is empty or not one line", m);
}

// Runs f; an InvalidArgument or TrainingError is a clean refusal, anything else escapes (a bug).
template <typename F>
bool refused(F&& f) {
  try {
    f();
    return false;
  } catch (const InvalidArgument& e) {
    oneLine(e);
  } catch (const TrainingError& e) {
    oneLine(e);
  }
  return true;
}

float anyFloat(FuzzedDataProvider& in) {
  static const float kEdges[] = {NAN, INFINITY, -INFINITY, -0.0f, 0.0f, 1e38f, -1e38f, 1e-45f, 0.5f};
  if (in.ConsumeIntegralInRange<int>(0, 7) == 0) return kEdges[in.ConsumeIntegralInRange<int>(0, 8)];
  return in.ConsumeFloatingPointInRange<float>(-4.0f, 4.0f);
}

std::int64_t anySize(FuzzedDataProvider& in, std::int64_t typical) {
  switch (in.ConsumeIntegralInRange<int>(0, 3)) {
    case 0: return in.ConsumeIntegralInRange<std::int64_t>(-2, typical + 2);
    case 1: return in.ConsumeIntegral<std::int32_t>();
    case 2: return in.ConsumeIntegral<std::int64_t>();
    default: return in.ConsumeIntegralInRange<std::int64_t>(0, typical);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);

  // A dataset of a few rows; capacity itself is fuzzed (out-of-range values must be refused).
  const std::int64_t capacity = in.ConsumeBool() ? in.ConsumeIntegralInRange<std::int64_t>(1, 40) : anySize(in, 40);
  std::unique_ptr<Dataset> ds;
  if (refused([&] { ds = std::make_unique<Dataset>(capacity); })) {
    if (capacity >= 1 && capacity <= Dataset::kMaxCapacity) bug("valid capacity refused", std::to_string(capacity));
    return 0;
  }
  if (capacity > 40) return 0;  // valid but large: filling it would only slow the fuzzer down
  for (int i = 0; i < ds->capacity(); ++i) {
    // Labels mostly 0–9, sometimes not; pixels from the input.
    ds->labels()[i] = in.ConsumeIntegralInRange<std::uint8_t>(0, in.ConsumeBool() ? 9 : 255);
    const auto px = in.ConsumeBytes<std::uint8_t>(Dataset::kPixels);
    if (!px.empty()) std::memcpy(ds->images() + static_cast<std::size_t>(i) * Dataset::kPixels, px.data(), px.size());
  }
  const std::int64_t n = anySize(in, ds->capacity());
  if (!refused([&] { ds->setCount(n); })) {
    for (int i = 0; i < ds->count(); ++i)
      if (ds->labels()[i] > 9) bug("setCount accepted a label > 9", std::to_string(ds->labels()[i]));
  }

  firstnet::TrainerSpec spec;
  const int hidden = in.ConsumeIntegralInRange<int>(0, 3);
  spec.layers = "784";
  for (int l = 0; l < hidden; ++l) spec.layers += "," + std::to_string(in.ConsumeIntegralInRange<int>(1, 32));
  spec.layers += ",10";
  spec.activation = in.PickValueInArray({"relu", "sigmoid", "tanh"});
  spec.init = in.PickValueInArray({"he", "xavier", "normal"});
  spec.initScale = in.PickValueInArray({0.01, 1.0, 100.0});
  spec.optimizer = in.PickValueInArray({"sgd", "momentum"});
  spec.lr = in.PickValueInArray({0.1, 10.0, 1000.0, 1e-9});  // 10 and 1000 diverge: advance must then refuse cleanly
  spec.momentum = 0.9;
  spec.batch = in.PickValueInArray({0.0, 1.0, 3.0, 64.0, 100000.0});
  spec.seed = in.ConsumeIntegral<std::uint32_t>();
  Trainer t(spec);

  std::vector<float> probs(64 * 10);
  std::int32_t confusion[100] = {0};
  const int ops = in.ConsumeIntegralInRange<int>(1, 24);
  for (int op = 0; op < ops && in.remaining_bytes() > 0; ++op) {
    switch (in.ConsumeIntegralInRange<int>(0, 6)) {
      case 0: {  // advance with any trainCount
        const std::int64_t c = anySize(in, ds->count());
        const bool diverged = t.diverged();
        if (!refused([&] { t.advance(*ds, c); }) && diverged) bug("advance after divergence", "");
        break;
      }
      case 1: {  // evaluate any range (probs sized for ≤ 64 rows; larger valid ranges skip probs)
        const std::int64_t s = anySize(in, ds->count()), c = anySize(in, ds->count());
        float* p = c >= 0 && c <= 64 ? probs.data() : nullptr;
        refused([&] {
          const firstnet::EvalResult r = t.evaluate(*ds, s, c, p, confusion);
          if (r.count != c || r.correct < 0 || r.correct > r.count) bug("evaluate result", std::to_string(r.count));
        });
        break;
      }
      case 2: {  // setParams with random floats: any non-finite value refused, weights unchanged
        const std::int64_t l = in.ConsumeBool() ? in.ConsumeIntegralInRange<std::int64_t>(0, t.layerCount() - 1) : anySize(in, 4);
        if (l < 0 || l >= t.layerCount()) {
          float dummy = 0;
          if (!refused([&] { t.setParams(l, &dummy, &dummy); })) bug("setParams accepted layer", std::to_string(l));
          break;
        }
        const std::size_t wn = static_cast<std::size_t>(t.layerIn(l)) * t.layerOut(l), bn = t.layerOut(l);
        std::vector<float> W(wn), b(bn), W0(wn), b0(bn), W1(wn), b1(bn);
        t.getParams(l, W0.data(), b0.data());
        bool finite = true;
        const float fill = anyFloat(in);
        for (auto& x : W) x = fill;
        for (auto& x : b) x = 0.25f;
        // A few positions get their own values, so a lone NaN at the end is tried too.
        for (int k = in.ConsumeIntegralInRange<int>(0, 4); k > 0; --k) {
          const float v = anyFloat(in);
          if (in.ConsumeBool()) W[in.ConsumeIntegralInRange<std::size_t>(0, wn - 1)] = v;
          else b[in.ConsumeIntegralInRange<std::size_t>(0, bn - 1)] = v;
        }
        for (float x : W) finite = finite && std::isfinite(x);
        for (float x : b) finite = finite && std::isfinite(x);
        const bool no = refused([&] { t.setParams(l, W.data(), b.data()); });
        if (no == finite) bug("setParams", finite ? "refused finite values" : "accepted a non-finite value");
        t.getParams(l, W1.data(), b1.data());
        const auto& want = no ? W0 : W;
        const auto& wantB = no ? b0 : b;
        if (std::memcmp(W1.data(), want.data(), wn * 4) != 0 || std::memcmp(b1.data(), wantB.data(), bn * 4) != 0)
          bug("setParams", no ? "a refused call changed the weights" : "weights not set");
        break;
      }
      case 3: {  // predict on random pixels
        auto px = in.ConsumeBytes<std::uint8_t>(Dataset::kPixels);
        px.resize(Dataset::kPixels);
        float out[10];
        t.predict(px.data(), out);
        float sum = 0;
        for (float p : out) sum += p;
        if (!t.diverged() && std::isfinite(sum) && std::fabs(sum - 1) > 1e-3f) bug("predict", "probabilities do not sum to 1");
        break;
      }
      case 4: {  // layer indices from outside
        const std::int64_t l = anySize(in, 4);
        const bool ok = l >= 0 && l < t.layerCount();
        if (refused([&] { t.layerIn(l); t.layerOut(l); t.diagnostics(l); }) == ok) bug("layer index", std::to_string(l));
        break;
      }
      case 5: {  // batchSize with any n
        const std::int64_t m = anySize(in, 100000);
        refused([&] {
          const int b = t.batchSize(m);
          if (b < 0 || b > m) bug("batchSize", std::to_string(b));
        });
        break;
      }
      default: {  // change the labels of valid rows, then setCount again
        if (ds->count() > 0) ds->labels()[in.ConsumeIntegralInRange<int>(0, ds->count() - 1)] = in.ConsumeIntegral<std::uint8_t>();
        refused([&] { ds->setCount(anySize(in, ds->capacity())); });
        break;
      }
    }
  }
  return 0;
}
