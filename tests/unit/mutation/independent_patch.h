#ifndef RAYGUARD_TESTS_UNIT_MUTATION_INDEPENDENT_PATCH_H_
#define RAYGUARD_TESTS_UNIT_MUTATION_INDEPENDENT_PATCH_H_

#include <nlohmann/json.hpp>
#include <vector>

namespace rayguard::testing {

struct PatchCase {
  nlohmann::json document;
  nlohmann::json patch;
};

// Applies each case's patch to its document with Debian's python3-jsonpatch
// (tests/tools/apply_json_patch.py), an RFC 6902 implementation independent
// of ours. Returns, per case, {"result": doc} or {"error": "..."}. One Python
// process for the whole batch keeps the suite fast. Fails the current test if
// Python cannot be run.
std::vector<nlohmann::json> ApplyIndependently(
    const std::vector<PatchCase>& cases);

}  // namespace rayguard::testing

#endif  // RAYGUARD_TESTS_UNIT_MUTATION_INDEPENDENT_PATCH_H_
