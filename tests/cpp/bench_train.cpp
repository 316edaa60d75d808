// Training throughput (Google Benchmark): samples/s of advance() for the chapter's network
// at a few batch sizes, on synthetic data with MNIST-like sparsity. Not run by ctest:
//   build/native/firstnet_bench
#include <benchmark/benchmark.h>

#include "dataset.h"
#include "test_util.h"
#include "trainer.h"

using namespace firstnet;

static void BM_Advance(benchmark::State& state) {
  const int n = 4096;
  Dataset d(n);
  testutil::fillSynthetic(d, n);
  TrainerSpec spec;
  spec.layers = "784,128,64,10";
  spec.batch = static_cast<double>(state.range(0));
  spec.lr = 0.01;
  Trainer t(spec);
  for (int i = 0; i < 10; ++i) t.advance(d, n);  // warm-up
  const std::int64_t before = t.samplesSeen();
  for (auto _ : state) t.advance(d, n);
  state.counters["samples/s"] =
      benchmark::Counter(static_cast<double>(t.samplesSeen() - before), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Advance)->Arg(1)->Arg(64)->Arg(256)->Unit(benchmark::kMicrosecond);

static void BM_Evaluate(benchmark::State& state) {
  Dataset d(2048);
  testutil::fillSynthetic(d, 2048);
  Trainer t(TrainerSpec{});
  for (auto _ : state) benchmark::DoNotOptimize(t.evaluate(d, 0, 2048, nullptr, nullptr));
  state.counters["samples/s"] = benchmark::Counter(2048.0 * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Evaluate)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
