#ifndef RAYGUARD_RULES_RULE_H_
#define RAYGUARD_RULES_RULE_H_

#include <map>
#include <string>
#include <vector>

#include "webhook/core/finding.h"
#include "webhook/core/resource.h"

namespace rayguard::rules {

// What a rule sees: the (defaulted) object and the operator's feature gates.
struct RuleContext {
  const Resource& resource;
  const std::map<std::string, bool>& feature_gates;

  bool GateEnabled(const std::string& gate) const {
    auto it = feature_gates.find(gate);
    return it != feature_gates.end() && it->second;
  }
};

// One built-in KubeRay check. `check` appends one Finding per fault.
struct Rule {
  std::string id;                  // "kuberay/<kebab-name>"
  std::vector<std::string> kinds;  // RayCluster, RayJob, RayService
  std::string description;
  std::string feature_gate;        // empty when the rule always applies
  void (*check)(const RuleContext& ctx, Findings* findings);
};

// Registration lists, one per rules/*.cc file.
std::vector<Rule> MetadataRules();

}  // namespace rayguard::rules

#endif  // RAYGUARD_RULES_RULE_H_
