// Rules on metadata: object names (or generateName prefixes) and RayService
// annotations.
#include <string>

#include "webhook/core/field_error.h"
#include "webhook/rules/internal/spec.h"
#include "webhook/rules/internal/syntax.h"
#include "webhook/rules/rule.h"

namespace rayguard::rules {
namespace {

// KubeRay derives Service names from the RayCluster name; "-serve-svc" is the
// longest suffix, so 63 - 10 = 53 characters. RayJobs and RayServices append
// "-" and 5 characters to name their RayCluster, leaving 47.
constexpr std::size_t kMaxRayClusterNameLength = 53;
constexpr std::size_t kMaxOwnerNameLength = kMaxRayClusterNameLength - 6;
// A RayCronJob names each RayJob "<name>-<minutes since the epoch>"; KubeRay
// keeps 11 characters for the suffix, leaving 47 - 11 = 36. The RayJob name
// must also be a DNS-1035 label, so the RayCronJob name must be one.
constexpr std::size_t kMaxRayCronJobNameLength = kMaxOwnerNameLength - 11;
// The API server appends 5 random characters to generateName.
constexpr std::size_t kGeneratedSuffixLength = 5;

constexpr char kDns1035Rule[] =
    "a DNS-1035 label must consist of lower case alphanumeric characters or "
    "'-', start with an alphabetic character, and end with an alphanumeric "
    "character (regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

void CheckName(const RuleContext& ctx, const char* rule, std::size_t max,
               Findings* findings) {
  const std::string name = ctx.resource.name();
  const std::string generate = ctx.resource.generate_name();
  const FieldPath metadata("metadata");
  if (name.empty() && !generate.empty()) {
    const FieldPath path = metadata.Child("generateName");
    if (generate.size() + kGeneratedSuffixLength > max) {
      findings->push_back(field_error::Invalid(
          rule, path, generate,
          "must be no more than " +
              std::to_string(max - kGeneratedSuffixLength) +
              " characters, leaving room for the 5 generated characters"));
    }
    if (!internal::MatchesDns1035Pattern(generate, /*prefix=*/true)) {
      findings->push_back(field_error::Invalid(
          rule, path, generate,
          "a DNS-1035 label prefix must consist of lower case alphanumeric "
          "characters or '-' and start with an alphabetic character"));
    }
    return;
  }
  const FieldPath path = metadata.Child("name");
  if (name.size() > max) {
    findings->push_back(field_error::Invalid(
        rule, path, name,
        "must be no more than " + std::to_string(max) + " characters"));
  }
  // The pattern is checked on the whole name: a valid name that is only too
  // long gets the length finding alone.
  if (!name.empty() && !internal::MatchesDns1035Pattern(name)) {
    findings->push_back(field_error::Invalid(rule, path, name, kDns1035Rule));
  }
}

void CheckRayClusterName(const RuleContext& ctx, Findings* findings) {
  CheckName(ctx, "kuberay/raycluster-name", kMaxRayClusterNameLength, findings);
}
void CheckRayJobName(const RuleContext& ctx, Findings* findings) {
  CheckName(ctx, "kuberay/rayjob-name", kMaxOwnerNameLength, findings);
}
void CheckRayCronJobName(const RuleContext& ctx, Findings* findings) {
  CheckName(ctx, "kuberay/raycronjob-name", kMaxRayCronJobNameLength, findings);
}
void CheckRayServiceName(const RuleContext& ctx, Findings* findings) {
  CheckName(ctx, "kuberay/rayservice-name", kMaxOwnerNameLength, findings);
}

// ray.io/initializing-timeout: a Go duration ("10m") or whole seconds, > 0.
void CheckInitializingTimeout(const RuleContext& ctx, Findings* findings) {
  constexpr char kKey[] = "ray.io/initializing-timeout";
  const internal::json* value =
      internal::At(&ctx.resource.object, {"metadata", "annotations", kKey});
  std::string text = internal::String(value);
  if (text.empty()) return;
  const FieldPath path = FieldPath("metadata").Child("annotations").Key(kKey);
  std::optional<double> nanos = internal::ParseGoDuration(text);
  std::optional<std::int64_t> seconds = internal::ParseGoInt(text);
  if (!nanos && !seconds) {
    findings->push_back(field_error::Invalid(
        "kuberay/rayservice-initializing-timeout", path, text,
        "must be a Go duration such as \"5m\" or \"1h\", or a positive number "
        "of seconds"));
  } else if ((nanos && *nanos <= 0) || (!nanos && *seconds <= 0)) {
    findings->push_back(
        field_error::Invalid("kuberay/rayservice-initializing-timeout", path,
                             text, "must be positive"));
  }
}

}  // namespace

std::vector<Rule> MetadataRules() {
  return {
      {"kuberay/raycluster-name",
       {"RayCluster"},
       "metadata.name (or the generateName prefix) is a DNS-1035 label of at "
       "most 53 characters",
       "",
       CheckRayClusterName},
      {"kuberay/rayjob-name",
       {"RayJob"},
       "metadata.name (or the generateName prefix) is a DNS-1035 label of at "
       "most 47 characters",
       "",
       CheckRayJobName},
      {"kuberay/rayservice-name",
       {"RayService"},
       "metadata.name (or the generateName prefix) is a DNS-1035 label of at "
       "most 47 characters",
       "",
       CheckRayServiceName},
      {"kuberay/raycronjob-name",
       {"RayCronJob"},
       "metadata.name (or the generateName prefix) is a DNS-1035 label of at "
       "most 36 characters, so the RayJobs it creates have valid names",
       "",
       CheckRayCronJobName},
      {"kuberay/rayservice-initializing-timeout",
       {"RayService"},
       "the ray.io/initializing-timeout annotation is a positive Go duration "
       "or "
       "number of seconds",
       "",
       CheckInitializingTimeout},
  };
}

}  // namespace rayguard::rules
