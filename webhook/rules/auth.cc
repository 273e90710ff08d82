// Ray token authentication (spec.authOptions) and its Ray version floor.
#include "webhook/core/field_error.h"
#include "webhook/rules/internal/spec.h"
#include "webhook/rules/internal/syntax.h"
#include "webhook/rules/rule.h"

namespace rayguard::rules {
namespace {

using internal::ClusterSpec;
using internal::Member;

FieldPath AuthPath(const ClusterSpec& c) { return c.path.Child("authOptions"); }

void CheckTokenRayVersion(const ClusterSpec& c, const RuleContext&,
                          Findings* out) {
  constexpr char kRule[] = "kuberay/auth-token-ray-version";
  if (!internal::TokenAuthEnabled(c.spec)) return;
  FieldPath path = c.path.Child("rayVersion");
  std::string version = internal::String(Member(&c.spec, "rayVersion"));
  if (version.empty()) {
    out->push_back(field_error::Required(
        kRule, path,
        "authOptions.mode token needs Ray 2.52.0 or later; set rayVersion"));
    return;
  }
  auto parsed = internal::ParseGenericVersion(version);
  if (!parsed) {
    out->push_back(field_error::Invalid(
        kRule, path, version, "must be a Ray version such as 2.52.0"));
  } else if (internal::VersionLess(*parsed, {2, 52, 0})) {
    out->push_back(field_error::Invalid(
        kRule, path, version,
        "authOptions.mode token needs Ray 2.52.0 or later"));
  }
}

void CheckK8sTokenRayVersion(const ClusterSpec& c, const RuleContext&,
                             Findings* out) {
  if (!internal::TokenAuthEnabled(c.spec) ||
      !internal::K8sTokenAuthEnabled(c.spec)) {
    return;
  }
  std::string version = internal::String(Member(&c.spec, "rayVersion"));
  auto parsed = internal::ParseGenericVersion(version);
  if (!parsed || !internal::VersionLess(*parsed, {2, 55, 0})) return;
  out->push_back(field_error::Invalid(
      "kuberay/auth-k8s-token-ray-version", c.path.Child("rayVersion"), version,
      "authOptions.enableK8sTokenAuth needs Ray 2.55.0 or later"));
}

void CheckK8sTokenSecret(const ClusterSpec& c, const RuleContext&,
                         Findings* out) {
  if (!internal::TokenAuthEnabled(c.spec) ||
      !internal::K8sTokenAuthEnabled(c.spec) ||
      internal::String(internal::At(&c.spec, {"authOptions", "secretName"}))
          .empty()) {
    return;
  }
  out->push_back(field_error::Forbidden(
      "kuberay/auth-k8s-token-secret-name", AuthPath(c).Child("secretName"),
      "may not be set when enableK8sTokenAuth is true (Kubernetes tokens "
      "replace the shared secret)"));
}

void CheckK8sTokenMode(const ClusterSpec& c, const RuleContext&,
                       Findings* out) {
  if (internal::TokenAuthEnabled(c.spec) ||
      !internal::K8sTokenAuthEnabled(c.spec)) {
    return;
  }
  out->push_back(field_error::Forbidden("kuberay/auth-k8s-token-mode",
                                        AuthPath(c).Child("enableK8sTokenAuth"),
                                        "needs authOptions.mode: token"));
}

void CheckK8sTokenKind(const ClusterSpec& c, const RuleContext&,
                       Findings* out) {
  if (c.kind == "RayCluster" || !internal::K8sTokenAuthEnabled(c.spec)) return;
  out->push_back(field_error::Forbidden(
      "kuberay/auth-k8s-token-kind", AuthPath(c).Child("enableK8sTokenAuth"),
      "Kubernetes token auth is not supported for a " + c.kind +
          " in KubeRay v1.7.0; use it on a RayCluster"));
}

}  // namespace

std::vector<Rule> AuthRules() {
  const std::vector<std::string>& kAll = internal::kClusterKinds;
  return {
      {"kuberay/auth-token-ray-version", kAll,
       "authOptions.mode token needs rayVersion 2.52.0 or later", "",
       internal::OnEachClusterSpec<CheckTokenRayVersion>},
      {"kuberay/auth-k8s-token-ray-version", kAll,
       "authOptions.enableK8sTokenAuth needs rayVersion 2.55.0 or later", "",
       internal::OnEachClusterSpec<CheckK8sTokenRayVersion>},
      {"kuberay/auth-k8s-token-secret-name", kAll,
       "authOptions.enableK8sTokenAuth and authOptions.secretName are not both "
       "set",
       "", internal::OnEachClusterSpec<CheckK8sTokenSecret>},
      {"kuberay/auth-k8s-token-mode", kAll,
       "authOptions.enableK8sTokenAuth needs authOptions.mode token", "",
       internal::OnEachClusterSpec<CheckK8sTokenMode>},
      {"kuberay/auth-k8s-token-kind",
       {"RayJob", "RayService", "RayCronJob"},
       "Kubernetes token auth is for RayClusters only (not RayJob or "
       "RayService)",
       "",
       internal::OnEachClusterSpec<CheckK8sTokenKind>},
  };
}

}  // namespace rayguard::rules
