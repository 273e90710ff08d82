// RayJob spec rules (ValidateRayJobSpec), apart from deletionStrategy, on a
// RayJob's spec and on a RayCronJob's spec.jobTemplate.
#include <yaml-cpp/yaml.h>

#include "webhook/core/field_error.h"
#include "webhook/rules/internal/spec.h"
#include "webhook/rules/rule.h"

namespace rayguard::rules {
namespace {

using internal::Integer;
using internal::json;
using internal::Member;

using internal::JobSpec;

bool Shutdown(const JobSpec& j) {
  return internal::IsTrue(Member(&j.spec, "shutdownAfterJobFinishes"));
}
bool Suspend(const JobSpec& j) {
  return internal::IsTrue(Member(&j.spec, "suspend"));
}
bool SelectorMode(const JobSpec& j) {
  return internal::Size(Member(&j.spec, "clusterSelector")) > 0;
}
std::string Mode(const JobSpec& j) {
  std::string mode = internal::String(Member(&j.spec, "submissionMode"));
  return mode.empty() ? "K8sJobMode" : mode;
}

void CheckSuspend(const JobSpec& j, const RuleContext&, Findings* out) {
  if (!Suspend(j)) return;
  if (!Shutdown(j)) {
    out->push_back(field_error::Forbidden("kuberay/rayjob-suspend",
                                          j.path.Child("suspend"),
                                          "a RayJob can be suspended only when "
                                          "shutdownAfterJobFinishes is true"));
  }
  if (SelectorMode(j)) {
    out->push_back(field_error::Forbidden(
        "kuberay/rayjob-suspend", j.path.Child("suspend"),
        "a RayJob that uses clusterSelector cannot be suspended"));
  }
}

void CheckTtl(const JobSpec& j, const RuleContext&, Findings* out) {
  auto ttl = Integer(Member(&j.spec, "ttlSecondsAfterFinished"));
  if (!ttl) return;
  FieldPath path = j.path.Child("ttlSecondsAfterFinished");
  if (*ttl < 0) {
    out->push_back(field_error::Invalid("kuberay/rayjob-ttl", path, *ttl,
                                        "must be greater than or equal to 0"));
  } else if (*ttl > 0 && !Shutdown(j)) {
    out->push_back(field_error::Forbidden(
        "kuberay/rayjob-ttl", path,
        "has no effect unless shutdownAfterJobFinishes is true"));
  }
}

void CheckClusterSource(const JobSpec& j, const RuleContext&, Findings* out) {
  if (SelectorMode(j) || Member(&j.spec, "rayClusterSpec") != nullptr) return;
  out->push_back(field_error::Required(
      "kuberay/rayjob-cluster-source", j.path.Child("rayClusterSpec"),
      "one of rayClusterSpec or clusterSelector must be set"));
}

void CheckClusterSelector(const JobSpec& j, const RuleContext&, Findings* out) {
  constexpr char kRule[] = "kuberay/rayjob-cluster-selector";
  if (!SelectorMode(j)) return;
  const json* selector = Member(&j.spec, "clusterSelector");
  if (internal::String(Member(selector, "ray.io/cluster")).empty()) {
    out->push_back(field_error::Required(
        kRule, j.path.Child("clusterSelector").Key("ray.io/cluster"),
        "clusterSelector must name the RayCluster to use"));
  }
  if (Mode(j) == "SidecarMode") {
    out->push_back(field_error::Forbidden(
        kRule, j.path.Child("clusterSelector"),
        "is not supported with submissionMode SidecarMode"));
  }
}

void CheckBackoffLimit(const JobSpec& j, const RuleContext&, Findings* out) {
  constexpr char kRule[] = "kuberay/rayjob-backoff-limit";
  auto limit = Integer(Member(&j.spec, "backoffLimit"));
  if (!limit) return;
  FieldPath path = j.path.Child("backoffLimit");
  if (*limit < 0) {
    out->push_back(field_error::Invalid(kRule, path, *limit,
                                        "must be greater than or equal to 0"));
  }
  if (*limit > 0 && SelectorMode(j)) {
    out->push_back(field_error::Invalid(
        kRule, path, *limit, "retries are not supported with clusterSelector"));
  }
  if (*limit > 0 && Mode(j) == "InteractiveMode") {
    out->push_back(field_error::Invalid(
        kRule, path, *limit,
        "retries are not supported with submissionMode InteractiveMode"));
  }
}

void CheckSidecarMode(const JobSpec& j, const RuleContext&, Findings* out) {
  constexpr char kRule[] = "kuberay/rayjob-sidecar-mode";
  if (Mode(j) != "SidecarMode") return;
  for (const char* field : {"submitterPodTemplate", "submitterConfig"}) {
    if (Member(&j.spec, field) == nullptr) continue;
    out->push_back(field_error::Forbidden(
        kRule, j.path.Child(field),
        "is not supported with submissionMode SidecarMode"));
  }
  std::string policy = internal::String(
      internal::At(&j.spec, {"rayClusterSpec", "headGroupSpec", "template",
                             "spec", "restartPolicy"}));
  if (policy.empty() || policy == "Never") return;
  Finding f = field_error::NotSupported(kRule,
                                        j.path.Child("rayClusterSpec")
                                            .Child("headGroupSpec")
                                            .Child("template")
                                            .Child("spec")
                                            .Child("restartPolicy"),
                                        policy, {"Never"});
  f.message +=
      " (the submitter runs in the head pod with submissionMode SidecarMode)";
  out->push_back(std::move(f));
}

// KubeRay decodes runtimeEnvYAML into a map before submitting the job.
void CheckRuntimeEnv(const JobSpec& j, const RuleContext&, Findings* out) {
  std::string text = internal::String(Member(&j.spec, "runtimeEnvYAML"));
  if (text.empty()) return;
  std::string problem;
  try {
    YAML::Node node = YAML::Load(text);
    if (!node.IsNull() && !node.IsMap()) problem = "must be a YAML mapping";
  } catch (const YAML::Exception& e) {
    problem = "is not valid YAML: " + e.msg + " (line " +
              std::to_string(e.mark.line + 1) + ")";
  }
  if (problem.empty()) return;
  out->push_back(field_error::Invalid("kuberay/rayjob-runtime-env-yaml",
                                      j.path.Child("runtimeEnvYAML"),
                                      field_error::kOmitted, problem));
}

void CheckDeadlines(const JobSpec& j, const RuleContext&, Findings* out) {
  for (const char* field :
       {"activeDeadlineSeconds", "preRunningDeadlineSeconds"}) {
    auto value = Integer(Member(&j.spec, field));
    if (!value || *value > 0) continue;
    out->push_back(field_error::Invalid("kuberay/rayjob-deadline",
                                        j.path.Child(field), *value,
                                        "must be greater than 0"));
  }
}

}  // namespace

std::vector<Rule> RayJobRules() {
  return {
      {"kuberay/rayjob-suspend", internal::kJobKinds,
       "a suspended RayJob has shutdownAfterJobFinishes true and no "
       "clusterSelector",
       "", internal::OnEachJobSpec<CheckSuspend>},
      {"kuberay/rayjob-ttl", internal::kJobKinds,
       "ttlSecondsAfterFinished is >= 0 and only set with "
       "shutdownAfterJobFinishes",
       "", internal::OnEachJobSpec<CheckTtl>},
      {"kuberay/rayjob-cluster-source", internal::kJobKinds,
       "a RayJob sets rayClusterSpec or clusterSelector", "",
       internal::OnEachJobSpec<CheckClusterSource>},
      {"kuberay/rayjob-cluster-selector", internal::kJobKinds,
       "clusterSelector names a cluster (ray.io/cluster) and is not used with "
       "SidecarMode",
       "", internal::OnEachJobSpec<CheckClusterSelector>},
      {"kuberay/rayjob-backoff-limit", internal::kJobKinds,
       "backoffLimit is >= 0, and 0 with clusterSelector or InteractiveMode",
       "", internal::OnEachJobSpec<CheckBackoffLimit>},
      {"kuberay/rayjob-sidecar-mode", internal::kJobKinds,
       "SidecarMode has no submitterPodTemplate or submitterConfig and a head "
       "restartPolicy of Never",
       "", internal::OnEachJobSpec<CheckSidecarMode>},
      {"kuberay/rayjob-runtime-env-yaml", internal::kJobKinds,
       "runtimeEnvYAML is a YAML mapping", "",
       internal::OnEachJobSpec<CheckRuntimeEnv>},
      {"kuberay/rayjob-deadline", internal::kJobKinds,
       "activeDeadlineSeconds and preRunningDeadlineSeconds are > 0", "",
       internal::OnEachJobSpec<CheckDeadlines>},
  };
}

}  // namespace rayguard::rules
