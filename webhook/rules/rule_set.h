#ifndef RAYGUARD_RULES_RULE_SET_H_
#define RAYGUARD_RULES_RULE_SET_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "webhook/core/layer.h"
#include "webhook/rules/rule.h"

namespace rayguard::rules {

// KubeRay feature gates as `--feature-gates` sets them (see
// ParseFeatureGates in feature_gates.h); unset gates take
// KubeRay v1.7.0's defaults.
struct RuleOptions {
  std::map<std::string, bool> feature_gates;
};

// Every built-in rule, in catalogue order.
const std::vector<Rule>& AllRules();

// The layer that runs every built-in rule that applies to a resource's kind.
std::unique_ptr<Layer> NewRuleLayer(const RuleOptions& options);

// One fault, one finding: where the schema layer and a KubeRay rule both
// report an error on the same field (a CRD minimum or enum that KubeRay also
// checks), drops the schema's finding and keeps the rule's, which says why
// KubeRay needs it. Call after rule overrides are applied, so a rule turned
// off or down to a warning never takes the schema's error with it.
void DropSchemaDuplicates(Findings* findings);

}  // namespace rayguard::rules

#endif  // RAYGUARD_RULES_RULE_SET_H_
