// Fuzzes json_patch::Diff and Apply: the input is two JSON documents
// separated by a NUL byte. Diff(a, b) applied to a must give b, and applying
// b as a patch to a must fail cleanly or succeed, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "webhook/mutation/json_patch.h"

namespace {

nlohmann::json ParseOrDiscard(std::string_view text) {
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t split = input.find('\0');
  if (split == std::string_view::npos) return 0;
  nlohmann::json a = ParseOrDiscard(input.substr(0, split));
  nlohmann::json b = ParseOrDiscard(input.substr(split + 1));
  if (a.is_discarded() || b.is_discarded()) return 0;

  nlohmann::json patch = rayguard::json_patch::Diff(a, b);
  auto applied = rayguard::json_patch::Apply(a, patch);
  if (!applied.ok() || *applied != b) __builtin_trap();

  if (b.is_array()) (void)rayguard::json_patch::Apply(a, b);
  return 0;
}
