// The embind module (the only file that includes embind). It matches
// web/src/engine/firstnet-wasm.d.ts member for member.
//
// Every JS-facing call is wrapped: numbers arrive as double and are checked here (a JS
// number may be 1.5, NaN or −3), pointers are checked against the heap, and any C++
// exception leaves as a JS Error whose message is the exception's what(). The message is
// copied to a static buffer and the Error is thrown from EM_JS after the catch block has
// ended, so no C++ object or embind handle is left half-destroyed.
#include <emscripten.h>
#include <emscripten/bind.h>
#include <emscripten/heap.h>

#include <cstdint>
#include <cstring>
#include <exception>
#include <string>

#include "dataset.h"
#include "errors.h"
#include "trainer.h"
#include "version.h"

using namespace emscripten;
using firstnet::Dataset;
using firstnet::EvalResult;
using firstnet::LayerDiagnostics;
using firstnet::Trainer;
using firstnet::TrainerSpec;

EM_JS(void, firstnet_throw_js_error, (const char* message), {
  throw new Error(UTF8ToString(message));
});

namespace {

char gErrorMessage[2048];

[[noreturn]] void throwPendingError() {
  firstnet_throw_js_error(gErrorMessage);
  __builtin_unreachable();
}

// Runs f; a C++ exception becomes a JS Error carrying what().
template <typename F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    std::strncpy(gErrorMessage, e.what(), sizeof gErrorMessage - 1);
  } catch (...) {
    std::strncpy(gErrorMessage, "firstnet: unknown C++ exception", sizeof gErrorMessage - 1);
  }
  gErrorMessage[sizeof gErrorMessage - 1] = 0;
  throwPendingError();
}

// A heap offset from JS: an integer, aligned, with `bytes` bytes inside the heap.
// 0 is returned as nullptr (the core refuses it where null is not allowed).
template <typename T>
T* heapPointer(double p, const char* name, std::size_t bytes) {
  const double heap = static_cast<double>(emscripten_get_heap_size());
  if (p == 0) return nullptr;
  if (!(p == static_cast<double>(static_cast<std::uint32_t>(p))) || p + bytes > heap ||
      static_cast<std::uint32_t>(p) % alignof(T) != 0) {
    firstnet::failArgument(name,
                           "a " + std::to_string(alignof(T)) + "-byte aligned heap offset with " +
                               std::to_string(bytes) + " bytes before the heap's end (" +
                               firstnet::formatNumber(heap) + ")",
                           p);
  }
  return reinterpret_cast<T*>(static_cast<std::uintptr_t>(p));
}

double pointerValue(const void* p) { return static_cast<double>(reinterpret_cast<std::uintptr_t>(p)); }

// ---- Dataset ----
Dataset* makeDataset(double capacity) {
  return guarded([&] {
    return new Dataset(firstnet::requireInteger(capacity, "Dataset capacity", 1, Dataset::kMaxCapacity));
  });
}
double datasetCapacity(const Dataset& d) { return d.capacity(); }
double datasetCount(const Dataset& d) { return d.count(); }
double datasetImagesPtr(Dataset& d) { return pointerValue(d.images()); }
double datasetLabelsPtr(Dataset& d) { return pointerValue(d.labels()); }
void datasetSetCount(Dataset& d, double n) {
  guarded([&] { d.setCount(firstnet::requireInteger(n, "Dataset.setCount n", 0, d.capacity())); });
}

// ---- Trainer ----
constexpr std::int64_t kMaxIndex = 2147483647;

Trainer* makeTrainer(const TrainerSpec& spec) {
  return guarded([&] { return new Trainer(spec); });
}
double trainerLayerCount(const Trainer& t) { return t.layerCount(); }
double trainerLayerIn(const Trainer& t, double l) {
  return guarded([&] { return t.layerIn(firstnet::requireInteger(l, "layerIn l", -kMaxIndex, kMaxIndex)); });
}
double trainerLayerOut(const Trainer& t, double l) {
  return guarded([&] { return t.layerOut(firstnet::requireInteger(l, "layerOut l", -kMaxIndex, kMaxIndex)); });
}
std::string trainerActivation(const Trainer& t) { return t.activation(); }
double trainerBatchSize(const Trainer& t, double n) {
  return guarded([&] { return t.batchSize(firstnet::requireInteger(n, "batchSize n", 0, Dataset::kMaxCapacity)); });
}
bool trainerAdvance(Trainer& t, const Dataset& train, double trainCount) {
  return guarded([&] {
    return t.advance(train, firstnet::requireInteger(trainCount, "advance trainCount", 1, Dataset::kMaxCapacity));
  });
}
double trainerLastLoss(const Trainer& t) { return t.lastLoss(); }
double trainerSteps(const Trainer& t) { return static_cast<double>(t.steps()); }
double trainerEpochs(const Trainer& t) { return static_cast<double>(t.epochs()); }
double trainerStepInEpoch(const Trainer& t) { return static_cast<double>(t.stepInEpoch()); }
double trainerSamplesSeen(const Trainer& t) { return static_cast<double>(t.samplesSeen()); }
bool trainerDiverged(const Trainer& t) { return t.diverged(); }

