// History server collector (spec.historyServerOptions), alpha in KubeRay
// v1.7.0 behind the RayClusterHistoryServer gate.
#include <algorithm>
#include <cctype>

#include "webhook/core/field_error.h"
#include "webhook/rules/internal/spec.h"
#include "webhook/rules/internal/syntax.h"
#include "webhook/rules/rule.h"

namespace rayguard::rules {
namespace {

using internal::ClusterSpec;
using internal::json;
using internal::Member;

const json* Collector(const ClusterSpec& c) {
  return internal::At(&c.spec, {"historyServerOptions", "collectorOptions"});
}
FieldPath CollectorPath(const ClusterSpec& c) {
  return c.path.Child("historyServerOptions").Child("collectorOptions");
}
bool Enabled(const ClusterSpec& c) {
  return Member(&c.spec, "historyServerOptions") != nullptr;
}

// The collector's env var `name`, or nullptr.
const json* CollectorEnv(const ClusterSpec& c, std::string_view name) {
  int i = internal::EnvIndex(Collector(c), name);
  return i < 0 ? nullptr : &(*Collector(c))["env"][i];
}
bool HasValue(const ClusterSpec& c, std::string_view name) {
  const json* env = CollectorEnv(c, name);
  return env != nullptr && (!internal::String(Member(env, "value")).empty() ||
                            Member(env, "valueFrom") != nullptr);
}

void CheckGate(const ClusterSpec& c, const RuleContext& ctx, Findings* out) {
  if (!Enabled(c) || ctx.GateEnabled("RayClusterHistoryServer")) return;
  out->push_back(field_error::Forbidden(
      "kuberay/history-server-feature-gate",
      c.path.Child("historyServerOptions"),
      "the history server collector " +
          internal::GateDisabledDetail("RayClusterHistoryServer")));
}

void CheckCollector(const ClusterSpec& c, const RuleContext&, Findings* out) {
  if (!Enabled(c)) return;
  if (Collector(c) == nullptr) {
    out->push_back(field_error::Required(
        "kuberay/history-server-collector", CollectorPath(c),
        "historyServerOptions needs collectorOptions"));
  } else if (internal::String(Member(Collector(c), "image")).empty()) {
    out->push_back(field_error::Required("kuberay/history-server-collector",
                                         CollectorPath(c).Child("image"),
                                         "the collector image must be set"));
  }
}

void CheckManagedEnv(const ClusterSpec& c, const RuleContext&, Findings* out) {
  if (!Enabled(c)) return;
  for (const char* name :
       {"POD_IP", "FQ_RAY_IP", "RAY_CLUSTER_NAME", "RAY_CLUSTER_NAMESPACE",
        "RAY_ROLE", "OWNER_KIND", "OWNER_NAME", "EVENTS_PORT"}) {
    int i = internal::EnvIndex(Collector(c), name);
    if (i < 0) continue;
    out->push_back(field_error::Forbidden(
        "kuberay/history-server-managed-env",
        CollectorPath(c).Child("env").Index(i),
        std::string(name) + " is set by KubeRay in the collector container"));
  }
}

// What each storage backend needs, beyond STORAGE_BACKEND itself.
std::vector<std::string> MissingForBackend(const ClusterSpec& c,
                                           const std::string& backend) {
  std::vector<std::string> needs;
  if (backend == "GCS") needs = {"GCS_BUCKET"};
  if (backend == "S3") needs = {"S3_REGION"};
  if (backend == "ALIYUNOSS")
    needs = {"OSS_BUCKET", "OSS_ENDPOINT", "OSS_REGION"};
  if (backend == "AZUREBLOB") {
    // KubeRay trims the mode before it compares (strings.TrimSpace).
    std::string mode = internal::TrimSpace(internal::String(
        Member(CollectorEnv(c, "AZURE_STORAGE_AUTH_MODE"), "value")));
    std::transform(mode.begin(), mode.end(), mode.begin(),
                   [](unsigned char ch) { return std::tolower(ch); });
    if (mode == "connection_string")
      needs = {"AZURE_STORAGE_CONNECTION_STRING"};
    if (mode == "workload_identity" || mode == "default")
      needs = {"AZURE_STORAGE_ACCOUNT_URL"};
    if (needs.empty() && !HasValue(c, "AZURE_STORAGE_CONNECTION_STRING") &&
        !HasValue(c, "AZURE_STORAGE_ACCOUNT_URL")) {
      return {"AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL"};
    }
  }
  std::erase_if(needs, [&](const std::string& n) { return HasValue(c, n); });
  return needs;
}

void CheckStorageBackend(const ClusterSpec& c, const RuleContext&,
                         Findings* out) {
  constexpr char kRule[] = "kuberay/history-server-storage-backend";
  if (!Enabled(c) || Collector(c) == nullptr) return;
  FieldPath env_path = CollectorPath(c).Child("env");
  std::string backend =
      internal::String(Member(CollectorEnv(c, "STORAGE_BACKEND"), "value"));
  if (backend.empty()) {
    out->push_back(field_error::Required(
        kRule, env_path,
        "STORAGE_BACKEND must be set with a literal value (GCS, S3, AZUREBLOB "
        "or ALIYUNOSS)"));
    return;
  }
  std::transform(backend.begin(), backend.end(), backend.begin(),
                 [](unsigned char ch) { return std::toupper(ch); });
  for (const std::string& name : MissingForBackend(c, backend)) {
    out->push_back(field_error::Required(
        kRule, env_path,
        name + " must be set when STORAGE_BACKEND is " + backend));
  }
}

// KubeRay adds the collector to every Ray pod under this name
// (utils.CollectorContainerName); a container of the same name would clash.
void CheckCollectorName(const ClusterSpec& c, const RuleContext&,
                        Findings* out) {
  constexpr char kCollectorName[] = "ray-history-collector";
  if (!Enabled(c)) return;
  internal::ForEachGroup(c, [&](const internal::Group& g) {
    const json& containers = internal::ArrayOrEmpty(
        internal::At(&g.group, {"template", "spec", "containers"}));
    for (std::size_t i = 0; i < containers.size(); ++i) {
      if (internal::String(Member(&containers[i], "name")) != kCollectorName)
        continue;
      out->push_back(field_error::Invalid(
          "kuberay/history-server-collector-name",
          g.path.Child("template")
              .Child("spec")
              .Child("containers")
              .Index(i)
              .Child("name"),
          kCollectorName,
          "is the name of the container KubeRay adds for the history server "
          "collector"));
    }
  });
}

}  // namespace

std::vector<Rule> HistoryServerRules() {
  const std::vector<std::string>& kAll = internal::kClusterKinds;
  return {
      {"kuberay/history-server-feature-gate", kAll,
       "historyServerOptions needs the RayClusterHistoryServer gate",
       "RayClusterHistoryServer", internal::OnEachClusterSpec<CheckGate>},
      {"kuberay/history-server-collector", kAll,
       "historyServerOptions has collectorOptions with an image", "",
       internal::OnEachClusterSpec<CheckCollector>},
      {"kuberay/history-server-managed-env", kAll,
       "the collector's env does not set variables KubeRay injects (POD_IP, "
       "RAY_CLUSTER_NAME, OWNER_KIND, EVENTS_PORT, ...)",
       "", internal::OnEachClusterSpec<CheckManagedEnv>},
      {"kuberay/history-server-storage-backend", kAll,
       "the collector's STORAGE_BACKEND is set, with the variables its backend "
       "needs (GCS_BUCKET, S3_REGION, AZURE_*, OSS_*)",
       "", internal::OnEachClusterSpec<CheckStorageBackend>},
      {"kuberay/history-server-collector-name", kAll,
       "with historyServerOptions, no head or worker container is named "
       "ray-history-collector",
       "", internal::OnEachClusterSpec<CheckCollectorName>},
  };
}

}  // namespace rayguard::rules
