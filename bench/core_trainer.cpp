// Benchmark runner (b): the project's own core, native, as built for the tests (-O3, SSE2
// baseline, -ffp-contract=off — the same kernels and operation order as the wasm build).
// Trains the chapter's 784-128-64-10 ReLU network, He init, plain SGD, on genuine MNIST
// through Trainer::advance, exactly as the worker does. Speaks bench/runner_loop.h.
//
//   firstnet_core_trainer <mnist-dir/> [--threads N]
// --threads N: TrainerSpec.threads (default 1): the products split over N threads, the
// same bits as one (the "2 threads" row of `npm run bench`).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "dataset.h"
#include "mnist_idx.h"
#include "runner_loop.h"
#include "trainer.h"

namespace {

struct CoreTrainer {
  firstnet::Dataset& data;
  std::unique_ptr<firstnet::Trainer> trainer;
  int threads = 1;
  int batch = 0;
  float lr = 0;

  void configure(int b, float learningRate) {
    if (trainer && b == batch && learningRate == lr) return;
    batch = b;
    lr = learningRate;
    firstnet::TrainerSpec spec;
    spec.layers = "784,128,64,10";
    spec.activation = "relu";
    spec.init = "he";
    spec.optimizer = "sgd";
    spec.lr = lr;
    spec.batch = batch;
    spec.seed = 1;
    spec.threads = threads;
    trainer = std::make_unique<firstnet::Trainer>(spec);
  }

  double step() {
    while (!trainer->advance(data, data.count())) {
    }
    return trainer->lastLoss();
  }
};

}  // namespace

int main(int argc, char** argv) {
  const bool threadsFlag = argc == 4 && std::strcmp(argv[2], "--threads") == 0;
  if (argc != 2 && !threadsFlag) {
    std::fprintf(stderr, "usage: firstnet_core_trainer <mnist-dir/> [--threads N]\n");
    return 2;
  }
  const int threads = threadsFlag ? std::atoi(argv[3]) : 1;  // checked by TrainerSpec
  const bench::Mnist mnist = bench::loadTrain(argv[1]);
  firstnet::Dataset data(mnist.count);
  std::copy(mnist.images.begin(), mnist.images.end(), data.images());
  std::copy(mnist.labels.begin(), mnist.labels.end(), data.labels());
  data.setCount(mnist.count);
  CoreTrainer t{data, nullptr, threads};
  return bench::serve(t);
}
