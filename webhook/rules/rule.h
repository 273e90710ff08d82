#ifndef RAYGUARD_RULES_RULE_H_
#define RAYGUARD_RULES_RULE_H_

#include <map>
#include <string>
#include <vector>

#include "webhook/core/finding.h"
#include "webhook/core/resource.h"

namespace rayguard::rules {

// What a rule sees: the (defaulted) object, with the admission context
// (operation, oldObject), and the operator's feature gates (defaults applied).
struct RuleContext {
  const Resource& resource;
  const std::map<std::string, bool>& feature_gates;

  bool GateEnabled(const std::string& gate) const {
    auto it = feature_gates.find(gate);
    return it != feature_gates.end() && it->second;
  }
};

// One built-in KubeRay check. `check` appends one Finding per fault. Related
// rules may share one check function that reports under each rule's id; the
// layer runs each distinct function once per object.
struct Rule {
  std::string id;                  // "kuberay/<kebab-name>"
  std::vector<std::string> kinds;  // RayCluster, RayJob, RayService, RayCronJob
  std::string description;
  std::string feature_gate;  // empty when the rule always applies
  void (*check)(const RuleContext& ctx, Findings* findings);
};

// Registration lists, one per rules/*.cc file.
std::vector<Rule> MetadataRules();
std::vector<Rule> RayClusterRules();
std::vector<Rule> GroupRules();
std::vector<Rule> WorkerGroupRules();
std::vector<Rule> GcsFtRules();
std::vector<Rule> AutoscalerRules();
std::vector<Rule> HistoryServerRules();
std::vector<Rule> AuthRules();
std::vector<Rule> NetworkPolicyRules();
std::vector<Rule> TlsRules();
std::vector<Rule> RayJobRules();
std::vector<Rule> RayJobDeletionRules();
std::vector<Rule> RayServiceRules();
std::vector<Rule> RayCronJobRules();
std::vector<Rule> ImmutableRules();

}  // namespace rayguard::rules

#endif  // RAYGUARD_RULES_RULE_H_
