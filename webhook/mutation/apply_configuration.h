#ifndef RAYGUARD_MUTATION_APPLY_CONFIGURATION_H_
#define RAYGUARD_MUTATION_APPLY_CONFIGURATION_H_

#include <nlohmann/json.hpp>

#include "webhook/core/status.h"

namespace rayguard::mutation {

// Merges `applied` (the Object{...} an ApplyConfiguration mutation returns)
// into *object with server-side-apply semantics, guided by `schema`, the
// OpenAPI v3 schema of the object's kind (a CRD's openAPIV3Schema):
// - objects are merged member by member, unless the schema marks them
//   `x-kubernetes-map-type: atomic`, in which case they are replaced;
// - `x-kubernetes-list-type: map` lists are merged entry by entry, entries
//   matched on `x-kubernetes-list-map-keys` (new entries are appended);
// - `x-kubernetes-list-type: set` lists gain the values they lack;
// - `atomic` lists, and lists the schema says nothing about, are replaced;
// - scalars are replaced.
// `metadata` follows ObjectMeta's rules (labels and annotations merged,
// finalizers a set, ownerReferences keyed by uid) whatever the CRD says.
// `schema` may be null (no schema known): objects merge, lists are replaced.
// Returns InvalidArgument (and leaves *object partly merged) when a list-map
// entry of `applied` lacks a key field or repeats a key.
// When `changed` is given, sets *changed to true if the merge changed
// *object; never sets it to false.
// REQUIRES: object != nullptr
Status MergeApplyConfiguration(nlohmann::json* object,
                               const nlohmann::json& applied,
                               const nlohmann::json* schema,
                               bool* changed = nullptr);

}  // namespace rayguard::mutation

#endif  // RAYGUARD_MUTATION_APPLY_CONFIGURATION_H_
