// The organisational policy layer on KubeRay's ray-cluster.complete.yaml:
// every bundled ValidatingAdmissionPolicy with its bundled params at once,
// then each policy alone. What the policies add to every admission review
// and every document `check` reads. See bench/RESULTS.md.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>

#include "webhook/manifest/file_walker.h"
#include "webhook/policy/params.h"
#include "webhook/policy/policy_engine.h"

namespace rayguard {
namespace {

constexpr char kPolicies[] = RAYGUARD_SOURCE_DIR "/policies";

[[noreturn]] void Die(std::string_view why) {
  std::cerr << why << "\n";
  std::exit(1);
}

const Resource& CompleteSample() {
  static const Resource* sample = [] {
    auto entries = manifest::ReadManifestFile(
        RAYGUARD_SOURCE_DIR
        "/tests/fixtures/samples/ray-cluster.complete.yaml");
    if (entries.empty() || !entries[0].error.ok())
      Die("cannot read the sample");
    return new Resource(std::move(entries[0].resource));
  }();
  return *sample;
}

policy::ParamStore BundledParams() {
  auto params = policy::ParamStore::Load({std::string(kPolicies) + "/params"});
  if (!params.ok()) Die(params.status().message());
  return std::move(params).value();
}

std::unique_ptr<const policy::PolicyEngine> Build(
    policy::PolicyObjects objects) {
  std::vector<policy::LoadError> errors;
  auto engine = policy::PolicyEngine::Create(std::move(objects),
                                             BundledParams(), {}, &errors);
  if (!engine.ok()) Die(engine.status().message());
  return std::move(engine).value();
}

void Run(benchmark::State& state, const policy::PolicyEngine& engine) {
  const Resource& resource = CompleteSample();
  std::size_t findings = 0;
  for (auto _ : state) {
    CheckResult result;
    engine.Evaluate(resource, &result);
    findings = result.findings.size();
    benchmark::DoNotOptimize(result);
  }
  state.counters["findings"] = static_cast<double>(findings);
  state.counters["policies"] = engine.counts().policies;
}

// Loading and compiling the bundled library once, as `check` and `serve`
// do at start: without schemas, then with the load-time field checks (the
// first load reads and merges the generated schemas; later loads in the
// same process reuse them).
void Load(benchmark::State& state, const std::string& schemas) {
  for (auto _ : state) {
    auto e = policy::LoadPolicyEngine({{kPolicies}, "", false, schemas});
    if (!e.ok()) Die(e.status().message());
    benchmark::DoNotOptimize(e);
  }
}
BENCHMARK_CAPTURE(Load, BundledWithoutSchemas, "")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);
BENCHMARK_CAPTURE(Load, BundledWithSchemasFirstLoad,
                  RAYGUARD_SOURCE_DIR "/schemas")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(Load, BundledWithSchemasLaterLoads,
                  RAYGUARD_SOURCE_DIR "/schemas")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);

// The whole bundled library, loaded the way `check` and `serve` load it.
void BM_BundledPolicies(benchmark::State& state) {
  static auto engine = [] {
    auto e = policy::LoadPolicyEngine(
        {{kPolicies}, "", false, RAYGUARD_SOURCE_DIR "/schemas"});
    if (!e.ok()) Die(e.status().message());
    return std::move(e).value();
  }();
  Run(state, *engine);
}
BENCHMARK(BM_BundledPolicies)->Unit(benchmark::kMicrosecond);

// One benchmark per bundled policy, with only its own bindings.
void RegisterPerPolicy() {
  policy::PolicyObjects all;
  std::vector<policy::LoadError> errors;
  policy::ReadPolicyDirs({kPolicies}, &all, &errors);
  if (!errors.empty()) Die(errors[0].ToString());
  for (const policy::ValidatingAdmissionPolicy& p : all.policies) {
    policy::PolicyObjects one;
    one.policies.push_back(p);
    for (const auto& b : all.bindings) {
      if (b.policy_name == p.name) one.bindings.push_back(b);
    }
    std::shared_ptr<const policy::PolicyEngine> engine = Build(std::move(one));
    benchmark::RegisterBenchmark(
        ("BM_Policy/" + p.name).c_str(),
        [engine](benchmark::State& state) { Run(state, *engine); })
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace
}  // namespace rayguard

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  rayguard::RegisterPerPolicy();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
