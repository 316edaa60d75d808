// firstnet core version string, returned by version() in the wasm module.
#pragma once

namespace firstnet {

inline constexpr const char* kVersion = "firstnet-core 0.1.0";

}  // namespace firstnet
