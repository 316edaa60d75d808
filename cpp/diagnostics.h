// Per-layer statistics a reader can watch while training (dead ReLUs, saturated sigmoids,
// exploding or vanishing gradients). Computed by the trainer when a step completes.
#pragma once

#include "activation.h"
#include "dense.h"

namespace firstnet {

struct LayerDiagnostics {
  double activationMean = 0;    // mean of the layer's a over the step's last micro-chunk
  double activationStd = 0;     // population std of the same values
  double inactiveFraction = 0;  // see layerDiagnostics()
  double weightGradNorm = 0;    // ‖dW‖_F of the step's mean gradient
  double weightNorm = 0;        // ‖W‖_F after the update
};

/// ‖x‖₂ of n floats, summed in double in a fixed order. Not finite iff some x is not
/// finite (a float squared cannot overflow a double), so it doubles as a finiteness check.
double frobeniusNorm(const float* x, long n) noexcept;

/// Statistics of one layer. a: rows×fanOut activations of the step's LAST micro-chunk
/// (the whole batch when batch ≤ 256; full-batch steps see their last ≤ 256 rows).
/// inactiveFraction: hidden ReLU — fraction of units that are 0 on every one of those rows;
/// hidden sigmoid — fraction of values with a < 0.01 or a > 0.99; hidden tanh — fraction
/// with |a| > 0.99; the softmax output layer — 0. dW holds the step's gradient SUM over m
/// examples; the norm is of the mean, each element divided dW/m in float as the update did.
LayerDiagnostics layerDiagnostics(const Dense<float>& layer, const float* a, int rows,
                                  bool isOutput, Activation activation, float m) noexcept;

}  // namespace firstnet
