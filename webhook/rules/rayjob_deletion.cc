// RayJob spec.deletionStrategy: legacy onSuccess/onFailure policies and
// deletionRules (validateDeletionConfiguration upstream).
#include <map>
#include <utility>

#include "webhook/core/field_error.h"
#include "webhook/rules/internal/spec.h"
#include "webhook/rules/rule.h"

namespace rayguard::rules {
namespace {

using internal::json;
using internal::Member;

const json* Spec(const RuleContext& ctx) {
  return Member(&ctx.resource.object, "spec");
}
const json* Strategy(const RuleContext& ctx) {
  return Member(Spec(ctx), "deletionStrategy");
}
const FieldPath kStrategy = FieldPath("spec").Child("deletionStrategy");

bool Shutdown(const RuleContext& ctx) {
  return internal::IsTrue(Member(Spec(ctx), "shutdownAfterJobFinishes"));
}
bool HasRules(const RuleContext& ctx) {
  return internal::Size(Member(Strategy(ctx), "deletionRules")) > 0;
}
bool HasLegacy(const RuleContext& ctx) {
  return Member(Strategy(ctx), "onSuccess") != nullptr ||
         Member(Strategy(ctx), "onFailure") != nullptr;
}
bool SelectorMode(const RuleContext& ctx) {
  return internal::Size(Member(Spec(ctx), "clusterSelector")) > 0;
}
bool Autoscaling(const RuleContext& ctx) {
  const json* cluster = Member(Spec(ctx), "rayClusterSpec");
  return cluster != nullptr && internal::AutoscalingEnabled(*cluster);
}

// Every policy the strategy names, with the path of its `policy` field.
std::vector<std::pair<std::string, FieldPath>> Policies(
    const RuleContext& ctx) {
  std::vector<std::pair<std::string, FieldPath>> out;
  for (const char* when : {"onSuccess", "onFailure"}) {
    const json* policy = internal::At(Strategy(ctx), {when, "policy"});
    if (policy != nullptr) {
      out.emplace_back(internal::String(policy),
                       kStrategy.Child(when).Child("policy"));
    }
  }
  const json& rules =
      internal::ArrayOrEmpty(Member(Strategy(ctx), "deletionRules"));
  for (std::size_t i = 0; i < rules.size(); ++i) {
    out.emplace_back(internal::String(Member(&rules[i], "policy")),
                     kStrategy.Child("deletionRules").Index(i).Child("policy"));
  }
  return out;
}

void CheckGate(const RuleContext& ctx, Findings* out) {
  if (Strategy(ctx) == nullptr || ctx.GateEnabled("RayJobDeletionPolicy"))
    return;
  out->push_back(field_error::Forbidden(
      "kuberay/rayjob-deletion-feature-gate", kStrategy,
      "deletionStrategy " +
          internal::GateDisabledDetail("RayJobDeletionPolicy")));
}

void CheckShape(const RuleContext& ctx, Findings* out) {
  constexpr char kRule[] = "kuberay/rayjob-deletion-strategy";
  if (Strategy(ctx) == nullptr) return;
  if (HasRules(ctx) && Shutdown(ctx)) {
    out->push_back(field_error::Forbidden(
        kRule, kStrategy.Child("deletionRules"),
        "may not be used together with shutdownAfterJobFinishes: true"));
  }
  if (HasRules(ctx) && HasLegacy(ctx)) {
    out->push_back(field_error::Forbidden(
        kRule, kStrategy.Child("deletionRules"),
        "may not be used together with onSuccess/onFailure"));
  }
  if (!HasRules(ctx) && !HasLegacy(ctx)) {
    out->push_back(field_error::Required(
        kRule, kStrategy,
        "set both onSuccess and onFailure, or deletionRules"));
  }
  if (HasRules(ctx) || !HasLegacy(ctx)) return;
  for (const char* when : {"onSuccess", "onFailure"}) {
    if (Member(Strategy(ctx), when) == nullptr) {
      out->push_back(
          field_error::Required(kRule, kStrategy.Child(when),
                                "onSuccess and onFailure are set together"));
    } else if (internal::At(Strategy(ctx), {when, "policy"}) == nullptr) {
      out->push_back(
          field_error::Required(kRule, kStrategy.Child(when).Child("policy"),
                                "the deletion policy to apply"));
    }
  }
}

void CheckPolicyContext(const RuleContext& ctx, Findings* out) {
  if (Strategy(ctx) == nullptr) return;
  bool legacy = !HasRules(ctx);
  for (const auto& [policy, path] : Policies(ctx)) {
    if (SelectorMode(ctx) &&
        (policy == "DeleteCluster" || policy == "DeleteWorkers")) {
      out->push_back(field_error::Invalid(
          "kuberay/rayjob-deletion-cluster-selector", path, policy,
          "a RayJob that uses clusterSelector does not own its cluster"));
    }
    if (policy == "DeleteWorkers" && Autoscaling(ctx)) {
      out->push_back(field_error::Invalid(
          "kuberay/rayjob-deletion-workers-autoscaling", path, policy,
          "not supported when rayClusterSpec.enableInTreeAutoscaling is true"));
    }
    if (legacy && policy == "DeleteNone" && Shutdown(ctx)) {
      out->push_back(field_error::Invalid(
          "kuberay/rayjob-deletion-none-with-shutdown", path, policy,
          "contradicts shutdownAfterJobFinishes: true"));
    }
  }
}

// deletionRules: one condition each, unique (condition, policy) pairs, and
// TTLs that delete workers, then the cluster, then the RayJob itself.
void CheckRules(const RuleContext& ctx, Findings* out) {
  const json& rules =
      internal::ArrayOrEmpty(Member(Strategy(ctx), "deletionRules"));
  // "JobStatus 'FAILED'" -> policy -> (ttl, index)
  std::map<std::string,
           std::map<std::string, std::pair<std::int64_t, std::size_t>>>
      groups;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    FieldPath path = kStrategy.Child("deletionRules").Index(i);
    const json* cond = Member(&rules[i], "condition");
    const json* status = Member(cond, "jobStatus");
    const json* deploy = Member(cond, "jobDeploymentStatus");
    std::int64_t ttl =
        internal::Integer(Member(cond, "ttlSeconds")).value_or(0);
    if ((status == nullptr) == (deploy == nullptr)) {
      out->push_back(field_error::Invalid(
          "kuberay/rayjob-deletion-rule-condition", path.Child("condition"),
          cond != nullptr ? *cond : json::object(),
          "set exactly one of jobStatus and jobDeploymentStatus"));
      continue;
    }
    if (ttl < 0) {
      out->push_back(
          field_error::Invalid("kuberay/rayjob-deletion-rule-condition",
                               path.Child("condition").Child("ttlSeconds"), ttl,
                               "must be greater than or equal to 0"));
      continue;
    }
    std::string key = status != nullptr
                          ? "jobStatus " + internal::String(status)
                          : "jobDeploymentStatus " + internal::String(deploy);
    std::string policy = internal::String(Member(&rules[i], "policy"));
    if (!groups[key].emplace(policy, std::pair{ttl, i}).second) {
      out->push_back(
          field_error::Duplicate("kuberay/rayjob-deletion-rule-duplicate", path,
                                 policy + " on " + key));
    }
  }
  for (const auto& [key, by_policy] : groups) {
    const std::pair<std::int64_t, std::size_t>* prev = nullptr;
    std::string prev_policy;
    for (const char* policy :
         {"DeleteWorkers", "DeleteCluster", "DeleteSelf"}) {
      auto it = by_policy.find(policy);
      if (it == by_policy.end()) continue;
      if (prev != nullptr && it->second.first < prev->first) {
        out->push_back(field_error::Invalid(
            "kuberay/rayjob-deletion-rule-ttl-order",
            kStrategy.Child("deletionRules")
                .Index(it->second.second)
                .Child("condition")
                .Child("ttlSeconds"),
            it->second.first,
            std::string("the ") + policy + " TTL on " + key +
                " must be greater than or equal to the " + prev_policy +
                " TTL (" + std::to_string(prev->first) + ")"));
      }
      prev = &it->second;
      prev_policy = policy;
    }
  }
}

}  // namespace

