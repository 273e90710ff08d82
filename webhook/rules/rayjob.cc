// RayJob spec rules (ValidateRayJobSpec), apart from deletionStrategy.
#include <yaml-cpp/yaml.h>

#include "webhook/core/field_error.h"
#include "webhook/rules/internal/spec.h"
#include "webhook/rules/rule.h"

namespace rayguard::rules {
namespace {

using internal::Integer;
using internal::json;
using internal::Member;

const json* Spec(const RuleContext& ctx) {
  return Member(&ctx.resource.object, "spec");
}
const FieldPath kSpec("spec");

bool Shutdown(const RuleContext& ctx) {
  return internal::IsTrue(Member(Spec(ctx), "shutdownAfterJobFinishes"));
}
bool Suspend(const RuleContext& ctx) {
  return internal::IsTrue(Member(Spec(ctx), "suspend"));
}
bool SelectorMode(const RuleContext& ctx) {
  return internal::Size(Member(Spec(ctx), "clusterSelector")) > 0;
}
std::string Mode(const RuleContext& ctx) {
  std::string mode = internal::String(Member(Spec(ctx), "submissionMode"));
  return mode.empty() ? "K8sJobMode" : mode;
}

void CheckSuspend(const RuleContext& ctx, Findings* out) {
  if (!Suspend(ctx)) return;
  if (!Shutdown(ctx)) {
    out->push_back(field_error::Forbidden("kuberay/rayjob-suspend",
                                          kSpec.Child("suspend"),
                                          "a RayJob can be suspended only when "
                                          "shutdownAfterJobFinishes is true"));
  }
  if (SelectorMode(ctx)) {
    out->push_back(field_error::Forbidden(
        "kuberay/rayjob-suspend", kSpec.Child("suspend"),
        "a RayJob that uses clusterSelector cannot be suspended"));
  }
}

void CheckTtl(const RuleContext& ctx, Findings* out) {
  auto ttl = Integer(Member(Spec(ctx), "ttlSecondsAfterFinished"));
  if (!ttl) return;
  FieldPath path = kSpec.Child("ttlSecondsAfterFinished");
  if (*ttl < 0) {
    out->push_back(field_error::Invalid("kuberay/rayjob-ttl", path, *ttl,
                                        "must be greater than or equal to 0"));
  } else if (*ttl > 0 && !Shutdown(ctx)) {
    out->push_back(field_error::Forbidden(
        "kuberay/rayjob-ttl", path,
        "has no effect unless shutdownAfterJobFinishes is true"));
  }
}

void CheckClusterSource(const RuleContext& ctx, Findings* out) {
  if (SelectorMode(ctx) || Member(Spec(ctx), "rayClusterSpec") != nullptr)
    return;
  out->push_back(field_error::Required(
      "kuberay/rayjob-cluster-source", kSpec.Child("rayClusterSpec"),
      "one of rayClusterSpec or clusterSelector must be set"));
}

void CheckClusterSelector(const RuleContext& ctx, Findings* out) {
  constexpr char kRule[] = "kuberay/rayjob-cluster-selector";
  if (!SelectorMode(ctx)) return;
  const json* selector = Member(Spec(ctx), "clusterSelector");
  if (internal::String(Member(selector, "ray.io/cluster")).empty()) {
    out->push_back(field_error::Required(
        kRule, kSpec.Child("clusterSelector").Key("ray.io/cluster"),
        "clusterSelector must name the RayCluster to use"));
  }
  if (Mode(ctx) == "SidecarMode") {
    out->push_back(field_error::Forbidden(
        kRule, kSpec.Child("clusterSelector"),
        "is not supported with submissionMode SidecarMode"));
  }
}

void CheckBackoffLimit(const RuleContext& ctx, Findings* out) {
  constexpr char kRule[] = "kuberay/rayjob-backoff-limit";
  auto limit = Integer(Member(Spec(ctx), "backoffLimit"));
  if (!limit) return;
  FieldPath path = kSpec.Child("backoffLimit");
  if (*limit < 0) {
    out->push_back(field_error::Invalid(kRule, path, *limit,
                                        "must be greater than or equal to 0"));
  }
  if (*limit > 0 && SelectorMode(ctx)) {
    out->push_back(field_error::Invalid(
        kRule, path, *limit, "retries are not supported with clusterSelector"));
  }
  if (*limit > 0 && Mode(ctx) == "InteractiveMode") {
    out->push_back(field_error::Invalid(
        kRule, path, *limit,
        "retries are not supported with submissionMode InteractiveMode"));
  }
}

void CheckSidecarMode(const RuleContext& ctx, Findings* out) {
  constexpr char kRule[] = "kuberay/rayjob-sidecar-mode";
  if (Mode(ctx) != "SidecarMode") return;
  for (const char* field : {"submitterPodTemplate", "submitterConfig"}) {
    if (Member(Spec(ctx), field) == nullptr) continue;
    out->push_back(field_error::Forbidden(
        kRule, kSpec.Child(field),
        "is not supported with submissionMode SidecarMode"));
  }
  std::string policy = internal::String(
      internal::At(Spec(ctx), {"rayClusterSpec", "headGroupSpec", "template",
                               "spec", "restartPolicy"}));
  if (policy.empty() || policy == "Never") return;
  Finding f = field_error::NotSupported(kRule,
                                        kSpec.Child("rayClusterSpec")
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
void CheckRuntimeEnv(const RuleContext& ctx, Findings* out) {
  std::string text = internal::String(Member(Spec(ctx), "runtimeEnvYAML"));
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
                                      kSpec.Child("runtimeEnvYAML"),
                                      field_error::kOmitted, problem));
}

void CheckDeadlines(const RuleContext& ctx, Findings* out) {
  for (const char* field :
       {"activeDeadlineSeconds", "preRunningDeadlineSeconds"}) {
    auto value = Integer(Member(Spec(ctx), field));
    if (!value || *value > 0) continue;
    out->push_back(field_error::Invalid("kuberay/rayjob-deadline",
                                        kSpec.Child(field), *value,
                                        "must be greater than 0"));
  }
}

}  // namespace

std::vector<Rule> RayJobRules() {
  return {
      {"kuberay/rayjob-suspend",
       {"RayJob"},
       "a suspended RayJob has shutdownAfterJobFinishes true and no "
       "clusterSelector",
       "",
       CheckSuspend},
      {"kuberay/rayjob-ttl",
       {"RayJob"},
       "ttlSecondsAfterFinished is >= 0 and only set with "
       "shutdownAfterJobFinishes",
       "",
       CheckTtl},
      {"kuberay/rayjob-cluster-source",
       {"RayJob"},
       "a RayJob sets rayClusterSpec or clusterSelector",
       "",
       CheckClusterSource},
      {"kuberay/rayjob-cluster-selector",
       {"RayJob"},
       "clusterSelector names a cluster (ray.io/cluster) and is not used with "
       "SidecarMode",
       "",
       CheckClusterSelector},
      {"kuberay/rayjob-backoff-limit",
       {"RayJob"},
       "backoffLimit is >= 0, and 0 with clusterSelector or InteractiveMode",
       "",
       CheckBackoffLimit},
      {"kuberay/rayjob-sidecar-mode",
       {"RayJob"},
       "SidecarMode has no submitterPodTemplate or submitterConfig and a head "
       "restartPolicy of Never",
       "",
       CheckSidecarMode},
      {"kuberay/rayjob-runtime-env-yaml",
       {"RayJob"},
       "runtimeEnvYAML is a YAML mapping",
       "",
       CheckRuntimeEnv},
      {"kuberay/rayjob-deadline",
       {"RayJob"},
       "activeDeadlineSeconds and preRunningDeadlineSeconds are > 0",
       "",
       CheckDeadlines},
  };
}

}  // namespace rayguard::rules
