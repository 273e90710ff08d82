// spec.networkPolicy, alpha in KubeRay v1.7.0 behind RayClusterNetworkPolicy.
#include <set>

#include "webhook/core/field_error.h"
#include "webhook/rules/internal/spec.h"
#include "webhook/rules/internal/syntax.h"
#include "webhook/rules/rule.h"

namespace rayguard::rules {
namespace {

using internal::ClusterSpec;
using internal::Group;
using internal::json;
using internal::Member;

const json* Policy(const ClusterSpec& c) {
  return Member(&c.spec, "networkPolicy");
}
FieldPath PolicyPath(const ClusterSpec& c) {
  return c.path.Child("networkPolicy");
}

void CheckGate(const ClusterSpec& c, const RuleContext& ctx, Findings* out) {
  if (Policy(c) == nullptr || ctx.GateEnabled("RayClusterNetworkPolicy"))
    return;
  out->push_back(field_error::Forbidden(
      "kuberay/network-policy-feature-gate", PolicyPath(c),
      "networkPolicy " +
          internal::GateDisabledDetail("RayClusterNetworkPolicy")));
}

// A mode that leaves a direction open makes rules for that direction moot.
void CheckRulesAgainstMode(const json* rules, const FieldPath& path,
                           const std::string& mode, Findings* out) {
  const char* open = mode == "DenyAllEgress"    ? "ingressRules"
                     : mode == "DenyAllIngress" ? "egressRules"
                                                : nullptr;
  if (open == nullptr || internal::Size(Member(rules, open)) == 0) return;
  out->push_back(field_error::Forbidden(
      "kuberay/network-policy-rules-mode", path.Child(open),
      std::string("may not be set when networkPolicy.mode is \"") + mode +
          "\" (" +
          (std::string(open) == "ingressRules" ? "ingress" : "egress") +
          " is not restricted)"));
}

void CheckRulesMode(const ClusterSpec& c, const RuleContext&, Findings* out) {
  if (Policy(c) == nullptr) return;
  std::string mode = internal::String(Member(Policy(c), "mode"));
  if (mode.empty()) mode = "DenyAll";
  CheckRulesAgainstMode(Member(Policy(c), "head"), PolicyPath(c).Child("head"),
                        mode, out);
  CheckRulesAgainstMode(Member(Policy(c), "worker"),
                        PolicyPath(c).Child("worker"), mode, out);
  const json& groups =
      internal::ArrayOrEmpty(Member(Policy(c), "workerGroups"));
  for (std::size_t i = 0; i < groups.size(); ++i) {
    CheckRulesAgainstMode(
        &groups[i], PolicyPath(c).Child("workerGroups").Index(i), mode, out);
  }
}

// Group names become part of NetworkPolicy object names.
void CheckGroupNames(const ClusterSpec& c, const RuleContext&, Findings* out) {
  if (Policy(c) == nullptr) return;
  internal::ForEachWorkerGroup(c, [&](const Group& g) {
    std::string name = internal::String(Member(&g.group, "groupName"));
    if (internal::IsDns1123Label(name)) return;
    out->push_back(field_error::Invalid(
        "kuberay/network-policy-group-name", g.path.Child("groupName"), name,
        "must be a DNS-1123 label (lower case alphanumerics and '-') when "
        "networkPolicy is set, because it becomes part of the NetworkPolicy "
        "name"));
  });
}

void CheckGroupRefs(const ClusterSpec& c, const RuleContext&, Findings* out) {
  if (Policy(c) == nullptr) return;
  std::set<std::string> names;
  internal::ForEachWorkerGroup(c, [&](const Group& g) {
    names.insert(internal::String(Member(&g.group, "groupName")));
  });
  const json& groups =
      internal::ArrayOrEmpty(Member(Policy(c), "workerGroups"));
  for (std::size_t i = 0; i < groups.size(); ++i) {
    std::string name = internal::String(Member(&groups[i], "groupName"));
    if (names.contains(name)) continue;
    out->push_back(field_error::Invalid(
        "kuberay/network-policy-worker-group-ref",
        PolicyPath(c).Child("workerGroups").Index(i).Child("groupName"), name,
        "does not match any groupName in " +
            c.path.Child("workerGroupSpecs").str()));
  }
}

}  // namespace

std::vector<Rule> NetworkPolicyRules() {
  const std::vector<std::string>& kAll = internal::kClusterKinds;
  return {
      {"kuberay/network-policy-feature-gate", kAll,
       "networkPolicy needs the RayClusterNetworkPolicy gate",
       "RayClusterNetworkPolicy", internal::OnEachClusterSpec<CheckGate>},
      {"kuberay/network-policy-rules-mode", kAll,
       "networkPolicy ingress/egress rules only for a direction the mode "
       "denies",
       "", internal::OnEachClusterSpec<CheckRulesMode>},
      {"kuberay/network-policy-group-name", kAll,
       "with networkPolicy, worker group names are DNS-1123 labels", "",
       internal::OnEachClusterSpec<CheckGroupNames>},
      {"kuberay/network-policy-worker-group-ref", kAll,
       "networkPolicy.workerGroups[].groupName names an existing worker group",
       "", internal::OnEachClusterSpec<CheckGroupRefs>},
  };
}

}  // namespace rayguard::rules
