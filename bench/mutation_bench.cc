// The cost of /mutate's core: every bundled mutation policy on KubeRay's
// ray-cluster.complete.yaml (and the RayJob and RayService samples), then
// the JSON Patch diff. See bench/RESULTS.md.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "webhook/mutation/json_patch.h"
#include "webhook/mutation/mutation_layer.h"
#include "webhook/policy/yaml_document.h"

namespace rayguard {
namespace {

// The first document of tests/fixtures/samples/<name> whose kind is `kind`.
nlohmann::json Sample(const std::string& name, const std::string& kind) {
  auto docs = policy::ReadYamlFile(
      RAYGUARD_SOURCE_DIR "/tests/fixtures/samples/" + name);
  if (docs.ok()) {
    for (const policy::YamlDocument& d : *docs) {
      if (d.json.value("kind", "") == kind) return d.json;
    }
  }
  std::cerr << "cannot read a " << kind << " from " << name << "\n";
  std::exit(1);
}

nlohmann::json CompleteSample() {
  return Sample("ray-cluster.complete.yaml", "RayCluster");
}

const mutation::MutationSystem& BundledLayer() {
  static auto layer =
      mutation::NewMutationLayer({{RAYGUARD_SOURCE_DIR "/policies"},
                                  "",
                                  RAYGUARD_SOURCE_DIR "/schemas",
                                  false});
  if (!layer.ok()) {
    std::cerr << layer.status().message() << "\n";
    std::exit(1);
  }
  return **layer;
}

void MutateAndDiff(benchmark::State& state, const nlohmann::json& object) {
  const mutation::MutationSystem& layer = BundledLayer();
  Resource request;
  request.object = object;
  std::size_t ops = 0;
  for (auto _ : state) {
    nlohmann::json object = request.object;
    CheckResult result;
    Status s = layer.Mutate(request, &object, &result);
    nlohmann::json patch = json_patch::Diff(request.object, object);
    ops = patch.size();
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(patch);
  }
  state.counters["patch_ops"] = static_cast<double>(ops);
  state.counters["policies"] = static_cast<double>(layer.size());
}
void BM_BundledMutationsAndDiff(benchmark::State& state) {
  MutateAndDiff(state, CompleteSample());
}
BENCHMARK(BM_BundledMutationsAndDiff)->Unit(benchmark::kMicrosecond);

// The cluster a RayJob creates (spec.rayClusterSpec).
void BM_BundledMutationsAndDiffRayJob(benchmark::State& state) {
  MutateAndDiff(state, Sample("ray-job.sample.yaml", "RayJob"));
}
BENCHMARK(BM_BundledMutationsAndDiffRayJob)->Unit(benchmark::kMicrosecond);

// The cluster a RayService serves from (spec.rayClusterConfig).
void BM_BundledMutationsAndDiffRayService(benchmark::State& state) {
  MutateAndDiff(state, Sample("ray-service.sample.yaml", "RayService"));
}
BENCHMARK(BM_BundledMutationsAndDiffRayService)->Unit(benchmark::kMicrosecond);

void BM_DiffOnly(benchmark::State& state) {
  nlohmann::json original = CompleteSample();
  nlohmann::json mutated = original;
  mutated["metadata"]["labels"]["app.kubernetes.io/part-of"] = "ray";
  mutated["spec"]["headGroupSpec"]["rayStartParams"]["num-cpus"] = "0";
  mutated["spec"]["workerGroupSpecs"][0]["template"]["spec"]["tolerations"] =
      nlohmann::json::array({{{"key", "nvidia.com/gpu"}}});
  for (auto _ : state) {
    benchmark::DoNotOptimize(json_patch::Diff(original, mutated));
  }
}
BENCHMARK(BM_DiffOnly)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace rayguard

BENCHMARK_MAIN();
