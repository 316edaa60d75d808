#include "trainer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "errors.h"
#include "init.h"

namespace firstnet {

namespace {

// x/255 for every byte value, computed once (float division, same bits everywhere).
struct PixelScale {
  float v[256];
  PixelScale() {
    for (int i = 0; i < 256; ++i) v[i] = static_cast<float>(i) / 255.0f;
  }
};
const PixelScale kPixelScale;

std::unique_ptr<Optimizer> makeOptimizer(const TrainerConfig& c) {
  if (c.optimizer == OptimizerKind::SGD) return std::make_unique<SGD>(c.lr);
  std::vector<std::size_t> slots;
  for (std::size_t l = 0; l + 1 < c.sizes.size(); ++l) {
    slots.push_back(static_cast<std::size_t>(c.sizes[l]) * c.sizes[l + 1]);  // W
    slots.push_back(static_cast<std::size_t>(c.sizes[l + 1]));                // b
  }
  return std::make_unique<Momentum>(c.lr, c.momentum, slots);
}

}  // namespace

Trainer::Trainer(const TrainerSpec& spec)
    : config_(parseSpec(spec)),
      prng_(config_.seed),
      pool_(makeThreadPool(config_.threads)),
      net_(config_.sizes, config_.activation, kChunk),
      optimizer_(makeOptimizer(config_)),
      y_(kChunk, 0),
      lastLoss_(std::numeric_limits<double>::quiet_NaN()),
      diagnostics_(net_.layerCount()) {
  initializeWeights(net_, config_.init, config_.initScale, prng_);
  net_.setThreadPool(pool_.get());  // nullptr for one thread
}

int Trainer::checkLayer(std::int64_t l, const char* what) const {
  requireRange(l, what, 0, layerCount() - 1);
  return static_cast<int>(l);
}

int Trainer::layerIn(std::int64_t l) const { return net_.layer(checkLayer(l, "layerIn l")).fanIn(); }
int Trainer::layerOut(std::int64_t l) const {
  return net_.layer(checkLayer(l, "layerOut l")).fanOut();
}

int Trainer::batchSize(std::int64_t n) const {
  requireRange(n, "batchSize n", 0, Dataset::kMaxCapacity);
  if (config_.batch == 0 || config_.batch > n) return static_cast<int>(n);
  return config_.batch;
}

void Trainer::startEpoch(int n) {
  order_.resize(n);  // allocates only when an epoch is larger than any before
  for (int i = 0; i < n; ++i) order_[i] = static_cast<std::uint32_t>(i);
  prng_.shuffle(order_.data(), order_.size());
  epochSize_ = n;
  epochActive_ = true;
  pos_ = stepStart_ = 0;
}

void Trainer::checkLabels(const Dataset& data, const std::uint32_t* order, int first, int rows) const {
  const std::uint8_t* labels = data.labels();
  for (int r = 0; r < rows; ++r) {
    const std::size_t row = order ? order[first + r] : static_cast<std::size_t>(first + r);
    if (labels[row] >= Dataset::kClasses) {
      throw InvalidArgument("Dataset label at row " + std::to_string(row) +
                            " must be 0–9 (got " + std::to_string(labels[row]) +
                            "); labels changed after setCount");
    }
  }
}

void Trainer::gather(const Dataset& data, const std::uint32_t* order, int first, int rows) noexcept {
  const std::uint8_t* images = data.images();
  const std::uint8_t* labels = data.labels();
  net_.clearInput();  // X: rows×784, packed
  for (int r = 0; r < rows; ++r) {
    const std::size_t row = order ? order[first + r] : static_cast<std::size_t>(first + r);
    y_[r] = labels[row];
    net_.appendInputPixels(images + row * Dataset::kPixels, kPixelScale.v);
  }
}

bool Trainer::advance(const Dataset& train, std::int64_t trainCount) {
  if (diverged_) throw TrainingError(divergedMessage_);
  if (train.count() < 1)
    throw InvalidArgument("advance train must hold at least 1 row; fill it and call setCount (got count 0)");
  requireRange(trainCount, "advance trainCount", 1, train.count());
  if (epochActive_ && trainCount != epochSize_) {
    throw InvalidArgument("advance trainCount must stay " + std::to_string(epochSize_) +
                          " until the current epoch ends (got " + std::to_string(trainCount) +
                          ")");
  }
  if (!epochActive_) startEpoch(static_cast<int>(trainCount));
  const bool newStep = pos_ == stepStart_;
  const int size = newStep ? std::min(batchSize(epochSize_), epochSize_ - stepStart_) : stepSize_;
  const int rows = std::min(kChunk, stepStart_ + size - pos_);
  checkLabels(train, order_.data(), pos_, rows);  // may throw: nothing has changed yet
  if (newStep) {
    // A step done in one call replaces the last one's state and diagnostics together;
    // one spread over calls would leave it half overwritten in between: settle first.
    if (rows < size) settleDiagnostics();  // (uses the last step's stepSize_)
    stepSize_ = size;
    net_.zeroGrad();
    lossSum_ = 0;
  }
  gather(train, order_.data(), pos_, rows);               // X: rows×784 packed, y: rows
  lossSum_ = net_.forwardPacked(y_.data(), lossSum_);    // p, dz_L; Σ loss
  net_.backward();                                        // dW, db += this chunk's sums
  pos_ += rows;
  lastChunkRows_ = rows;
  if (pos_ - stepStart_ < stepSize_) return false;
  finishStep();
  return true;
}

void Trainer::finishStep() {
  const int m = stepSize_;
  const float mf = static_cast<float>(m);  // exact: m ≤ 100000 < 2^24
  const int L = net_.layerCount();
  const bool everyRow = optimizer_->changesZeroGradients();
  bool finite = true;
  for (int l = 0; l < L; ++l) {
    // One pass per parameter: the mean gradient (dW = a_prevᵀ dz / m, db = mean of dz) is
    // formed element by element inside the update; dW, db keep the sums (diagnostics divide
    // the same way). Plain SGD visits only rows of W that some input touched; the rest have
    // dW = +0 exactly.
    Dense<float>& layer = net_.layer(l);
    const std::size_t in = layer.fanIn(), out = layer.fanOut();
    float* W = layer.mutableW().data();
    const float* dW = layer.dW().data();
    const std::uint8_t* state = layer.rowState();
    if (everyRow) {
      finite &= optimizer_->update(2 * l, W, dW, 0, in * out, mf);
    } else {
      for (std::size_t k = 0; k < in;) {  // runs of consecutive touched rows
        if (state[k] != kRowSum) {
          ++k;
          continue;
        }
        std::size_t end = k + 1;
        while (end < in && state[end] == kRowSum) ++end;
        finite &= optimizer_->update(2 * l, W, dW, k * out, end * out, mf);
        k = end;
      }
    }
    finite &= optimizer_->update(2 * l + 1, layer.mutableB().data(), layer.db().data(), 0, out, mf);
  }
  lastLoss_ = lossSum_ / m;
  diagnosticsPending_ = true;
  ++steps_;
  ++stepInEpoch_;
  samplesSeen_ += m;

  if (!std::isfinite(lastLoss_)) {
    diverged_ = true;
    divergedMessage_ = "training diverged: loss is " + formatNumber(lastLoss_) + " at step " +
                       std::to_string(steps_) + "; lower the learning rate";
  } else if (!finite) {
    for (int l = 0; l < L && !diverged_; ++l) {  // rare: find the layer for the message
      const Dense<float>& layer = net_.layer(l);
      if (!std::isfinite(frobeniusNorm(layer.W().data(), static_cast<long>(layer.fanIn()) * layer.fanOut())) ||
          !std::isfinite(frobeniusNorm(layer.b().data(), layer.fanOut()))) {
        diverged_ = true;
        divergedMessage_ = "training diverged: a parameter of layer " + std::to_string(l) +
                           " is not finite at step " + std::to_string(steps_) +
                           "; lower the learning rate";
      }
    }
  }

  stepStart_ = pos_;
  if (pos_ == epochSize_) {
    ++epochs_;
    stepInEpoch_ = 0;
    epochActive_ = false;
    pos_ = stepStart_ = 0;
  }
}

EvalResult Trainer::evaluate(const Dataset& data, std::int64_t start, std::int64_t count,
                             float* probs, std::int32_t* confusion) {
  if (data.count() < 1)
    throw InvalidArgument("evaluate data must hold at least 1 row; call setCount (got count 0)");
  requireRange(start, "evaluate start", 0, data.count() - 1);
  requireRange(count, "evaluate count", 1, data.count() - start);
  const int classes = net_.classes();
  settleDiagnostics();  // the forward passes below overwrite the last chunk's activations
  EvalResult result;
  double lossSum = 0;
  for (int first = static_cast<int>(start); first < start + count; first += kChunk) {
    const int rows = static_cast<int>(std::min<std::int64_t>(kChunk, start + count - first));
    checkLabels(data, nullptr, first, rows);
    gather(data, nullptr, first, rows);
    lossSum = net_.forwardPacked(y_.data(), lossSum);
    const float* p = net_.probabilities();
    for (int r = 0; r < rows; ++r) {
      const float* pr = p + static_cast<long>(r) * classes;
      int best = 0;
      for (int j = 1; j < classes; ++j)
        if (pr[j] > pr[best]) best = j;  // ties → lowest class
      result.correct += best == y_[r];
      if (confusion) confusion[y_[r] * classes + best] += 1;
      if (probs) std::memcpy(probs + (first - start + r) * classes, pr, sizeof(float) * classes);
    }
  }
  result.count = static_cast<int>(count);
  result.loss = lossSum / static_cast<double>(count);
  result.accuracy = static_cast<double>(result.correct) / static_cast<double>(count);
  return result;
}

void Trainer::predict(const std::uint8_t* image, float* out) {
  requireNonNull(image, "predict imagePtr");
  requireNonNull(out, "predict outPtr");
  settleDiagnostics();
  net_.clearInput();
  net_.appendInputPixels(image, kPixelScale.v);
  net_.forwardPacked(nullptr);
  std::memcpy(out, net_.probabilities(), sizeof(float) * net_.classes());
}

void Trainer::getParams(std::int64_t l, float* W, float* b) const {
  const Dense<float>& layer = net_.layer(checkLayer(l, "getParams l"));
  requireNonNull(W, "getParams wPtr");
  requireNonNull(b, "getParams bPtr");
  std::memcpy(W, layer.W().data(), sizeof(float) * layer.fanIn() * layer.fanOut());
  std::memcpy(b, layer.b().data(), sizeof(float) * layer.fanOut());
}

void Trainer::setParams(std::int64_t l, const float* W, const float* b) {
  const int li = checkLayer(l, "setParams l");
  Dense<float>& layer = net_.layer(li);
  requireNonNull(W, "setParams wPtr");
  requireNonNull(b, "setParams bPtr");
  const long wn = static_cast<long>(layer.fanIn()) * layer.fanOut();
  for (long i = 0; i < wn; ++i)
    if (!std::isfinite(W[i])) failArgument("setParams wPtr[" + std::to_string(i) + "]", "finite", W[i]);
  for (int j = 0; j < layer.fanOut(); ++j)
    if (!std::isfinite(b[j])) failArgument("setParams bPtr[" + std::to_string(j) + "]", "finite", b[j]);
  settleDiagnostics();  // weightNorm is of the weights the last step left
  std::memcpy(layer.mutableW().data(), W, sizeof(float) * wn);
  std::memcpy(layer.mutableB().data(), b, sizeof(float) * layer.fanOut());
  optimizer_->reset(2 * li);
  optimizer_->reset(2 * li + 1);
  pos_ = stepStart_;  // a partial step restarts (zeroGrad happens on the next advance)
}

void Trainer::settleDiagnostics() const {
  if (!diagnosticsPending_) return;
  const int L = net_.layerCount();
  for (int l = 0; l < L; ++l)
    diagnostics_[l] = layerDiagnostics(net_.layer(l), net_.a(l), lastChunkRows_, l == L - 1,
                                       config_.activation, static_cast<float>(stepSize_));
  diagnosticsPending_ = false;
}

LayerDiagnostics Trainer::diagnostics(std::int64_t l) const {
  const int li = checkLayer(l, "diagnostics l");
  settleDiagnostics();
  return diagnostics_[li];
}

}  // namespace firstnet
