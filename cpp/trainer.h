// Trainer: the chapter's training loop, cut into small calls so a browser worker can stay
// responsive. One advance() call processes at most 256 examples (a micro-chunk); a step of
// m examples takes ⌈m/256⌉ calls, summing gradients in a fixed order, and the last of them
// divides by m, updates the weights and returns true.
//
// Determinism — what "same seed + spec ⇒ same numbers" covers, in order of use of the
// single Prng(seed) (PCG32, stream 54):
//   1. construction: every layer's W drawn as init.h says (layer 0 row-major, then layer
//      1, …; biases 0). Nothing else is drawn at construction.
//   2. the first advance() of each epoch: order = identity [0, n) then Prng::shuffle
//      (Fisher–Yates, i = n−1 … 1, j = bounded(i+1)), n = trainCount.
//   3. steps take order[pos, pos+m) with m = batchSize(n), the epoch's last step the rest.
//      Within a step rows are processed in that order, 256 at a time.
// Nothing else consumes random numbers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dataset.h"
#include "diagnostics.h"
#include "network.h"
#include "optimizer.h"
#include "prng.h"
#include "spec.h"
#include "threads.h"

namespace firstnet {

struct EvalResult {
  double loss = 0;      // mean cross-entropy
  double accuracy = 0;  // correct / count
  int correct = 0;
  int count = 0;
};

class Trainer {
 public:
  /// Rows per micro-chunk: a fixed constant, never derived from the machine.
  static constexpr int kChunk = 256;

  explicit Trainer(const TrainerSpec& spec);

  int layerCount() const { return net_.layerCount(); }
  int layerIn(std::int64_t l) const;
  int layerOut(std::int64_t l) const;
  std::string activation() const { return activationName(config_.activation); }
  /// Examples per step for a training set of n rows: batch, or n if batch is 0 or > n.
  int batchSize(std::int64_t n) const;

  /// Processes up to 256 examples of the current step on rows [0, trainCount) of train.
  /// Returns true when this call completed a step.
  bool advance(const Dataset& train, std::int64_t trainCount);

  double lastLoss() const { return lastLoss_; }
  std::int64_t steps() const { return steps_; }
  std::int64_t epochs() const { return epochs_; }
  std::int64_t stepInEpoch() const { return stepInEpoch_; }
  std::int64_t samplesSeen() const { return samplesSeen_; }
  bool diverged() const { return diverged_; }

  /// Forward pass over rows [start, start+count) of data, 256 at a time. probs (count×10)
  /// and confusion (10×10, row = true label, += counts) are skipped when null.
  EvalResult evaluate(const Dataset& data, std::int64_t start, std::int64_t count, float* probs,
                      std::int32_t* confusion);
  /// 784 uint8 pixels → 10 probabilities.
  void predict(const std::uint8_t* image, float* out);

  /// W (fanIn×fanOut row-major) and b (fanOut) of layer l.
  void getParams(std::int64_t l, float* W, float* b) const;
  /// Replaces layer l's W and b (all finite, else nothing changes). Resets that layer's
  /// momentum, and restarts a step in progress from its first example (the partial
  /// gradient was for the old weights).
  void setParams(std::int64_t l, const float* W, const float* b);

  /// Statistics of layer l from the last completed step (zeros before the first).
  /// Computed when first asked for after a step, not by every step (they cost two passes
  /// over all weights in double — more than a whole step at batch 1).
  LayerDiagnostics diagnostics(std::int64_t l) const;

  const TrainerConfig& config() const { return config_; }
  /// The current epoch's example order (for tests; empty before the first advance).
  const std::vector<std::uint32_t>& epochOrder() const { return order_; }

 private:
  /// Throws unless 0 ≤ l < layerCount(); name is e.g. "getParams l".
  int checkLayer(std::int64_t l, const char* name) const;
  void startEpoch(int n);
  /// Throws unless labels[row_r] ≤ 9 for r < rows, where row_r is order[first + r]
  /// (order != nullptr) or first + r. Checked before anything is changed.
  void checkLabels(const Dataset& data, const std::uint32_t* order, int first, int rows) const;
  /// The network's input = images[row_r,:] / 255 packed without zeros (the scaling fused
  /// into the packing), y[r] = labels[row_r], for r < rows.
  void gather(const Dataset& data, const std::uint32_t* order, int first, int rows) noexcept;
  void finishStep();
  /// Computes diagnostics_ for the last completed step if a step ended since they were
  /// last computed. Called before anything overwrites what they are computed from (dW,
  /// W, the last chunk's activations): a step that spans several calls, evaluate,
  /// predict, setParams.
  void settleDiagnostics() const;

  TrainerConfig config_;
  Prng prng_;
  std::unique_ptr<ThreadPool> pool_;  // config_.threads > 1: started once, here; else null
  Network<float> net_;
  std::unique_ptr<Optimizer> optimizer_;
  std::vector<std::uint8_t> y_;  // kChunk labels of the packed micro-chunk

  std::vector<std::uint32_t> order_;  // current epoch's permutation of [0, epochSize_)
  int epochSize_ = 0;
  bool epochActive_ = false;
  int pos_ = 0;        // next index into order_
  int stepStart_ = 0;  // index into order_ where the current step began
  int stepSize_ = 0;   // m of the current step
  int lastChunkRows_ = 0;
  double lossSum_ = 0;

  double lastLoss_;
  std::int64_t steps_ = 0, epochs_ = 0, stepInEpoch_ = 0, samplesSeen_ = 0;
  bool diverged_ = false;
  std::string divergedMessage_;
  mutable std::vector<LayerDiagnostics> diagnostics_;
  mutable bool diagnosticsPending_ = false;  // a step ended; diagnostics_ not yet computed
};

}  // namespace firstnet
