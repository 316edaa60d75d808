// Optimisers: how a step's mean gradient g becomes a parameter update. Each parameter
// tensor (layer l's W is slot 2l, its b slot 2l+1) is updated element by element in float:
//
//   sgd       p ← p − lr·g
//   momentum  v ← μ·v + g ;  p ← p − lr·v      (v starts at 0; PyTorch's form)
#pragma once

#include <cstddef>
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
  /// Updates param[0..n) with the mean gradient grad[0..n) for parameter tensor `slot`.
  virtual void update(int slot, float* param, const float* grad, std::size_t n) noexcept = 0;
  /// Forgets any state of `slot` (after the parameters were replaced from outside).
  virtual void reset(int slot) noexcept = 0;
};

class SGD final : public Optimizer {
 public:
  explicit SGD(float lr) : lr_(lr) {}
  void update(int, float* p, const float* g, std::size_t n) noexcept override {
    for (std::size_t i = 0; i < n; ++i) p[i] = p[i] - lr_ * g[i];
  }
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
  void update(int slot, float* p, const float* g, std::size_t n) noexcept override {
    float* v = velocity_[slot].data();
    for (std::size_t i = 0; i < n; ++i) {
      v[i] = mu_ * v[i] + g[i];
      p[i] = p[i] - lr_ * v[i];
    }
  }
  void reset(int slot) noexcept override {
    for (float& x : velocity_[slot]) x = 0.0f;
  }

 private:
  float lr_, mu_;
  std::vector<std::vector<float>> velocity_;
};

}  // namespace firstnet
