// Fuzzes the policy loader: arbitrary bytes as a policy file, parsed into
// typed ValidatingAdmissionPolicies and bindings. Bad input must become
// load errors, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "webhook/policy/policy_loader.h"
#include "webhook/policy/yaml_document.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto docs = rayguard::policy::ParseYamlDocuments(text, "fuzz.yaml");
  if (!docs.ok()) return 0;
  rayguard::policy::PolicyObjects objects;
  std::vector<rayguard::policy::LoadError> errors;
  rayguard::policy::ParsePolicyDocuments("fuzz.yaml", *docs, &objects, &errors);
  return 0;
}
