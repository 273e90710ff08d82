#ifndef RAYGUARD_POLICY_POLICY_TEST_SUITE_H_
#define RAYGUARD_POLICY_POLICY_TEST_SUITE_H_

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "webhook/core/check_result.h"
#include "webhook/core/layer.h"
#include "webhook/core/result.h"

namespace rayguard::policy {

// Policy unit tests (`rayguard test`): YAML documents of kind PolicyTest
// (apiVersion rayguard.io/v1) that name policy files, param files and
// resources, and state the expected verdict, messages, rules and audit
// annotations per case, and for mutating policies the expected mutated
// object. The format is documented in policies/README.md.

// The outcome of one case.
struct CaseOutcome {
  std::string file;  // the test file
  std::string test;  // metadata.name of the PolicyTest
  std::string name;  // the case's name
  bool passed = false;
  std::vector<std::string> failures;  // each expectation that did not hold
  CheckResult result;                 // what the policies said
  nlohmann::json object;              // the resource as the case gives it
  // The object after the test's mutating policies (validating policies see
  // this one); equal to `object` when there are none.
  nlohmann::json mutated;
  nlohmann::json expected_object;  // null when the case expects none
};

// Builds the MutatingLayer of the MutatingAdmissionPolicies under
// `policy_paths` (files or folders) with params from `param_paths`. The
// mutation module provides it: policy cannot depend on mutation.
using MutationLoader =
    std::function<Result<std::unique_ptr<const MutatingLayer>>(
        const std::vector<std::string>& policy_paths,
        const std::vector<std::string>& param_paths)>;

// Every case of every PolicyTest document found in `paths` (files, or
// directories searched recursively; other documents are ignored), in file
// order. With `load_mutations`, each case's object is first mutated by the
// test's mutating policies, as the API server does before validating. Fails,
// naming the file and field, when a test document is malformed or the
// policies, params or resources it names do not load, when a case expects a
// mutated object and `load_mutations` is empty, or when no PolicyTest is
// found at all. With `schemas_dir`, policies are field-checked against the
// generated schemas as `check` and `serve` load them, so a misspelt field
// fails the test run instead of the first real admission.
Result<std::vector<CaseOutcome>> RunPolicyTests(
    const std::vector<std::string>& paths,
    const MutationLoader& load_mutations = nullptr,
    const std::string& schemas_dir = "");

}  // namespace rayguard::policy

#endif  // RAYGUARD_POLICY_POLICY_TEST_SUITE_H_
