// ThreadPool: a fixed set of worker threads that run one task at a time, for the optional
// threaded build (TrainerSpec.threads > 1). Created once per Trainer; run() allocates
// nothing, so a training step stays allocation-free (tests/cpp/test_no_alloc.cpp).
//
// The pool decides nothing about WHAT is computed: run(parts, task) calls task(p) once for
// every part p in [0, parts) and returns when all have finished. The kernels make part p
// a range of output columns fixed by the column count and the thread count only
// (kernels.cpp), so the result is bit-identical to one thread whoever runs which part.
//
// Hand-off: run() publishes the task in one atomic word (generation, part count, next
// part); the caller and every awake worker claim parts from it until none is left, and the
// caller waits only for parts already claimed. So a worker the OS has not scheduled (a
// machine with fewer free cores than threads) costs nothing but its share: the caller
// runs its parts. An idle worker spins for a short while (a product at batch 64 lasts
// ~5–50 µs, less than a sleep/wake round trip), then yields, then sleeps on a condition
// variable. With size() = 1 no thread is created and run() is a plain loop.
//
// Under Emscripten this needs -pthread and PTHREAD_POOL_SIZE ≥ size() − 1 (a std::thread
// beyond the pre-created workers waits for the event loop and never starts — TOOLCHAIN.md).
// The default wasm module is built without -pthread: there FIRSTNET_HAS_THREADS is 0,
// makeThreadPool always returns null and the kernels never split (kernels.cpp), so no
// thread code reaches the shipped module; threads.cpp compiles to nothing.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define FIRSTNET_HAS_THREADS 0
#else
#define FIRSTNET_HAS_THREADS 1
#endif

namespace firstnet {

class ThreadPool {
 public:
  /// Upper bound of TrainerSpec.threads (spec.h): more would not help a 128-column layer.
  /// The threaded wasm module (CMakeLists.txt, firstnet-core-mt) has a fixed pool of
  /// PTHREAD_POOL_SIZE = 2 × (FIRSTNET_WASM_THREADS − 1) workers (two live trainers), and
  /// no more may be started.
#if defined(__EMSCRIPTEN__) && defined(FIRSTNET_WASM_THREADS)
  static constexpr int kMaxThreads = FIRSTNET_WASM_THREADS;
#else
  static constexpr int kMaxThreads = 8;
#endif

#if FIRSTNET_HAS_THREADS
  /// threads in [1, kMaxThreads]; starts threads − 1 workers.
  explicit ThreadPool(int threads);
  ~ThreadPool();
#else
  ThreadPool() = default;  // never made (makeThreadPool), but Trainer's unique_ptr names it
#endif
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

#if FIRSTNET_HAS_THREADS
  int size() const { return static_cast<int>(workers_.size()) + 1; }
#else
  int size() const { return 1; }
#endif

  /// task(p) once for every part p in [0, parts), on this thread and the workers, in no
  /// particular order; returns when all are done. parts in [1, 65535]; task must not throw
  /// (the kernels are noexcept). Not re-entrant: one run at a time.
  template <typename Task>
  void run(int parts, Task& task) noexcept {
#if FIRSTNET_HAS_THREADS
    runRaw([](void* c, int p) { (*static_cast<Task*>(c))(p); }, &task, parts);
#else
    for (int p = 0; p < parts; ++p) task(p);
#endif
  }

#if FIRSTNET_HAS_THREADS
 private:
  using RawTask = void (*)(void*, int);
  void runRaw(RawTask fn, void* ctx, int parts) noexcept;
  /// Claims and runs parts of generation g until none is left or a new run began.
  void claimParts(std::uint32_t g) noexcept;
  void workerLoop() noexcept;

  std::vector<std::thread> workers_;
  // The current run: generation (bits 63…32, one more per run), part count (31…16), next
  // unclaimed part (15…0). One word, so a claim (compare-exchange) can never take a part
  // of a run that has already ended.
  std::atomic<std::uint64_t> state_{0};
  RawTask fn_ = nullptr;  // written before state_ is published; read after a claim
  void* ctx_ = nullptr;
  std::atomic<int> done_{0};       // parts of the current run finished
  std::atomic<bool> stop_{false};  // set once, by the destructor
  std::mutex mutex_;
  std::condition_variable wake_;
#endif
};

/// The pool a Trainer uses: none for one thread (and always none in the default wasm
/// module, which has no thread code: FIRSTNET_HAS_THREADS is 0).
inline std::unique_ptr<ThreadPool> makeThreadPool(int threads) {
#if FIRSTNET_HAS_THREADS
  if (threads > 1) return std::make_unique<ThreadPool>(threads);
#endif
  (void)threads;
  return nullptr;
}

}  // namespace firstnet