std::vector<Rule> RayJobDeletionRules() {
  return {
      {"kuberay/rayjob-deletion-feature-gate",
       {"RayJob"},
       "deletionStrategy needs the RayJobDeletionPolicy gate",
       "RayJobDeletionPolicy",
       CheckGate},
      {"kuberay/rayjob-deletion-strategy",
       {"RayJob"},
       "deletionStrategy uses either both onSuccess and onFailure (with "
       "policies) "
       "or deletionRules without shutdownAfterJobFinishes",
       "",
       CheckShape},
      {"kuberay/rayjob-deletion-cluster-selector",
       {"RayJob"},
       "with clusterSelector, no DeleteCluster or DeleteWorkers policy",
       "",
       CheckPolicyContext},
      {"kuberay/rayjob-deletion-workers-autoscaling",
       {"RayJob"},
       "no DeleteWorkers policy when the cluster autoscales",
       "",
       CheckPolicyContext},
      {"kuberay/rayjob-deletion-none-with-shutdown",
       {"RayJob"},
       "no DeleteNone legacy policy with shutdownAfterJobFinishes",
       "",
       CheckPolicyContext},
      {"kuberay/rayjob-deletion-rule-condition",
       {"RayJob"},
       "each deletion rule has exactly one of jobStatus and "
       "jobDeploymentStatus "
       "and ttlSeconds >= 0",
       "",
       CheckRules},
      {"kuberay/rayjob-deletion-rule-duplicate",
       {"RayJob"},
       "no two deletion rules share condition and policy",
       "",
       CheckRules},
      {"kuberay/rayjob-deletion-rule-ttl-order",
       {"RayJob"},
       "per condition, TTLs grow DeleteWorkers <= DeleteCluster <= DeleteSelf",
       "",
       CheckRules},
  };
}

}  // namespace rayguard::rules
