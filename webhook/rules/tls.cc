// spec.tlsOptions (mTLS through cert-manager), alpha in KubeRay v1.7.0 behind
// the RayClusterMTLS gate.
#include "webhook/core/field_error.h"
#include "webhook/rules/internal/spec.h"
#include "webhook/rules/rule.h"

namespace rayguard::rules {
namespace {

using internal::ClusterSpec;
using internal::Group;
using internal::json;
using internal::Member;

constexpr const char* kManagedEnv[] = {"RAY_USE_TLS", "RAY_TLS_SERVER_CERT",
                                       "RAY_TLS_SERVER_KEY", "RAY_TLS_CA_CERT"};
// The certificate volume KubeRay mounts into Ray and autoscaler containers
// (utils/constant.go: RayTLSVolumeName, RayTLSCertMountPath).
constexpr char kTlsVolume[] = "ray-tls";
constexpr char kTlsMountPath[] = "/etc/ray/tls";

void CheckGate(const ClusterSpec& c, const RuleContext& ctx, Findings* out) {
  if (Member(&c.spec, "tlsOptions") == nullptr ||
      ctx.GateEnabled("RayClusterMTLS")) {
    return;
  }
  out->push_back(field_error::Forbidden(
      "kuberay/tls-feature-gate", c.path.Child("tlsOptions"),
      "tlsOptions " + internal::GateDisabledDetail("RayClusterMTLS")));
}

void ForbidManagedEnv(const json* container, const FieldPath& container_path,
                      const std::string& where, Findings* out) {
  for (const char* name : kManagedEnv) {
    int i = internal::EnvIndex(container, name);
    if (i < 0) continue;
    out->push_back(field_error::Forbidden(
        "kuberay/tls-managed-env", container_path.Child("env").Index(i),
        std::string(name) + " in the " + where +
            " is managed by KubeRay when tlsOptions.enabled is true"));
  }
}

void CheckManagedEnv(const ClusterSpec& c, const RuleContext&, Findings* out) {
  if (!internal::TlsEnabled(c.spec)) return;
  internal::ForEachGroup(c, [&](const Group& g) {
    ForbidManagedEnv(internal::RayContainer(g.group),
                     internal::RayContainerPath(g.path), g.label, out);
  });
  ForbidManagedEnv(Member(&c.spec, "autoscalerOptions"),
                   c.path.Child("autoscalerOptions"), "autoscaler container",
                   out);
}

void ForbidManagedMount(const json* mounts, const FieldPath& mounts_path,
                        const std::string& where, Findings* out) {
  constexpr char kRule[] = "kuberay/tls-managed-volume-mount";
  const json& list = internal::ArrayOrEmpty(mounts);
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string name = internal::String(Member(&list[i], "name"));
    std::string path = internal::String(Member(&list[i], "mountPath"));
    if (name == kTlsVolume) {
      out->push_back(field_error::Invalid(
          kRule, mounts_path.Index(i).Child("name"), name,
          "KubeRay mounts its TLS certificates under this name in the " +
              where + " when tlsOptions.enabled is true"));
    } else if (path == kTlsMountPath) {
      out->push_back(field_error::Invalid(
          kRule, mounts_path.Index(i).Child("mountPath"), path,
          "KubeRay mounts its TLS certificates here in the " + where +
              " when tlsOptions.enabled is true"));
    }
  }
}

void CheckManagedMounts(const ClusterSpec& c, const RuleContext&,
                        Findings* out) {
  if (!internal::TlsEnabled(c.spec)) return;
  internal::ForEachGroup(c, [&](const Group& g) {
    ForbidManagedMount(Member(internal::RayContainer(g.group), "volumeMounts"),
                       internal::RayContainerPath(g.path).Child("volumeMounts"),
                       g.label, out);
  });
  ForbidManagedMount(
      internal::At(&c.spec, {"autoscalerOptions", "volumeMounts"}),
      c.path.Child("autoscalerOptions").Child("volumeMounts"),
      "autoscaler container", out);
}

}  // namespace

std::vector<Rule> TlsRules() {
  const std::vector<std::string>& kAll = internal::kClusterKinds;
  return {
      {"kuberay/tls-feature-gate", kAll,
       "tlsOptions needs the RayClusterMTLS gate", "RayClusterMTLS",
       internal::OnEachClusterSpec<CheckGate>},
      {"kuberay/tls-managed-env", kAll,
       "with tlsOptions enabled, Ray and autoscaler containers do not set "
       "RAY_USE_TLS or RAY_TLS_* themselves",
       "", internal::OnEachClusterSpec<CheckManagedEnv>},
      {"kuberay/tls-managed-volume-mount", kAll,
       "with tlsOptions enabled, Ray and autoscaler containers have no volume "
       "mount named ray-tls or at /etc/ray/tls",
       "", internal::OnEachClusterSpec<CheckManagedMounts>},
  };
}

}  // namespace rayguard::rules
