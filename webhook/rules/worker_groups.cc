// Worker group rules: replica bounds, unique names, idle timeout, priority,
// suspension.
#include <set>

#include "webhook/core/field_error.h"
#include "webhook/rules/internal/spec.h"
#include "webhook/rules/internal/syntax.h"
#include "webhook/rules/rule.h"

namespace rayguard::rules {
namespace {

using internal::ClusterSpec;
using internal::Group;
using internal::Integer;
using internal::json;
using internal::Member;

void CheckReplicasRange(const ClusterSpec& c, const RuleContext&,
                        Findings* out) {
  internal::ForEachWorkerGroup(c, [&](const Group& g) {
    auto min = Integer(Member(&g.group, "minReplicas"));
    auto max = Integer(Member(&g.group, "maxReplicas"));
    for (auto [field, value] :
         {std::pair{"minReplicas", min}, {"maxReplicas", max}}) {
      if (value && *value < 0) {
        out->push_back(field_error::Invalid(
            "kuberay/worker-replicas-range", g.path.Child(field), *value,
            "must be greater than or equal to 0"));
      }
    }
    if (min && max && *min >= 0 && *max >= 0 && *min > *max) {
      out->push_back(field_error::Invalid(
          "kuberay/worker-replicas-range", g.path.Child("minReplicas"), *min,
          "must be less than or equal to maxReplicas (" + std::to_string(*max) +
              ")"));
    }
  });
}

// KubeRay's webhook checks this for RayClusters only; the embedded specs of
// RayJobs and RayServices break the same way at reconcile time.
void CheckUniqueNames(const ClusterSpec& c, const RuleContext&, Findings* out) {
  std::set<std::string> seen;
  internal::ForEachWorkerGroup(c, [&](const Group& g) {
    std::string name = internal::String(Member(&g.group, "groupName"));
    if (!seen.insert(name).second) {
      out->push_back(field_error::Duplicate("kuberay/worker-group-name-unique",
                                            g.path.Child("groupName"), name));
    }
  });
}

bool AutoscalerV2(const ClusterSpec& c) {
  return internal::AutoscalerV2Enabled(c.spec) ||
         internal::AutoscalerV2EnvEnabled(c);
}

void CheckIdleTimeout(const ClusterSpec& c, const RuleContext&, Findings* out) {
  constexpr char kRule[] = "kuberay/worker-idle-timeout";
  internal::ForEachWorkerGroup(c, [&](const Group& g) {
    auto timeout = Integer(Member(&g.group, "idleTimeoutSeconds"));
    if (!timeout) return;
    FieldPath path = g.path.Child("idleTimeoutSeconds");
    if (*timeout < 0) {
      out->push_back(field_error::Invalid(
          kRule, path, *timeout, "must be greater than or equal to 0"));
    } else if (!AutoscalerV2(c)) {
      out->push_back(field_error::Forbidden(
          kRule, path,
          "idleTimeoutSeconds per worker group needs autoscaler v2: set " +
              c.path.Child("autoscalerOptions").Child("version").str() +
              " to v2"));
    }
  });
}

void CheckPriority(const ClusterSpec& c, const RuleContext&, Findings* out) {
  constexpr char kRule[] = "kuberay/worker-priority";
  internal::ForEachWorkerGroup(c, [&](const Group& g) {
    auto priority = Integer(Member(&g.group, "priority"));
    if (!priority || *priority == 0) return;
    FieldPath path = g.path.Child("priority");
    std::string version = internal::String(Member(&c.spec, "rayVersion"));
    auto parsed = internal::ParseGenericVersion(version);
    if (!parsed || internal::VersionLess(*parsed, {2, 56, 0})) {
      out->push_back(field_error::Forbidden(
          kRule, path,
          "worker group priority needs Ray 2.56.0 or later, but " +
              c.path.Child("rayVersion").str() + " is " +
              (version.empty() ? std::string("not set")
                               : "\"" + version + "\"")));
    }
    if (!AutoscalerV2(c)) {
      out->push_back(field_error::Forbidden(
          kRule, path,
          "worker group priority (" + std::to_string(*priority) +
              ") needs autoscaler v2: set " +
              c.path.Child("autoscalerOptions").Child("version").str() +
              " to v2"));
    }
  });
}

void CheckSuspendGate(const ClusterSpec& c, const RuleContext& ctx,
                      Findings* out) {
  if (ctx.GateEnabled("RayJobDeletionPolicy")) return;
  internal::ForEachWorkerGroup(c, [&](const Group& g) {
    if (!internal::IsTrue(Member(&g.group, "suspend"))) return;
    out->push_back(field_error::Forbidden(
        "kuberay/worker-suspend-feature-gate", g.path.Child("suspend"),
        "suspending a worker group " +
            internal::GateDisabledDetail("RayJobDeletionPolicy")));
  });
}

void CheckSuspendAutoscaling(const ClusterSpec& c, const RuleContext&,
                             Findings* out) {
  if (!internal::AutoscalingEnabled(c.spec)) return;
  internal::ForEachWorkerGroup(c, [&](const Group& g) {
    if (!internal::IsTrue(Member(&g.group, "suspend"))) return;
    out->push_back(field_error::Forbidden(
        "kuberay/worker-suspend-autoscaling", g.path.Child("suspend"),
        "a worker group cannot be suspended while enableInTreeAutoscaling "
        "is true"));
  });
}

}  // namespace

std::vector<Rule> WorkerGroupRules() {
  const std::vector<std::string>& kAll = internal::kClusterKinds;
  return {
      {"kuberay/worker-replicas-range", kAll,
       "0 <= minReplicas <= maxReplicas for every worker group", "",
       internal::OnEachClusterSpec<CheckReplicasRange>},
      {"kuberay/worker-group-name-unique", kAll,
       "worker group names are unique (also inside RayJob and RayService)", "",
       internal::OnEachClusterSpec<CheckUniqueNames>},
      {"kuberay/worker-idle-timeout", kAll,
       "a worker group's idleTimeoutSeconds is >= 0 and needs autoscaler v2",
       "", internal::OnEachClusterSpec<CheckIdleTimeout>},
      {"kuberay/worker-priority", kAll,
       "a non-zero worker group priority needs Ray >= 2.56.0 and autoscaler v2",
       "", internal::OnEachClusterSpec<CheckPriority>},
      {"kuberay/worker-suspend-feature-gate", kAll,
       "suspending a worker group needs the RayJobDeletionPolicy gate",
       "RayJobDeletionPolicy", internal::OnEachClusterSpec<CheckSuspendGate>},
      {"kuberay/worker-suspend-autoscaling", kAll,
       "a worker group cannot be suspended when autoscaling is enabled", "",
       internal::OnEachClusterSpec<CheckSuspendAutoscaling>},
  };
}

}  // namespace rayguard::rules
