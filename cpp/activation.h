// Hidden-layer activations, each with its forward map and its derivative (MiniDNN's
// activate / apply_jacobian). The output layer is always softmax, fused with the loss in
// loss.h. Element-wise, so the Jacobian is diagonal: dz = da ⊙ act'(z).
//
//   relu     a = max(0, z)                  act'(z) = 1 if z > 0 else 0   (the chapter's z > 0)
//   sigmoid  a = 1 / (1 + e^{−z})           act'(z) = a (1 − a)
//   tanh     a = (e^{2z} − 1)/(e^{2z} + 1)   act'(z) = 1 − a²
//
// sigmoid and tanh go through detmath (double) and round once to T, so float results are
// the same on every target.
#pragma once

#include <cstddef>
#include <string>

#include "detmath.h"

namespace firstnet {

enum class Activation { ReLU, Sigmoid, Tanh };

inline const char* activationName(Activation a) {
  switch (a) {
    case Activation::ReLU: return "relu";
    case Activation::Sigmoid: return "sigmoid";
    case Activation::Tanh: return "tanh";
  }
  return "?";
}

/// "relu" | "sigmoid" | "tanh" → Activation; false for anything else.
inline bool parseActivation(const std::string& name, Activation* out) {
  if (name == "relu") *out = Activation::ReLU;
  else if (name == "sigmoid") *out = Activation::Sigmoid;
  else if (name == "tanh") *out = Activation::Tanh;
  else return false;
  return true;
}

template <typename T>
inline T relu(T z) {
  return z > T(0) ? z : T(0);
}

template <typename T>
inline T sigmoid(T z) {
  return static_cast<T>(1.0 / (1.0 + detmath::exp(-static_cast<double>(z))));
}

template <typename T>
inline T tanhDet(T z) {
  // tanh|z| = t / (t + 2) with t = e^{2|z|} − 1 (expm1 keeps small |z| accurate).
  // Above |z| = 20, tanh is 1 − 8.5e-18: 1 in double and in float.
  const double x = static_cast<double>(z);
  const double ax = x < 0 ? -x : x;
  if (ax > 20.0) return static_cast<T>(x < 0 ? -1.0 : 1.0);
  const double t = detmath::expm1(2.0 * ax);
  const double r = t / (t + 2.0);
  return static_cast<T>(x < 0 ? -r : r);
}

/// a = act(z) over n elements.                                   z, a: n
template <typename T>
void activationForward(Activation kind, const T* z, T* a, std::size_t n) noexcept {
  switch (kind) {
    case Activation::ReLU:
      for (std::size_t i = 0; i < n; ++i) a[i] = relu(z[i]);
      break;
    case Activation::Sigmoid:
      for (std::size_t i = 0; i < n; ++i) a[i] = sigmoid(z[i]);
      break;
    case Activation::Tanh:
      for (std::size_t i = 0; i < n; ++i) a[i] = tanhDet(z[i]);
      break;
  }
}

/// In place: d holds dL/da on entry and dL/dz = dL/da ⊙ act'(z) on return.   z, a, d: n
template <typename T>
void activationBackward(Activation kind, const T* z, const T* a, T* d, std::size_t n) noexcept {
  switch (kind) {
    case Activation::ReLU:
      for (std::size_t i = 0; i < n; ++i) d[i] = z[i] > T(0) ? d[i] : T(0);
      break;
    case Activation::Sigmoid:
      for (std::size_t i = 0; i < n; ++i) d[i] = d[i] * (a[i] * (T(1) - a[i]));
      break;
    case Activation::Tanh:
      for (std::size_t i = 0; i < n; ++i) d[i] = d[i] * (T(1) - a[i] * a[i]);
      break;
  }
}

}  // namespace firstnet
