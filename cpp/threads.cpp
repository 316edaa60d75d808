#include "threads.h"

#include <stdexcept>

#if FIRSTNET_HAS_THREADS && defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace firstnet {

#if FIRSTNET_HAS_THREADS  // else nothing: makeThreadPool never makes one (threads.h)

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
// does a worker sleep on the condition variable (training has stopped). The caller, whose
// wait is for parts already running, spins and then yields for as long as it takes.
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

// The fields of ThreadPool::state_.
inline std::uint32_t generationOf(std::uint64_t s) { return static_cast<std::uint32_t>(s >> 32); }
inline int partsOf(std::uint64_t s) { return static_cast<int>((s >> 16) & 0xffff); }
inline int nextOf(std::uint64_t s) { return static_cast<int>(s & 0xffff); }

}  // namespace

ThreadPool::ThreadPool(int threads) {
  // Internal invariant: spec.cpp has validated TrainerSpec.threads.
  if (threads < 1 || threads > kMaxThreads) throw std::logic_error("ThreadPool: threads out of range");
  workers_.reserve(static_cast<std::size_t>(threads - 1));
  for (int t = 1; t < threads; ++t) workers_.emplace_back([this] { workerLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_.store(true, std::memory_order_relaxed);  // published by the release below
    state_.store((static_cast<std::uint64_t>(generationOf(state_.load()) + 1) << 32), std::memory_order_release);
  }
  wake_.notify_all();
  for (std::thread& w : workers_) w.join();
}

void ThreadPool::claimParts(std::uint32_t g) noexcept {
  std::uint64_t s = state_.load(std::memory_order_acquire);
  while (generationOf(s) == g && nextOf(s) < partsOf(s)) {
    if (!state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel, std::memory_order_acquire)) continue;
    // Claimed part nextOf(s) of run g: the caller waits for it, so fn_ and ctx_ stay.
    fn_(ctx_, nextOf(s));
    done_.fetch_add(1, std::memory_order_release);
    s = state_.load(std::memory_order_acquire);
  }
}

void ThreadPool::runRaw(RawTask fn, void* ctx, int parts) noexcept {
  if (workers_.empty() || parts == 1) {
    for (int p = 0; p < parts; ++p) fn(ctx, p);
    return;
  }
  // Every part of the last run is done, so no worker reads fn_, ctx_ or done_ now.
  fn_ = fn;
  ctx_ = ctx;
  done_.store(0, std::memory_order_relaxed);
  const std::uint32_t g = generationOf(state_.load(std::memory_order_relaxed)) + 1;
  {
    // Under the mutex, so a worker between its last check and its wait cannot miss it.
    std::lock_guard<std::mutex> lock(mutex_);
    state_.store(static_cast<std::uint64_t>(g) << 32 | static_cast<std::uint64_t>(parts) << 16,
                 std::memory_order_release);
  }
  wake_.notify_all();
  claimParts(g);
  for (int i = 0; done_.load(std::memory_order_acquire) != parts; i = i < kSpins ? i + 1 : kSpins) spinOrYield(i);
}

void ThreadPool::workerLoop() noexcept {
  std::uint32_t seen = 0;
  for (;;) {
    std::uint32_t g = generationOf(state_.load(std::memory_order_acquire));
    for (int i = 0; g == seen && spinOrYield(i); ++i) g = generationOf(state_.load(std::memory_order_acquire));
    if (g == seen) {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return generationOf(state_.load(std::memory_order_acquire)) != seen; });
      g = generationOf(state_.load(std::memory_order_acquire));
    }
    if (stop_.load(std::memory_order_acquire)) return;
    seen = g;
    claimParts(g);
  }
}

#endif  // FIRSTNET_HAS_THREADS

}  // namespace firstnet