EvalResult trainerEvaluate(Trainer& t, const Dataset& data, double start, double count, double probsPtr,
                           double confusionPtr) {
  return guarded([&] {
    const std::int64_t s = firstnet::requireInteger(start, "evaluate start", 0, Dataset::kMaxCapacity);
    const std::int64_t c = firstnet::requireInteger(count, "evaluate count", 0, Dataset::kMaxCapacity);
    float* probs = heapPointer<float>(probsPtr, "evaluate probsPtr", static_cast<std::size_t>(c) * 10 * 4);
    std::int32_t* confusion = heapPointer<std::int32_t>(confusionPtr, "evaluate confusionPtr", 100 * 4);
    return t.evaluate(data, s, c, probs, confusion);
  });
}
void trainerPredict(Trainer& t, double imagePtr, double outPtr) {
  guarded([&] {
    t.predict(heapPointer<std::uint8_t>(imagePtr, "predict imagePtr", 784),
              heapPointer<float>(outPtr, "predict outPtr", 10 * 4));
  });
}
void trainerGetParams(const Trainer& t, double l, double wPtr, double bPtr) {
  guarded([&] {
    const std::int64_t li = firstnet::requireInteger(l, "getParams l", 0, t.layerCount() - 1);
    const std::size_t in = t.layerIn(li), out = t.layerOut(li);
    t.getParams(li, heapPointer<float>(wPtr, "getParams wPtr", in * out * 4),
                heapPointer<float>(bPtr, "getParams bPtr", out * 4));
  });
}
void trainerSetParams(Trainer& t, double l, double wPtr, double bPtr) {
  guarded([&] {
    const std::int64_t li = firstnet::requireInteger(l, "setParams l", 0, t.layerCount() - 1);
    const std::size_t in = t.layerIn(li), out = t.layerOut(li);
    t.setParams(li, heapPointer<const float>(wPtr, "setParams wPtr", in * out * 4),
                heapPointer<const float>(bPtr, "setParams bPtr", out * 4));
  });
}
LayerDiagnostics trainerDiagnostics(const Trainer& t, double l) {
  return guarded([&] { return t.diagnostics(firstnet::requireInteger(l, "diagnostics l", -kMaxIndex, kMaxIndex)); });
}

std::string versionString() { return firstnet::kVersion; }

}  // namespace

EMSCRIPTEN_BINDINGS(firstnet) {
  value_object<TrainerSpec>("TrainerSpec")
      .field("layers", &TrainerSpec::layers)
      .field("activation", &TrainerSpec::activation)
      .field("init", &TrainerSpec::init)
      .field("initScale", &TrainerSpec::initScale)
      .field("optimizer", &TrainerSpec::optimizer)
      .field("lr", &TrainerSpec::lr)
      .field("momentum", &TrainerSpec::momentum)
      .field("batch", &TrainerSpec::batch)
      .field("seed", &TrainerSpec::seed)
#if defined(__EMSCRIPTEN_PTHREADS__)
      // Only the threaded module (firstnet-core-mt) binds it: the shipped module's
      // TrainerSpec stays as it is, and its threads is always 1.
      .field("threads", &TrainerSpec::threads)
#endif
      ;

  value_object<EvalResult>("EvalResult")
      .field("loss", &EvalResult::loss)
      .field("accuracy", &EvalResult::accuracy)
      .field("correct", &EvalResult::correct)
      .field("count", &EvalResult::count);

  value_object<LayerDiagnostics>("LayerDiagnostics")
      .field("activationMean", &LayerDiagnostics::activationMean)
      .field("activationStd", &LayerDiagnostics::activationStd)
      .field("inactiveFraction", &LayerDiagnostics::inactiveFraction)
      .field("weightGradNorm", &LayerDiagnostics::weightGradNorm)
      .field("weightNorm", &LayerDiagnostics::weightNorm);

  class_<Dataset>("Dataset")
      .constructor(&makeDataset, allow_raw_pointers())
      .function("capacity", &datasetCapacity)
      .function("count", &datasetCount)
      .function("imagesPtr", &datasetImagesPtr)
      .function("labelsPtr", &datasetLabelsPtr)
      .function("setCount", &datasetSetCount);

  class_<Trainer>("Trainer")
      .constructor(&makeTrainer, allow_raw_pointers())
      .function("layerCount", &trainerLayerCount)
      .function("layerIn", &trainerLayerIn)
      .function("layerOut", &trainerLayerOut)
      .function("activation", &trainerActivation)
      .function("batchSize", &trainerBatchSize)
      .function("advance", &trainerAdvance)
      .function("lastLoss", &trainerLastLoss)
      .function("steps", &trainerSteps)
      .function("epochs", &trainerEpochs)
      .function("stepInEpoch", &trainerStepInEpoch)
      .function("samplesSeen", &trainerSamplesSeen)
      .function("diverged", &trainerDiverged)
      .function("evaluate", &trainerEvaluate)
      .function("predict", &trainerPredict)
      .function("getParams", &trainerGetParams)
      .function("setParams", &trainerSetParams)
      .function("diagnostics", &trainerDiagnostics);

  function("version", &versionString);
}
