// Per-layer diagnostics (cpp/diagnostics.h) on networks small enough to work out by hand:
// weights set with Trainer::setParams, a batch of two one-pixel images, one step. Every
// expected value below is the arithmetic in the comment next to it, not a number the code
// printed.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "dataset.h"
#include "test_util.h"
#include "trainer.h"

using namespace firstnet;

namespace {

constexpr double kTol = 1e-6;  // float arithmetic inside, double expectations here

// Two images: A lights pixel 0 only, B pixel 1 only (255 → x = 1 after / 255).
// Labels: A is a 0, B is a 1. With batch 2 one advance() is one whole step (m = 2).
void twoImages(Dataset& d) {
  std::memset(d.images(), 0, 2 * Dataset::kPixels);
  d.images()[0] = 255;                    // A: x[0] = 1
  d.images()[Dataset::kPixels + 1] = 255; // B: x[1] = 1
  d.labels()[0] = 0;
  d.labels()[1] = 1;
  d.setCount(2);
}

TrainerSpec spec(const char* layers, const char* activation) {
  TrainerSpec s = testutil::smallSpec(layers, 2, 1);
  s.activation = activation;
  s.lr = 0.1;
  return s;
}

}  // namespace

// 784 → 3 (ReLU) → 10.
//   W1 (784×3): zero except row 0 (pixel 0) = [1, −1, 0] and row 1 (pixel 1) = [1, 1, 0]; b1 = 0.
//   W2 (3×10):  zero except W2[0][0] = ln 2; b2 = 0.
// Forward:
//   z1(A) = [1, −1, 0] → a1(A) = [1, 0, 0];   z1(B) = [1, 1, 0] → a1(B) = [1, 1, 0]
//   z2(A) = z2(B) = [ln 2, 0, …, 0] → softmax: e^z = [2, 1, …, 1], Σ = 11 → p = [2/11, 1/11 × 9]
// Backward (sums over the two rows; the diagnostics divide by m = 2):
//   dz2(A) = p − onehot(0) = [−9/11, 1/11 × 9];  dz2(B) = p − onehot(1) = [2/11, −10/11, 1/11 × 8]
//   dW2 = a1ᵀ dz2: row 0 = dz2(A) + dz2(B) = [−7/11, −9/11, 2/11 × 8]; row 1 = dz2(B); row 2 = 0
//   da1 = dz2 W2ᵀ: only column 0 is nonzero, = dz2[:, 0] · ln 2 → A: −9/11 ln 2, B: 2/11 ln 2;
//   unit 0 has z > 0 on both rows, so dz1[:, 0] = da1[:, 0] and dz1 is 0 elsewhere
//   dW1 = xᵀ dz1: dW1[0][0] = −9/11 ln 2 (from A), dW1[1][0] = 2/11 ln 2 (from B), rest 0
TEST(Diagnostics, HandComputedReluNetwork) {
  Dataset d(2);
  twoImages(d);
  Trainer t(spec("784,3,10", "relu"));
  std::vector<float> W1(784 * 3, 0.0f), b1(3, 0.0f), W2(3 * 10, 0.0f), b2(10, 0.0f);
  W1[0 * 3 + 0] = 1;
  W1[0 * 3 + 1] = -1;
  W1[1 * 3 + 0] = 1;
  W1[1 * 3 + 1] = 1;
  const double ln2 = std::log(2.0);
  W2[0 * 10 + 0] = static_cast<float>(ln2);
  t.setParams(0, W1.data(), b1.data());
  t.setParams(1, W2.data(), b2.data());
  ASSERT_TRUE(t.advance(d, 2));

  const LayerDiagnostics h = t.diagnostics(0);
  // a1 values [1, 0, 0, 1, 1, 0]: mean 3/6 = 0.5; every deviation is ±0.5, so std = 0.5.
  EXPECT_NEAR(h.activationMean, 0.5, kTol);
  EXPECT_NEAR(h.activationStd, 0.5, kTol);
  // Unit 2 is 0 on both rows (dead); unit 1 is 0 on A only (alive): 1 of 3 units.
  EXPECT_NEAR(h.inactiveFraction, 1.0 / 3.0, kTol);
  // ‖dW1 / 2‖ = (ln 2 / 22) · √(9² + 2²) = ln 2 · √85 / 22 ≈ 0.290476
  EXPECT_NEAR(h.weightGradNorm, ln2 * std::sqrt(85.0) / 22.0, kTol);
  // After the update W1 −= 0.1 · dW1 / 2: W1[0][0] = 1 + 0.1 · 9 ln 2 / 22,
  // W1[1][0] = 1 − 0.1 · 2 ln 2 / 22, W1[0][1] = −1, W1[1][1] = 1 unchanged.
  const double w00 = 1 + 0.1 * 9 * ln2 / 22, w10 = 1 - 0.1 * 2 * ln2 / 22;
  EXPECT_NEAR(h.weightNorm, std::sqrt(w00 * w00 + w10 * w10 + 1 + 1), kTol);

  const LayerDiagnostics o = t.diagnostics(1);
  // p: each row sums to 1, so the mean of its 20 values is 2/20 = 0.1 = 1.1/11.
  EXPECT_NEAR(o.activationMean, 0.1, kTol);
  // Deviations per row: 2/11 − 1.1/11 = 0.9/11 once, 1/11 − 1.1/11 = −0.1/11 nine times;
  // variance = (0.81 + 9 · 0.01) / (10 · 121) = 9/12100, std = 3/110 ≈ 0.0272727.
  EXPECT_NEAR(o.activationStd, 3.0 / 110.0, kTol);
  EXPECT_EQ(o.inactiveFraction, 0.0);  // the softmax layer has no dead units by definition
  // ‖dW2 / 2‖² = (1/4)(1/121)[(49 + 81 + 8·4) + (4 + 100 + 8·1)] = 274/484 → √274 / 22 ≈ 0.752404
  EXPECT_NEAR(o.weightGradNorm, std::sqrt(274.0) / 22.0, kTol);
}

