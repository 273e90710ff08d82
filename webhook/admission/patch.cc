#include "webhook/admission/patch.h"

#include "webhook/mutation/json_patch.h"

namespace rayguard::admission {

Result<std::string> PatchBetween(const nlohmann::json& original,
                                 const nlohmann::json& mutated) {
  if (original == mutated) return std::string();
  const nlohmann::json patch = json_patch::Diff(original, mutated);
  if (!patch.is_array()) {
    return Status::Internal("the JSON Patch diff did not produce an array");
  }
  if (patch.empty()) return std::string();
  return patch.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace rayguard::admission
