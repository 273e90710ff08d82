// Rules for RayCluster-only fields: spec.upgradeStrategy.
#include "webhook/core/field_error.h"
#include "webhook/rules/internal/spec.h"
#include "webhook/rules/rule.h"

namespace rayguard::rules {
namespace {

using internal::At;

const internal::json* StrategyType(const RuleContext& ctx) {
  return At(&ctx.resource.object, {"spec", "upgradeStrategy", "type"});
}
const FieldPath kTypePath =
    FieldPath("spec").Child("upgradeStrategy").Child("type");

void CheckType(const RuleContext& ctx, Findings* out) {
  const internal::json* type = StrategyType(ctx);
  if (type == nullptr) return;
  std::string value = internal::String(type);
  if (value == "Recreate" || value == "None") return;
  out->push_back(
      field_error::NotSupported("kuberay/raycluster-upgrade-strategy",
                                kTypePath, *type, {"Recreate", "None"}));
}

// A RayJob or RayService replaces its RayCluster itself; a strategy on the
// child would fight the owner.
void CheckOwner(const RuleContext& ctx, Findings* out) {
  if (StrategyType(ctx) == nullptr) return;
  std::string owner = internal::String(
      At(&ctx.resource.object,
         {"metadata", "labels", "ray.io/originated-from-crd"}));
  if (owner != "RayJob" && owner != "RayService") return;
  out->push_back(field_error::Forbidden(
      "kuberay/raycluster-upgrade-strategy-owner", kTypePath,
      "may not be set on a RayCluster created by a " + owner +
          " (label ray.io/originated-from-crd); the " + owner +
          " decides how its cluster is replaced"));
}

}  // namespace

std::vector<Rule> RayClusterRules() {
  return {
      {"kuberay/raycluster-upgrade-strategy",
       {"RayCluster"},
       "spec.upgradeStrategy.type is Recreate or None",
       "",
       CheckType},
      {"kuberay/raycluster-upgrade-strategy-owner",
       {"RayCluster"},
       "spec.upgradeStrategy is not set on a RayCluster created by a RayJob or "
       "RayService",
       "",
       CheckOwner},
  };
}

}  // namespace rayguard::rules
