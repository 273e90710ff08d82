#include "webhook/admission/patch.h"

#ifdef RAYGUARD_HAVE_JSON_PATCH
#include "webhook/mutation/json_patch.h"
#endif

namespace rayguard::admission {

Result<std::string> PatchBetween(const nlohmann::json& original,
                                 const nlohmann::json& mutated) {
  if (original == mutated) return std::string();
#ifdef RAYGUARD_HAVE_JSON_PATCH
  const nlohmann::json patch = json_patch::Diff(original, mutated);
  if (patch.empty()) return std::string();
  return patch.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
#else
  return Status::Internal("the object was mutated but this build has no "
                          "JSON Patch support");
#endif
}

}  // namespace rayguard::admission
