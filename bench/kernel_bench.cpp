// GFLOP/s of the three products of kernels.h at the chapter's shapes, batch 64, on inputs
// with MNIST's sparsity (81 % zero pixels, ~50 % zero ReLU activations and gradients).
// Built natively (build/native/firstnet_kernel_bench) and to wasm for node
// (build/wasm/firstnet-kernel-bench.js) from this one file; scripts/bench.mjs runs both.
//
// GFLOP/s are NOMINAL: 2·rows·in·out per product, as for a dense GEMM (what the Eigen
// reference does), so skipped zeros count as work done. "entries" is the fraction of the
// left operand that was nonzero. Each product is timed alone (its packing separately, as
// "packUs"); times are the best of many short repetitions, the steadiest measure on a
// machine shared with other work. Prints one JSON line, and with --hash an FNV-1a hash of
// every output's bits instead (native and wasm must print the same).
//
//   firstnet_kernel_bench [--hash] [--seconds S]
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "kernels.h"
#include "packing.h"
#include "prng.h"

using namespace firstnet;

namespace {

using Clock = std::chrono::steady_clock;

std::vector<float> randomMatrix(Prng& prng, long n, double zeroFraction) {
  std::vector<float> m(n);
  for (auto& x : m) x = prng.uniform() < zeroFraction ? 0.0f : static_cast<float>(prng.normal() * 0.1);
  return m;
}

void hashBytes(std::uint64_t& h, const std::vector<float>& v) {
  for (float x : v) {
    std::uint32_t bits;
    std::memcpy(&bits, &x, 4);
    for (int k = 0; k < 4; ++k) {
      h ^= (bits >> (8 * k)) & 0xffu;
      h *= 0x100000001b3ULL;
    }
  }
}

// Runs f in blocks of 5 calls for ≥ seconds; returns the best block's seconds per call.
template <typename F>
double timeIt(F f, double seconds) {
  f();  // warm-up (and, in wasm, the tier-up)
  const auto start = Clock::now();
  double best = 1e30;
  do {
    const auto t0 = Clock::now();
    for (int i = 0; i < 5; ++i) f();
    const double t = std::chrono::duration<double>(Clock::now() - t0).count() / 5;
    if (t < best) best = t;
  } while (std::chrono::duration<double>(Clock::now() - start).count() < seconds);
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  bool hash = false;
  double seconds = 0.3;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--hash") == 0) hash = true;
    else if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) seconds = std::strtod(argv[++i], nullptr);
  }
  const int B = 64, in = 784, hid = 128, out2 = 64;
  Prng prng(2024);
  // Z1 = X·W1 (64×784 · 784×128), dW1 = Xᵀ·dZ1, dA1 = dZ2·W2ᵀ (64×64 · 64×128)
  std::vector<std::uint8_t> X(static_cast<long>(B) * in);  // "pixels", 81 % zero
  for (auto& p : X) p = prng.uniform() < 0.81 ? 0 : static_cast<std::uint8_t>(1 + prng.bounded(255));
  float scale[256];
  for (int v = 0; v < 256; ++v) scale[v] = static_cast<float>(v) / 255.0f;
  const auto W1 = randomMatrix(prng, static_cast<long>(in) * hid, 0.0);
  const auto dZ1 = randomMatrix(prng, static_cast<long>(B) * hid, 0.5);
  const auto dZ2 = randomMatrix(prng, static_cast<long>(B) * out2, 0.5);
  const auto W2t = randomMatrix(prng, static_cast<long>(out2) * hid, 0.0);  // W2ᵀ: 64×128
  const auto bias = randomMatrix(prng, hid, 0.0);

  SparseRows<float> Xr(B, in), dZ2r(B, out2);
  SparseCols<float> Xc(B, in);
  std::vector<float> Z(B * hid), act(B * hid), dW(static_cast<long>(in) * hid, 0.0f), dA(B * hid);
  std::vector<std::uint8_t> rowState(in, kRowSum);
  EpilogueArgs<float> fwd;
  fwd.bias = bias.data();
  fwd.act = act.data();
  EpilogueArgs<float> grad;
  grad.z = dZ1.data();  // any rows×128 pre-activation

  auto packX = [&] {  // x/255 by rows and by columns in one pass, as the trainer packs a batch
    packClear(Xr, &Xc);
    for (int i = 0; i < B; ++i) packPixelRow(X.data() + static_cast<long>(i) * in, scale, Xr, &Xc);
  };
  auto packDZ = [&] {
    packClear<float>(dZ2r, nullptr);
    for (int i = 0; i < B; ++i) packRow<float>(dZ2.data() + static_cast<long>(i) * out2, dZ2r, nullptr);
  };
  auto forward = [&] {  // + bias + relu
    forwardProduct(Xr, W1.data(), hid, Z.data(), Epilogue::kBiasRelu, fwd);
  };
  auto weightGrad = [&] {  // accumulating
    weightGradProduct(Xc, dZ1.data(), hid, dW.data(), rowState.data());
  };
  auto inputGrad = [&] {  // + relu'
    inputGradProduct(dZ2r, W2t.data(), hid, dA.data(), Epilogue::kReluGrad, grad);
  };

  packX();
  packDZ();
  if (hash) {
    forward();
    weightGrad();
    weightGrad();  // accumulates
    inputGrad();
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const auto* v : {&Z, &act, &dW, &dA}) hashBytes(h, *v);
    std::printf("%016" PRIx64 "\n", h);
    return 0;
  }
  const double nzX = static_cast<double>(Xr.entries()) / (B * in);
  const double nzD = static_cast<double>(dZ2r.entries()) / (B * out2);
  const double tf = timeIt(forward, seconds);
  const double tw = timeIt(weightGrad, seconds);
  const double ti = timeIt(inputGrad, seconds);
  const double tpx = timeIt(packX, seconds / 2), tpd = timeIt(packDZ, seconds / 2);
  const double f1 = 2.0 * B * in * hid, f3 = 2.0 * B * out2 * hid;
  std::printf(
      "{\"forward\":{\"shape\":\"64x784x128\",\"gflops\":%.2f,\"us\":%.1f,\"entries\":%.3f,\"packUs\":%.1f},"
      "\"weightGrad\":{\"shape\":\"784x64x128\",\"gflops\":%.2f,\"us\":%.1f,\"entries\":%.3f,\"packUs\":0},"
      "\"inputGrad\":{\"shape\":\"64x64x128\",\"gflops\":%.2f,\"us\":%.1f,\"entries\":%.3f,\"packUs\":%.1f}}\n",
      f1 / tf * 1e-9, tf * 1e6, nzX, tpx * 1e6, f1 / tw * 1e-9, tw * 1e6, nzX, f3 / ti * 1e-9, ti * 1e6, nzD, tpd * 1e6);
  return 0;
}
