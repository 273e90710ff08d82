// The cost of /mutate's core: every bundled mutation policy on KubeRay's
// ray-cluster.complete.yaml, then the JSON Patch diff. See bench/RESULTS.md.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>

#include "webhook/mutation/json_patch.h"
#include "webhook/mutation/mutation_layer.h"
#include "webhook/policy/yaml_document.h"

namespace rayguard {
namespace {

nlohmann::json CompleteSample() {
  auto docs = policy::ReadYamlFile(
      RAYGUARD_SOURCE_DIR "/tests/fixtures/samples/ray-cluster.complete.yaml");
  if (!docs.ok() || docs->empty()) {
    std::cerr << "cannot read the sample\n";
    std::exit(1);
  }
  return (*docs)[0].json;
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

void BM_BundledMutationsAndDiff(benchmark::State& state) {
  const mutation::MutationSystem& layer = BundledLayer();
  Resource request;
  request.object = CompleteSample();
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
BENCHMARK(BM_BundledMutationsAndDiff)->Unit(benchmark::kMicrosecond);

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