// 784 → 2 (sigmoid) → 10.
//   W1: row 0 (pixel 0) = [10, 0], row 1 (pixel 1) = [−10, 0]; b1 = 0. W2 = 0, b2 = 0.
// Forward:
//   a1(A) = [σ(10), σ(0)] = [0.9999546, 0.5];  a1(B) = [σ(−10), 0.5] = [0.0000454, 0.5]
//   z2 = 0 → p = 0.1 everywhere.
// Backward: dz2(A) = [−0.9, 0.1 × 9], dz2(B) = [0.1, −0.9, 0.1 × 8];
//   da1 = dz2 W2ᵀ = 0, so dW1 = 0: with W2 = 0 no gradient reaches the first layer.
//   dW2 row 0 = σ(10) dz2(A) + σ(−10) dz2(B); row 1 = 0.5 (dz2(A) + dz2(B)) = 0.5 [−0.8, −0.8, 0.2 × 8]
TEST(Diagnostics, HandComputedSigmoidSaturation) {
  Dataset d(2);
  twoImages(d);
  Trainer t(spec("784,2,10", "sigmoid"));
  std::vector<float> W1(784 * 2, 0.0f), b1(2, 0.0f), W2(2 * 10, 0.0f), b2(10, 0.0f);
  W1[0 * 2 + 0] = 10;
  W1[1 * 2 + 0] = -10;
  t.setParams(0, W1.data(), b1.data());
  t.setParams(1, W2.data(), b2.data());
  ASSERT_TRUE(t.advance(d, 2));

  const double s = 1 / (1 + std::exp(-10.0));  // σ(10); σ(−10) = 1 − σ(10)
  const LayerDiagnostics h = t.diagnostics(0);
  // Values [σ(10), 0.5, 1 − σ(10), 0.5]: mean = (σ(10) + 1 − σ(10) + 1) / 4 = 0.5.
  EXPECT_NEAR(h.activationMean, 0.5, kTol);
  // Deviations ±(σ(10) − 0.5), 0, 0: variance = 2 (σ(10) − 0.5)² / 4 → std = (σ(10) − 0.5) / √2 ≈ 0.353521
  EXPECT_NEAR(h.activationStd, (s - 0.5) / std::sqrt(2.0), kTol);
  // σ(10) > 0.99 and σ(−10) < 0.01 are saturated, the two 0.5s are not: 2 of 4 values.
  EXPECT_NEAR(h.inactiveFraction, 0.5, kTol);
  EXPECT_EQ(h.weightGradNorm, 0.0);  // W2 = 0 blocks the gradient (see above)
  EXPECT_NEAR(h.weightNorm, std::sqrt(200.0), 1e-5);  // √(10² + 10²), unchanged by a zero gradient

  const LayerDiagnostics o = t.diagnostics(1);
  EXPECT_NEAR(o.activationMean, 0.1, kTol);  // p = 0.1 everywhere
  EXPECT_NEAR(o.activationStd, 0.0, kTol);
  // Mean gradient = sum / 2. Row 0: σ(10)·dz2(A) + (1 − σ(10))·dz2(B), per class:
  //   class 0: −0.9 σ + 0.1 (1 − σ) = 0.1 − σ;  class 1: 0.1 σ − 0.9 (1 − σ) = σ − 0.9;  others 0.1.
  // Row 1 (sum): 0.5 [−0.8, −0.8, 0.2 × 8] = [−0.4, −0.4, 0.1 × 8].
  // ‖sum‖² per row, then ‖sum / 2‖² = (r0 + r1) / 4.
  const double r0 = std::pow(0.1 - s, 2) + std::pow(s - 0.9, 2) + 8 * 0.01;
  const double r1 = 0.16 + 0.16 + 8 * 0.01;
  EXPECT_NEAR(o.weightGradNorm, std::sqrt((r0 + r1) / 4), kTol);
}
