// The native reference trainer of the performance issue: the chapter's 784-128-64-10 ReLU
// network, softmax cross-entropy, plain SGD, written the way a C++ programmer would in an
// afternoon — plain Eigen products, preallocated matrices, -O3 -march=native (AVX2/AVX-512,
// FMA). It is NOT the project's core and not deterministic across targets; it is the
// yardstick the wasm build is measured against. Speaks bench/runner_loop.h's protocol.
//
//   eigen_reference <mnist-dir/>
//
// Shapes (B = batch):  X: B×784   W1: 784×128   W2: 128×64   W3: 64×10   (row-major, x·W)
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>
#include <vector>

#include "mnist_idx.h"
#include "runner_loop.h"

namespace {

using Mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowVec = Eigen::RowVectorXf;

struct EigenTrainer {
  const bench::Mnist& data;
  float lr = 0;
  std::mt19937 rng{42};
  std::vector<int> order;
  std::size_t pos = 0;
  int B = 0;
  Mat W1, W2, W3, dW1, dW2, dW3;
  RowVec b1, b2, b3, db1, db2, db3;
  Mat X, Z1, A1, Z2, A2, Z3, P, dZ3, dA2, dZ2, dA1, dZ1;
  std::vector<int> y;

  explicit EigenTrainer(const bench::Mnist& d) : data(d) {
    order.resize(d.count);
    std::iota(order.begin(), order.end(), 0);
  }

  void configure(int batch, float learningRate) {
    if (batch == B && learningRate == lr) return;
    B = batch;
    lr = learningRate;
    X.resize(B, 784);
    y.resize(B);
    auto he = [&](int in, int out) {  // He normal: N(0, 2/in)
      std::normal_distribution<float> n(0.0f, std::sqrt(2.0f / in));
      Mat W(in, out);
      for (int i = 0; i < W.size(); ++i) W.data()[i] = n(rng);
      return W;
    };
    W1 = he(784, 128);
    W2 = he(128, 64);
    W3 = he(64, 10);
    b1 = RowVec::Zero(128);
    b2 = RowVec::Zero(64);
    b3 = RowVec::Zero(10);
    std::shuffle(order.begin(), order.end(), rng);
    pos = 0;
  }

  double step() {
    if (pos + B > order.size()) {  // new epoch
      std::shuffle(order.begin(), order.end(), rng);
      pos = 0;
    }
    for (int r = 0; r < B; ++r) {  // gather + scale the batch
      const int row = order[pos + r];
      y[r] = data.labels[row];
      const std::uint8_t* src = data.images.data() + static_cast<std::size_t>(row) * 784;
      float* dst = X.row(r).data();
      for (int p = 0; p < 784; ++p) dst[p] = src[p] * (1.0f / 255.0f);
    }
    pos += B;

    // forward
    Z1.noalias() = X * W1;
    Z1.rowwise() += b1;
    A1 = Z1.cwiseMax(0.0f);
    Z2.noalias() = A1 * W2;
    Z2.rowwise() += b2;
    A2 = Z2.cwiseMax(0.0f);
    Z3.noalias() = A2 * W3;
    Z3.rowwise() += b3;
    P = (Z3.colwise() - Z3.rowwise().maxCoeff()).array().exp().matrix();
    const Eigen::VectorXf sums = P.rowwise().sum();
    double loss = 0;
    for (int r = 0; r < B; ++r) {
      P.row(r) /= sums(r);
      loss -= std::log(std::max(P(r, y[r]), 1e-30f));
    }

    // backward: dZ3 = (P − onehot)/B
    dZ3 = P;
    for (int r = 0; r < B; ++r) dZ3(r, y[r]) -= 1.0f;
    dZ3 /= static_cast<float>(B);
    dW3.noalias() = A2.transpose() * dZ3;
    db3 = dZ3.colwise().sum();
    dA2.noalias() = dZ3 * W3.transpose();
    dZ2 = (Z2.array() > 0.0f).select(dA2, 0.0f);
    dW2.noalias() = A1.transpose() * dZ2;
    db2 = dZ2.colwise().sum();
    dA1.noalias() = dZ2 * W2.transpose();
    dZ1 = (Z1.array() > 0.0f).select(dA1, 0.0f);
    dW1.noalias() = X.transpose() * dZ1;
    db1 = dZ1.colwise().sum();

    // SGD
    W1 -= lr * dW1;
    W2 -= lr * dW2;
    W3 -= lr * dW3;
    b1 -= lr * db1;
    b2 -= lr * db2;
    b3 -= lr * db3;
    return loss / B;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: eigen_reference <mnist-dir/>\n");
    return 2;
  }
  const bench::Mnist data = bench::loadTrain(argv[1]);
  EigenTrainer t(data);
  return bench::serve(t);
}
