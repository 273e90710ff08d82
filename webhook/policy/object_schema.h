#ifndef RAYGUARD_POLICY_OBJECT_SCHEMA_H_
#define RAYGUARD_POLICY_OBJECT_SCHEMA_H_

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "webhook/policy/policy.h"

namespace rayguard::policy {

// What a policy's `object` and `oldObject` can be checked against when it
// loads, so that a misspelt field (`object.spec.workerGroupSpec`) is a load
// error rather than a "no such key" on every request.
struct ObjectSchema {
  // The openAPIV3Schema of every kind the policy can match, merged: a field
  // is known when any of those kinds declares it, because a policy for
  // several kinds legitimately reads each kind's own fields behind a test
  // of `object.kind`. nullptr when there is nothing to check against.
  std::shared_ptr<const nlohmann::json> schema;
  // The kind, when the policy matches exactly one ("RayCluster"), for
  // messages; empty otherwise.
  std::string kind;
};

// The schema of the objects `constraints` can select, from the generated
// `<group>_<version>_<kind>.json` files of `schemas_dir` (`rayguard schema
// gen`). Empty (no check) when `schemas_dir` is empty or when a resourceRule
// could select something without a generated schema: a group or resource
// of "*" outside a schema'd group, a subresource, or a resource or group
// with no file. With matchPolicy Equivalent every served version of a
// resource counts (the object may arrive in any of them). Files are read
// once per process. Safe to call from any thread.
ObjectSchema ObjectSchemaFor(const MatchResources& constraints,
                             const std::string& schemas_dir);

// Merges `from` into `*into` so that a field selection the checker accepts
// under either schema is accepted under the result (exposed for tests).
// REQUIRES: into != nullptr
void MergeObjectSchema(nlohmann::json* into, const nlohmann::json& from);

}  // namespace rayguard::policy

#endif  // RAYGUARD_POLICY_OBJECT_SCHEMA_H_
