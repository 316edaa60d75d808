// libFuzzer target: TrainerSpec validation (parseSpec), the first thing the core does with
// values that come from outside (a URL, a postMessage, a model file, via JS as doubles and
// strings). Any bytes must give a TrainerConfig inside the documented limits or an
// InvalidArgument whose message is one line and names the field — never another exception,
// a crash, or undefined behaviour (the build adds ASan and UBSan). Also fuzzes the
// requireInteger/requireRange helpers every binding uses on JS numbers.
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "errors.h"
#include "spec.h"

using firstnet::InvalidArgument;

namespace {

[[noreturn]] void bug(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_spec: %s: %s\n", what, detail.c_str());
  std::abort();
}

// Doubles that matter at the JS boundary: NaN, ±Inf, -0, fractions, the limits ± 1, huge.
double edgeDouble(FuzzedDataProvider& in) {
  static const double kEdges[] = {NAN, INFINITY, -INFINITY, -0.0, 0.0, 0.5, 1.0, -1.0, 1e-320, 1e308, 1000.0,
                                  1000.0000001, 1e6, 64, 100000, 100001, 4294967295.0, 4294967296.0, 9.007199254740993e15, 0.999999};
  switch (in.ConsumeIntegralInRange<int>(0, 2)) {
    case 0: return kEdges[in.ConsumeIntegralInRange<std::size_t>(0, sizeof kEdges / sizeof kEdges[0] - 1)];
    case 1: return static_cast<double>(in.ConsumeIntegralInRange<std::int64_t>(-3, 200000));
    default: {
      double d;
      const auto bytes = in.ConsumeBytes<std::uint8_t>(sizeof d);
      if (bytes.size() < sizeof d) return 0;
      std::memcpy(&d, bytes.data(), sizeof d);  // any bit pattern, signalling NaNs included
      return d;
    }
  }
}

std::string layersText(FuzzedDataProvider& in) {
  if (in.ConsumeBool()) return in.ConsumeRandomLengthString(64);
  // Comma lists built from pieces: valid widths, 0, 1025, 100000, 50 layers, signs, spaces, overflow.
  static const char* kPieces[] = {"784", "10", "128", "64", "1", "1024", "0", "1025", "100000", "9999999", "99999999999",
                                  "-1", "+5", " 32 ", "", "1e3", "0x10", "3.5", "2147483648"};
  std::string s = "784";
  const int n = in.ConsumeIntegralInRange<int>(0, 52);
  for (int i = 0; i < n; ++i) s += "," + std::string(kPieces[in.ConsumeIntegralInRange<std::size_t>(0, sizeof kPieces / sizeof kPieces[0] - 1)]);
  if (in.ConsumeBool()) s += ",10";
  return s;
}

std::string word(FuzzedDataProvider& in, std::initializer_list<const char*> valid) {
  if (in.ConsumeIntegralInRange<int>(0, 3) == 0) return in.ConsumeRandomLengthString(12);
  const std::size_t i = in.ConsumeIntegralInRange<std::size_t>(0, valid.size() - 1);
  return *(valid.begin() + i);
}

void checkMessage(const InvalidArgument& e) {
  const std::string m = e.what();
  if (m.empty() || m.find('\n') != std::string::npos) bug("message is empty or not one line", m);
  if (m.rfind("TrainerSpec.", 0) != 0 && m.find(" must ") == std::string::npos) bug("message names no field", m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  firstnet::TrainerSpec spec;
  spec.layers = layersText(in);
  spec.activation = word(in, {"relu", "sigmoid", "tanh", "RELU", "softmax", ""});
  spec.init = word(in, {"he", "xavier", "normal", "normal:0.01"});
  spec.initScale = edgeDouble(in);
  spec.optimizer = word(in, {"sgd", "momentum", "adam"});
  spec.lr = edgeDouble(in);
  spec.momentum = edgeDouble(in);
  spec.batch = edgeDouble(in);
  spec.seed = edgeDouble(in);
  try {
    const firstnet::TrainerConfig c = firstnet::parseSpec(spec);
    // Accepted: everything inside the limits the rest of the core relies on.
    if (c.sizes.size() < 2 || c.sizes.size() > 10 || c.sizes.front() != 784 || c.sizes.back() != 10) bug("layers out of limits", spec.layers);
    for (std::size_t l = 1; l + 1 < c.sizes.size(); ++l)
      if (c.sizes[l] < 1 || c.sizes[l] > 1024) bug("width out of limits", spec.layers);
    if (!(std::isfinite(c.lr) && c.lr > 0 && c.lr <= 1000)) bug("lr out of limits", std::to_string(spec.lr));
    if (!(c.momentum >= 0 && c.momentum < 1)) bug("momentum out of limits", std::to_string(spec.momentum));
    if (c.batch < 0 || c.batch > 100000) bug("batch out of limits", std::to_string(spec.batch));
    if (c.init == firstnet::Init::Normal && !(std::isfinite(c.initScale) && c.initScale > 0)) bug("initScale", std::to_string(spec.initScale));
  } catch (const InvalidArgument& e) {
    checkMessage(e);
  }
  // The helpers behind every binding, on any double and any bounds.
  const double v = edgeDouble(in);
  const std::int64_t lo = in.ConsumeIntegralInRange<std::int64_t>(-2147483647, 2147483647);
  const std::int64_t hi = in.ConsumeIntegralInRange<std::int64_t>(lo, 4294967295LL);
  try {
    const std::int64_t x = firstnet::requireInteger(v, "fuzz v", lo, hi);
    if (x < lo || x > hi || static_cast<double>(x) != v) bug("requireInteger accepted", firstnet::formatNumber(v));
  } catch (const InvalidArgument& e) {
    checkMessage(e);
  }
  return 0;
}
