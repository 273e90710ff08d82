#ifndef RAYGUARD_POLICY_POLICY_LOADER_H_
#define RAYGUARD_POLICY_POLICY_LOADER_H_

#include <string>
#include <vector>

#include "webhook/core/resource.h"
#include "webhook/policy/policy.h"
#include "webhook/policy/yaml_document.h"

namespace rayguard::policy {

// Why one policy object (or a whole file) could not be loaded.
struct LoadError {
  std::string file;
  int document = -1;   // -1: the whole file
  std::string object;  // `ValidatingAdmissionPolicy "name"`, or empty
  std::string policy;  // name of the policy it belongs to, if known
  std::string field;   // "spec.validations[2].expression", or empty
  SourcePosition position;
  std::string message;

  // "file:line:col: document 1: ValidatingAdmissionPolicy "x":
  //  spec.validations[2].expression: message"
  std::string ToString() const;
};

// What a set of policy files holds.
struct PolicyObjects {
  std::vector<ValidatingAdmissionPolicy> policies;
  std::vector<ValidatingAdmissionPolicyBinding> bindings;
};

// Turns the documents of one file into typed policies and bindings with the
// API server's defaults (failurePolicy Fail, matchPolicy Equivalent, scope
// *). An object that breaks the API's validation (missing or mistyped
// fields, unknown fields, bad enum values) is
// left out and explained in *errors, one entry per fault. Documents outside
// admissionregistration.k8s.io and the MutatingAdmissionPolicy kinds are
// skipped; any other admissionregistration kind or version is an error. CEL
// is not compiled here.
// REQUIRES: out != nullptr, errors != nullptr
void ParsePolicyDocuments(const std::string& file,
                          const std::vector<YamlDocument>& docs,
                          PolicyObjects* out, std::vector<LoadError>* errors);

// Reads every policy file under `dirs` (params/ and tests/ excepted, see
// DESIGN.md) into *out. Unreadable or unparsable files become errors.
void ReadPolicyDirs(const std::vector<std::string>& dirs, PolicyObjects* out,
                    std::vector<LoadError>* errors);

}  // namespace rayguard::policy

#endif  // RAYGUARD_POLICY_POLICY_LOADER_H_
