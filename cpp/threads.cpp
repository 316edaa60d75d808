#include "threads.h"

#include <stdexcept>

#if FIRSTNET_HAS_THREADS && defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace firstnet {

#if !FIRSTNET_HAS_THREADS

ThreadPool::ThreadPool(int threads) {
  // spec.cpp refuses threads ≠ 1 in this build before a Trainer gets here.
  if (threads != 1) throw std::logic_error("ThreadPool: this build has no threads");
}
ThreadPool::~ThreadPool() = default;

#else

namespace {

// A spinning thread's breather: PAUSE on x86 (kinder to the sibling hyperthread); nothing
// to emit under wasm.
inline void cpuRelax() {
#if defined(__SSE2__)
  _mm_pause();
#endif
}

// A waiting thread first spins (kSpins PAUSEs, some µs: the gaps between the products of
// a step are shorter than a sleep/wake round trip), then yields its core kYields times (a
// machine with fewer free cores than threads must let the others run), and only then
// does a worker sleep on the condition variable (training has stopped).
constexpr int kSpins = 2000;
constexpr int kYields = 2000;

// One wait step of a spinning thread, i = 0, 1, …: true while it should keep spinning.
inline bool spinOrYield(int i) {
  if (i < kSpins) {
    cpuRelax();
    return true;
  }
  std::this_thread::yield();
  return i < kSpins + kYields;
}

}  // namespace

ThreadPool::ThreadPool(int threads) {
  // Internal invariant: spec.cpp has validated TrainerSpec.threads.
  if (threads < 1 || threads > kMaxThreads) throw std::logic_error("ThreadPool: threads out of range");
  workers_.reserve(static_cast<std::size_t>(threads - 1));
  for (int t = 1; t < threads; ++t) workers_.emplace_back([this, t] { workerLoop(t); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_.store(true, std::memory_order_relaxed);  // published by the release below
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  for (std::thread& w : workers_) w.join();
}

void ThreadPool::runRaw(RawTask fn, void* ctx) noexcept {
  if (workers_.empty()) {
    fn(ctx, 0);
    return;
  }
  fn_ = fn;
  ctx_ = ctx;
  pending_.store(static_cast<int>(workers_.size()), std::memory_order_relaxed);
  {
    // Under the mutex, so a worker between its last check and its wait cannot miss it.
    std::lock_guard<std::mutex> lock(mutex_);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  fn(ctx, 0);
  for (int i = 0; pending_.load(std::memory_order_acquire) != 0; i = i < kSpins ? i + 1 : kSpins) spinOrYield(i);
}

void ThreadPool::workerLoop(int t) noexcept {
  unsigned seen = 0;
  for (;;) {
    unsigned g = generation_.load(std::memory_order_acquire);
    for (int i = 0; g == seen && spinOrYield(i); ++i) g = generation_.load(std::memory_order_acquire);
    if (g == seen) {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
      g = generation_.load(std::memory_order_acquire);
    }
    if (stop_.load(std::memory_order_acquire)) return;
    seen = g;
    fn_(ctx_, t);
    pending_.fetch_sub(1, std::memory_order_release);
  }
}

#endif  // FIRSTNET_HAS_THREADS

}  // namespace firstnet
