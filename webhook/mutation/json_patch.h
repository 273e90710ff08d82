#ifndef RAYGUARD_MUTATION_JSON_PATCH_H_
#define RAYGUARD_MUTATION_JSON_PATCH_H_

#include <nlohmann/json.hpp>

#include "webhook/core/result.h"
#include "webhook/core/status.h"

// RFC 6902 JSON Patch: computing the patch the webhook returns, and applying
// patches (policy JSONPatch mutations, tests). A patch is a JSON array of
// operation objects, exactly as it goes on the wire.
namespace rayguard::json_patch {

// Returns the patch that turns `original` into `mutated`; applying it to
// `original` gives a document equal to `mutated`. Empty array when they are
// equal. The patch is minimal in the way the API server's callers expect:
// - object members are added, removed or replaced at the deepest path that
//   changed, never by replacing their parent;
// - arrays that gained elements get `add` at the index (or `-` when
//   appending), arrays that lost elements get `remove` (highest index first),
//   and elements changed in place are diffed recursively;
// - keys are escaped per RFC 6901 ("ray.io/node-type" -> "ray.io~1node-type").
// Pure function; safe to call from any thread.
nlohmann::json Diff(const nlohmann::json& original,
                    const nlohmann::json& mutated);

// Applies `patch` (all six operations: add, remove, replace, move, copy,
// test) to a copy of `document` and returns it. All or nothing: on failure
// returns InvalidArgument naming the operation index and the reason (bad
// pointer, missing member, index out of range, failed test) and the input is
// untouched. Safe to call from any thread.
Result<nlohmann::json> Apply(const nlohmann::json& document,
                             const nlohmann::json& patch);

// Applies `patch` to *document in place. On failure *document may hold the
// operations before the failing one; use Apply() for all-or-nothing. When
// `changed` is given, sets *changed to true if an operation changed the
// document (an add or replace of the value already there does not); never
// sets it to false.
// REQUIRES: document != nullptr
Status ApplyInPlace(nlohmann::json* document, const nlohmann::json& patch,
                    bool* changed = nullptr);

}  // namespace rayguard::json_patch

#endif  // RAYGUARD_MUTATION_JSON_PATCH_H_
