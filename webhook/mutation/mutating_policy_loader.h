#ifndef RAYGUARD_MUTATION_MUTATING_POLICY_LOADER_H_
#define RAYGUARD_MUTATION_MUTATING_POLICY_LOADER_H_

#include <string>
#include <vector>

#include "webhook/mutation/mutating_policy.h"
#include "webhook/policy/policy_loader.h"
#include "webhook/policy/yaml_document.h"

namespace rayguard::mutation {

// Turns the MutatingAdmissionPolicy and MutatingAdmissionPolicyBinding
// documents of one file into typed objects with the API server's defaults
// (failurePolicy Fail, reinvocationPolicy Never). Documents of other kinds
// are skipped: the validating loader reads (or rejects) them. An object that
// breaks the API's validation (missing or mistyped fields, unknown fields,
// bad enum values, a patchType without its expression) is left out and
// explained in *errors, one entry per fault. CEL is not compiled here.
// REQUIRES: out != nullptr, errors != nullptr
void ParseMutatingPolicyDocuments(const std::string& file,
                                  const std::vector<policy::YamlDocument>& docs,
                                  MutatingPolicyObjects* out,
                                  std::vector<policy::LoadError>* errors);

// Reads the mutating policies of every file under `dirs` (params/ and
// tests/ excepted). Unreadable files are left to the validating loader,
// which reports them; only the mutating kinds' faults are added here.
void ReadMutatingPolicyDirs(const std::vector<std::string>& dirs,
                            MutatingPolicyObjects* out,
                            std::vector<policy::LoadError>* errors);

}  // namespace rayguard::mutation

#endif  // RAYGUARD_MUTATION_MUTATING_POLICY_LOADER_H_
