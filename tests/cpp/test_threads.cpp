// The optional threads (threads.h, TrainerSpec.threads): with 2, 3 and 4 threads the three
// products and whole training runs must give the SAME BITS as one thread. The products
// split their output columns at multiples of 32 fixed by the shape, so this holds by
// construction; these tests check it on shapes that hit every split: narrower than 64
// columns (not split), 64–129 (two or three parts and a tail), 785 and 1024 (many parts),
// batch 1 and a full chunk of 256 rows, and a dW whose rows start in every RowState.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <vector>

#include "dataset.h"
#include "errors.h"
#include "kernels.h"
#include "packing.h"
#include "prng.h"
#include "test_util.h"
#include "threads.h"
#include "trainer.h"

using namespace firstnet;

namespace {

struct Shape {
  int rows, in, out;
};
// rows × in · in × out; dA = dZ·Wᵀ has `in` output columns, so both directions are split.
const Shape kShapes[] = {{1, 1, 1},     {3, 785, 7},    {3, 7, 785},     {65, 129, 129}, {65, 64, 65},
                         {1, 784, 128}, {256, 784, 128}, {256, 128, 64}, {600, 100, 97}, {5, 3, 1024}};
const int kThreadCounts[] = {2, 3, 4};

std::vector<float> randomMatrix(Prng& prng, std::size_t n, double zeroFraction) {
  std::vector<float> m(n);
  for (auto& x : m) x = prng.uniform() < zeroFraction ? 0.0f : static_cast<float>(prng.normal());
  return m;
}

SparseRows<float> packRows(const std::vector<float>& A, int rows, int cols, SparseCols<float>* byCols = nullptr) {
  SparseRows<float> p(rows, cols);
  packClear(p, byCols);
  for (int i = 0; i < rows; ++i) packRow(A.data() + static_cast<long>(i) * cols, p, byCols);
  return p;
}

// Bitwise equality of two float arrays (EXPECT_EQ on floats would call −0 == +0 equal).
::testing::AssertionResult sameBits(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return ::testing::AssertionFailure() << "sizes " << a.size() << " vs " << b.size();
  for (std::size_t i = 0; i < a.size(); ++i)
    if (testutil::floatBits(a[i]) != testutil::floatBits(b[i]))
      return ::testing::AssertionFailure() << "element " << i << ": " << a[i] << " vs " << b[i];
  return ::testing::AssertionSuccess();
}

}  // namespace

TEST(ThreadPool, RunsEveryPartOncePerRun) {
  for (int n : {1, 2, 3, 4}) {
    ThreadPool pool(n);
    ASSERT_EQ(pool.size(), n);
    for (int parts : {1, 2, n, 7}) {
      std::vector<std::atomic<int>> hits(parts);
      for (int round = 0; round < 300; ++round) {
        auto task = [&](int p) { hits[p].fetch_add(1, std::memory_order_relaxed); };
        pool.run(parts, task);
      }
      for (int p = 0; p < parts; ++p) EXPECT_EQ(hits[p].load(), 300) << n << " threads, part " << p << " of " << parts;
    }
  }
}

TEST(ThreadPool, RejectsOutOfRangeSizes) {
  EXPECT_THROW(ThreadPool(0), std::logic_error);
  EXPECT_THROW(ThreadPool(ThreadPool::kMaxThreads + 1), std::logic_error);
}

