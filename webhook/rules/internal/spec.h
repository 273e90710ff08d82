#ifndef RAYGUARD_RULES_INTERNAL_SPEC_H_
#define RAYGUARD_RULES_INTERNAL_SPEC_H_

// Read-only helpers over the JSON of RayCluster specs, shared by the rule
// files. Every accessor tolerates missing fields and wrong types (the schema
// layer reports those); a rule never throws on bad input.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "webhook/core/field_path.h"
#include "webhook/rules/rule.h"

namespace rayguard::rules::internal {

using nlohmann::json;

// Member `key` of `*obj`, or nullptr when obj is null, not an object, the key
// is missing or its value is JSON null (Go's nil pointer).
const json* Member(const json* obj, std::string_view key);
const json* At(const json* obj, std::initializer_list<std::string_view> keys);

bool IsTrue(const json* v);         // a JSON true
std::string String(const json* v);  // the string, or "" for anything else
std::optional<std::int64_t> Integer(const json* v);
std::size_t Size(const json* v);  // array/object size; 0 otherwise
const json& ArrayOrEmpty(const json* v);
const json& ObjectOrEmpty(const json* v);

// Index of the env var `name` in container["env"], or -1.
int EnvIndex(const json* container, std::string_view name);

// The kinds that carry a RayCluster spec, and those that carry a RayJob spec.
extern const std::vector<std::string> kClusterKinds;
extern const std::vector<std::string> kJobKinds;

// One RayCluster spec to check: a RayCluster's `spec`, a RayJob's
// `spec.rayClusterSpec`, a RayService's `spec.rayClusterConfig` or a
// RayCronJob's `spec.jobTemplate.rayClusterSpec`.
struct ClusterSpec {
  const json& spec;
  FieldPath path;  // where `spec` sits in the object
  // The annotations KubeRay validates the spec with: the owning object's
  // metadata.annotations; none for a RayCronJob, whose RayJobs carry only
  // KubeRay's own.
  const json& annotations;
  const json* old_spec;  // the same spec in oldObject on UPDATE, else null
  std::string kind;      // kind of the owning object
};

// Calls `fn` for the cluster spec the resource carries, if any.
void ForEachClusterSpec(const RuleContext& ctx,
                        const std::function<void(const ClusterSpec&)>& fn);

using ClusterCheck = void (*)(const ClusterSpec&, const RuleContext&,
                              Findings*);

// Adapts a cluster-spec check to a Rule::check function.
template <ClusterCheck F>
void OnEachClusterSpec(const RuleContext& ctx, Findings* findings) {
  ForEachClusterSpec(ctx, [&](const ClusterSpec& c) { F(c, ctx, findings); });
}

// One RayJob spec to check: a RayJob's `spec` or a RayCronJob's
// `spec.jobTemplate` (KubeRay validates the template as a RayJob spec).
struct JobSpec {
  const json& spec;
  FieldPath path;  // where `spec` sits in the object
};

// Calls `fn` for the RayJob spec the resource carries, if any.
void ForEachJobSpec(const RuleContext& ctx,
                    const std::function<void(const JobSpec&)>& fn);

using JobCheck = void (*)(const JobSpec&, const RuleContext&, Findings*);

// Adapts a RayJob-spec check to a Rule::check function.
template <JobCheck F>
void OnEachJobSpec(const RuleContext& ctx, Findings* findings) {
  ForEachJobSpec(ctx, [&](const JobSpec& j) { F(j, ctx, findings); });
}

// A head or worker group of a cluster spec.
struct Group {
  const json& group;
  FieldPath path;     // spec.headGroupSpec or spec.workerGroupSpecs[i]
  std::string label;  // "head group" or "worker group \"cpu\""
};
void ForEachGroup(const ClusterSpec& c,
                  const std::function<void(const Group&)>& fn);
void ForEachWorkerGroup(const ClusterSpec& c,
                        const std::function<void(const Group&)>& fn);

// KubeRay treats the first container of a pod template as the Ray container
// (utils.RayContainerIndex); rayguard does the same, so its findings match
// what the operator acts on.
const json* RayContainer(const json& group);
FieldPath RayContainerPath(const FieldPath& group_path);
const json* HeadContainer(const ClusterSpec& c);
FieldPath HeadContainerPath(const ClusterSpec& c);

// The same predicates KubeRay's utils use.
bool AutoscalingEnabled(const json& spec);   // enableInTreeAutoscaling
bool AutoscalerV2Enabled(const json& spec);  // autoscalerOptions.version v2
// RAY_enable_autoscaler_v2 set to "1" or "true" in the head Ray container.
bool AutoscalerV2EnvEnabled(const ClusterSpec& c);
bool GcsFtEnabled(const ClusterSpec& c);     // annotation or options
bool TokenAuthEnabled(const json& spec);     // authOptions.mode == token
bool K8sTokenAuthEnabled(const json& spec);  // authOptions.enableK8sTokenAuth
bool TlsEnabled(const json& spec);           // tlsOptions.enabled

// "requires the X feature gate, which is disabled ..." for gate findings.
std::string GateDisabledDetail(const std::string& gate);

}  // namespace rayguard::rules::internal

#endif  // RAYGUARD_RULES_INTERNAL_SPEC_H_
