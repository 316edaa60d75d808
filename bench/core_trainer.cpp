// Benchmark runner (b): the project's own core, native, as built for the tests (-O3, SSE2
// baseline, -ffp-contract=off — the same kernels and operation order as the wasm build).
// Trains the chapter's 784-128-64-10 ReLU network, He init, plain SGD, on genuine MNIST
// through Trainer::advance, exactly as the worker does. Speaks bench/runner_loop.h.
//
//   firstnet_core_trainer <mnist-dir/>
#include <cstdio>
#include <memory>

#include "dataset.h"
#include "mnist_idx.h"
#include "runner_loop.h"
#include "trainer.h"

namespace {

struct CoreTrainer {
  firstnet::Dataset& data;
  std::unique_ptr<firstnet::Trainer> trainer;
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
  if (argc < 2) {
    std::fprintf(stderr, "usage: firstnet_core_trainer <mnist-dir/>\n");
    return 2;
  }
  const bench::Mnist mnist = bench::loadTrain(argv[1]);
  firstnet::Dataset data(mnist.count);
  std::copy(mnist.images.begin(), mnist.images.end(), data.images());
  std::copy(mnist.labels.begin(), mnist.labels.end(), data.labels());
  data.setCount(mnist.count);
  CoreTrainer t{data, nullptr};
  return bench::serve(t);
}
