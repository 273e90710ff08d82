#include "webhook/rules/rule_set.h"

#include <algorithm>

namespace rayguard::rules {
namespace {

class RuleLayer : public Layer {
 public:
  explicit RuleLayer(RuleOptions options) : options_(std::move(options)) {}

  std::string_view name() const override { return "rules"; }

  void Check(const Resource& resource, CheckResult* result) const override {
    RuleContext ctx{resource, options_.feature_gates};
    const std::string kind = resource.kind();
    for (const Rule& rule : AllRules()) {
      if (std::find(rule.kinds.begin(), rule.kinds.end(), kind) ==
          rule.kinds.end()) {
        continue;
      }
      rule.check(ctx, &result->findings);
    }
  }

 private:
  RuleOptions options_;
};

}  // namespace

const std::vector<Rule>& AllRules() {
  static const std::vector<Rule> kRules = [] {
    std::vector<Rule> all;
    for (auto list : {MetadataRules}) {
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

}  // namespace rayguard::rules
