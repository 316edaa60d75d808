#include "spec.h"

#include <cmath>
#include <string>

#include "errors.h"
#include "threads.h"

namespace firstnet {

namespace {

// Untrusted text echoed in a message: control characters would break the one-line
// message (found by tests/fuzz/fuzz_spec.cpp), and a megabyte of it helps nobody.
std::string shown(const std::string& s) {
  std::string out = s.substr(0, 80);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return s.size() > 80 ? out + "..." : out;
}

std::string quoted(const std::string& s) { return "\"" + shown(s) + "\""; }

std::vector<int> parseLayers(const std::string& text) {
  const std::string name = "TrainerSpec.layers";
  std::vector<int> sizes;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t comma = text.find(',', pos);
    std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    // trim spaces
    const std::size_t b = item.find_first_not_of(' ');
    const std::size_t e = item.find_last_not_of(' ');
    item = b == std::string::npos ? "" : item.substr(b, e - b + 1);
    bool digits = !item.empty() && item.size() <= 7;
    for (char c : item) digits = digits && c >= '0' && c <= '9';
    if (!digits)
      throw InvalidArgument(name + " must be comma-separated integers like \"784,128,64,10\" (got " + quoted(text) + ")");
    sizes.push_back(std::stoi(item));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  const int hidden = static_cast<int>(sizes.size()) - 2;
  if (sizes.size() < 2 || sizes.front() != kInputSize || sizes.back() != kClassCount)
    throw InvalidArgument(name + " must start with 784 and end with 10 (got " + shown(text) + ")");
  if (hidden > kMaxHiddenLayers) {
    throw InvalidArgument(name + " must have 0–8 hidden layers (got " + std::to_string(hidden) +
                          " hidden layers in " + shown(text) + ")");
  }
  for (int l = 1; l <= hidden; ++l) {
    if (sizes[l] < 1 || sizes[l] > kMaxWidth) {
      throw InvalidArgument(name + " hidden widths must be in [1, 1024] (got " + std::to_string(sizes[l]) +
                            " at position " + std::to_string(l) + " of " + shown(text) + ")");
    }
  }
  return sizes;
}

}  // namespace

TrainerConfig parseSpec(const TrainerSpec& spec) {
  TrainerConfig c;
  c.sizes = parseLayers(spec.layers);
  if (!parseActivation(spec.activation, &c.activation))
    failArgument("TrainerSpec.activation", "one of \"relu\", \"sigmoid\", \"tanh\"", quoted(spec.activation));
  if (!parseInit(spec.init, &c.init))
    failArgument("TrainerSpec.init", "one of \"he\", \"xavier\", \"normal\"", quoted(spec.init));
  c.initScale = spec.initScale;
  if (c.init == Init::Normal && !(std::isfinite(spec.initScale) && spec.initScale > 0))
    failArgument("TrainerSpec.initScale", "finite and > 0 for init \"normal\"", spec.initScale);
  if (!parseOptimizer(spec.optimizer, &c.optimizer))
    failArgument("TrainerSpec.optimizer", "one of \"sgd\", \"momentum\"", quoted(spec.optimizer));
  // Checked as the float32 the optimiser uses (found by tests/fuzz/fuzz_spec.cpp): lr 1e-320
  // would become 0 (a run that silently never learns) and momentum 0.9999999999 would become 1.
  if (!(std::isfinite(spec.lr) && spec.lr > 0 && spec.lr <= kMaxLr))
    failArgument("TrainerSpec.lr", "finite, > 0 and <= 1000", spec.lr);
  if (!(static_cast<float>(spec.lr) > 0))
    failArgument("TrainerSpec.lr", "at least 1.4e-45 (smaller is 0 as a float32)", spec.lr);
  c.lr = static_cast<float>(spec.lr);
  if (!(spec.momentum >= 0 && spec.momentum < 1))
    failArgument("TrainerSpec.momentum", "in [0, 1)", spec.momentum);
  if (!(static_cast<float>(spec.momentum) < 1))
    failArgument("TrainerSpec.momentum", "at most 0.99999994 (larger is 1 as a float32)", spec.momentum);
  c.momentum = static_cast<float>(spec.momentum);
  c.batch = static_cast<int>(requireInteger(spec.batch, "TrainerSpec.batch", 0, kMaxBatch));
  c.seed = static_cast<std::uint32_t>(requireInteger(spec.seed, "TrainerSpec.seed", 0, 4294967295LL));
#if FIRSTNET_HAS_THREADS
  c.threads = static_cast<int>(requireInteger(spec.threads, "TrainerSpec.threads", 1, ThreadPool::kMaxThreads));
#else
  c.threads = 1;  // the default wasm module: no threads, and no binding sets the field
#endif
  return c;
}

}  // namespace firstnet
