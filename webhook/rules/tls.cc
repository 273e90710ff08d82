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

}  // namespace

std::vector<Rule> TlsRules() {
  const std::vector<std::string> kAll = {"RayCluster", "RayJob", "RayService"};
  return {
      {"kuberay/tls-feature-gate", kAll,
       "tlsOptions needs the RayClusterMTLS gate", "RayClusterMTLS",
       internal::OnEachClusterSpec<CheckGate>},
      {"kuberay/tls-managed-env", kAll,
       "with tlsOptions enabled, Ray and autoscaler containers do not set "
       "RAY_USE_TLS or RAY_TLS_* themselves",
       "", internal::OnEachClusterSpec<CheckManagedEnv>},
  };
}

}  // namespace rayguard::rules
