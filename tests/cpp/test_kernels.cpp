// The three products (kernels.h) and their packing (packing.h) against naive triple loops
// that sum each element in the same ascending order with NO zero skipping: the results
// must be bit-identical — the kernels only drop exact zeros and reorder ACROSS elements.
// Shapes are chosen to hit every panel width and tail: 1×1, 3×785 (just above MNIST's
// fan-in), 65×129 (one past SIMD and row multiples), batch 1 and batch 256 of the chapter's
// first layer, and a full batch of 600 rows in one call.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels.h"
#include "packing.h"
#include "prng.h"

using namespace firstnet;

namespace {

struct Shape {
  int rows, in, out;
};
const Shape kShapes[] = {{1, 1, 1},     {3, 785, 7},     {65, 129, 33}, {2, 5, 130}, {7, 64, 10},
                         {1, 784, 128}, {256, 784, 128}, {600, 100, 37}, {5, 3, 61}};

template <typename T>
std::vector<T> randomMatrix(Prng& prng, std::size_t n, double zeroFraction) {
  std::vector<T> m(n);
  for (auto& x : m) x = prng.uniform() < zeroFraction ? T(0) : static_cast<T>(prng.normal());
  return m;
}

template <typename T>
SparseRows<T> packRows(const std::vector<T>& A, int rows, int cols, SparseCols<T>* byCols = nullptr) {
  SparseRows<T> p(rows, cols);
  packClear(p, byCols);
  for (int i = 0; i < rows; ++i) packRow(A.data() + static_cast<long>(i) * cols, p, byCols);
  return p;
}

// The scalar epilogue the unfused code applied after the product (network.cpp before the
// fusion: bias add, relu, activationBackward).
template <typename T>
T reference(Epilogue e, T s, long o, int j, const EpilogueArgs<T>& x, T* act) {
  switch (e) {
    case Epilogue::kStore: return s;
    case Epilogue::kBias: return s + x.bias[j];
    case Epilogue::kBiasRelu: {
      const T z = s + x.bias[j];
      *act = z > T(0) ? z : T(0);
      return z;
    }
    case Epilogue::kReluGrad: return x.z[o] > T(0) ? s : T(0);
    case Epilogue::kSigmoidGrad: return s * (x.a[o] * (T(1) - x.a[o]));
    case Epilogue::kTanhGrad: return s * (T(1) - x.a[o] * x.a[o]);
  }
  return s;
}

const Epilogue kEpilogues[] = {Epilogue::kStore,    Epilogue::kBias,         Epilogue::kBiasRelu,
                               Epilogue::kReluGrad, Epilogue::kSigmoidGrad, Epilogue::kTanhGrad};

template <typename T>
void checkShapes() {
  Prng prng(11);
  for (const Shape& s : kShapes) {
    SCOPED_TRACE(::testing::Message() << s.rows << "x" << s.in << "x" << s.out);
    const long ni = static_cast<long>(s.rows) * s.in, no = static_cast<long>(s.rows) * s.out;
    const auto A = randomMatrix<T>(prng, ni, 0.6);                          // rows×in, with zeros
    const auto W = randomMatrix<T>(prng, static_cast<long>(s.in) * s.out, 0.0);  // in×out
    const auto dZ = randomMatrix<T>(prng, no, 0.3);                         // rows×out
    const auto bias = randomMatrix<T>(prng, std::max(s.out, s.in), 0.0);
    const auto zIn = randomMatrix<T>(prng, ni, 0.2);  // a pre-activation, rows×in
    std::vector<T> aIn(ni);                          // an activation in (0, 1)
    for (auto& v : aIn) v = static_cast<T>(prng.uniform());
    SparseCols<T> Ac(s.rows, s.in);
    const SparseRows<T> Ap = packRows(A, s.rows, s.in, &Ac);  // both forms in one pass

    // Z = A·W with every epilogue
    for (Epilogue e : {Epilogue::kStore, Epilogue::kBias, Epilogue::kBiasRelu}) {
      std::vector<T> Z(no, T(7)), act(no, T(5));
      EpilogueArgs<T> x;
      x.bias = bias.data();
      x.act = act.data();
      forwardProduct(Ap, W.data(), s.out, Z.data(), e, x);
      for (int i = 0; i < s.rows; ++i)
        for (int j = 0; j < s.out; ++j) {
          T sum = 0;
          for (int k = 0; k < s.in; ++k) sum += A[i * s.in + k] * W[k * s.out + j];
          const long o = static_cast<long>(i) * s.out + j;
          T refAct = T(5);
          ASSERT_EQ(Z[o], reference(e, sum, o, j, x, &refAct)) << int(e) << " " << i << "," << j;
          ASSERT_EQ(act[o], refAct) << i << "," << j;
        }
    }

    // dW += Aᵀ·dZ from a non-zero dW (rows in state kRowSum), in one call and in chunks
    // of 4 rows; and from stale rows (kRowStale: logically +0), which must be overwritten.
    const auto dW0 = randomMatrix<T>(prng, static_cast<long>(s.in) * s.out, 0.0);
    auto dW = dW0;
    std::vector<std::uint8_t> state(s.in, kRowSum);
    weightGradProduct(Ac, dZ.data(), s.out, dW.data(), state.data());
    std::vector<T> fresh(static_cast<long>(s.in) * s.out);  // Aᵀ·dZ from +0
    for (int k = 0; k < s.in; ++k) {
      for (int j = 0; j < s.out; ++j) {
        T sum = dW0[k * s.out + j], sum0 = 0;
        for (int i = 0; i < s.rows; ++i) {
          sum += A[i * s.in + k] * dZ[i * s.out + j];
          sum0 += A[i * s.in + k] * dZ[i * s.out + j];
        }
        ASSERT_EQ(dW[k * s.out + j], sum) << k << "," << j;
        fresh[k * s.out + j] = sum0;
      }
      ASSERT_EQ(state[k], kRowSum) << k;
    }
    auto dWchunked = dW0;
    for (int first = 0; first < s.rows; first += 4) {
      const int r = std::min(4, s.rows - first);
      const std::vector<T> part(A.begin() + first * s.in, A.begin() + (first + r) * s.in);
      SparseCols<T> pc(r, s.in);
      transpose(packRows(part, r, s.in), pc);
      weightGradProduct(pc, dZ.data() + first * s.out, s.out, dWchunked.data(), state.data());
    }
    ASSERT_EQ(dWchunked, dW);
    auto dWstale = dW0;  // every row stale: touched rows become Aᵀ·dZ, the rest stay stale
    std::fill(state.begin(), state.end(), kRowStale);
    weightGradProduct(Ac, dZ.data(), s.out, dWstale.data(), state.data());
    for (int k = 0; k < s.in; ++k) {
      const bool touched = Ac.count[k] > 0;
      ASSERT_EQ(state[k], touched ? kRowSum : kRowStale) << k;
      for (int j = 0; j < s.out; ++j)
        ASSERT_EQ(dWstale[k * s.out + j], touched ? fresh[k * s.out + j] : dW0[k * s.out + j]) << k << "," << j;
    }

    // dA = dZ·Wᵀ through the stored transpose, with every epilogue
    std::vector<T> Wt(static_cast<long>(s.out) * s.in);
    for (int k = 0; k < s.in; ++k)
      for (int j = 0; j < s.out; ++j) Wt[j * s.in + k] = W[k * s.out + j];
    const SparseRows<T> dZp = packRows(dZ, s.rows, s.out);
    for (Epilogue e : kEpilogues) {
      if (e == Epilogue::kBiasRelu) continue;  // a forward epilogue
      std::vector<T> dA(ni, T(3));
      EpilogueArgs<T> x;
      x.bias = bias.data();
      x.z = zIn.data();
      x.a = aIn.data();
      inputGradProduct(dZp, Wt.data(), s.in, dA.data(), e, x);
      for (int i = 0; i < s.rows; ++i)
        for (int k = 0; k < s.in; ++k) {
          T sum = 0;
          for (int j = 0; j < s.out; ++j) sum += dZ[i * s.out + j] * W[k * s.out + j];
          const long o = static_cast<long>(i) * s.in + k;
          ASSERT_EQ(dA[o], reference(e, sum, o, k, x, static_cast<T*>(nullptr))) << int(e) << " " << i << "," << k;
        }
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

TEST(Kernels, ZeroRowsGiveTheBiasAndPositiveZero) {
  std::vector<float> A(3 * 4, 0.0f), W(4 * 5, 1.0f), Z(3 * 5, 9.0f), b(5, -0.0f);
  forwardProduct(packRows(A, 3, 4), W.data(), 5, Z.data());
  for (float z : Z) {
    EXPECT_EQ(z, 0.0f);
    EXPECT_FALSE(std::signbit(z));
  }
  EpilogueArgs<float> x;
  x.bias = b.data();
  forwardProduct(packRows(A, 3, 4), W.data(), 5, Z.data(), Epilogue::kBias, x);
  for (float z : Z) EXPECT_FALSE(std::signbit(z));  // +0 + −0 = +0, as unfused
}

TEST(Packing, PixelRowsEqualScaledDenseRows) {
  Prng prng(3);
  float scale[256];
  for (int v = 0; v < 256; ++v) scale[v] = static_cast<float>(v) / 255.0f;
  const int rows = 9, cols = 787;  // not a multiple of the 8-pixel groups
  std::vector<std::uint8_t> px(rows * cols);
  for (auto& p : px) p = prng.uniform() < 0.8 ? 0 : static_cast<std::uint8_t>(prng.bounded(256));
  std::fill(px.begin() + cols, px.begin() + 2 * cols, 0);  // an all-zero row
  std::vector<float> dense(px.size());
  for (std::size_t i = 0; i < px.size(); ++i) dense[i] = scale[px[i]];
  SparseRows<float> a(rows, cols), b(rows, cols);
  SparseCols<float> ac(rows, cols), bc(rows, cols);
  packClear(a, &ac);
  packClear(b, &bc);
  for (int r = 0; r < rows; ++r) {
    packPixelRow(px.data() + r * cols, scale, a, &ac);
    packRow(dense.data() + r * cols, b, &bc);
  }
  ASSERT_EQ(a.rows, rows);
  EXPECT_EQ(ac.count, bc.count);
  EXPECT_EQ(ac.index, bc.index);
  EXPECT_EQ(ac.value, bc.value);
  EXPECT_EQ(a.start, b.start);
  EXPECT_EQ(a.start[2], a.start[1]);  // the zero row has no entries
  for (int e = 0; e < a.entries(); ++e) {
    ASSERT_EQ(a.index[e], b.index[e]);
    ASSERT_EQ(a.value[e], b.value[e]);
    ASSERT_NE(a.value[e], 0.0f);
  }
}

TEST(Packing, TransposeKeepsRowsAscendingAndNaNs) {
  const float nan = std::nanf("");
  const std::vector<float> A = {0, 2, 0, nan, 0, 7,  //
                                1, 0, 0, 3,   0, 0,  //
                                0, 4, 0, 5,   0, 8};
  SparseCols<float> c(3, 6), packed(3, 6);
  const SparseRows<float> r = packRows(A, 3, 6, &packed);
  EXPECT_EQ(r.start, (std::vector<int>{0, 3, 5, 8}));
  EXPECT_EQ(std::vector<int>(r.index.begin(), r.index.begin() + 8), (std::vector<int>{1, 3, 5, 0, 3, 1, 3, 5}));
  transpose(r, c);
  EXPECT_EQ(c.rows, 3);
  EXPECT_EQ(c.count, (std::vector<int>{1, 2, 0, 3, 0, 2}));
  auto col = [&](int k) { return std::vector<int>(c.index.begin() + c.first(k), c.index.begin() + c.first(k) + c.count[k]); };
  EXPECT_EQ(col(1), (std::vector<int>{0, 2}));
  EXPECT_EQ(col(3), (std::vector<int>{0, 1, 2}));
  EXPECT_TRUE(std::isnan(c.value[c.first(3)]));  // NaN is not a zero: kept, so it propagates
  EXPECT_EQ(c.value[c.first(5) + 1], 8.0f);
  EXPECT_EQ(packed.count, c.count);  // packing by columns directly = the transpose
  for (int k = 0; k < 6; ++k)
    for (int e = 0; e < c.count[k]; ++e) EXPECT_EQ(packed.index[c.first(k) + e], c.index[c.first(k) + e]);
}
