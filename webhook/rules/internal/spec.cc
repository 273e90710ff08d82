#include "webhook/rules/internal/spec.h"

#include <algorithm>
#include <cctype>

#include "webhook/rules/feature_gates.h"

namespace rayguard::rules::internal {

const json* Member(const json* obj, std::string_view key) {
  if (obj == nullptr || !obj->is_object()) return nullptr;
  auto it = obj->find(key);
  if (it == obj->end() || it->is_null()) return nullptr;
  return &*it;
}

const json* At(const json* obj, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) obj = Member(obj, key);
  return obj;
}

bool IsTrue(const json* v) {
  return v != nullptr && v->is_boolean() && v->get<bool>();
}

std::string String(const json* v) {
  return v != nullptr && v->is_string() ? v->get<std::string>() : "";
}

std::optional<std::int64_t> Integer(const json* v) {
  if (v == nullptr || !v->is_number_integer()) return std::nullopt;
  return v->get<std::int64_t>();
}

std::size_t Size(const json* v) {
  return v != nullptr && (v->is_array() || v->is_object()) ? v->size() : 0;
}

const json& ArrayOrEmpty(const json* v) {
  static const json kEmpty = json::array();
  return v != nullptr && v->is_array() ? *v : kEmpty;
}

const json& ObjectOrEmpty(const json* v) {
  static const json kEmpty = json::object();
  return v != nullptr && v->is_object() ? *v : kEmpty;
}

int EnvIndex(const json* container, std::string_view name) {
  const json& env = ArrayOrEmpty(Member(container, "env"));
  for (std::size_t i = 0; i < env.size(); ++i) {
    if (String(Member(&env[i], "name")) == name) return static_cast<int>(i);
  }
  return -1;
}

const std::vector<std::string> kClusterKinds = {"RayCluster", "RayJob",
                                                "RayService", "RayCronJob"};
const std::vector<std::string> kJobKinds = {"RayJob", "RayCronJob"};

namespace {

// Where each kind keeps its RayCluster spec, below `spec`.
std::vector<std::string_view> ClusterSpecKeys(const std::string& kind) {
  if (kind == "RayCluster") return {};
  if (kind == "RayJob") return {"rayClusterSpec"};
  if (kind == "RayService") return {"rayClusterConfig"};
  if (kind == "RayCronJob") return {"jobTemplate", "rayClusterSpec"};
  return {"-"};  // no such member: the kind carries no cluster spec
}

}  // namespace

void ForEachClusterSpec(const RuleContext& ctx,
                        const std::function<void(const ClusterSpec&)>& fn) {
  const json& object = ctx.resource.object;
  const std::string kind = ctx.resource.kind();
  bool update = ctx.resource.admission.operation == "UPDATE";
  const json* spec = Member(&object, "spec");
  const json* old_spec =
      update ? Member(&ctx.resource.admission.old_object, "spec") : nullptr;
  FieldPath path("spec");
  for (std::string_view key : ClusterSpecKeys(kind)) {
    spec = Member(spec, key);
    old_spec = Member(old_spec, key);
    path = path.Child(key);
  }
  if (spec == nullptr || !spec->is_object()) return;
  const json& annotations =
      kind == "RayCronJob"
          ? ObjectOrEmpty(nullptr)
          : ObjectOrEmpty(At(&object, {"metadata", "annotations"}));
  fn({*spec, path, annotations, old_spec, kind});
}

void ForEachJobSpec(const RuleContext& ctx,
                    const std::function<void(const JobSpec&)>& fn) {
  const std::string kind = ctx.resource.kind();
  const json* spec = nullptr;
  FieldPath path("spec");
  if (kind == "RayJob") spec = Member(&ctx.resource.object, "spec");
  if (kind == "RayCronJob") {
    spec = At(&ctx.resource.object, {"spec", "jobTemplate"});
    path = path.Child("jobTemplate");
  }
  if (spec == nullptr || !spec->is_object()) return;
  fn({*spec, path});
}

void ForEachWorkerGroup(const ClusterSpec& c,
                        const std::function<void(const Group&)>& fn) {
  const json& groups = ArrayOrEmpty(Member(&c.spec, "workerGroupSpecs"));
  const FieldPath base = c.path.Child("workerGroupSpecs");
  for (std::size_t i = 0; i < groups.size(); ++i) {
    if (!groups[i].is_object()) continue;
    std::string name = String(Member(&groups[i], "groupName"));
    fn({groups[i], base.Index(i), "worker group \"" + name + "\""});
  }
}

void ForEachGroup(const ClusterSpec& c,
                  const std::function<void(const Group&)>& fn) {
  const json* head = Member(&c.spec, "headGroupSpec");
  if (head != nullptr && head->is_object()) {
    fn({*head, c.path.Child("headGroupSpec"), "head group"});
  }
  ForEachWorkerGroup(c, fn);
}

const json* RayContainer(const json& group) {
  const json& containers =
      ArrayOrEmpty(At(&group, {"template", "spec", "containers"}));
  return containers.empty() || !containers[0].is_object() ? nullptr
                                                          : &containers[0];
}

FieldPath RayContainerPath(const FieldPath& group_path) {
  return group_path.Child("template")
      .Child("spec")
      .Child("containers")
      .Index(0);
}

const json* HeadContainer(const ClusterSpec& c) {
  const json* head = Member(&c.spec, "headGroupSpec");
  return head == nullptr ? nullptr : RayContainer(*head);
}

FieldPath HeadContainerPath(const ClusterSpec& c) {
  return RayContainerPath(c.path.Child("headGroupSpec"));
}

bool AutoscalingEnabled(const json& spec) {
  return IsTrue(Member(&spec, "enableInTreeAutoscaling"));
}

bool AutoscalerV2Enabled(const json& spec) {
  return String(At(&spec, {"autoscalerOptions", "version"})) == "v2";
}

bool AutoscalerV2EnvEnabled(const ClusterSpec& c) {
  const json* container = HeadContainer(c);
  int i = EnvIndex(container, "RAY_enable_autoscaler_v2");
  if (i < 0) return false;
  std::string value = String(Member(&(*container)["env"][i], "value"));
  return value == "1" || value == "true";
}

bool GcsFtEnabled(const ClusterSpec& c) {
  std::string v = String(Member(&c.annotations, "ray.io/ft-enabled"));
  std::transform(v.begin(), v.end(), v.begin(),
                 [](unsigned char ch) { return std::tolower(ch); });
  return v == "true" || Member(&c.spec, "gcsFaultToleranceOptions") != nullptr;
}

bool TokenAuthEnabled(const json& spec) {
  return String(At(&spec, {"authOptions", "mode"})) == "token";
}

bool K8sTokenAuthEnabled(const json& spec) {
  return IsTrue(At(&spec, {"authOptions", "enableK8sTokenAuth"}));
}

bool TlsEnabled(const json& spec) {
  return IsTrue(At(&spec, {"tlsOptions", "enabled"}));
}

std::string GateDisabledDetail(const std::string& gate) {
  auto it = DefaultFeatureGates().find(gate);
  bool default_on = it != DefaultFeatureGates().end() && it->second;
  return "requires the " + gate + " feature gate, which is disabled (" +
         (default_on ? std::string("turned off by --feature-gates")
                     : "off by default in KubeRay v1.7.0; pass "
                       "--feature-gates " +
                           gate + "=true if the operator enables it") +
         ")";
}

}  // namespace rayguard::rules::internal
