// ThreadPool: a fixed set of worker threads that run one task at a time, for the optional
// threaded build (TrainerSpec.threads > 1). Created once per Trainer; run() allocates
// nothing, so a training step stays allocation-free (tests/cpp/test_no_alloc.cpp).
//
// The pool decides nothing about WHAT each thread computes: run(task) calls task(t) for
// t = 0 … size()−1 (t = 0 on the calling thread) and returns when all have finished. The
// kernels give thread t a range of output columns fixed by the column count and the
// thread count only (kernels.cpp), so the result is bit-identical to size() = 1 whatever
// the scheduling.
//
// Hand-off: run() publishes the task by bumping a generation counter; an idle worker spins
// on it for a short while (a product at batch 64 lasts ~5–50 µs, less than a sleep/wake
// round trip), then sleeps on a condition variable. The caller spins until every worker
// has reported done. With size() = 1 no thread is created and run() is a plain call.
//
// Under Emscripten this needs -pthread and PTHREAD_POOL_SIZE ≥ size() − 1 (a std::thread
// beyond the pre-created workers waits for the event loop and never starts — TOOLCHAIN.md).
// The default wasm module is built without -pthread: there FIRSTNET_HAS_THREADS is 0, the
// pool holds no thread code at all (the shipped module keeps its size) and only size 1 is
// accepted.
#pragma once

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define FIRSTNET_HAS_THREADS 0
#else
#define FIRSTNET_HAS_THREADS 1
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>
#endif

namespace firstnet {

class ThreadPool {
 public:
  /// Upper bound of TrainerSpec.threads (spec.h): more would not help a 128-column layer.
  static constexpr int kMaxThreads = 8;

  /// threads in [1, kMaxThreads] (only 1 without FIRSTNET_HAS_THREADS); starts threads − 1
  /// workers.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

#if FIRSTNET_HAS_THREADS
  int size() const { return static_cast<int>(workers_.size()) + 1; }
#else
  int size() const { return 1; }
#endif

  /// task(t) for every t in [0, size()), t = 0 on this thread; returns when all are done.
  /// task must not throw (the kernels are noexcept). Not re-entrant: one run at a time.
  template <typename Task>
  void run(Task& task) noexcept {
#if FIRSTNET_HAS_THREADS
    runRaw([](void* c, int t) { (*static_cast<Task*>(c))(t); }, &task);
#else
    task(0);
#endif
  }

#if FIRSTNET_HAS_THREADS
 private:
  using RawTask = void (*)(void*, int);
  void runRaw(RawTask fn, void* ctx) noexcept;
  void workerLoop(int t) noexcept;

  std::vector<std::thread> workers_;
  RawTask fn_ = nullptr;  // written before generation_ is bumped, read after (acquire)
  void* ctx_ = nullptr;
  std::atomic<unsigned> generation_{0};  // one more per run()
  std::atomic<int> pending_{0};          // workers not yet done with the current task
  std::atomic<bool> stop_{false};        // set once, by the destructor
  std::mutex mutex_;
  std::condition_variable wake_;
#endif
};

}  // namespace firstnet
