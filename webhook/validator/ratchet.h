#ifndef RAYGUARD_VALIDATOR_RATCHET_H_
#define RAYGUARD_VALIDATOR_RATCHET_H_

#include <functional>
#include <nlohmann/json.hpp>

#include "webhook/core/check_result.h"
#include "webhook/core/resource.h"

// How an UPDATE is judged against the object already stored, so that an
// object made invalid after it was stored (a stricter rule, a rayguard
// upgrade) can still be changed and, above all, deleted.
namespace rayguard::ratchet {

// The stored object (oldObject) with CRD defaults applied, and what the
// ratcheting layers (schema and KubeRay rules) find in it.
struct Stored {
  nlohmann::json object;
  Findings findings;
};
using StoredCheck = std::function<Stored(const nlohmann::json& old_object)>;

// True for the rules that ratchet: the structural schema, its overlays and
// the built-in KubeRay rules, except immutable-field rules. Organisational
// policies keep ValidatingAdmissionPolicy semantics (they see oldObject and
// decide for themselves).
bool Ratchets(const Finding& finding);

// As the API server ratchets CRD validation: on UPDATE, an error of a
// ratcheting rule that the stored object already had (same rule, path,
// type and message, and the same value at that path) becomes a warning
// ending "(unchanged since the object was stored)". A new or changed fault
// stays an error. `resource.object` must be defaulted. Calls check_stored
// at most once, and only when there is an error it could forgive, so
// CREATEs and valid updates cost nothing.
// REQUIRES: findings != nullptr
void ForgiveUnchanged(const Resource& resource, const StoredCheck& check_stored,
                      Findings* findings);

// An UPDATE of an object being deleted (oldObject has
// metadata.deletionTimestamp) that changes nothing but metadata (removing a
// finalizer, say) must never be denied, or the object could never go away.
// True for such an update; call it on the object as sent, before defaults.
bool IsMetadataOnlyUpdateWhileDeleting(const Resource& resource);

// Turns every error into a warning that says the object is being deleted.
// REQUIRES: findings != nullptr
void AllowWhileDeleting(Findings* findings);

}  // namespace rayguard::ratchet

#endif  // RAYGUARD_VALIDATOR_RATCHET_H_
