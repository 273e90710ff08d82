// The built-in KubeRay rule layer alone, on KubeRay samples: what the rules
// add to every admission review and every document `check` reads.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "webhook/rules/rule_set.h"

namespace {

nlohmann::json ToJson(const YAML::Node& node) {
  if (node.IsMap()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& kv : node) out[kv.first.Scalar()] = ToJson(kv.second);
    return out;
  }
  if (node.IsSequence()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : node) out.push_back(ToJson(item));
    return out;
  }
  if (!node.IsScalar()) return nullptr;
  const std::string& s = node.Scalar();
  if (node.Tag() != "!" && (s == "true" || s == "false")) return s == "true";
  try {
    std::size_t pos = 0;
    long long i = std::stoll(s, &pos);
    if (pos == s.size() && node.Tag() != "!") return i;
  } catch (...) {
  }
  return s;
}

rayguard::Resource Load(const std::string& sample, const std::string& kind) {
  for (const YAML::Node& doc : YAML::LoadAllFromFile(
           std::string(RAYGUARD_SOURCE_DIR) + "/tests/fixtures/samples/" + sample)) {
    if (doc["kind"] && doc["kind"].Scalar() == kind) {
      rayguard::Resource r;
      r.object = ToJson(doc);
      return r;
    }
  }
  return rayguard::Resource();
}

void Run(benchmark::State& state, const std::string& sample, const std::string& kind) {
  auto layer = rayguard::rules::NewRuleLayer({});
  rayguard::Resource resource = Load(sample, kind);
  for (auto _ : state) {
    rayguard::CheckResult result;
    layer->Check(resource, &result);
    benchmark::DoNotOptimize(result);
  }
}

void BM_RulesRayClusterComplete(benchmark::State& state) {
  Run(state, "ray-cluster.complete.yaml", "RayCluster");
}
void BM_RulesRayJobSample(benchmark::State& state) {
  Run(state, "ray-job.sample.yaml", "RayJob");
}
void BM_RulesRayServiceSample(benchmark::State& state) {
  Run(state, "ray-service.sample.yaml", "RayService");
}
BENCHMARK(BM_RulesRayClusterComplete);
BENCHMARK(BM_RulesRayJobSample);
BENCHMARK(BM_RulesRayServiceSample);

}  // namespace

BENCHMARK_MAIN();
