// RayService spec rules (ValidateRayServiceSpec,
// ValidateClusterUpgradeOptions).
#include "webhook/core/field_error.h"
#include "webhook/rules/internal/spec.h"
#include "webhook/rules/rule.h"

namespace rayguard::rules {
namespace {

using internal::At;
using internal::Integer;
using internal::json;
using internal::Member;

const json* Spec(const RuleContext& ctx) {
  return Member(&ctx.resource.object, "spec");
}
const FieldPath kSpec("spec");
const FieldPath kOptions =
    kSpec.Child("upgradeStrategy").Child("clusterUpgradeOptions");
constexpr char kIncremental[] = "NewClusterWithIncrementalUpgrade";

void CheckHeadServiceName(const RuleContext& ctx, Findings* out) {
  const json* name = At(Spec(ctx), {"rayClusterConfig", "headGroupSpec",
                                    "headService", "metadata", "name"});
  if (internal::String(name).empty()) return;
  out->push_back(field_error::Forbidden(
      "kuberay/rayservice-head-service-name",
      kSpec.Child("rayClusterConfig")
          .Child("headGroupSpec")
          .Child("headService")
          .Child("metadata")
          .Child("name"),
      "the RayService names the head Services of the clusters it creates"));
}

void CheckUpgradeType(const RuleContext& ctx, Findings* out) {
  const json* type = At(Spec(ctx), {"upgradeStrategy", "type"});
  if (type == nullptr) return;
  std::string value = internal::String(type);
  if (value == kIncremental || value == "NewCluster" || value == "None") return;
  out->push_back(
      field_error::NotSupported("kuberay/rayservice-upgrade-strategy",
                                kSpec.Child("upgradeStrategy").Child("type"),
                                *type, {kIncremental, "NewCluster", "None"}));
}

void CheckDeletionDelay(const RuleContext& ctx, Findings* out) {
  auto delay = Integer(Member(Spec(ctx), "rayClusterDeletionDelaySeconds"));
  if (!delay || *delay >= 0) return;
  out->push_back(
      field_error::Invalid("kuberay/rayservice-deletion-delay",
                           kSpec.Child("rayClusterDeletionDelaySeconds"),
                           *delay, "must be greater than or equal to 0"));
}

bool Incremental(const RuleContext& ctx) {
  return ctx.GateEnabled("RayServiceIncrementalUpgrade") &&
         internal::String(At(Spec(ctx), {"upgradeStrategy", "type"})) ==
             kIncremental;
}

void CheckIncrementalAutoscaling(const RuleContext& ctx, Findings* out) {
  const json* cluster = Member(Spec(ctx), "rayClusterConfig");
  if (!Incremental(ctx) ||
      (cluster != nullptr && internal::AutoscalingEnabled(*cluster))) {
    return;
  }
  out->push_back(field_error::Required(
      "kuberay/rayservice-incremental-upgrade-autoscaling",
      kSpec.Child("rayClusterConfig").Child("enableInTreeAutoscaling"),
      "upgradeStrategy.type NewClusterWithIncrementalUpgrade needs the Ray "
      "autoscaler (set it to true)"));
}

void CheckPercent(const json* options, const char* field, std::int64_t fallback,
                  Findings* out) {
  std::optional<std::int64_t> v = Integer(Member(options, field));
  if (!v && Member(options, field) == nullptr && fallback >= 0) v = fallback;
  if (v && *v >= 0 && *v <= 100) return;
  if (v) {
    out->push_back(field_error::Invalid(
        "kuberay/rayservice-incremental-upgrade-options", kOptions.Child(field),
        *v, "must be between 0 and 100"));
  } else {
    out->push_back(field_error::Required(
        "kuberay/rayservice-incremental-upgrade-options", kOptions.Child(field),
        "a percentage between 0 and 100"));
  }
}

void CheckIncrementalOptions(const RuleContext& ctx, Findings* out) {
  constexpr char kRule[] = "kuberay/rayservice-incremental-upgrade-options";
  if (!Incremental(ctx)) return;
  const json* options =
      At(Spec(ctx), {"upgradeStrategy", "clusterUpgradeOptions"});
  if (options == nullptr) {
    out->push_back(field_error::Required(
        kRule, kOptions,
        "needed for upgradeStrategy.type NewClusterWithIncrementalUpgrade"));
    return;
  }
  CheckPercent(options, "maxSurgePercent", 100, out);  // CRD default 100
  CheckPercent(options, "stepSizePercent", -1, out);
  auto surge = Integer(Member(options, "maxSurgePercent")).value_or(100);
  auto step = Integer(Member(options, "stepSizePercent"));
  if (step && *step >= 0 && *step <= 100 && surge >= 0 && surge <= 100 &&
      *step > surge) {
    out->push_back(
        field_error::Invalid(kRule, kOptions.Child("stepSizePercent"), *step,
                             "must be less than or equal to maxSurgePercent (" +
                                 std::to_string(surge) + ")"));
  }
  auto interval = Integer(Member(options, "intervalSeconds"));
  if (!interval) {
    out->push_back(field_error::Required(kRule,
                                         kOptions.Child("intervalSeconds"),
                                         "seconds between upgrade steps"));
  } else if (*interval <= 0) {
    out->push_back(field_error::Invalid(kRule,
                                        kOptions.Child("intervalSeconds"),
                                        *interval, "must be greater than 0"));
  }
  if (internal::String(Member(options, "gatewayClassName")).empty()) {
    out->push_back(
        field_error::Required(kRule, kOptions.Child("gatewayClassName"),
                              "the Gateway API class that shifts traffic"));
  }
}

}  // namespace

std::vector<Rule> RayServiceRules() {
  return {
      {"kuberay/rayservice-head-service-name",
       {"RayService"},
       "rayClusterConfig.headGroupSpec.headService.metadata.name is not set",
       "",
       CheckHeadServiceName},
      {"kuberay/rayservice-upgrade-strategy",
       {"RayService"},
       "upgradeStrategy.type is NewClusterWithIncrementalUpgrade, NewCluster "
       "or None",
       "",
       CheckUpgradeType},
      {"kuberay/rayservice-deletion-delay",
       {"RayService"},
       "rayClusterDeletionDelaySeconds is >= 0",
       "",
       CheckDeletionDelay},
      {"kuberay/rayservice-incremental-upgrade-autoscaling",
       {"RayService"},
       "incremental upgrades need enableInTreeAutoscaling",
       "RayServiceIncrementalUpgrade",
       CheckIncrementalAutoscaling},
      {"kuberay/rayservice-incremental-upgrade-options",
       {"RayService"},
       "incremental upgrades set clusterUpgradeOptions: percentages in 0..100 "
       "(step <= max surge), intervalSeconds > 0, gatewayClassName",
       "RayServiceIncrementalUpgrade",
       CheckIncrementalOptions},
  };
}

}  // namespace rayguard::rules
