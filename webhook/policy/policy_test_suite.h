#ifndef RAYGUARD_POLICY_POLICY_TEST_SUITE_H_
#define RAYGUARD_POLICY_POLICY_TEST_SUITE_H_

#include <string>
#include <vector>

#include "webhook/core/check_result.h"
#include "webhook/core/result.h"

namespace rayguard::policy {

// Policy unit tests (`rayguard test`): YAML documents of kind PolicyTest
// (apiVersion rayguard.io/v1) that name policy files, param files and
// resources, and state the expected verdict, messages, rules and audit
// annotations per case. The format is documented in policies/README.md.

// The outcome of one case.
struct CaseOutcome {
  std::string file;  // the test file
  std::string test;  // metadata.name of the PolicyTest
  std::string name;  // the case's name
  bool passed = false;
  std::vector<std::string> failures;  // each expectation that did not hold
  CheckResult result;                 // what the policies said
};

// Every case of every PolicyTest document found in `paths` (files, or
// directories searched recursively; other documents are ignored), in file
// order. Fails, naming the file and field, when a test document is malformed
// or the policies, params or resources it names do not load, or when no
// PolicyTest is found at all.
Result<std::vector<CaseOutcome>> RunPolicyTests(
    const std::vector<std::string>& paths);

}  // namespace rayguard::policy

#endif  // RAYGUARD_POLICY_POLICY_TEST_SUITE_H_
