// Compile and evaluation time of realistic RayCluster policy expressions
// over tests/fixtures/samples/ray-cluster.complete.yaml. The same
// expressions run under cel-js in bench/cel_js_compare.sh.

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <new>
#include <sstream>

#include "webhook/cel/cel.h"
#include "webhook/manifest/yaml_reader.h"

// Every heap allocation of the process, counted by the replaced global
// operator new below, so BM_Eval can report allocations per evaluation.
std::atomic<uint64_t> g_allocations{0};

void* CountedAlloc(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}

void* operator new(std::size_t n) { return CountedAlloc(n); }
void* operator new[](std::size_t n) { return CountedAlloc(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

using rayguard::cel::Activation;
using rayguard::cel::Compile;
using rayguard::cel::Env;

// Keep in step with bench/cel_expressions.json.
const char* const kExpressions[] = {
    // Every container of every group sets CPU and memory limits.
    "object.spec.headGroupSpec.template.spec.containers.all(c, "
    "has(c.resources.limits) && 'cpu' in c.resources.limits && 'memory' in "
    "c.resources.limits) && object.spec.workerGroupSpecs.all(g, "
    "g.template.spec.containers.all(c, has(c.resources.limits) && 'cpu' in "
    "c.resources.limits && 'memory' in c.resources.limits))",
    // Total GPUs at max scale stay within a quota.
    "object.spec.workerGroupSpecs.map(g, g.maxReplicas * "
    "g.template.spec.containers.map(c, has(c.resources.limits) && "
    "'nvidia.com/gpu' in c.resources.limits ? "
    "int(c.resources.limits['nvidia.com/gpu']) : 0).sum()).sum() <= 64",
    // Images come from allowed registries.
    "object.spec.workerGroupSpecs.all(g, g.template.spec.containers.all(c, "
    "c.image.startsWith('rayproject/') || "
    "c.image.startsWith('docker.io/rayproject/'))) && "
    "object.spec.headGroupSpec.template.spec.containers.all(c, "
    "c.image.startsWith('rayproject/') || "
    "c.image.startsWith('docker.io/rayproject/'))",
};

// rayguard only (cel-js has no Kubernetes quantities): memory limits of
// every container at most 64Gi. Each quantity() is one value box; ordinary
// quantities allocate nothing more.
const char* const kQuantityExpression =
    "object.spec.workerGroupSpecs.all(g, g.template.spec.containers.all(c, "
    "!has(c.resources.limits.memory) || "
    "quantity(c.resources.limits.memory).isLessThan(quantity('64Gi')))) && "
    "object.spec.headGroupSpec.template.spec.containers.all(c, "
    "!has(c.resources.limits.memory) || "
    "quantity(c.resources.limits.memory).isLessThan(quantity('64Gi')))";

const nlohmann::json& Object() {
  static const nlohmann::json object = [] {
    std::ifstream in(std::string(RAYGUARD_SOURCE_DIR) +
                     "/tests/fixtures/samples/ray-cluster.complete.yaml");
    std::stringstream text;
    text << in.rdbuf();
    auto stream = rayguard::manifest::ReadYaml(text.str());
    return stream.documents.at(0).value;
  }();
  return object;
}

void BM_Compile(benchmark::State& state) {
  Env env = Env::Admission();
  for (auto _ : state) {
    auto p = Compile(kExpressions[state.range(0)], env);
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_Compile)->DenseRange(0, 2);

void EvalLoop(benchmark::State& state, const char* expression) {
  auto program = Compile(expression, Env::Admission());
  if (!program.ok()) {
    state.SkipWithError(program.status().message().c_str());
    return;
  }
  Activation act;
  act.Bind("object", &Object());
  rayguard::cel::Value v = (*program)->Eval(act);
  if (v.IsError() || v.kind() != rayguard::cel::Value::Kind::kBool) {
    state.SkipWithError(("unexpected result " + v.DebugString()).c_str());
    return;
  }
  uint64_t before = g_allocations.load();
  for (auto _ : state) {
    benchmark::DoNotOptimize((*program)->Eval(act));
  }
  state.counters["allocs_per_eval"] = benchmark::Counter(
      double(g_allocations.load() - before), benchmark::Counter::kAvgIterations);
}

void BM_Eval(benchmark::State& state) {
  EvalLoop(state, kExpressions[state.range(0)]);
}
BENCHMARK(BM_Eval)->DenseRange(0, 2);

void BM_EvalQuantity(benchmark::State& state) {
  EvalLoop(state, kQuantityExpression);
}
BENCHMARK(BM_EvalQuantity);

}  // namespace

BENCHMARK_MAIN();
