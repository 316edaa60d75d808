// Optimisers: how a step's mean gradient g becomes a parameter update. Each parameter
// tensor (layer l's W is slot 2l, its b slot 2l+1) is updated element by element in float,
// g being the step's mean gradient (sum / m):
//
//   sgd       p ← p − lr·g
//   momentum  v ← μ·v + g ;  p ← p − lr·v      (v starts at 0; PyTorch's form)
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace firstnet {

enum class OptimizerKind { SGD, Momentum };

inline const char* optimizerName(OptimizerKind o) {
  return o == OptimizerKind::SGD ? "sgd" : "momentum";
}

inline bool parseOptimizer(const std::string& name, OptimizerKind* out) {
  if (name == "sgd") *out = OptimizerKind::SGD;
  else if (name == "momentum") *out = OptimizerKind::Momentum;
  else return false;
  return true;
}

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  /// One step on elements [begin, end) of parameter tensor `slot`, in one pass: g holds
  /// the step's gradient SUM; its mean g[i] / m (float division) is applied. Returns false
  /// if some updated p[i] is not finite (the trainer's divergence check, at no extra pass).
  virtual bool update(int slot, float* p, const float* g, std::size_t begin, std::size_t end, float m) noexcept = 0;
  /// True if an element whose gradient is exactly +0 still changes (momentum's velocity
  /// decays), so every element must be visited. False lets the trainer skip rows of W that
  /// no input touched: p − lr·(+0) = p exactly, even for p = −0.
  virtual bool changesZeroGradients() const noexcept = 0;
  /// Forgets any state of `slot` (after the parameters were replaced from outside).
  virtual void reset(int slot) noexcept = 0;
};

/// True iff x is ±Inf or NaN (exponent bits all ones), as an integer test so that a loop
/// OR-ing it stays vectorisable and order-free.
inline bool notFinite(float x) {
  std::uint32_t bits;
  std::memcpy(&bits, &x, 4);
  return (bits & 0x7f800000u) == 0x7f800000u;
}

class SGD final : public Optimizer {
 public:
  explicit SGD(float lr) : lr_(lr) {}
  bool update(int, float* p, const float* g, std::size_t begin, std::size_t end, float m) noexcept override {
    std::uint32_t bad = 0;
    for (std::size_t i = begin; i < end; ++i) {
      const float mean = g[i] / m;
      p[i] = p[i] - lr_ * mean;
      bad |= notFinite(p[i]);
    }
    return bad == 0;
  }
  bool changesZeroGradients() const noexcept override { return false; }
  void reset(int) noexcept override {}

 private:
  float lr_;
};

class Momentum final : public Optimizer {
 public:
  /// slotSizes[s] = element count of parameter tensor s; velocities allocated here.
  Momentum(float lr, float mu, const std::vector<std::size_t>& slotSizes) : lr_(lr), mu_(mu) {
    for (std::size_t n : slotSizes) velocity_.emplace_back(n, 0.0f);
  }
  bool update(int slot, float* p, const float* g, std::size_t begin, std::size_t end, float m) noexcept override {
    float* v = velocity_[slot].data();
    std::uint32_t bad = 0;
    for (std::size_t i = begin; i < end; ++i) {
      const float mean = g[i] / m;
      v[i] = mu_ * v[i] + mean;
      p[i] = p[i] - lr_ * v[i];
      bad |= notFinite(p[i]);
    }
    return bad == 0;
  }
  bool changesZeroGradients() const noexcept override { return true; }
  void reset(int slot) noexcept override {
    for (float& x : velocity_[slot]) x = 0.0f;
  }

 private:
  float lr_, mu_;
  std::vector<std::vector<float>> velocity_;
};

}  // namespace firstnet
