#ifndef RAYGUARD_RULES_FEATURE_GATES_H_
#define RAYGUARD_RULES_FEATURE_GATES_H_

#include <map>
#include <string>
#include <string_view>

#include "webhook/core/result.h"

namespace rayguard::rules {

// KubeRay v1.7.0's feature gates and their defaults
// (ray-operator/pkg/features/features.go).
const std::map<std::string, bool>& DefaultFeatureGates();

// Parses a --feature-gates value ("A=true,B=false", Go strconv.ParseBool
// spellings) into explicit settings. Returns InvalidArgument naming the
// entry for an unknown gate, a missing '=' or a value that is not a boolean.
// An empty string gives an empty map.
Result<std::map<std::string, bool>> ParseFeatureGates(std::string_view text);

// The defaults with `overrides` applied on top.
std::map<std::string, bool> WithDefaultGates(
    const std::map<std::string, bool>& overrides);

}  // namespace rayguard::rules

#endif  // RAYGUARD_RULES_FEATURE_GATES_H_
