// A labelled image set in memory, one byte a pixel: images capacity × 784 (row-major,
// 0–255) and labels capacity (0–9). Allocated once in the constructor; JS fills it in
// place through imagesPtr()/labelsPtr() and then marks rows valid with setCount(n), which
// checks the labels. Batches are scaled to floats x/255 only when used (trainer.cpp).
#pragma once

#include <cstdint>
#include <vector>

namespace firstnet {

class Dataset {
 public:
  static constexpr int kPixels = 784;
  static constexpr int kClasses = 10;
  static constexpr std::int64_t kMaxCapacity = 100000;

  /// capacity in [1, 100000]; rows start zeroed and count() = 0.
  explicit Dataset(std::int64_t capacity);

  int capacity() const { return capacity_; }
  int count() const { return count_; }
  std::uint8_t* images() { return images_.data(); }
  const std::uint8_t* images() const { return images_.data(); }
  std::uint8_t* labels() { return labels_.data(); }
  const std::uint8_t* labels() const { return labels_.data(); }

  /// Marks rows [0, n) valid; n in [0, capacity] and each of their labels ≤ 9.
  void setCount(std::int64_t n);

 private:
  int capacity_;
  int count_ = 0;
  std::vector<std::uint8_t> images_;
  std::vector<std::uint8_t> labels_;
};

}  // namespace firstnet
