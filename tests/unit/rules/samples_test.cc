// Every KubeRay v1.7.0 sample (tests/fixtures/samples, copied from upstream
// ray-operator/config/samples) passes the rules with the default gates, except
// the samples of alpha features, which need their gate on as upstream's
// comments in those files say. They pass once that gate is enabled.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "tests/testing/fixtures.h"
#include "webhook/validator/validator.h"

namespace rayguard {
namespace {

struct GatedSample {
  std::string gate;  // the gate the sample needs
  std::string rule;  // what the default gates report
};

// Samples of alpha features, off by default in KubeRay v1.7.0.
const std::map<std::string, GatedSample>& GatedSamples() {
  static const std::map<std::string, GatedSample> kSamples = {
      {"ray-cluster.embedded-gcs-ft.yaml",
       {"GCSFaultToleranceEmbeddedStorage",
        "kuberay/gcs-ft-rocksdb-feature-gate"}},
      {"ray-cluster.historyserver.yaml",
       {"RayClusterHistoryServer", "kuberay/history-server-feature-gate"}},
      {"ray-cluster.mtls.yaml", {"RayClusterMTLS", "kuberay/tls-feature-gate"}},
      {"ray-cluster.network-policy-deny-all.yaml",
       {"RayClusterNetworkPolicy", "kuberay/network-policy-feature-gate"}},
      // A warning: the operator stores RayCronJobs but acts on them only
      // with the gate on.
      {"ray-cronjob.sample.yaml",
       {"RayCronJob", "kuberay/raycronjob-feature-gate"}},
      {"ray-cronjob-timezone.sample.yaml",
       {"RayCronJob", "kuberay/raycronjob-feature-gate"}},
  };
  return kSamples;
}

std::vector<Resource> Resources(const std::string& file) {
  std::vector<Resource> out;
  for (nlohmann::json doc : testing::LoadYamlDocuments(file)) {
    if (!Validator::Handles(doc)) continue;
    Resource r;
    r.object = std::move(doc);
    out.push_back(std::move(r));
  }
  return out;
}

std::set<std::string> RulesFired(const std::string& file,
                                 const std::map<std::string, bool>& gates) {
  ValidatorOptions options;
  options.feature_gates = gates;
  auto validator = Validator::Create(options);
  EXPECT_TRUE(validator.ok());
  std::set<std::string> fired;
  for (const Resource& r : Resources(file)) {
    for (const Finding& f : (*validator)->Check(r).findings) {
      fired.insert(f.rule);
      ADD_FAILURE_AT(file.c_str(), 0) << f.rule << " " << f.ToString()
                                      << (gates.empty() ? "" : " (gate on)");
    }
  }
  return fired;
}

TEST(SamplesTest, KubeRaySamplesPassWithDefaultGates) {
  int checked = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::FixturePath("samples"))) {
    if (entry.path().extension() != ".yaml") continue;
    std::string name = entry.path().filename();
    ++checked;
    auto gated = GatedSamples().find(name);
    if (gated == GatedSamples().end()) {
      RulesFired(entry.path(), {});
      continue;
    }
    // Off by default: exactly the gate rule fires; with the gate on, nothing.
    ValidatorOptions options;
    auto validator = Validator::Create(options);
    std::set<std::string> fired;
    for (const Resource& r : Resources(entry.path())) {
      for (const Finding& f : (*validator)->Check(r).findings)
        fired.insert(f.rule);
    }
    EXPECT_EQ(fired, std::set<std::string>{gated->second.rule}) << name;
    RulesFired(entry.path(), {{gated->second.gate, true}});
  }
  EXPECT_GT(checked, 80);
}

}  // namespace
}  // namespace rayguard
