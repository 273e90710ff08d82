// RayJob spec.deletionStrategy: legacy onSuccess/onFailure policies and
// deletionRules (validateDeletionConfiguration upstream), on a RayJob's spec
// and on a RayCronJob's spec.jobTemplate.
#include <map>
#include <utility>

#include "webhook/core/field_error.h"
#include "webhook/rules/internal/spec.h"
#include "webhook/rules/rule.h"

namespace rayguard::rules {
namespace {

using internal::json;
using internal::Member;

using internal::JobSpec;

const json* Strategy(const JobSpec& j) {
  return Member(&j.spec, "deletionStrategy");
}
FieldPath StrategyPath(const JobSpec& j) {
  return j.path.Child("deletionStrategy");
}

bool Shutdown(const JobSpec& j) {
  return internal::IsTrue(Member(&j.spec, "shutdownAfterJobFinishes"));
}
bool HasRules(const JobSpec& j) {
  return internal::Size(Member(Strategy(j), "deletionRules")) > 0;
}
bool HasLegacy(const JobSpec& j) {
  return Member(Strategy(j), "onSuccess") != nullptr ||
         Member(Strategy(j), "onFailure") != nullptr;
}
bool SelectorMode(const JobSpec& j) {
  return internal::Size(Member(&j.spec, "clusterSelector")) > 0;
}
bool Autoscaling(const JobSpec& j) {
  const json* cluster = Member(&j.spec, "rayClusterSpec");
  return cluster != nullptr && internal::AutoscalingEnabled(*cluster);
}

// Every policy the strategy names, with the path of its `policy` field.
std::vector<std::pair<std::string, FieldPath>> Policies(const JobSpec& j) {
  std::vector<std::pair<std::string, FieldPath>> out;
  for (const char* when : {"onSuccess", "onFailure"}) {
    const json* policy = internal::At(Strategy(j), {when, "policy"});
    if (policy != nullptr) {
      out.emplace_back(internal::String(policy),
                       StrategyPath(j).Child(when).Child("policy"));
    }
  }
  const json& rules =
      internal::ArrayOrEmpty(Member(Strategy(j), "deletionRules"));
  for (std::size_t i = 0; i < rules.size(); ++i) {
    out.emplace_back(
        internal::String(Member(&rules[i], "policy")),
        StrategyPath(j).Child("deletionRules").Index(i).Child("policy"));
  }
  return out;
}

void CheckGate(const JobSpec& j, const RuleContext& ctx, Findings* out) {
  if (Strategy(j) == nullptr || ctx.GateEnabled("RayJobDeletionPolicy")) return;
  out->push_back(field_error::Forbidden(
      "kuberay/rayjob-deletion-feature-gate", StrategyPath(j),
      "deletionStrategy " +
          internal::GateDisabledDetail("RayJobDeletionPolicy")));
}

void CheckShape(const JobSpec& j, const RuleContext&, Findings* out) {
  constexpr char kRule[] = "kuberay/rayjob-deletion-strategy";
  if (Strategy(j) == nullptr) return;
  if (HasRules(j) && Shutdown(j)) {
    out->push_back(field_error::Forbidden(
        kRule, StrategyPath(j).Child("deletionRules"),
        "may not be used together with shutdownAfterJobFinishes: true"));
  }
  if (HasRules(j) && HasLegacy(j)) {
    out->push_back(field_error::Forbidden(
        kRule, StrategyPath(j).Child("deletionRules"),
        "may not be used together with onSuccess/onFailure"));
  }
  if (!HasRules(j) && !HasLegacy(j)) {
    out->push_back(field_error::Required(
        kRule, StrategyPath(j),
        "set both onSuccess and onFailure, or deletionRules"));
  }
  if (HasRules(j) || !HasLegacy(j)) return;
  for (const char* when : {"onSuccess", "onFailure"}) {
    if (Member(Strategy(j), when) == nullptr) {
      out->push_back(
          field_error::Required(kRule, StrategyPath(j).Child(when),
                                "onSuccess and onFailure are set together"));
    } else if (internal::At(Strategy(j), {when, "policy"}) == nullptr) {
      out->push_back(field_error::Required(
          kRule, StrategyPath(j).Child(when).Child("policy"),
          "the deletion policy to apply"));
    }
  }
}

void CheckPolicyContext(const JobSpec& j, const RuleContext&, Findings* out) {
  if (Strategy(j) == nullptr) return;
  bool legacy = !HasRules(j);
  for (const auto& [policy, path] : Policies(j)) {
    if (SelectorMode(j) &&
        (policy == "DeleteCluster" || policy == "DeleteWorkers")) {
      out->push_back(field_error::Invalid(
          "kuberay/rayjob-deletion-cluster-selector", path, policy,
          "a RayJob that uses clusterSelector does not own its cluster"));
    }
    if (policy == "DeleteWorkers" && Autoscaling(j)) {
      out->push_back(field_error::Invalid(
          "kuberay/rayjob-deletion-workers-autoscaling", path, policy,
          "not supported when rayClusterSpec.enableInTreeAutoscaling is true"));
    }
    if (legacy && policy == "DeleteNone" && Shutdown(j)) {
      out->push_back(field_error::Invalid(
          "kuberay/rayjob-deletion-none-with-shutdown", path, policy,
          "contradicts shutdownAfterJobFinishes: true"));
    }
  }
}

// deletionRules: one condition each, unique (condition, policy) pairs, and
// TTLs that delete workers, then the cluster, then the RayJob itself.
void CheckRules(const JobSpec& j, const RuleContext&, Findings* out) {
  const json& rules =
      internal::ArrayOrEmpty(Member(Strategy(j), "deletionRules"));
  // "JobStatus 'FAILED'" -> policy -> (ttl, index)
  std::map<std::string,
           std::map<std::string, std::pair<std::int64_t, std::size_t>>>
      groups;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    FieldPath path = StrategyPath(j).Child("deletionRules").Index(i);
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
            StrategyPath(j)
                .Child("deletionRules")
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
      {"kuberay/rayjob-deletion-feature-gate", internal::kJobKinds,
       "deletionStrategy needs the RayJobDeletionPolicy gate",
       "RayJobDeletionPolicy", internal::OnEachJobSpec<CheckGate>},
      {"kuberay/rayjob-deletion-strategy", internal::kJobKinds,
       "deletionStrategy uses either both onSuccess and onFailure (with "
       "policies) "
       "or deletionRules without shutdownAfterJobFinishes",
       "", internal::OnEachJobSpec<CheckShape>},
      {"kuberay/rayjob-deletion-cluster-selector", internal::kJobKinds,
       "with clusterSelector, no DeleteCluster or DeleteWorkers policy", "",
       internal::OnEachJobSpec<CheckPolicyContext>},
      {"kuberay/rayjob-deletion-workers-autoscaling", internal::kJobKinds,
       "no DeleteWorkers policy when the cluster autoscales", "",
       internal::OnEachJobSpec<CheckPolicyContext>},
      {"kuberay/rayjob-deletion-none-with-shutdown", internal::kJobKinds,
       "no DeleteNone legacy policy with shutdownAfterJobFinishes", "",
       internal::OnEachJobSpec<CheckPolicyContext>},
      {"kuberay/rayjob-deletion-rule-condition", internal::kJobKinds,
       "each deletion rule has exactly one of jobStatus and "
       "jobDeploymentStatus "
       "and ttlSeconds >= 0",
       "", internal::OnEachJobSpec<CheckRules>},
      {"kuberay/rayjob-deletion-rule-duplicate", internal::kJobKinds,
       "no two deletion rules share condition and policy", "",
       internal::OnEachJobSpec<CheckRules>},
      {"kuberay/rayjob-deletion-rule-ttl-order", internal::kJobKinds,
       "per condition, TTLs grow DeleteWorkers <= DeleteCluster <= DeleteSelf",
       "", internal::OnEachJobSpec<CheckRules>},
  };
}

}  // namespace rayguard::rules
