// The three products against naive triple loops that sum each element in the same k order:
// the results must be bit-identical (the kernels only reorder ACROSS elements).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels.h"
#include "prng.h"

using namespace firstnet;

namespace {

struct Shape {
  int rows, in, out;
};
// 1×1, 3×785 (an odd fan-in just above MNIST's), 65×129 (one past SIMD/row multiples) …
const Shape kShapes[] = {{1, 1, 1}, {3, 785, 7}, {65, 129, 33}, {2, 5, 130}, {7, 64, 10}};

template <typename T>
std::vector<T> randomMatrix(Prng& prng, int n, double zeroFraction) {
  std::vector<T> m(n);
  for (auto& x : m) x = prng.uniform() < zeroFraction ? T(0) : static_cast<T>(prng.normal());
  return m;
}

template <typename T>
void checkShapes() {
  Prng prng(11);
  for (const Shape& s : kShapes) {
    SCOPED_TRACE(::testing::Message() << s.rows << "x" << s.in << "x" << s.out);
    auto A = randomMatrix<T>(prng, s.rows * s.in, 0.4);    // rows×in, with zeros
    auto W = randomMatrix<T>(prng, s.in * s.out, 0.0);     // in×out
    auto dZ = randomMatrix<T>(prng, s.rows * s.out, 0.3);  // rows×out

    // Z = A·W
    std::vector<T> Z(s.rows * s.out, T(7));
    forwardProduct(A.data(), W.data(), Z.data(), s.rows, s.in, s.out);
    for (int i = 0; i < s.rows; ++i)
      for (int j = 0; j < s.out; ++j) {
        T acc = 0;
        for (int k = 0; k < s.in; ++k) acc += A[i * s.in + k] * W[k * s.out + j];
        ASSERT_EQ(Z[i * s.out + j], acc) << i << "," << j;
      }

    // dW += Aᵀ·dZ, starting from a non-zero dW
    auto dW0 = randomMatrix<T>(prng, s.in * s.out, 0.0);
    auto dW = dW0;
    weightGradProduct(A.data(), dZ.data(), dW.data(), s.rows, s.in, s.out);
    for (int k = 0; k < s.in; ++k)
      for (int j = 0; j < s.out; ++j) {
        T acc = dW0[k * s.out + j];
        for (int i = 0; i < s.rows; ++i) acc += A[i * s.in + k] * dZ[i * s.out + j];
        ASSERT_EQ(dW[k * s.out + j], acc) << k << "," << j;
      }

    // Splitting the rows into chunks continues the same sums: identical bits.
    auto dWchunked = dW0;
    for (int first = 0; first < s.rows; first += 4) {
      const int r = std::min(4, s.rows - first);
      weightGradProduct(A.data() + first * s.in, dZ.data() + first * s.out, dWchunked.data(), r,
                        s.in, s.out);
    }
    ASSERT_EQ(dWchunked, dW);

    // dA = dZ·Wᵀ through the stored transpose
    std::vector<T> Wt(s.out * s.in);
    for (int k = 0; k < s.in; ++k)
      for (int j = 0; j < s.out; ++j) Wt[j * s.in + k] = W[k * s.out + j];
    std::vector<T> dA(s.rows * s.in, T(3));
    inputGradProduct(dZ.data(), Wt.data(), dA.data(), s.rows, s.out, s.in);
    for (int i = 0; i < s.rows; ++i)
      for (int k = 0; k < s.in; ++k) {
        T acc = 0;
        for (int j = 0; j < s.out; ++j) acc += dZ[i * s.out + j] * W[k * s.out + j];
        ASSERT_EQ(dA[i * s.in + k], acc) << i << "," << k;
      }

    // db += column sums
    std::vector<T> db(s.out, T(0.5));
    columnSumAccumulate(dZ.data(), db.data(), s.rows, s.out);
    for (int j = 0; j < s.out; ++j) {
      T acc = T(0.5);
      for (int i = 0; i < s.rows; ++i) acc += dZ[i * s.out + j];
      ASSERT_EQ(db[j], acc);
    }
  }
}

}  // namespace

TEST(Kernels, FloatMatchesNaiveLoopsBitForBit) { checkShapes<float>(); }
TEST(Kernels, DoubleMatchesNaiveLoopsBitForBit) { checkShapes<double>(); }

TEST(Kernels, ZeroRowsLeaveOutputZero) {
  std::vector<float> A(3 * 4, 0.0f), W(4 * 5, 1.0f), Z(3 * 5, 9.0f);
  forwardProduct(A.data(), W.data(), Z.data(), 3, 4, 5);
  for (float z : Z) {
    EXPECT_EQ(z, 0.0f);
    EXPECT_FALSE(std::signbit(z));
  }
}
