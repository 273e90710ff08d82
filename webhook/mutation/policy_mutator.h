#ifndef RAYGUARD_MUTATION_POLICY_MUTATOR_H_
#define RAYGUARD_MUTATION_POLICY_MUTATOR_H_

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "webhook/core/result.h"
#include "webhook/mutation/mutating_policy.h"
#include "webhook/mutation/mutator.h"
#include "webhook/policy/params.h"
#include "webhook/policy/policy_loader.h"

namespace rayguard::mutation {

// The OpenAPI v3 schema (a CRD's openAPIV3Schema) of an object's kind, used
// to merge apply configurations; nullptr when unknown.
using SchemaLookup = std::function<const nlohmann::json*(
    const std::string& api_version, const std::string& kind)>;

// Compiles every MutatingAdmissionPolicy of `objects` into a Mutator with
// its bindings (bindings naming no loaded policy are load errors), sorted
// by policy name, which is the order they run in; a policy's bindings run
// in name order too. Every fault (including compile errors with their
// field) is appended to *errors; the faulty policy is left out. With
// skip_invalid off, any fault fails the whole load (the errors say why).
// `params` and `schemas` are shared by the mutators and must stay valid
// (the lookup is called while mutating).
// REQUIRES: errors != nullptr
Result<std::vector<std::unique_ptr<Mutator>>> CompileMutatingPolicies(
    MutatingPolicyObjects objects,
    std::shared_ptr<const policy::ParamStore> params, SchemaLookup schemas,
    bool skip_invalid, std::vector<policy::LoadError>* errors);

}  // namespace rayguard::mutation

#endif  // RAYGUARD_MUTATION_POLICY_MUTATOR_H_
