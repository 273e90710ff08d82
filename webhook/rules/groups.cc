// Rules that apply alike to the head group and every worker group.
#include "webhook/core/field_error.h"
#include "webhook/rules/internal/spec.h"
#include "webhook/rules/internal/syntax.h"
#include "webhook/rules/rule.h"

namespace rayguard::rules {
namespace {

using internal::ClusterSpec;
using internal::Group;
using internal::json;
using internal::Member;

void CheckContainers(const ClusterSpec& c, const RuleContext&, Findings* out) {
  internal::ForEachGroup(c, [&](const Group& g) {
    if (internal::Size(
            internal::At(&g.group, {"template", "spec", "containers"})) > 0) {
      return;
    }
    out->push_back(field_error::Required(
        "kuberay/group-containers-required",
        g.path.Child("template").Child("spec").Child("containers"),
        "the " + g.label +
            " pod template must have at least one container "
            "(the first one runs Ray)"));
  });
}

// ray start resource flags and the group's `resources` map both declare Ray
// logical resources; KubeRay refuses to guess which one wins.
void CheckResourcesConflict(const ClusterSpec& c, const RuleContext&,
                            Findings* out) {
  internal::ForEachGroup(c, [&](const Group& g) {
    const json* params = Member(&g.group, "rayStartParams");
    std::string flag;
    for (const char* key : {"num-cpus", "num-gpus", "memory", "resources"}) {
      if (!internal::String(Member(params, key)).empty()) {
        flag = key;
        break;
      }
    }
    if (flag.empty() || internal::Size(Member(&g.group, "resources")) == 0)
      return;
    out->push_back(field_error::Forbidden(
        "kuberay/group-resources-conflict", g.path.Child("resources"),
        "may not be set together with rayStartParams[" + flag + "] in the " +
            g.label + "; declare Ray resources in one place only"));
  });
}

void CheckLabelsParam(const ClusterSpec& c, const RuleContext&, Findings* out) {
  internal::ForEachGroup(c, [&](const Group& g) {
    if (Member(Member(&g.group, "rayStartParams"), "labels") == nullptr) return;
    out->push_back(field_error::Forbidden(
        "kuberay/group-labels-param",
        g.path.Child("rayStartParams").Key("labels"),
        "rayStartParams[labels] is not supported in the " + g.label +
            "; use the group's top-level labels field instead"));
  });
}

void CheckLabelSyntax(const ClusterSpec& c, const RuleContext&, Findings* out) {
  constexpr char kRule[] = "kuberay/group-label-syntax";
  internal::ForEachGroup(c, [&](const Group& g) {
    const json& labels = internal::ObjectOrEmpty(Member(&g.group, "labels"));
    for (const auto& [key, value] : labels.items()) {
      FieldPath path = g.path.Child("labels").Key(key);
      for (const std::string& e : internal::QualifiedNameErrors(key)) {
        out->push_back(
            field_error::Invalid(kRule, path, key, "label key: " + e));
      }
      std::string v = value.is_string() ? value.get<std::string>() : "";
      for (const std::string& e : internal::LabelValueErrors(v)) {
        out->push_back(field_error::Invalid(kRule, path, v, e));
      }
    }
  });
}

}  // namespace

std::vector<Rule> GroupRules() {
  const std::vector<std::string>& kAll = internal::kClusterKinds;
  return {
      {"kuberay/group-containers-required", kAll,
       "every head and worker pod template has at least one container", "",
       internal::OnEachClusterSpec<CheckContainers>},
      {"kuberay/group-resources-conflict", kAll,
       "a group sets Ray resources either in rayStartParams (num-cpus, "
       "num-gpus, memory, resources) or in resources, not both",
       "", internal::OnEachClusterSpec<CheckResourcesConflict>},
      {"kuberay/group-labels-param", kAll,
       "rayStartParams[labels] is not used; Ray labels go in the group's "
       "labels field",
       "", internal::OnEachClusterSpec<CheckLabelsParam>},
      {"kuberay/group-label-syntax", kAll,
       "group labels have Kubernetes label syntax (qualified key, valid value)",
       "", internal::OnEachClusterSpec<CheckLabelSyntax>},
  };
}

}  // namespace rayguard::rules