TEST(Threads, ProductsGiveTheBitsOfOneThread) {
  Prng prng(23);
  for (const Shape& s : kShapes) {
    SCOPED_TRACE(::testing::Message() << s.rows << "x" << s.in << "x" << s.out);
    const long ni = static_cast<long>(s.rows) * s.in, no = static_cast<long>(s.rows) * s.out;
    const auto A = randomMatrix(prng, ni, 0.6);
    const auto W = randomMatrix(prng, static_cast<long>(s.in) * s.out, 0.0);
    const auto dZ = randomMatrix(prng, no, 0.3);
    const auto bias = randomMatrix(prng, s.out, 0.0);
    const auto zIn = randomMatrix(prng, ni, 0.2);
    std::vector<float> Wt(static_cast<long>(s.out) * s.in);
    for (int k = 0; k < s.in; ++k)
      for (int j = 0; j < s.out; ++j) Wt[j * s.in + k] = W[k * s.out + j];
    SparseCols<float> Ac(s.rows, s.in);
    const SparseRows<float> Ap = packRows(A, s.rows, s.in, &Ac);
    const SparseRows<float> dZp = packRows(dZ, s.rows, s.out);
    const auto dW0 = randomMatrix(prng, static_cast<long>(s.in) * s.out, 0.0);
    std::vector<std::uint8_t> state0(s.in);
    for (int k = 0; k < s.in; ++k) state0[k] = static_cast<std::uint8_t>(k % 3);  // zero, sum, stale

    // All three products with one thread (pool = nullptr) or with `pool`.
    struct Out {
      std::vector<float> z, act, dW, dA;
      std::vector<std::uint8_t> state;
    };
    auto products = [&](ThreadPool* pool) {
      Out r{std::vector<float>(no, 7.0f), std::vector<float>(no, 5.0f), dW0, std::vector<float>(ni, 3.0f), state0};
      EpilogueArgs<float> fx;
      fx.bias = bias.data();
      fx.act = r.act.data();
      forwardProduct(Ap, W.data(), s.out, r.z.data(), Epilogue::kBiasRelu, fx, pool);
      weightGradProduct(Ac, dZ.data(), s.out, r.dW.data(), r.state.data(), pool);
      // a second chunk continues the sums (rows now kRowSum)
      weightGradProduct(Ac, dZ.data(), s.out, r.dW.data(), r.state.data(), pool);
      EpilogueArgs<float> bx;
      bx.z = zIn.data();
      inputGradProduct(dZp, Wt.data(), s.in, r.dA.data(), Epilogue::kReluGrad, bx, pool);
      return r;
    };
    const Out one = products(nullptr);
    for (int n : kThreadCounts) {
      SCOPED_TRACE(::testing::Message() << n << " threads");
      ThreadPool pool(n);
      const Out many = products(&pool);
      EXPECT_TRUE(sameBits(one.z, many.z));
      EXPECT_TRUE(sameBits(one.act, many.act));
      EXPECT_TRUE(sameBits(one.dW, many.dW));
      EXPECT_EQ(one.state, many.state);
      EXPECT_TRUE(sameBits(one.dA, many.dA));
    }
  }
}

namespace {

// Losses of `steps` steps and the final parameters of the chapter's network.
struct TrainingRun {
  std::vector<double> losses;
  std::vector<float> params;
};

TrainingRun train(const Dataset& d, double batch, int steps, int threads, const char* optimizer = "sgd") {
  TrainerSpec spec = testutil::smallSpec("784,128,64,10", batch, 3);
  spec.optimizer = optimizer;
  spec.momentum = 0.9;
  spec.threads = threads;
  Trainer t(spec);
  TrainingRun r;
  while (static_cast<int>(r.losses.size()) < steps)
    if (t.advance(d, d.count())) r.losses.push_back(t.lastLoss());
  for (int l = 0; l < t.layerCount(); ++l) {
    const int in = t.layerIn(l), out = t.layerOut(l);
    std::vector<float> W(static_cast<std::size_t>(in) * out), b(out);
    t.getParams(l, W.data(), b.data());
    r.params.insert(r.params.end(), W.begin(), W.end());
    r.params.insert(r.params.end(), b.begin(), b.end());
  }
  return r;
}

}  // namespace

TEST(Threads, TrainingGivesTheBitsOfOneThread) {
  Dataset d(600);
  testutil::fillSynthetic(d, 600);
  // batch 64 (the default), batch 1, 300 (a step over two chunks of 256 + 44) and the full
  // batch; momentum once (it updates every row, not only the touched ones).
  struct Case {
    double batch;
    int steps;
    const char* optimizer;
  };
  for (const Case& c : {Case{64, 12, "sgd"}, Case{1, 20, "sgd"}, Case{300, 4, "sgd"}, Case{0, 2, "sgd"},
                        Case{64, 6, "momentum"}}) {
    SCOPED_TRACE(::testing::Message() << "batch " << c.batch << " " << c.optimizer);
    const TrainingRun one = train(d, c.batch, c.steps, 1, c.optimizer);
    for (int n : kThreadCounts) {
      SCOPED_TRACE(::testing::Message() << n << " threads");
      const TrainingRun many = train(d, c.batch, c.steps, n, c.optimizer);
      ASSERT_EQ(one.losses.size(), many.losses.size());
      for (std::size_t i = 0; i < one.losses.size(); ++i)
        EXPECT_EQ(testutil::doubleBits(one.losses[i]), testutil::doubleBits(many.losses[i])) << "step " << i;
      EXPECT_TRUE(sameBits(one.params, many.params));
    }
  }
}

TEST(Threads, SpecRejectsBadThreadCounts) {
  for (double bad : {0.0, -1.0, 1.5, 9.0}) {
    TrainerSpec spec = testutil::smallSpec();
    spec.threads = bad;
    EXPECT_THROW(Trainer{spec}, InvalidArgument) << bad;
  }
}
