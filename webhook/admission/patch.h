#ifndef RAYGUARD_ADMISSION_PATCH_H_
#define RAYGUARD_ADMISSION_PATCH_H_

#include <string>

#include <nlohmann/json.hpp>

#include "webhook/core/result.h"

namespace rayguard::admission {

// The RFC 6902 patch (as compact JSON text) that turns `original` into
// `mutated` (json_patch::Diff), or "" when they are equal. Returns Internal
// when no patch can be computed: the caller must then deny rather than
// silently drop the mutation.
Result<std::string> PatchBetween(const nlohmann::json& original,
                                 const nlohmann::json& mutated);

}  // namespace rayguard::admission

#endif  // RAYGUARD_ADMISSION_PATCH_H_
