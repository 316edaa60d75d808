// Validation errors: every entry point refuses a bad value with an InvalidArgument whose
// message names the argument and the value it got, e.g.
//   "TrainerSpec.lr must be finite and > 0 (got -1)".
// bindings.cpp turns these (and any other std::exception) into JS Errors with what() as
// the message.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace firstnet {

/// A caller passed a bad value. The message says which argument and what it was.
class InvalidArgument : public std::invalid_argument {
 public:
  explicit InvalidArgument(const std::string& message) : std::invalid_argument(message) {}
};

/// Training cannot continue (diverged). Not the caller's argument, so not InvalidArgument.
class TrainingError : public std::runtime_error {
 public:
  explicit TrainingError(const std::string& message) : std::runtime_error(message) {}
};

/// Shortest decimal form that reads back as the same double, like JS's Number#toString for
/// ordinary values: -1 → "-1", 0.1 → "0.1", NaN → "NaN", Infinity → "Infinity".
std::string formatNumber(double v);

/// Throws InvalidArgument("<name> must be <rule> (got <value>)").
[[noreturn]] void failArgument(const std::string& name, const std::string& rule, double got);
[[noreturn]] void failArgument(const std::string& name, const std::string& rule,
                               const std::string& got);

// The require* helpers take the name as const char* so that the passing case allocates
// nothing (they run on every training call; see tests/cpp/test_no_alloc.cpp).

/// Checks that v is an integer in [lo, hi] (a JS number may be 1.5 or NaN) and returns it.
std::int64_t requireInteger(double v, const char* name, std::int64_t lo, std::int64_t hi);

/// Checks lo <= v <= hi for a value that is already an integer.
void requireRange(std::int64_t v, const char* name, std::int64_t lo, std::int64_t hi);

/// Refuses a null pointer: "<name> must not be null (got 0)".
void requireNonNull(const void* p, const char* name);

}  // namespace firstnet
