// UPDATE-only rules: fields that may not change once set (KubeRay's CRDs
// declare them with `self == oldSelf`, which applies only when the field is
// present in both the old and the new object).
#include "webhook/core/field_error.h"
#include "webhook/rules/internal/spec.h"
#include "webhook/rules/rule.h"

namespace rayguard::rules {
namespace {

using internal::At;
using internal::json;

void ForbidChange(const json* before, const json* after, const FieldPath& path,
                  const char* rule, Findings* out) {
  if (before == nullptr || after == nullptr || *before == *after) return;
  out->push_back(field_error::Invalid(
      rule, path, *after,
      "field is immutable (was " + field_error::RenderValueAt(path, *before) +
          ")"));
}

void CheckManagedBy(const RuleContext& ctx, Findings* out) {
  if (ctx.resource.admission.operation != "UPDATE") return;
  ForbidChange(At(&ctx.resource.admission.old_object, {"spec", "managedBy"}),
               At(&ctx.resource.object, {"spec", "managedBy"}),
               FieldPath("spec").Child("managedBy"),
               "kuberay/managed-by-immutable", out);
}

void CheckBackend(const internal::ClusterSpec& c, const RuleContext&,
                  Findings* out) {
  ForbidChange(At(c.old_spec, {"gcsFaultToleranceOptions", "backend"}),
               At(&c.spec, {"gcsFaultToleranceOptions", "backend"}),
               c.path.Child("gcsFaultToleranceOptions").Child("backend"),
               "kuberay/gcs-ft-backend-immutable", out);
}

}  // namespace

std::vector<Rule> ImmutableRules() {
  const std::vector<std::string> kAll = {"RayCluster", "RayJob", "RayService"};
  return {
      {"kuberay/managed-by-immutable", kAll,
       "on UPDATE, spec.managedBy does not change", "", CheckManagedBy},
      {"kuberay/gcs-ft-backend-immutable", kAll,
       "on UPDATE, gcsFaultToleranceOptions.backend does not change", "",
       internal::OnEachClusterSpec<CheckBackend>},
  };
}

}  // namespace rayguard::rules
