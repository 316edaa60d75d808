// No allocation in the training step after the first step: this binary replaces the global
// operator new with one that counts, warms a trainer up, and asserts that further
// advance/evaluate/predict/diagnostics calls (across an epoch boundary too) allocate nothing,
// with one thread and with a two-thread pool (TrainerSpec.threads).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "dataset.h"
#include "test_util.h"
#include "trainer.h"

namespace {
std::atomic<long> gAllocations{0};
}

void* operator new(std::size_t n) {
  gAllocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

using namespace firstnet;

TEST(NoAllocation, AdvanceAfterWarmUp) {
  for (double batch : {64.0, 1.0, 0.0}) {
    for (const char* opt : {"sgd", "momentum"}) {
      for (double threads : {1.0, 2.0}) {  // the pool's threads start in the constructor
        Dataset d(700);
        testutil::fillSynthetic(d, 700);
        TrainerSpec spec = testutil::smallSpec("784,128,16,10", batch);  // 128: split by threads
        spec.optimizer = opt;
        spec.threads = threads;
        Trainer t(spec);
        std::vector<float> probs(700 * 10);
        std::vector<std::int32_t> confusion(100);
        float p[10];
        while (!t.advance(d, 700)) {
        }  // warm-up: the first step (the epoch order is allocated here)
        const long before = gAllocations.load();
        const std::int64_t target = t.steps() + (batch == 0 ? 3 : 30);
        while (t.steps() < target) t.advance(d, 700);
        t.evaluate(d, 0, 700, probs.data(), confusion.data());
        t.predict(d.images(), p);
        t.diagnostics(1);
        for (int i = 0; i < 20 && batch == 64; ++i) t.advance(d, 700);  // crosses epoch ends
        EXPECT_EQ(gAllocations.load() - before, 0) << "batch " << batch << " " << opt << " threads " << threads;
        EXPECT_GE(t.epochs(), batch == 64 ? 1 : 0);
      }
    }
  }
}
