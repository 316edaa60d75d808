// parity_dump: the native half of the native == wasm parity test. Trains the core on raw
// MNIST IDX files with a spec from the command line and prints, to stdout:
//
//   one line per completed step: that step's mean loss as C's "%a" hex float
//       e.g. 0x1.26bb1bbb55516p+1   (glibc form: lowercase, no trailing zeros, "0x0p+0" for 0)
//   then one final line:  params <16 lowercase hex digits>
//       the 64-bit FNV-1a hash (offset 0xcbf29ce484222325, prime 0x100000001b3) of the
//       bytes of every final parameter's float32 bit pattern, little-endian, in the order
//       layer 0 W (row-major fan_in × fan_out), layer 0 b, layer 1 W, layer 1 b, …
//
// Usage:
//   parity_dump --layers 784,128,64,10 --activation relu --init he --init-scale 0
//               --optimizer sgd --lr 0.1 --momentum 0 --batch 64 --seed 7 --steps 60
//               --data-images F --data-labels L --count N
// All options but the data files have the defaults above (steps 60, count 1000). The IDX
// headers (16 bytes for images, 8 for labels) are skipped; the first N rows are used as
// the training set, trainCount = N. Exit status 2 on a usage error, 1 on a core error
// (message on stderr).
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "dataset.h"
#include "trainer.h"

namespace {

bool readFile(const std::string& path, long skip, std::size_t bytes, std::uint8_t* out) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  const bool ok = std::fseek(f, skip, SEEK_SET) == 0 && std::fread(out, 1, bytes, f) == bytes;
  std::fclose(f);
  return ok;
}

[[noreturn]] void usage(const char* msg) {
  std::fprintf(stderr, "parity_dump: %s\n", msg);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  firstnet::TrainerSpec spec;
  spec.seed = 7;
  long steps = 60, count = 1000;
  std::string imagesPath, labelsPath;
  for (int i = 1; i < argc; ++i) {
    const std::string key = argv[i];
    if (i + 1 >= argc) usage(("missing value for " + key).c_str());
    const std::string v = argv[++i];
    if (key == "--layers") spec.layers = v;
    else if (key == "--activation") spec.activation = v;
    else if (key == "--init") spec.init = v;
    else if (key == "--init-scale") spec.initScale = std::strtod(v.c_str(), nullptr);
    else if (key == "--optimizer") spec.optimizer = v;
    else if (key == "--lr") spec.lr = std::strtod(v.c_str(), nullptr);
    else if (key == "--momentum") spec.momentum = std::strtod(v.c_str(), nullptr);
    else if (key == "--batch") spec.batch = std::strtod(v.c_str(), nullptr);
    else if (key == "--seed") spec.seed = std::strtod(v.c_str(), nullptr);
    else if (key == "--steps") steps = std::strtol(v.c_str(), nullptr, 10);
    else if (key == "--count") count = std::strtol(v.c_str(), nullptr, 10);
    else if (key == "--data-images") imagesPath = v;
    else if (key == "--data-labels") labelsPath = v;
    else usage(("unknown option " + key).c_str());
  }
  if (imagesPath.empty() || labelsPath.empty()) usage("--data-images and --data-labels are required");
  try {
    firstnet::Dataset data(count);
    if (!readFile(imagesPath, 16, static_cast<std::size_t>(count) * 784, data.images()))
      usage(("cannot read " + std::to_string(count) + " images from " + imagesPath).c_str());
    if (!readFile(labelsPath, 8, static_cast<std::size_t>(count), data.labels()))
      usage(("cannot read " + std::to_string(count) + " labels from " + labelsPath).c_str());
    data.setCount(count);
    firstnet::Trainer trainer(spec);
    for (long done = 0; done < steps;) {
      if (trainer.advance(data, count)) {
        std::printf("%a\n", trainer.lastLoss());
        ++done;
      }
    }
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (int l = 0; l < trainer.layerCount(); ++l) {
      std::vector<float> W(static_cast<std::size_t>(trainer.layerIn(l)) * trainer.layerOut(l));
      std::vector<float> b(trainer.layerOut(l));
      trainer.getParams(l, W.data(), b.data());
      for (const std::vector<float>* v : {&W, &b}) {
        for (float x : *v) {
          std::uint32_t bits;
          std::memcpy(&bits, &x, 4);
          for (int k = 0; k < 4; ++k) {
            hash ^= (bits >> (8 * k)) & 0xffu;
            hash *= 0x100000001b3ULL;
          }
        }
      }
    }
    std::printf("params %016" PRIx64 "\n", hash);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "parity_dump: %s\n", e.what());
    return 1;
  }
  return 0;
}
