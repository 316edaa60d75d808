#include "dataset.h"

#include <string>

#include "errors.h"

namespace firstnet {

Dataset::Dataset(std::int64_t capacity) {
  requireRange(capacity, "Dataset capacity", 1, kMaxCapacity);
  capacity_ = static_cast<int>(capacity);
  images_.assign(static_cast<std::size_t>(capacity_) * kPixels, 0);
  labels_.assign(static_cast<std::size_t>(capacity_), 0);
}

void Dataset::setCount(std::int64_t n) {
  requireRange(n, "Dataset.setCount n", 0, capacity_);
  for (std::int64_t i = 0; i < n; ++i) {
    if (labels_[i] >= kClasses) {
      throw InvalidArgument("Dataset.setCount: label at row " + std::to_string(i) +
                            " must be 0–9 (got " + std::to_string(labels_[i]) + ")");
    }
  }
  count_ = static_cast<int>(n);
}

}  // namespace firstnet
