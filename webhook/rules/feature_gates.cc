#include "webhook/rules/feature_gates.h"

#include <optional>

namespace rayguard::rules {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// The spellings Go's strconv.ParseBool accepts, as component-base does.
std::optional<bool> ParseBool(std::string_view v) {
  for (std::string_view t : {"1", "t", "T", "true", "TRUE", "True"}) {
    if (v == t) return true;
  }
  for (std::string_view f : {"0", "f", "F", "false", "FALSE", "False"}) {
    if (v == f) return false;
  }
  return std::nullopt;
}

}  // namespace

const std::map<std::string, bool>& DefaultFeatureGates() {
  static const std::map<std::string, bool> kDefaults = {
      {"RayClusterStatusConditions", true},
      {"RayJobDeletionPolicy", true},
      {"RayMultiHostIndexing", true},
      {"RayServiceIncrementalUpgrade", true},
      {"RayCronJob", false},
      {"SidecarSubmitterRestart", false},
      {"RayClusterNetworkPolicy", false},
      {"GCSFaultToleranceEmbeddedStorage", false},
      {"RayClusterMTLS", false},
      {"RayClusterHistoryServer", false},
      {"KubernetesWAS", false},
  };
  return kDefaults;
}

Result<std::map<std::string, bool>> ParseFeatureGates(std::string_view text) {
  std::map<std::string, bool> gates;
  while (!Trim(text).empty()) {
    std::size_t comma = text.find(',');
    std::string_view entry = Trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? "" : text.substr(comma + 1);
    if (entry.empty()) continue;
    std::size_t eq = entry.find('=');
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument("--feature-gates: missing \"=\" in \"" +
                                     std::string(entry) +
                                     "\" (want Name=true|false)");
    }
    std::string name(Trim(entry.substr(0, eq)));
    if (!DefaultFeatureGates().contains(name)) {
      return Status::InvalidArgument(
          "--feature-gates: unrecognized feature gate: " + name);
    }
    std::optional<bool> value = ParseBool(Trim(entry.substr(eq + 1)));
    if (!value) {
      return Status::InvalidArgument(
          "--feature-gates: invalid value of " + name + ": \"" +
          std::string(Trim(entry.substr(eq + 1))) + "\" (want true or false)");
    }
    gates[name] = *value;
  }
  return gates;
}

std::map<std::string, bool> WithDefaultGates(
    const std::map<std::string, bool>& overrides) {
  std::map<std::string, bool> gates = DefaultFeatureGates();
  for (const auto& [name, value] : overrides) gates[name] = value;
  return gates;
}

}  // namespace rayguard::rules
