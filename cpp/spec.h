// TrainerSpec: the configuration exactly as JS passes it (an embind value_object, numbers
// as double), and TrainerConfig: the same after validation, in typed form.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "activation.h"
#include "init.h"
#include "optimizer.h"

namespace firstnet {

struct TrainerSpec {
  std::string layers = "784,128,64,10";  // input first, output last, comma-separated
  std::string activation = "relu";       // relu | sigmoid | tanh
  std::string init = "he";               // he | xavier | normal
  double initScale = 0.0;                // std for init "normal" (chapter: 0.01)
  std::string optimizer = "sgd";         // sgd | momentum
  double lr = 0.1;
  double momentum = 0.0;
  double batch = 64;  // examples per step; 0 = whole training set
  double seed = 1;    // integer in [0, 2^32)
  // Threads for the products (1 … 8). Not part of the model or the URL state: the bits are
  // the same for every value (kernels.h). The default wasm module has no threads and does
  // not bind this field; the threaded module (firstnet-core-mt: a cross-origin-isolated page,
  // the bench) does.
  double threads = 1;
};

struct TrainerConfig {
  std::vector<int> sizes;  // {784, hidden…, 10}
  Activation activation;
  Init init;
  double initScale;
  OptimizerKind optimizer;
  float lr;
  float momentum;
  int batch;  // 0 = full batch
  std::uint32_t seed;
  int threads;  // 1 = no worker threads
};

inline constexpr int kInputSize = 784;
inline constexpr int kClassCount = 10;
inline constexpr int kMaxHiddenLayers = 8;
inline constexpr int kMaxWidth = 1024;
inline constexpr double kMaxLr = 1e3;
inline constexpr int kMaxBatch = 100000;

/// Validates every field; throws InvalidArgument naming the field and the bad value.
TrainerConfig parseSpec(const TrainerSpec& spec);

}  // namespace firstnet
