#include "webhook/rules/rule_set.h"

#include <algorithm>
#include <set>

#include "webhook/rules/feature_gates.h"

namespace rayguard::rules {
namespace {

class RuleLayer : public Layer {
 public:
  explicit RuleLayer(RuleOptions options)
      : gates_(WithDefaultGates(options.feature_gates)) {}

  std::string_view name() const override { return "rules"; }

  void Check(const Resource& resource, CheckResult* result) const override {
    RuleContext ctx{resource, gates_};
    const std::string kind = resource.kind();
    std::set<decltype(Rule::check)> ran;
    for (const Rule& rule : AllRules()) {
      if (result->findings.size() >= kMaxFindings) break;
      if (std::find(rule.kinds.begin(), rule.kinds.end(), kind) ==
              rule.kinds.end() ||
          !ran.insert(rule.check).second) {
        continue;
      }
      rule.check(ctx, &result->findings);
    }
  }

 private:
  std::map<std::string, bool> gates_;
};

}  // namespace

const std::vector<Rule>& AllRules() {
  static const std::vector<Rule> kRules = [] {
    std::vector<Rule> all;
    for (auto list :
         {MetadataRules, RayClusterRules, GroupRules, WorkerGroupRules,
          GcsFtRules, AutoscalerRules, HistoryServerRules, AuthRules,
          NetworkPolicyRules, TlsRules, RayJobRules, RayJobDeletionRules,
          RayServiceRules, RayCronJobRules, ImmutableRules}) {
      std::vector<Rule> part = list();
      all.insert(all.end(), part.begin(), part.end());
    }
    return all;
  }();
  return kRules;
}

std::unique_ptr<Layer> NewRuleLayer(const RuleOptions& options) {
  return std::make_unique<RuleLayer>(options);
}

void DropSchemaDuplicates(Findings* findings) {
  std::set<std::string> rule_errors;
  for (const Finding& f : *findings) {
    if (f.severity == Severity::kError && !f.path.empty() &&
        f.rule.starts_with("kuberay/")) {
      rule_errors.insert(f.path);
    }
  }
  if (rule_errors.empty()) return;
  std::erase_if(*findings, [&](const Finding& f) {
    return f.rule == "schema" && f.severity == Severity::kError &&
           rule_errors.contains(f.path);
  });
}

}  // namespace rayguard::rules
