// The stdin/stdout protocol every benchmark runner speaks (native here; the node runners
// in bench/*.ts speak the same), so scripts/bench.mjs can keep one warm process per
// system and interleave them A B C D A B C D …:
//
//   runner prints  {"ready":true}                          once its data is loaded
//   bench sends    run <batch> <seconds> <lr>              train until ≥ seconds elapsed
//                  (a fresh model whenever batch or lr differ from the last run's)
//   runner prints  {"batch":B,"steps":N,"seconds":S,"cpuSeconds":C,"samplesPerSec":X,"loss":L}
//   bench sends    quit
//
// Steps are timed end to end: gathering the shuffled batch from uint8 pixels, forward,
// backward, update. loss is the mean loss of the last step (a sanity check that it learns).
// cpuSeconds is the process's CPU time over the same run: on a machine shared with other
// work, samples / cpuSeconds is the steadier measure of the code itself.
#pragma once

#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <sstream>
#include <string>

namespace bench {

/// Trainer: void configure(int batch, float lr) — a fresh model when either changed;
///          double step() — one training step, returning its mean loss.
template <typename Trainer>
int serve(Trainer& t) {
  std::printf("{\"ready\":true}\n");
  std::fflush(stdout);
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string cmd;
    in >> cmd;
    if (cmd == "quit") return 0;
    if (cmd != "run") {
      std::fprintf(stderr, "runner: unknown command '%s'\n", line.c_str());
      return 2;
    }
    int batch = 64;
    double seconds = 1.0;
    float lr = 0.1f;
    in >> batch >> seconds >> lr;
    t.configure(batch, lr);
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const std::clock_t cpuStart = std::clock();
    long steps = 0;
    double loss = 0, elapsed = 0;
    do {
      loss = t.step();
      ++steps;
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < seconds);
    const double cpu = static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC;
    std::printf(
        "{\"batch\":%d,\"steps\":%ld,\"seconds\":%.6f,\"cpuSeconds\":%.6f,\"samplesPerSec\":%.1f,\"loss\":%.6f}\n",
        batch, steps, elapsed, cpu, static_cast<double>(steps) * batch / elapsed, loss);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace bench
