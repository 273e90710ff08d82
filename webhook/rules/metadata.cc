// Rules on metadata.name / metadata.generateName.
#include <cctype>
#include <string>

#include "webhook/core/field_error.h"
#include "webhook/rules/rule.h"

namespace rayguard::rules {
namespace {

// KubeRay derives Service and Pod names from the RayCluster name and caps
// it so that "<name>-head-svc" style names stay within 63 characters.
constexpr std::size_t kMaxRayClusterNameLength = 47;
// The API server appends 5 random characters to generateName.
constexpr std::size_t kGeneratedSuffixLength = 5;

bool IsDns1035Char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

// RFC 1035 label: lower-case alphanumerics and '-', starting with a letter
// and ending with an alphanumeric. `prefix` allows a trailing '-'.
bool IsDns1035Label(const std::string& s, bool prefix) {
  if (s.empty() || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s) {
    if (!IsDns1035Char(c)) return false;
  }
  return prefix || s.back() != '-';
}

void CheckRayClusterName(const RuleContext& ctx, Findings* findings) {
  constexpr char kRule[] = "kuberay/raycluster-name";
  const std::string name = ctx.resource.name();
  const std::string generate = ctx.resource.generate_name();
  const FieldPath metadata("metadata");
  if (name.empty() && !generate.empty()) {
    const FieldPath path = metadata.Child("generateName");
    if (generate.size() + kGeneratedSuffixLength > kMaxRayClusterNameLength) {
      findings->push_back(field_error::Invalid(
          kRule, path, generate,
          "must be no more than " +
              std::to_string(kMaxRayClusterNameLength - kGeneratedSuffixLength) +
              " characters, leaving room for the 5 generated characters"));
    }
    if (!IsDns1035Label(generate, /*prefix=*/true)) {
      findings->push_back(field_error::Invalid(
          kRule, path, generate,
          "a DNS-1035 label prefix must consist of lower case alphanumeric "
          "characters or '-' and start with an alphabetic character"));
    }
    return;
  }
  const FieldPath path = metadata.Child("name");
  if (name.size() > kMaxRayClusterNameLength) {
    findings->push_back(field_error::Invalid(
        kRule, path, name,
        "must be no more than " + std::to_string(kMaxRayClusterNameLength) +
            " characters"));
  }
  if (!name.empty() && !IsDns1035Label(name, /*prefix=*/false)) {
    findings->push_back(field_error::Invalid(
        kRule, path, name,
        "a DNS-1035 label must consist of lower case alphanumeric characters "
        "or '-', start with an alphabetic character, and end with an "
        "alphanumeric character (regex used for validation is "
        "'[a-z]([-a-z0-9]*[a-z0-9])?')"));
  }
}

}  // namespace

std::vector<Rule> MetadataRules() {
  return {
      {"kuberay/raycluster-name",
       {"RayCluster"},
       "metadata.name (or the generateName prefix) is a DNS-1035 label of at "
       "most 47 characters",
       "",
       CheckRayClusterName},
  };
}

}  // namespace rayguard::rules
