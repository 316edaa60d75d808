// Softmax fused with cross-entropy (llm.c's crossentropy_softmax_backward idea): the
// gradient of mean(−log softmax(z)[y]) w.r.t. the logits is (p − onehot(y)) / m, and the
// trainer divides by m at the end of the step, so here dz = p − onehot(y).
//
// Stable for any finite logits (±1000 included), in double through detmath:
//   M = max_j z_j,  S = Σ_j e^{z_j − M}   (each term ≤ 1, one term = 1, so 1 ≤ S ≤ classes)
//   p_j = e^{z_j − M} / S,   loss = log S − (z_y − M) = logsumexp(z) − z_y
#pragma once

#include <cstdint>

namespace firstnet {

/// Per row: P = softmax(Z). If labels != nullptr also dZ = P − onehot(labels) and the
/// return value is lossSoFar + Σ_rows loss, added row by row in double (so a sum carried
/// across micro-chunks is bit-identical to one pass); otherwise returns lossSoFar and dZ
/// is untouched.
///   Z: rows×classes   labels: rows (each < classes)   P, dZ: rows×classes
template <typename T>
double softmaxCrossEntropy(const T* Z, const std::uint8_t* labels, int rows, int classes, T* P,
                           T* dZ, double lossSoFar = 0.0) noexcept;

/// Cross-entropy of one row of logits against label y: logsumexp(z) − z_y, in double.
template <typename T>
double crossEntropyRow(const T* z, int classes, int y) noexcept;

}  // namespace firstnet
